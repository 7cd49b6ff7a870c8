package acme_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme/acmetest"
)

// TestIssue obtains a certificate from Pebble with each challenge type,
// checks it with openssl, and checks that a second plan changes nothing.
func TestIssue(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	for _, tc := range []struct {
		name      string
		challenge string
		names     []string
		key       string
		setup     func(t *testing.T, w *world)
		progress  string
		check     func(t *testing.T, w *world)
	}{
		{
			name:      "http-01 answered by certform",
			challenge: fmt.Sprintf("http01 {\nlisten = %q\n}", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort)),
			names:     []string{"listen.example.test", "www.listen.example.test"},
			progress:  "waiting for the CA to validate listen.example.test (http-01)",
		},
		{
			name:      "http-01 through a web root",
			challenge: "http01 {\nwebroot = \"www\"\n}",
			names:     []string{"webroot.example.test"},
			key:       "key {\nalgorithm = \"RSA\"\nbits = 2048\n}",
			setup: func(t *testing.T, w *world) {
				// Another web server serves www on the port Pebble checks.
				root := filepath.Join(w.dir, "www")
				if err := os.MkdirAll(root, 0o755); err != nil {
					t.Fatal(err)
				}
				ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort))
				if err != nil {
					t.Fatal(err)
				}
				hs := &http.Server{Handler: http.FileServer(http.Dir(root))}
				go hs.Serve(ln)
				t.Cleanup(func() { hs.Close() })
			},
			progress: "waiting for the CA to validate webroot.example.test (http-01)",
			check: func(t *testing.T, w *world) {
				entries, _ := os.ReadDir(filepath.Join(w.dir, "www"))
				if len(entries) != 0 {
					t.Errorf("the web root keeps %d entries after the order, want none: the answer and the directories made for it are removed", len(entries))
				}
			},
		},
		{
			name:      "tls-alpn-01",
			challenge: fmt.Sprintf("tls_alpn01 {\nlisten = %q\n}", fmt.Sprintf("127.0.0.1:%d", srv.TLSPort)),
			names:     []string{"alpn.example.test"},
			key:       "key {\nalgorithm = \"ECDSA\"\ncurve = \"P384\"\n}",
			progress:  "answering the tls-alpn-01 challenge for alpn.example.test",
		},
		{
			name: "dns-01 through a command",
			challenge: fmt.Sprintf(`dns01 {
				provider  = "exec"
				command   = [%q]
				env       = { %s = "1", %s = %q }
				resolvers = [%q]
			}`, os.Args[0], txtHookEnv, acmetest.ChallSrvEnv, srv.ChallSrv, srv.DNS),
			names:    []string{"dns.example.test", "*.dns.example.test"},
			progress: "waiting for TXT record _acme-challenge.dns.example.test. to appear at " + srv.DNS,
			check: func(t *testing.T, w *world) {
				// The command removed the record afterwards.
				m := new(dns.Msg)
				m.SetQuestion("_acme-challenge.dns.example.test.", dns.TypeTXT)
				r, err := dns.Exchange(m, srv.DNS)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Answer) != 0 {
					t.Errorf("the TXT record is still there after the order: %v", r.Answer)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Sub-tests share Pebble's ports, so they run one by one.
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			for _, n := range tc.names {
				if !strings.HasPrefix(n, "*.") {
					srv.AddA(t, n)
				}
			}
			iss := w.issuer("test")
			iss.mustApply(w.run(0), issuerConfig(t, srv, tc.challenge))
			crt := w.cert("test")
			names := fmt.Sprintf("dns_names = [\"%s\"]", strings.Join(tc.names, `", "`))
			cfg := certConfig(t, iss.state, names+"\n"+tc.key)
			crt.mustApply(w.run(0), cfg)
			checkIssued(t, srv, w, crt.state, tc.names...)
			if !w.said(tc.progress) {
				t.Errorf("progress does not say %q:\n%s", tc.progress, strings.Join(w.progress, "\n"))
			}
			if tc.check != nil {
				tc.check(t, w)
			}

			// A second run: nothing to do, for the issuer nor the certificate.
			for _, r := range []*resource{iss, crt} {
				config := issuerConfig(t, srv, tc.challenge)
				if r == crt {
					config = cfg
				}
				pl, live := r.plan(w.run(time.Hour), config)
				mustOK(t, "second plan of "+r.addr, pl.Diagnostics)
				if pl.RequiresReplace || len(pl.Reasons) > 0 || !providers.Equal(pl.Planned, live) {
					t.Errorf("second plan of %s is not a no-op (replace %v, reasons %v):\n got: %s\nwant: %s",
						r.addr, pl.RequiresReplace, pl.Reasons, jsonOf(pl.Planned), jsonOf(live))
				}
			}
			if got := str(crt.state, "issuer_kind"); got != "acme" {
				t.Errorf("issuer_kind = %q, want acme", got)
			}
			rec := providers.Attr(crt.state, "acme")
			if str(rec, "account_uri") != str(iss.state, "account_uri") || str(rec, "directory") != srv.Directory || str(rec, "order_id") == "" {
				t.Errorf("the acme record is %s, want the issuer's account and directory and an order id", jsonOf(rec))
			}
		})
	}
}
