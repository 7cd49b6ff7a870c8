package acme

import (
	"strings"
	"testing"

	"github.com/go-acme/lego/v4/acme"
)

// TestLikelyCause pins the advice for what ACME servers report, with
// messages as Let's Encrypt words them.
func TestLikelyCause(t *testing.T) {
	listen := challengeSettings{typ: typeHTTP01, listen: ":8080"}
	webroot := challengeSettings{typ: typeHTTP01, webroot: "/var/www/html"}
	alpn := challengeSettings{typ: typeTLSALPN01, listen: ":8443"}
	dns := challengeSettings{typ: typeDNS01, provider: "exec", command: []string{"./txt"}}
	for _, tc := range []struct {
		name   string
		ch     challengeSettings
		typ    string
		detail string
		want   string
	}{
		{"refused", listen, "connection", "192.0.2.10: Fetching http://example.com/.well-known/acme-challenge/x: Connection refused",
			"connection refused on port 80: is port 80 forwarded to :8080?"},
		{"refused with web root", webroot, "connection", "192.0.2.10: Fetching http://example.com/.well-known/acme-challenge/x: Connection refused",
			"no web server answers on port 80 of example.com"},
		{"timeout", listen, "connection", "192.0.2.10: Fetching http://example.com/.well-known/acme-challenge/x: Timeout during connect (likely firewall problem)",
			"timed out: a firewall drops it"},
		{"another server", listen, "unauthorized", "192.0.2.10: Invalid response from http://example.com/.well-known/acme-challenge/x: 404",
			"a server on port 80 of example.com that is not certform"},
		{"web root not served", webroot, "unauthorized", "192.0.2.10: Invalid response from http://example.com/.well-known/acme-challenge/x: 404",
			"does not serve files from /var/www/html/.well-known/acme-challenge/"},
		{"no address", listen, "dns", "DNS problem: NXDOMAIN looking up A for example.com - check that a DNS record exists for this domain",
			"example.com does not resolve"},
		{"tls-alpn refused", alpn, "connection", "192.0.2.10: Connection refused",
			"connection refused on port 443: is port 443 forwarded to :8443?"},
		{"tls-alpn other server", alpn, "unauthorized", "Cannot negotiate ALPN protocol \"acme-tls/1\" for tls-alpn-01 challenge",
			"reaches another TLS server"},
		{"TXT missing", dns, "unauthorized", "No TXT record found at _acme-challenge.example.com",
			"did not find the TXT record _acme-challenge.example.com."},
		{"CAA", listen, "caa", "CAA record for example.com prevents issuance",
			"a CAA record of example.com does not allow this CA"},
		{"token with caa in it", listen, "connection", `Get "http://example.com/.well-known/acme-challenge/Ey2AJYQZf2fXFeVXrNZTo231M6EMhVCaa-6cXeD9mQM": could not resolve URL`,
			"example.com does not resolve"},
		{"unknown", listen, "serverInternal", "something else", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &validationError{domain: "example.com", challenge: tc.ch,
				problem: &acme.ProblemDetails{Type: "urn:ietf:params:acme:error:" + tc.typ, Detail: tc.detail}}
			got := likelyCause(e)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to say %q", got, tc.want)
			}
		})
	}
}

// TestRateLimit: a rate limit says when to try again and where the
// limits are explained.
func TestRateLimit(t *testing.T) {
	err := &acme.RateLimitedError{RetryAfter: "3600", ProblemDetails: &acme.ProblemDetails{
		Type: acme.RateLimitedErr, HTTPStatus: 429, Detail: "too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s",
	}}
	d := diagnose("certificate.web", "ordering a certificate for example.com", "https://acme-v02.api.letsencrypt.org/directory", err)
	for _, want := range []string{"too many certificates", "Try again after ", "https://letsencrypt.org/docs/rate-limits/", "staging"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("detail does not say %q: %s", want, d.Detail)
		}
	}
	if d.Summary != "ACME rate limit reached" {
		t.Errorf("summary %q", d.Summary)
	}
}
