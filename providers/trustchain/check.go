package trustchain

import (
	"bytes"
	"fmt"
	"time"

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

// checkChain checks the chain: every intermediate must chain, through the
// intermediates, to one of the roots (an error naming the missing issuer
// otherwise); roots that are not self-signed and intermediates that are
// get a warning.
func checkChain(address string, roots, inters []member) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, m := range roots {
		if !selfSigned(m) {
			diags = append(diags, warnf(address, "Root is not self-signed",
				fmt.Sprintf("%s (%q) is issued by %q; it is an intermediate and belongs in intermediates, with its issuer in roots.", m.from, m.cert.Subject.String(), m.cert.Issuer.String())))
		}
	}
	isRoot := map[string]bool{}
	for _, m := range roots {
		isRoot[m.fp] = true
	}
	all := append(append([]member(nil), roots...), inters...)
	reported := map[string]bool{} // by the fingerprint of the certificate whose issuer is missing
	for _, m := range inters {
		if selfSigned(m) {
			diags = append(diags, warnf(address, "Intermediate is self-signed",
				fmt.Sprintf("%s (%q) is self-signed; it is a root and belongs in roots.", m.from, m.cert.Subject.String())))
			continue
		}
		end, ok := pathToRoot(m, all, isRoot)
		if ok || reported[end.fp] {
			continue
		}
		reported[end.fp] = true
		via := ""
		if end.fp != m.fp {
			via = fmt.Sprintf(" Its chain goes up to %s (%q).", end.from, end.cert.Subject.String())
		}
		diags = append(diags, errorf(address, "Intermediate does not chain to a root",
			fmt.Sprintf("%s (%q) does not lead to any of the roots: the issuer %q is in neither roots nor intermediates.%s Clients given this chain cannot verify what it issues. Add %q (to intermediates, or to roots if it is the root CA); to trust the intermediate itself as an anchor, list it in roots instead.",
				m.from, m.cert.Subject.String(), end.cert.Issuer.String(), via, end.cert.Issuer.String())))
	}
	return diags
}

// pathToRoot follows issuers from m through all and reports whether it
// reaches a root. When it does not, end is the certificate whose issuer is
// missing.
func pathToRoot(m member, all []member, isRoot map[string]bool) (end member, ok bool) {
	seen := map[string]bool{}
	cur := m
	for {
		if isRoot[cur.fp] {
			return cur, true
		}
		seen[cur.fp] = true
		next, found := issuerOf(cur, all)
		if !found || seen[next.fp] {
			return cur, false
		}
		cur = next
	}
}

// issuerOf finds the member that signed m.
func issuerOf(m member, all []member) (member, bool) {
	for _, p := range all {
		if p.fp != m.fp && bytes.Equal(p.cert.RawSubject, m.cert.RawIssuer) && m.cert.CheckSignatureFrom(p.cert) == nil {
			return p, true
		}
	}
	return member{}, false
}

// expiryWarnings warns about CA certificates that have expired or are not
// valid yet: clients refuse chains through them.
func expiryWarnings(address string, bundle string, now time.Time) hcl.Diagnostics {
	certs, err := parsePEM(bundle)
	if err != nil {
		return nil
	}
	var diags hcl.Diagnostics
	for _, c := range certs {
		switch {
		case !now.Before(c.NotAfter):
			diags = append(diags, warnf(address, "CA certificate expired",
				fmt.Sprintf("%q expired on %s; clients refuse certificates that chain through it. Replace it with its successor.", c.Subject.String(), c.NotAfter.UTC().Format("2006-01-02"))))
		case now.Before(c.NotBefore):
			diags = append(diags, warnf(address, "CA certificate not yet valid",
				fmt.Sprintf("%q is valid only from %s.", c.Subject.String(), c.NotBefore.UTC().Format("2006-01-02"))))
		}
	}
	return diags
}
