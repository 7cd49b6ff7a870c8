package pemfiles

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

// file is one file a store writes.
type file struct {
	role string
	path string
	mode fs.FileMode
	// content is nil when known is false: it depends on a certificate not
	// yet issued.
	content []byte
	known   bool
}

// sensitive reports whether the file holds a private key.
func (f file) sensitive() bool { return f.role == "key" }

// desired is the files a store should hold, and what its value records
// besides them.
type desired struct {
	files     []file
	l         layout
	fp, keyID cty.Value
}

// value is the store's value recording d.
func (d desired) value() cty.Value {
	return storeValue(d.l, d.files, d.fp, d.keyID)
}

// matches reports whether live, a store's value, records just what d
// would: it spares building d's value and comparing the two when a plan
// finds nothing to do.
func (d desired) matches(live cty.Value) bool {
	if !providers.Exists(live) ||
		providers.String(live, "file_mode") != storefile.FormatMode(d.l.fileMode) ||
		providers.String(live, "key_mode") != storefile.FormatMode(d.l.keyMode) ||
		!providers.Equal(providers.Attr(live, "certificate_fingerprint"), d.fp) ||
		!providers.Equal(providers.Attr(live, "key_id"), d.keyID) {
		return false
	}
	for _, role := range roles() {
		got := providers.Attr(live, role)
		if p, ok := d.l.paths[role]; ok != !got.IsNull() || ok && got.AsString() != p {
			return false
		}
	}
	hashes, modes := entries(providers.Attr(live, "files")), entries(providers.Attr(live, "modes"))
	if len(hashes) != len(d.files) || len(modes) != len(d.files) {
		return false
	}
	for _, f := range d.files {
		if !f.known || stringOf(hashes[f.path]) != hash(f.content) || stringOf(modes[f.path]) != storefile.FormatMode(f.mode) {
			return false
		}
	}
	return true
}

// resolve reads the certificate, its key and the trust chains, and returns
// the files with their contents and the store's value.
func resolve(address string, config cty.Value, env *providers.Env) (desired, hcl.Diagnostics) {
	l, diags := parseLayout(address, config)
	if diags.HasErrors() {
		return desired{}, diags
	}
	certPEM := attrString(l.cert, "pem")
	chainPEM := attrString(l.cert, "chain_pem")
	keyID := attrString(l.cert, "key_id")
	fp := attrString(l.cert, "fingerprint_sha256")
	if l.cert.IsNull() {
		keyID, fp = cty.NullVal(cty.String), cty.NullVal(cty.String)
	} else if chainPEM.IsNull() {
		chainPEM = cty.StringVal("")
	}

	var files []file
	for _, role := range roles() {
		path, ok := l.paths[role]
		if !ok {
			continue
		}
		f := file{role: role, path: path, mode: l.mode(role)}
		var d hcl.Diagnostics
		switch role {
		case "cert":
			f.content, f.known, d = need(address, "pem", certPEM)
		case "chain":
			f.content, f.known, d = need(address, "chain_pem", chainPEM)
		case "fullchain":
			var c, ch []byte
			var ok1, ok2 bool
			c, ok1, d = need(address, "pem", certPEM)
			ch, ok2, _ = need(address, "chain_pem", chainPEM)
			if ok1 && ok2 {
				f.content, f.known = joinPEM(c, ch), true
			}
		case "key":
			f.content, f.known, d = privateKey(address, keyID, env)
		case "bundle":
			f.content, f.known, d = bundle(address, l)
		}
		diags = append(diags, d...)
		files = append(files, f)
	}
	if diags.HasErrors() {
		return desired{}, diags
	}
	return desired{files: files, l: l, fp: fp, keyID: keyID}, diags
}

// need returns the bytes of a certificate attribute; known is false while
// it is unknown.
func need(address, name string, v cty.Value) ([]byte, bool, hcl.Diagnostics) {
	switch {
	case !v.IsKnown():
		return nil, false, nil
	case v.IsNull():
		return nil, false, hcl.Diagnostics{errorf(address, "Invalid certificate",
			fmt.Sprintf("certificate has no %s; use a certificate block, such as certificate.ies.", name))}
	}
	return []byte(v.AsString()), true, nil
}

