package trustchain

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
)

// member is one certificate of a chain, from roots or intermediates.
type member struct {
	cert *x509.Certificate
	fp   string // lowercase hex SHA-256 of the DER
	from string // where it came from, for messages: "roots[0]"
}

// value builds the trust chain's value, {roots, intermediates,
// bundle_pem}, and checks it. Lists holding unknown certificates make the
// value's lists and bundle unknown.
func value(address string, config cty.Value) (cty.Value, hcl.Diagnostics) {
	roots, rknown, diags := collect(address, "roots", providers.Attr(config, "roots"))
	inters, iknown, idiags := collect(address, "intermediates", providers.Attr(config, "intermediates"))
	diags = append(diags, idiags...)
	if rknown && len(roots) == 0 && !diags.HasErrors() {
		diags = append(diags, errorf(address, "No root certificates",
			"roots is empty. List the root CA certificates clients must trust, such as roots = [certificate.company_root]."))
	}

	seen := map[string]bool{}
	dedup := func(ms []member) []member {
		var out []member
		for _, m := range ms {
			if !seen[m.fp] {
				seen[m.fp] = true
				out = append(out, m)
			}
		}
		return out
	}
	roots, inters = dedup(roots), dedup(inters)

	v := map[string]cty.Value{
		"roots":         cty.UnknownVal(cty.List(cty.String)),
		"intermediates": cty.UnknownVal(cty.List(cty.String)),
		"bundle_pem":    cty.UnknownVal(cty.String),
	}
	if rknown {
		v["roots"] = providers.StringList(fingerprints(roots))
	}
	if iknown {
		v["intermediates"] = providers.StringList(fingerprints(inters))
	}
	if rknown && iknown {
		var b strings.Builder
		for _, m := range append(append([]member(nil), roots...), inters...) {
			b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: m.cert.Raw}))
		}
		v["bundle_pem"] = cty.StringVal(b.String())
		diags = append(diags, checkChain(address, roots, inters)...)
	}
	return cty.ObjectVal(v), diags
}

func fingerprints(ms []member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.fp
	}
	return out
}

// collect reads the certificates of a roots or intermediates list. known
// is false when some are not known yet.
func collect(address, name string, list cty.Value) (ms []member, known bool, diags hcl.Diagnostics) {
	if list == cty.NilVal || list.IsNull() {
		return nil, true, nil
	}
	if !list.IsKnown() {
		return nil, false, nil
	}
	ty := list.Type()
	var elems []cty.Value
	if ty.IsListType() || ty.IsTupleType() || ty.IsSetType() {
		for it := list.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, e)
		}
	} else {
		elems = []cty.Value{list} // a single certificate or PEM text
	}
	known = true
	for i, e := range elems {
		from := fmt.Sprintf("%s[%d]", name, i)
		text, ok, d := pemOf(address, from, e)
		diags = append(diags, d...)
		if !ok {
			if !d.HasErrors() {
				known = false // not known until apply
			}
			continue
		}
		certs, err := parsePEM(text)
		if err != nil {
			diags = append(diags, errorf(address, "Invalid certificate in "+name, fmt.Sprintf("%s: %s.", from, err)))
			continue
		}
		for _, c := range certs {
			m := member{cert: c, fp: pemcert.Fingerprint(c), from: from}
			if d := checkCA(address, m); d != nil {
				diags = append(diags, d)
				continue
			}
			ms = append(ms, m)
		}
	}
	return ms, known, diags
}

// pemOf returns the PEM text of a list element: a string, or the pem of a
// certificate value. ok is false when it is unknown or invalid; an error
// diagnostic says which.
func pemOf(address, from string, e cty.Value) (text string, ok bool, diags hcl.Diagnostics) {
	if !e.IsKnown() {
		return "", false, nil
	}
	if e.IsNull() {
		return "", false, hcl.Diagnostics{errorf(address, "Null certificate", from+" is null.")}
	}
	if e.Type() == cty.String {
		return e.AsString(), true, nil
	}
	if !e.Type().IsObjectType() && !e.Type().IsMapType() {
		return "", false, hcl.Diagnostics{errorf(address, "Invalid certificate",
			fmt.Sprintf("%s is a %s; use a certificate block (certificate.NAME) or PEM text (file(\"ca.pem\")).", from, e.Type().FriendlyName()))}
	}
	if isCA := providers.Attr(e, "is_ca"); providers.Exists(isCA) && isCA.Type() == cty.Bool && isCA.False() {
		name := providers.String(e, "common_name")
		return "", false, hcl.Diagnostics{leafError(address, from, fmt.Sprintf("certificate %q", name))}
	}
	p := providers.Attr(e, "pem")
	switch {
	case !p.IsKnown():
		return "", false, nil
	case p.IsNull() || p.Type() != cty.String:
		return "", false, hcl.Diagnostics{errorf(address, "Invalid certificate",
			fmt.Sprintf("%s has no pem attribute; use a certificate block (certificate.NAME) or PEM text.", from))}
	}
	return p.AsString(), true, nil
}

// parsePEM reads every certificate of a PEM text. Private keys are
// refused: a trust chain is handed to every client.
func parsePEM(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case b.Type == "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
			}
			out = append(out, c)
		case strings.Contains(b.Type, "PRIVATE KEY"):
			return nil, fmt.Errorf("it holds a private key (%s); a trust chain holds certificates only, and is given to every client", b.Type)
		default:
			return nil, fmt.Errorf("unexpected PEM block %q; a trust chain holds CERTIFICATE blocks only", b.Type)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no PEM certificate found")
	}
	return out, nil
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}

func warnf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: address + ": " + detail}
}
