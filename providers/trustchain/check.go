package trustchain

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// checkCA refuses a certificate that is not a CA. An X.509 version 1
// self-signed certificate (no extensions, as some old roots are) counts as
// a CA.
func checkCA(address string, m member) *hcl.Diagnostic {
	c := m.cert
	if c.IsCA || (c.Version == 1 && selfSigned(m)) {
		return nil
	}
	return leafError(address, m.from, fmt.Sprintf("%q", c.Subject.String()))
}

func leafError(address, from, what string) *hcl.Diagnostic {
	return errorf(address, "Leaf certificate in trust chain",
		fmt.Sprintf("%s is %s, which is not a CA certificate. A truststore needs only the root and intermediate CA certificates that issued the server certificate, never the server certificate itself: clients verify the server's certificate against them. Remove it, and list its issuers instead.", from, what))
}

// selfSigned reports whether a certificate names itself as issuer and is
// signed by its own key. (CheckSignatureFrom would insist that the parent
// is a CA, which an X.509 v1 root cannot say.)
func selfSigned(m member) bool {
	c := m.cert
	return bytes.Equal(c.RawSubject, c.RawIssuer) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// checkChain warns about misplaced and incomplete chains: roots that are
// not self-signed, intermediates that are, and intermediates whose issuer
// is in neither list.
func checkChain(address string, roots, inters []member) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, m := range roots {
		if !selfSigned(m) {
			diags = append(diags, warnf(address, "Root is not self-signed",
				fmt.Sprintf("%s (%q) is issued by %q; it is an intermediate and belongs in intermediates, with its issuer in roots.", m.from, m.cert.Subject.String(), m.cert.Issuer.String())))
		}
	}
	all := append(append([]member(nil), roots...), inters...)
	for _, m := range inters {
		if selfSigned(m) {
			diags = append(diags, warnf(address, "Intermediate is self-signed",
				fmt.Sprintf("%s (%q) is self-signed; it is a root and belongs in roots.", m.from, m.cert.Subject.String())))
			continue
		}
		if !hasIssuer(m, all) {
			diags = append(diags, warnf(address, "Incomplete trust chain",
				fmt.Sprintf("The issuer of %s (%q), %q, is in neither roots nor intermediates, so clients given this chain cannot verify certificates it issues. Add it.", m.from, m.cert.Subject.String(), m.cert.Issuer.String())))
		}
	}
	return diags
}

// hasIssuer reports whether one of all signed m.
func hasIssuer(m member, all []member) bool {
	for _, p := range all {
		if p.fp != m.fp && bytes.Equal(p.cert.RawSubject, m.cert.RawIssuer) && m.cert.CheckSignatureFrom(p.cert) == nil {
			return true
		}
	}
	return false
}
