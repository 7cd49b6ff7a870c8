package cert

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/pemcert"
)

// computedAttrs describes an issued certificate: the attributes of its
// value that are known only after apply.
func computedAttrs(c *x509.Certificate, keyID string) map[string]cty.Value {
	// SHA-1 is used here only as the thumbprint Windows shows and
	// certutil/PowerShell select certificates by, never for security.
	thumb := sha1.Sum(c.Raw)
	return map[string]cty.Value{
		"pem":                cty.StringVal(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))),
		"serial":             cty.StringVal(c.SerialNumber.Text(16)),
		"not_before":         cty.StringVal(c.NotBefore.UTC().Format(time.RFC3339)),
		"not_after":          cty.StringVal(c.NotAfter.UTC().Format(time.RFC3339)),
		"fingerprint_sha256": cty.StringVal(pemcert.Fingerprint(c)),
		"thumbprint_sha1":    cty.StringVal(strings.ToUpper(hex.EncodeToString(thumb[:]))),
		"subject":            cty.StringVal(c.Subject.String()),
		"issuer_name":        cty.StringVal(c.Issuer.String()),
		"key_id":             cty.StringVal(keyID),
	}
}

// unknownComputed is computedAttrs for a certificate not yet issued.
func unknownComputed() map[string]cty.Value {
	m := map[string]cty.Value{}
	for _, n := range computedNames() {
		m[n] = cty.UnknownVal(cty.String)
	}
	return m
}

// priorComputed copies the computed attributes of a recorded certificate.
func priorComputed(prior cty.Value) map[string]cty.Value {
	m := map[string]cty.Value{}
	for _, n := range computedNames() {
		m[n] = stringAttr(prior, n)
	}
	return m
}

// sameShape reports whether live, a certificate's value, has just the
// attributes certValue gives one with these desired attributes.
func sameShape(live cty.Value, desired map[string]cty.Value) bool {
	if !live.Type().IsObjectType() {
		return false
	}
	attrs := live.Type().AttributeTypes()
	names := computedNames()
	if len(attrs) != len(desired)+len(names)+3 {
		return false
	}
	for _, n := range append(names, "issuer_kind", "issuer_fingerprint", "chain_pem") {
		if _, ok := attrs[n]; !ok {
			return false
		}
	}
	for n := range desired {
		if _, ok := attrs[n]; !ok {
			return false
		}
	}
	return true
}

// certValue assembles a certificate value from its parts.
func certValue(desired map[string]cty.Value, iss issuerRef, computed map[string]cty.Value) cty.Value {
	m := make(map[string]cty.Value, len(desired)+len(computed)+3)
	for k, v := range desired {
		m[k] = v
	}
	for k, v := range computed {
		m[k] = v
	}
	m["issuer_kind"] = iss.kind
	m["issuer_fingerprint"] = iss.fingerprint
	m["chain_pem"] = iss.chain
	return cty.ObjectVal(m)
}
