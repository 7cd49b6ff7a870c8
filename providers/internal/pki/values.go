package pki

import (
	"crypto"
	"crypto/x509"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Cert is a certificate value (of a certificate block, issued or
// imported) as a store needs it.
type Cert struct {
	Leaf *x509.Certificate
	// Chain is chain_pem: the issuing CA certificates, nearest first.
	Chain []*x509.Certificate
	KeyID string
	// Key and KeyDER (PKCS#8) are set when ReadCert was asked for the key.
	Key    crypto.Signer
	KeyDER []byte
}

// ReadCert reads the certificate value in attribute name of a store's
// configuration. known is false while the certificate is not issued yet
// (its pem or key_id unknown). With withKey, the private key is fetched
// from env.Secrets and checked against the certificate.
func ReadCert(address, name string, v cty.Value, env *providers.Env, withKey bool) (c *Cert, known bool, diags hcl.Diagnostics) {
	switch {
	case v == cty.NilVal || v.IsNull():
		return nil, true, hcl.Diagnostics{Errorf(address, "Missing "+name,
			fmt.Sprintf("Set %s to a certificate block, such as %s = certificate.ies.", name, name))}
	case !v.IsKnown():
		return nil, false, nil
	case !v.Type().IsObjectType() && !v.Type().IsMapType():
		return nil, true, hcl.Diagnostics{Errorf(address, "Invalid "+name,
			fmt.Sprintf("%s must be a certificate block, such as certificate.ies, but it is a %s.", name, v.Type().FriendlyName()))}
	}
	pemV, chainV, idV := providers.Attr(v, "pem"), providers.Attr(v, "chain_pem"), providers.Attr(v, "key_id")
	if !pemV.IsKnown() || !chainV.IsKnown() || !idV.IsKnown() {
		return nil, false, nil
	}
	if pemV.IsNull() || pemV.Type() != cty.String {
		return nil, true, hcl.Diagnostics{Errorf(address, "Invalid "+name,
			fmt.Sprintf("%s has no pem attribute; use a certificate block, such as certificate.ies.", name))}
	}
	certs, err := ParseCertificates([]byte(pemV.AsString()))
	if err != nil || len(certs) == 0 {
		if err == nil {
			err = fmt.Errorf("no certificate found")
		}
		return nil, true, hcl.Diagnostics{Errorf(address, "Invalid "+name, fmt.Sprintf("%s's pem cannot be read: %s.", name, err))}
	}
	c = &Cert{Leaf: certs[0]}
	if !chainV.IsNull() && chainV.Type() == cty.String {
		if c.Chain, err = ParseCertificates([]byte(chainV.AsString())); err != nil {
			return nil, true, hcl.Diagnostics{Errorf(address, "Invalid "+name, fmt.Sprintf("%s's chain_pem cannot be read: %s.", name, err))}
		}
	}
	if !idV.IsNull() && idV.Type() == cty.String {
		c.KeyID = idV.AsString()
	}
	if !withKey {
		return c, true, nil
	}
	if c.KeyID == "" {
		return nil, true, hcl.Diagnostics{Errorf(address, "Certificate without key",
			fmt.Sprintf("%s has no key_id: its private key is not kept by certform. Use a certificate block that certform issues or imports.", name))}
	}
	keyPEM, err := env.Secrets.Get(c.KeyID)
	if err != nil {
		return nil, true, hcl.Diagnostics{Errorf(address, "Private key missing",
			fmt.Sprintf("The private key %s of %s cannot be read from .certform/keys: %s. Plan the certificate again: it is replaced (or imported again) when its key is lost.", c.KeyID, name, err))}
	}
	if c.Key, err = ParsePrivateKey(keyPEM); err != nil {
		return nil, true, hcl.Diagnostics{Errorf(address, "Invalid private key", fmt.Sprintf("The private key %s cannot be read: %s.", c.KeyID, err))}
	}
	if !SamePublicKey(c.Key, c.Leaf) {
		return nil, true, hcl.Diagnostics{Errorf(address, "Private key does not match",
			fmt.Sprintf("The private key stored as %s does not belong to the certificate %q.", c.KeyID, c.Leaf.Subject.String()))}
	}
	if c.KeyDER, _, err = MarshalPrivateKey(c.Key); err != nil {
		return nil, true, hcl.Diagnostics{Errorf(address, "Invalid private key", err.Error()+".")}
	}
	return c, true, nil
}

// ReadTrust reads trust = [trust_chain.NAME, ...]: every certificate of
// every chain's bundle_pem, each once, in order (so several chains merge
// without duplicates). known is false while any chain is unknown. A null
// list gives no certificates.
func ReadTrust(address string, v cty.Value) (certs []*x509.Certificate, known bool, diags hcl.Diagnostics) {
	if v == cty.NilVal || v.IsNull() {
		return nil, true, nil
	}
	if !v.IsKnown() {
		return nil, false, nil
	}
	var elems []cty.Value
	if ty := v.Type(); ty.IsListType() || ty.IsTupleType() || ty.IsSetType() {
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, e)
		}
	} else {
		elems = []cty.Value{v}
	}
	known = true
	seen := map[string]bool{}
	for i, e := range elems {
		if !e.IsKnown() {
			known = false
			continue
		}
		b := providers.Attr(e, "bundle_pem")
		switch {
		case !b.IsKnown():
			known = false
			continue
		case b.IsNull() || b.Type() != cty.String:
			diags = append(diags, Errorf(address, "Invalid trust",
				fmt.Sprintf("trust[%d] is not a trust chain; list trust_chain blocks, such as trust = [trust_chain.company].", i)))
			continue
		}
		cs, err := ParseCertificates([]byte(b.AsString()))
		if err != nil {
			diags = append(diags, Errorf(address, "Invalid trust", fmt.Sprintf("trust[%d]: %s.", i, err)))
			continue
		}
		for _, c := range cs {
			if fp := Fingerprint(c); !seen[fp] {
				seen[fp] = true
				certs = append(certs, c)
			}
		}
	}
	return certs, known, diags
}

// Errorf is an error diagnostic whose detail starts with the address.
func Errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}

// Warnf is a warning diagnostic whose detail starts with the address.
func Warnf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: address + ": " + detail}
}

// notKnown marks a diagnostic about an argument that must be known when
// planning but may be unknown at validate time (from a variable).
type notKnown struct{}

// NotKnownf is the error for an argument that is not known when planning.
// Validate drops it (see DropNotKnown): validate evaluates with unknown
// variables.
func NotKnownf(address, name string) *hcl.Diagnostic {
	d := Errorf(address, name+" not known", name+" must be known when planning; it cannot depend on values known only after apply.")
	d.Extra = notKnown{}
	return d
}

// DropNotKnown removes the diagnostics NotKnownf made, for Validate.
func DropNotKnown(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if _, ok := d.Extra.(notKnown); !ok {
			out = append(out, d)
		}
	}
	return out
}