// privateKey fetches the certificate's key from Secrets.
func privateKey(address string, keyID cty.Value, env *providers.Env) ([]byte, bool, hcl.Diagnostics) {
	switch {
	case !keyID.IsKnown():
		return nil, false, nil
	case keyID.IsNull() || keyID.AsString() == "":
		return nil, false, hcl.Diagnostics{errorf(address, "Certificate without key",
			"key is set, but certificate has no key_id: its private key is not kept by certform. Remove key, or use a certificate block certform issues.")}
	}
	data, err := env.Secrets.Get(keyID.AsString())
	if err != nil {
		return nil, false, hcl.Diagnostics{errorf(address, "Private key missing",
			fmt.Sprintf("The certificate's private key %s cannot be read from .certform/keys: %s. Plan the certificate again: it is replaced when its key is lost.", keyID.AsString(), err))}
	}
	return data, true, nil
}

// bundle concatenates the trust chains' bundle_pem, each certificate once,
// in order.
func bundle(address string, l layout) ([]byte, bool, hcl.Diagnostics) {
	if !l.trustKnown {
		return nil, false, nil
	}
	var out bytes.Buffer
	seen := map[[32]byte]bool{}
	known := true
	var diags hcl.Diagnostics
	for i, tc := range l.trust {
		b := attrString(tc, "bundle_pem")
		switch {
		case !tc.IsKnown() || !b.IsKnown():
			known = false
			continue
		case b.IsNull():
			diags = append(diags, errorf(address, "Invalid trust",
				fmt.Sprintf("trust[%d] is not a trust chain; list trust_chain blocks, such as trust = [trust_chain.company].", i)))
			continue
		}
		certs, err := certificates([]byte(b.AsString()))
		if err != nil {
			diags = append(diags, errorf(address, "Invalid trust", fmt.Sprintf("trust[%d]: %s.", i, err)))
			continue
		}
		for _, c := range certs {
			sum := sha256.Sum256(c.Raw)
			if seen[sum] {
				continue
			}
			seen[sum] = true
			out.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
		}
	}
	if !known || diags.HasErrors() {
		return nil, false, diags
	}
	return out.Bytes(), true, nil
}

// certificates parses every CERTIFICATE block of a PEM text.
func certificates(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out, nil
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q", b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing certificate: %w", err)
		}
		out = append(out, c)
	}
}

// storeValue records the layout and the hash and mode of every file.
func storeValue(l layout, files []file, fp, keyID cty.Value) cty.Value {
	v := map[string]cty.Value{
		"file_mode":               cty.StringVal(storefile.FormatMode(l.fileMode)),
		"key_mode":                cty.StringVal(storefile.FormatMode(l.keyMode)),
		"certificate_fingerprint": fp,
		"key_id":                  keyID,
	}
	for _, role := range roles() {
		v[role] = cty.NullVal(cty.String)
		if p, ok := l.paths[role]; ok {
			v[role] = cty.StringVal(p)
		}
	}
	hashes := map[string]cty.Value{}
	modes := map[string]cty.Value{}
	for _, f := range files {
		hashes[f.path] = cty.UnknownVal(cty.String)
		if f.known {
			hashes[f.path] = cty.StringVal(hash(f.content))
		}
		modes[f.path] = cty.StringVal(storefile.FormatMode(f.mode))
	}
	v["files"] = stringMap(hashes)
	v["modes"] = stringMap(modes)
	return cty.ObjectVal(v)
}

func stringMap(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.MapValEmpty(cty.String)
	}
	return cty.MapVal(m)
}

// hash is how the value records a file's content: "sha256:<hex>".
func hash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// joinPEM concatenates PEM texts, each ending in a newline.
func joinPEM(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		out = append(out, p...)
		if p[len(p)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out
}

// attrString returns a string attribute: unknown when it or its object is
// unknown, null when absent.
func attrString(obj cty.Value, name string) cty.Value {
	if obj != cty.NilVal && !obj.IsKnown() {
		return cty.UnknownVal(cty.String)
	}
	v := providers.Attr(obj, name)
	switch {
	case !v.IsKnown():
		return cty.UnknownVal(cty.String)
	case v.IsNull() || v.Type() != cty.String:
		return cty.NullVal(cty.String)
	}
	return v
}
