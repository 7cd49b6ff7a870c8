package acme_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme/acmetest"
)

// TestFailedValidation: when the CA cannot validate, the error names the
// domain, the challenge, what the CA said and the likely cause, and the
// state and every file stay as they were.
func TestFailedValidation(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	srv.AddA(t, "fail.example.test", "www.fail.example.test")
	wrongPort := acmetest.FreePort(t)
	for _, tc := range []struct {
		name      string
		challenge string // the issuer's challenge when it fails
		dnsNames  string // the certificate's names when it fails
		summary   string
		detail    []string
	}{
		{
			name:      "port not forwarded",
			challenge: fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", wrongPort),
			dnsNames:  `["fail.example.test", "www.fail.example.test"]`,
			summary:   "ACME validation failed for ",
			detail: []string{
				"could not validate", "with the http-01 challenge",
				"connection refused", // what Pebble said
				fmt.Sprintf("Likely cause: connection refused on port 80: is port 80 forwarded to 127.0.0.1:%d?", wrongPort),
				"Nothing was changed",
			},
		},
		{
			name:      "name does not resolve",
			challenge: fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort),
			dnsNames:  `["fail.example.test", "nowhere.example.test"]`,
			summary:   "ACME validation failed for nowhere.example.test",
			detail:    []string{"Likely cause: nowhere.example.test does not resolve: create a DNS A (or AAAA) record"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			good := fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort)
			iss := w.issuer("le")
			iss.mustApply(w.run(0), issuerConfig(t, srv, good))
			crt := w.cert("web")
			crt.mustApply(w.run(0), certConfig(t, iss.state, `dns_names = ["fail.example.test"]`))
			prior := crt.state

			iss.mustApply(w.run(0), issuerConfig(t, srv, tc.challenge))
			before := w.tree()
			pl, diags := crt.apply(w.run(0), certConfig(t, iss.state, "dns_names = "+tc.dnsNames))
			if !pl.RequiresReplace {
				t.Fatalf("the plan does not replace the certificate: %v", pl.Reasons)
			}
			if !diags.HasErrors() {
				t.Fatal("the apply succeeded")
			}
			d := diags[len(diags)-1]
			t.Logf("%s\n%s", d.Summary, d.Detail)
			if !strings.HasPrefix(d.Summary, tc.summary) {
				t.Errorf("summary %q, want %q", d.Summary, tc.summary)
			}
			for _, want := range tc.detail {
				if !strings.Contains(d.Detail, want) {
					t.Errorf("detail does not say %q:\n%s", want, d.Detail)
				}
			}
			if !strings.HasPrefix(d.Detail, "certificate.web: ") {
				t.Errorf("detail does not start with the address: %s", d.Detail)
			}
			if !providers.Equal(crt.state, prior) {
				t.Errorf("the recorded certificate changed:\n got: %s\nwant: %s", jsonOf(crt.state), jsonOf(prior))
			}
			if after := w.tree(); after != before {
				t.Errorf("files changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestServerProblems: a directory that cannot be reached, and one whose
// TLS certificate is not trusted, say so and what to do.
func TestServerProblems(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	for _, tc := range []struct {
		name, hcl, summary, hint string
	}{
		{
			name:    "unreachable",
			hcl:     fmt.Sprintf("directory = \"https://127.0.0.1:%d/dir\"\n", acmetest.FreePort(t)),
			summary: "ACME server unreachable",
			hint:    "connection refused",
		},
		{
			name:    "untrusted",
			hcl:     fmt.Sprintf("directory = %q\n", srv.Directory),
			summary: "ACME server not trusted",
			hint:    "set ca_roots",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			iss := w.issuer("x")
			cfg := decode(t, iss.p, tc.hcl+"http01 {\nlisten = \":8080\"\n}", nil)
			_, diags := iss.apply(w.run(0), cfg)
			if !diags.HasErrors() || diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.hint) {
				t.Fatalf("got %v, want %s mentioning %q", diags, tc.summary, tc.hint)
			}
			if len(w.secretIDs()) != 0 {
				t.Errorf("keys left behind: %v", w.secretIDs())
			}
		})
	}
}

// TestRevokeOnDestroy: destroying a certificate with revoke_on_destroy
// revokes it at the CA; without, it stays valid.
func TestRevokeOnDestroy(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	srv.AddA(t, "revoke.example.test")
	w := newWorld(t)
	iss := w.issuer("le")
	iss.mustApply(w.run(0), issuerConfig(t, srv, fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort)))
	for _, tc := range []struct {
		revoke bool
		want   string
	}{{true, "Revoked"}, {false, "Valid"}} {
		crt := w.cert(fmt.Sprint("revoke_", tc.revoke))
		crt.mustApply(w.run(0), certConfig(t, iss.state, fmt.Sprintf("dns_names = [\"revoke.example.test\"]\nrevoke_on_destroy = %v", tc.revoke)))
		serial, keyID := str(crt.state, "serial"), str(crt.state, "key_id")
		if d := crt.destroy(w.run(0)); d.HasErrors() {
			t.Fatal(d.Error())
		}
		if got := srv.CertStatus(t, serial); got != tc.want {
			t.Errorf("revoke_on_destroy = %v: Pebble says %q, want %q", tc.revoke, got, tc.want)
		}
		if _, err := w.env.Secrets.Get(keyID); err == nil {
			t.Errorf("the key of the destroyed certificate is still in Secrets")
		}
	}
	if !w.said("revoking certificate") {
		t.Errorf("progress does not mention the revocation: %v", w.progress)
	}
}
