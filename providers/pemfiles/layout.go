package pemfiles

import (
	"fmt"
	"io/fs"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

// Default modes: certificates are public; a private key is readable by its
// owner only.
const (
	defaultFileMode = "0644"
	defaultKeyMode  = "0600"
)

// roles are the path attributes, in the order files are listed and
// written.
func roles() []string { return []string{"cert", "key", "chain", "fullchain", "bundle"} }

// layout is what a store block asks for, before any content is read.
type layout struct {
	paths    map[string]string // role -> path, for the roles set
	fileMode fs.FileMode
	keyMode  fs.FileMode
	cert     cty.Value // the certificate value, or null
	trust    []cty.Value
	// trustKnown is false while the list of trust chains is unknown.
	trustKnown bool
}

// mode returns the mode of the file with this role.
func (l layout) mode(role string) fs.FileMode {
	if role == "key" {
		return l.keyMode
	}
	return l.fileMode
}

// parseLayout reads and checks the configuration.
func parseLayout(address string, config cty.Value) (layout, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	l := layout{paths: map[string]string{}, cert: providers.Attr(config, "certificate"), trustKnown: true}

	seen := map[string]string{}
	for _, role := range roles() {
		v := providers.Attr(config, role)
		switch {
		case v.IsNull():
			continue
		case !v.IsKnown():
			diags = append(diags, errorf(address, "Path not known",
				fmt.Sprintf("%s is not known until apply; paths must be known when planning.", role)))
			continue
		case v.AsString() == "":
			diags = append(diags, errorf(address, "Empty path", role+" is empty; set a file name or remove it."))
			continue
		}
		p := v.AsString()
		if other, dup := seen[p]; dup {
			diags = append(diags, errorf(address, "Same file twice",
				fmt.Sprintf("%s and %s both name %q; each file needs its own path.", other, role, p)))
			continue
		}
		seen[p] = role
		l.paths[role] = p
	}
	if len(l.paths) == 0 && !diags.HasErrors() {
		diags = append(diags, errorf(address, "No files",
			"Set at least one path: cert, key, chain or fullchain with certificate, or bundle with trust."))
	}

	needCert := l.paths["cert"] != "" || l.paths["key"] != "" || l.paths["chain"] != "" || l.paths["fullchain"] != ""
	switch {
	case needCert && l.cert.IsNull():
		diags = append(diags, errorf(address, "Missing certificate",
			"cert, key, chain and fullchain are written from a certificate; set certificate = certificate.NAME."))
	case !needCert && !l.cert.IsNull():
		diags = append(diags, errorf(address, "certificate not written",
			"certificate is set but none of cert, key, chain or fullchain is; set the paths to write it to."))
	case l.cert.IsKnown() && !l.cert.IsNull() && !l.cert.Type().IsObjectType() && !l.cert.Type().IsMapType():
		diags = append(diags, errorf(address, "Invalid certificate",
			fmt.Sprintf("certificate must be a certificate block, such as certificate.ies, but it is a %s.", l.cert.Type().FriendlyName())))
	}

	trust := providers.Attr(config, "trust")
	switch {
	case !trust.IsKnown():
		l.trustKnown = false
	case trust.IsNull():
	case trust.Type().IsListType() || trust.Type().IsTupleType() || trust.Type().IsSetType():
		for it := trust.ElementIterator(); it.Next(); {
			_, e := it.Element()
			l.trust = append(l.trust, e)
		}
	default:
		l.trust = []cty.Value{trust}
	}
	hasTrust := !trust.IsNull()
	switch {
	case l.paths["bundle"] != "" && !hasTrust:
		diags = append(diags, errorf(address, "Missing trust",
			"bundle is written from trust chains; set trust = [trust_chain.NAME]."))
	case l.paths["bundle"] == "" && hasTrust:
		diags = append(diags, errorf(address, "trust not written",
			"trust is set but bundle is not; set bundle to the path of the CA bundle file."))
	}

	var d hcl.Diagnostics
	l.fileMode, d = storefile.ParseMode(address, "file_mode", providers.Attr(config, "file_mode"), defaultFileMode)
	diags = append(diags, d...)
	l.keyMode, d = storefile.ParseMode(address, "key_mode", providers.Attr(config, "key_mode"), defaultKeyMode)
	diags = append(diags, d...)
	if w := storefile.KeyModeWarning(address, "key_mode", l.keyMode); w != nil && l.paths["key"] != "" && !d.HasErrors() {
		diags = append(diags, w)
	}
	return l, diags
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}
