package checks

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// publicSchedule is the longest validity a publicly trusted TLS server
// certificate may have, by the date it is issued (its notBefore): 398 days
// from 2020-09-01 (seed 004; Apple, Google and Mozilla root programs), then
// the steps of the CA/Browser Forum's ballot SC-081.
var publicSchedule = []struct {
	from time.Time
	days int
}{
	{time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC), 47},
	{time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), 100},
	{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 200},
	{time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC), 398},
}

// maxPublicDays returns the limit for a certificate issued at notBefore,
// and false before 2020-09-01.
func maxPublicDays(notBefore time.Time) (int, bool) {
	for _, s := range publicSchedule {
		if !notBefore.Before(s.from) {
			return s.days, true
		}
	}
	return 0, false
}

// Limits for certificates from a company CA. Apple platforms refuse TLS
// server certificates valid longer than 825 days, also from roots a user
// or company installed (https://support.apple.com/en-us/103769); clients
// that apply the public rules everywhere refuse those over 398 days.
const (
	appleMaxDays  = 825
	publicMaxDays = 398
)

// public reports whether a certificate is publicly trusted: it comes from
// a public ACME CA (an issuer "acme" without ca_roots), or, once issued,
// its chain leads to a root of this system.
func (m *model) public(ci *certInfo) bool {
	if ci.issuerKind == kindACME && ci.issuer != nil {
		if roots, ok := stringOr(ci.issuer.value, "ca_roots", ""); ok && roots == "" {
			return true
		}
	}
	if ci.local() || ci.x509 == nil {
		return false
	}
	inter := x509.NewCertPool()
	for _, c := range ci.chain {
		inter.AddCert(c)
	}
	// What matters is where the chain leads, not whether it is valid
	// today: verify at a moment when the certificate and its chain are.
	at := ci.x509.NotBefore.Add(time.Hour)
	for _, c := range append([]*x509.Certificate{ci.x509}, ci.chain...) {
		if at.Before(c.NotBefore) {
			at = c.NotBefore.Add(time.Second)
		}
		if at.After(c.NotAfter) {
			at = c.NotAfter.Add(-time.Second)
		}
	}
	_, err := ci.x509.Verify(x509.VerifyOptions{Intermediates: inter, CurrentTime: at})
	return err == nil
}

// checkValidity: the validity of a server certificate fits the schedule
// for publicly trusted ones (an error), and one from a company CA stays
// within what Apple platforms and strict clients accept (warnings). A
// certificate whose ext_key_usages exclude TLS servers has no schedule.
func checkValidity(m *model, c *Check) {
	for _, r := range m.kind("certificate") {
		ci := m.cert(r)
		if !ci.isCAKnown || ci.isCA || ci.notServer {
			continue // only TLS server certificates have a schedule
		}
		life := ci.lifetime()
		if life <= 0 {
			continue
		}
		d := days(life)
		if life%(24*time.Hour) != 0 {
			d++ // a day begun counts
		}
		if m.public(ci) {
			if ci.x509 == nil {
				continue
			}
			limit, ok := maxPublicDays(ci.x509.NotBefore)
			if !ok || d <= limit {
				continue
			}
			m.add(c, hcl.DiagError, []*res{r}, "Publicly trusted certificate valid too long",
				fmt.Sprintf("%s is publicly trusted and valid for %d days from %s; certificates issued then may be valid for at most %d days (seed 004: 398 days from 2020-09-01; CA/Browser Forum ballot SC-081: 200 days from 2026-03-15, 100 from 2027-03-15, 47 from 2029-03-15). Browsers refuse it (NET::ERR_CERT_VALIDITY_TOO_LONG).",
					r.name, d, ci.x509.NotBefore.UTC().Format("2006-01-02"), limit),
				"Have the CA issue it with a shorter validity, and let certform renew it (renew_before).")
			continue
		}
		if !ci.local() && ci.x509 == nil {
			continue
		}
		switch {
		case d > appleMaxDays:
			m.add(c, hcl.DiagWarning, []*res{r}, "Certificate valid longer than Apple platforms accept",
				fmt.Sprintf("%s is a server certificate valid for %d days. Apple platforms (Safari, iOS and macOS apps) refuse TLS server certificates valid longer than %d days, even from a company CA, and browsers refuse publicly trusted ones over 398 days (seed 004).", r.name, d, appleMaxDays),
				"Set validity = \"397d\" (the default) and let certform renew it.")
		case d > publicMaxDays:
			m.add(c, hcl.DiagWarning, []*res{r}, "Certificate valid longer than 398 days",
				fmt.Sprintf("%s is a server certificate valid for %d days. Seed 004: certificates issued after 2020-09-01 may be valid for at most 398 days in browsers and on Apple and Google devices; some clients apply that to company CAs too.", r.name, d),
				"Set validity = \"397d\" (the default) and let certform renew it.")
		}
	}
}

// checkRenewBefore: a certificate lives longer than renew_before, or every
// run would replace it. An ACME CA decides the validity itself: while its
// certificate is being replaced, the one refresh read says how long the
// CA's certificates live.
func checkRenewBefore(m *model, c *Check) {
	for _, r := range m.kind("certificate") {
		ci := m.cert(r)
		if !ci.local() && ci.issuerKind != kindACME {
			continue // certform does not renew it: expiring-unrenewable
		}
		life, what := ci.lifetime(), "is valid for"
		if life <= 0 && ci.replaced != nil && ci.issuerKind == kindACME {
			life, what = ci.replaced.NotAfter.Sub(ci.replaced.NotBefore), "comes from a CA that issues certificates valid for"
		}
		if life <= 0 || ci.renew <= 0 || ci.renew < life {
			continue
		}
		m.add(c, hcl.DiagError, []*res{r}, "renew_before is not shorter than the validity",
			fmt.Sprintf("%s %s %s and renew_before is %s: it is due for renewal as soon as it is issued, so every run would replace it (and an ACME CA would soon refuse the orders).",
				r.name, what, fmtDays(life), fmtDays(ci.renew)),
			"Set renew_before to about a third of the validity: \"30d\" for 90 days (seed 002: renew when 30 days or fewer remain).")
	}
}

