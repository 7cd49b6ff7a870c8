package cert

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/pemcert"
)

// Issuer kinds, as values carry them in their kind attribute.
const (
	kindSelfSigned = "self_signed"
	kindCA         = "ca"
)

// issuerRef is the issuer attribute of a certificate block, read from the
// value lang passes: {kind = "self_signed"}, or the value of an issuer "ca"
// block ({kind = "ca", pem, chain_pem, key_id, ...}). Each field may be
// unknown during plan.
type issuerRef struct {
	// kind is "self_signed" or "ca".
	kind cty.Value
	// pem is the issuer's certificate; null for self_signed.
	pem cty.Value
	// keyID names the issuer's private key in Secrets; null for self_signed.
	keyID cty.Value
	// fingerprint is the SHA-256 fingerprint of pem; null for self_signed.
	fingerprint cty.Value
	// chain is what the issued certificate's chain_pem will be: the
	// issuer's pem followed by the issuer's chain_pem; "" for self_signed.
	chain cty.Value
	// notAfter is when the issuer's certificate expires; zero when unknown
	// or self_signed.
	notAfter time.Time
}

// parseIssuer reads the issuer attribute.
func parseIssuer(address string, v cty.Value, certs *pemcert.Cache) (issuerRef, hcl.Diagnostics) {
	unknown := issuerRef{
		kind:        cty.UnknownVal(cty.String),
		pem:         cty.UnknownVal(cty.String),
		keyID:       cty.UnknownVal(cty.String),
		fingerprint: cty.UnknownVal(cty.String),
		chain:       cty.UnknownVal(cty.String),
	}
	if v == cty.NilVal || v.IsNull() {
		return unknown, hcl.Diagnostics{errorf(address, "Missing issuer",
			"Set issuer = self_signed, or issuer = issuer.ca.NAME to have a certificate authority sign it.")}
	}
	if !v.IsKnown() {
		return unknown, nil
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return unknown, hcl.Diagnostics{invalidIssuer(address, "it is a "+v.Type().FriendlyName())}
	}
	kind := attr(v, "kind")
	if !kind.IsKnown() {
		return unknown, nil
	}
	if kind.IsNull() || kind.Type() != cty.String {
		if !attr(v, "pem").IsNull() && !attr(v, "is_ca").IsNull() {
			return unknown, hcl.Diagnostics{errorf(address, "A certificate is not an issuer",
				"issuer refers to a certificate. Declare an issuer for it, issuer \"ca\" \"NAME\" { certificate = certificate.X }, and set issuer = issuer.ca.NAME.")}
		}
		return unknown, hcl.Diagnostics{invalidIssuer(address, "it has no kind")}
	}
	switch kind.AsString() {
	case kindSelfSigned:
		return issuerRef{
			kind:        kind,
			pem:         cty.NullVal(cty.String),
			keyID:       cty.NullVal(cty.String),
			fingerprint: cty.NullVal(cty.String),
			chain:       cty.StringVal(""),
		}, nil
	case kindCA:
	default:
		return unknown, hcl.Diagnostics{invalidIssuer(address, fmt.Sprintf("its kind is %q", kind.AsString()))}
	}

	ref := issuerRef{
		kind:        kind,
		pem:         stringAttr(v, "pem"),
		keyID:       stringAttr(v, "key_id"),
		fingerprint: cty.UnknownVal(cty.String),
		chain:       cty.UnknownVal(cty.String),
	}
	var diags hcl.Diagnostics
	if ref.pem.IsNull() || ref.keyID.IsNull() {
		diags = append(diags, invalidIssuer(address, "it has no pem or no key_id"))
		ref.pem, ref.keyID = cty.UnknownVal(cty.String), cty.UnknownVal(cty.String)
		return ref, diags
	}
	if ref.pem.IsKnown() {
		c, err := certs.First(ref.pem.AsString())
		if err != nil {
			return ref, append(diags, errorf(address, "Invalid issuer certificate", "The issuer's pem cannot be read: %s.", err))
		}
		ref.fingerprint = cty.StringVal(pemcert.Fingerprint(c))
		ref.notAfter = c.NotAfter
		if chain := stringAttr(v, "chain_pem"); chain.IsKnown() {
			s := ""
			if !chain.IsNull() {
				s = chain.AsString()
			}
			ref.chain = cty.StringVal(joinPEM(ref.pem.AsString(), s))
		}
	}
	return ref, diags
}

func invalidIssuer(address, why string) *hcl.Diagnostic {
	return errorf(address, "Invalid issuer",
		"issuer must be self_signed or an issuer block such as issuer.ca.NAME, but %s.", why)
}

// stringAttr returns a string attribute: unknown when unknown, null when
// absent or not a string.
func stringAttr(obj cty.Value, name string) cty.Value {
	v := attr(obj, name)
	switch {
	case !v.IsKnown():
		return cty.UnknownVal(cty.String)
	case v.IsNull() || v.Type() != cty.String:
		return cty.NullVal(cty.String)
	}
	return v
}

// joinPEM concatenates PEM texts, each ending in a newline.
func joinPEM(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		b.WriteString(p)
		if !strings.HasSuffix(p, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
