package checks_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/certform/certform/providers/probe/probetest"
)

// publicRoot is a root CA this test binary's system roots hold: TestMain
// writes it to a file named by SSL_CERT_FILE, which crypto/x509 reads on
// Linux and the BSDs the first time it needs the system roots. A
// certificate it issued is publicly trusted for validity-schedule.
var publicRoot *probetest.Cert

func TestMain(m *testing.M) {
	os.Exit(runWithPublicRoot(m))
}

func runWithPublicRoot(m *testing.M) int {
	tb := &mainTB{}
	defer tb.cleanup()
	publicRoot = probetest.New(tb, nil, true, probetest.Options{CommonName: "Checks Test Public Root",
		NotBefore: time.Now().Add(-365 * 24 * time.Hour), NotAfter: time.Now().Add(3650 * 24 * time.Hour)})
	dir, err := os.MkdirTemp("", "checks-roots")
	if err != nil {
		panic(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	file := probetest.WriteFile(tb, dir, "roots.pem", publicRoot.PEM())
	if err := os.Setenv("SSL_CERT_FILE", file); err != nil {
		panic(err)
	}
	return m.Run()
}

// mainTB is the probetest.TB of TestMain.
type mainTB struct{ cleanups []func() }

func (*mainTB) Helper()            {}
func (*mainTB) Fatal(args ...any)  { panic(fmt.Sprint(args...)) }
func (t *mainTB) Cleanup(f func()) { t.cleanups = append(t.cleanups, f) }
func (t *mainTB) cleanup() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// TestImportedPublicValidity: an imported certificate whose chain leads to
// a root of the system is publicly trusted, so validity beyond the
// schedule's limit for its notBefore is an error; the same validity from a
// company CA passes (it stays below 398 days).
func TestImportedPublicValidity(t *testing.T) {
	company := probetest.New(t, nil, true, probetest.Options{CommonName: "Company Root",
		NotBefore: time.Now().Add(-365 * 24 * time.Hour), NotAfter: time.Now().Add(3650 * 24 * time.Hour)})
	issuedAt := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	limit := limitAt(issuedAt)
	over := min(limit+50, 398)
	for _, tc := range []struct {
		name string
		root *probetest.Cert
		days int
		want []string
		// interFrom is when the intermediate became valid, after the
		// certificate's notBefore when the CA backdates it.
		interFrom time.Time
	}{
		{"public, over the limit", publicRoot, over, []string{"error certificate.web"}, issuedAt.Add(-30 * 24 * time.Hour)},
		{"public, at the limit", publicRoot, limit, nil, issuedAt.Add(-30 * 24 * time.Hour)},
		{"public, backdated", publicRoot, over, []string{"error certificate.web"}, issuedAt.Add(2 * time.Hour)},
		{"company, over the public limit", company, over, nil, issuedAt.Add(-30 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inter := probetest.New(t, tc.root, true, probetest.Options{CommonName: "Issuing CA", NotBefore: tc.interFrom, NotAfter: time.Now().Add(1000 * 24 * time.Hour)})
			leaf := probetest.New(t, inter, false, probetest.Options{CommonName: "web.example.test", DNSNames: []string{"web.example.test"},
				NotBefore: issuedAt, NotAfter: issuedAt.Add(time.Duration(tc.days) * 24 * time.Hour)})
			dir := write(t, map[string]string{
				"main.hcl": `
certificate "web" {
  import {
    cert_pem  = file("web.crt")
    key_pem   = file("web.key")
    chain_pem = file("chain.pem")
  }
}
`,
				"web.crt":   leaf.PEM(),
				"web.key":   leaf.KeyPEM(),
				"chain.pem": inter.PEM(),
			})
			fs := newEngine(t, dir).findings()
			if got := describe(fs, "validity-schedule"); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %q, want %q\n%s", got, tc.want, messages(fs, "validity-schedule"))
			}
			if tc.want != nil {
				want := fmt.Sprintf("certificate.web is publicly trusted and valid for %d days from %s; certificates issued then may be valid for at most %d days", tc.days, issuedAt.UTC().Format("2006-01-02"), limit)
				if msg := messages(fs, "validity-schedule"); !strings.Contains(msg, want) {
					t.Errorf("message %q\nlacks %q", msg, want)
				}
			}
		})
	}
}

// limitAt is the schedule of docs/checks.md: the longest validity of a
// public certificate issued at t.
func limitAt(t time.Time) int {
	switch {
	case !t.Before(date(2029, 3, 15)):
		return 47
	case !t.Before(date(2027, 3, 15)):
		return 100
	case !t.Before(date(2026, 3, 15)):
		return 200
	}
	return 398
}