// checkExpiring: a certificate certform cannot renew (imported with an
// import block, PEM text in a trust chain, or a certificate block of a
// kind certform does not issue) warns when it is within renew_before
// (default 30 days) of expiring, with the days left. It is the only report
// of this: the certificate provider does not warn about it separately.
func checkExpiring(m *model, c *Check) {
	warn := func(r *res, x *x509.Certificate, within time.Duration, what, fix string) {
		left := x.NotAfter.Sub(m.now)
		if left > within {
			return
		}
		state := fmt.Sprintf("expires in %d days, on %s (renew_before is %s)", days(left), x.NotAfter.UTC().Format("2006-01-02"), fmtDays(within))
		if left <= 0 {
			state = fmt.Sprintf("expired %d days ago, on %s", days(-left), x.NotAfter.UTC().Format("2006-01-02"))
		}
		m.add(c, hcl.DiagWarning, []*res{r}, "Imported certificate expiring",
			fmt.Sprintf("%s %q (%s) %s. certform did not issue it and cannot renew it: clients will refuse it from then on (NET::ERR_CERT_DATE_INVALID).", what, certName(x), r.name, state),
			fix)
	}
	for _, r := range m.kind("certificate") {
		ci := m.cert(r)
		if ci.issuerKind == "" || ci.local() || ci.issuerKind == kindACME || ci.x509 == nil {
			continue
		}
		fix := "Get a new certificate from its CA and put it in place of the old one."
		if ci.issuerKind == kindImport {
			if !m.now.Before(ci.x509.NotAfter) {
				continue // expired: the certificate provider refuses it
			}
			fix = fmt.Sprintf("Obtain a new certificate from %q and replace %s, then apply: certform imports the new certificate in place of the old one.",
				ci.x509.Issuer.String(), importedFrom(r))
		}
		warn(r, ci.x509, ci.renew, "The imported certificate", fix)
	}
	def := 30 * 24 * time.Hour // what a trust chain's CA gets: the default renew_before
	for _, r := range m.kind("trust_chain") {
		for _, list := range []string{"roots", "intermediates"} {
			for _, x := range m.pemMembers(r, list) {
				warn(r, x, def, "The CA certificate", "Get a new certificate from its CA and put it in place of the old one.")
			}
		}
	}
}

// importedFrom names what a certificate's import block reads, for the fix
// of checkExpiring.
func importedFrom(r *res) string {
	imp := attr(r.cfg(), "import")
	given := func(name string) bool {
		v := attr(imp, name)
		return v.IsKnown() && !v.IsNull()
	}
	switch {
	case given("pfx"):
		return "the .pfx file (import.pfx)"
	case given("keystore"):
		return "the keystore (import.keystore)"
	}
	return "the PEM files (import.cert_pem, key_pem and chain_pem)"
}

// pemMembers returns the certificates a trust chain's list gives as PEM
// text rather than as certificate blocks.
func (m *model) pemMembers(tc *res, list string) []*x509.Certificate {
	v := attr(tc.cfg(), list)
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	var out []*x509.Certificate
	if s, ok := knownString(tc.cfg(), list); ok {
		return m.pems.Parse(s)
	}
	if !v.CanIterateElements() || v.Type().IsObjectType() || v.Type().IsMapType() {
		return nil
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
			out = append(out, m.pems.Parse(e.AsString())...)
		}
	}
	return out
}

// checkKeys: RSA keys below 2048 bits (and elliptic curves below 256) are
// errors, in certificate blocks and in certificates certform is given.
func checkKeys(m *model, c *Check) {
	fix := "Use RSA with 2048 bits or more, or ECDSA P-256."
	for _, r := range m.kind("certificate") {
		ci := m.cert(r)
		if ci.keyKnown && ci.keyAlg == "RSA" && ci.keyBits > 0 && ci.keyBits < 2048 {
			m.add(c, hcl.DiagError, []*res{r}, "Weak key",
				fmt.Sprintf("%s asks for an RSA key of %d bits. Keys below 2048 bits are refused by current clients and CAs (NIST SP 800-131A).", r.name, ci.keyBits), fix)
			continue
		}
		for _, x := range append([]*x509.Certificate{ci.x509}, ci.chain...) {
			if x == nil {
				continue
			}
			if desc, weak := keyStrength(x.PublicKey); weak {
				m.add(c, hcl.DiagError, []*res{r}, "Weak key",
					fmt.Sprintf("%q (%s) has a %s key. Keys below RSA 2048 bits or 256-bit curves are refused by current clients.", certName(x), r.name, desc), fix)
			}
		}
	}
	for _, r := range m.kind("trust_chain") {
		for _, list := range []string{"roots", "intermediates"} {
			for _, x := range m.pemMembers(r, list) {
				if desc, weak := keyStrength(x.PublicKey); weak {
					m.add(c, hcl.DiagError, []*res{r}, "Weak key",
						fmt.Sprintf("The CA certificate %q in %s %s has a %s key. Keys below RSA 2048 bits or 256-bit curves are refused by current clients.", certName(x), r.name, list, desc), fix)
				}
			}
		}
	}
}

// fmtDays writes a duration as days ("397 days"), or hours when shorter
// than a day.
func fmtDays(d time.Duration) string {
	if d < 24*time.Hour {
		return d.String()
	}
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", days(d))
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}
