package cert_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/providers/providertest"
)

// brokenPEM is a CERTIFICATE block that is not a certificate.
const brokenPEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"

// withAttr returns an object value with one attribute replaced.
func withAttr(v cty.Value, name string, to cty.Value) cty.Value {
	m := v.AsValueMap()
	m[name] = to
	return cty.ObjectVal(m)
}

// outcome is what a plan says, in a form to compare whole.
func outcome(pl providers.PlanResponse, vdiags string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "replace=%v reasons=%q\n", pl.RequiresReplace, pl.Reasons)
	for _, d := range pl.Diagnostics {
		fmt.Fprintf(&b, "plan: %s: %s\n", d.Summary, d.Detail)
	}
	b.WriteString(vdiags)
	if pl.Planned != cty.NilVal && pl.Planned.IsWhollyKnown() {
		fmt.Fprintf(&b, "fingerprint=%s issuer=%s\n", str(pl.Planned, "fingerprint_sha256"), str(pl.Planned, "issuer_fingerprint"))
	}
	return b.String()
}

// TestRunCertificateCache plans with and without the run's cache of parsed
// certificates (Env.Certs), and with many plans sharing one cache at once:
// the reasons and the diagnostics must be the same.
func TestRunCertificateCache(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	ca := create(t, env, `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Root CA"
		key {
			algorithm = "ECDSA"
		}`, nil)
	leafSrc := `
		issuer      = var.ca
		common_name = "ies.example.test"
		key {
			algorithm = "ECDSA"
		}`
	leaf := create(t, env, leafSrc, map[string]cty.Value{"ca": issuerOf(ca)})

	tests := []struct {
		name   string
		issuer cty.Value
		live   cty.Value
		want   string // a line outcome must hold
	}{
		{name: "unchanged", issuer: issuerOf(ca), live: leaf,
			want: "replace=false reasons=[]"},
		{name: "state pem not PEM", issuer: issuerOf(ca), live: withAttr(leaf, "pem", cty.StringVal("garbage")),
			want: `"the certificate recorded in state cannot be read"`},
		{name: "state pem broken", issuer: issuerOf(ca), live: withAttr(leaf, "pem", cty.StringVal(brokenPEM)),
			want: `"the certificate recorded in state cannot be read"`},
		{name: "state pem a chain", issuer: issuerOf(ca), live: withAttr(leaf, "pem", cty.StringVal(str(leaf, "pem")+str(ca, "pem"))),
			want: "replace=false reasons=[]"},
		{name: "issuer pem not PEM", issuer: withAttr(issuerOf(ca), "pem", cty.StringVal("garbage")), live: leaf,
			want: "Invalid issuer certificate: certificate.test: The issuer's pem cannot be read: no PEM CERTIFICATE block found."},
		{name: "issuer pem broken", issuer: withAttr(issuerOf(ca), "pem", cty.StringVal(brokenPEM)), live: leaf,
			want: "Invalid issuer certificate: certificate.test: The issuer's pem cannot be read: parsing certificate: "},
	}
	p := cert.New()
	run := func(t *testing.T, env *providers.Env, i int) string {
		tc := tests[i]
		cfg := providertest.Decode(t, p, leafSrc, vars(map[string]cty.Value{"ca": tc.issuer}))
		var vdiags strings.Builder
		for _, d := range p.Validate("certificate.test", cfg) {
			fmt.Fprintf(&vdiags, "validate: %s: %s\n", d.Summary, d.Detail)
		}
		pl := p.Plan(context.Background(), providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: leaf, Live: tc.live, Env: env})
		return outcome(pl, vdiags.String())
	}

	without := make([]string, len(tests))
	for i, tc := range tests {
		without[i] = run(t, env, i)
		if !strings.Contains(without[i], tc.want) {
			t.Errorf("%s: without a cache got\n%s\nwant a line with %q", tc.name, without[i], tc.want)
		}
	}

	cached := *env
	cached.Certs = &pemcert.Cache{}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 2 { // parsing, then from the cache
				if got := run(t, &cached, i); got != without[i] {
					t.Errorf("round %d with the cache:\n%s\nwithout:\n%s", round, got, without[i])
				}
			}
		})
	}

	t.Run("concurrent", func(t *testing.T) {
		shared := *env
		shared.Certs = &pemcert.Cache{}
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range 3 * len(tests) {
					i := (n + w) % len(tests)
					if got := run(t, &shared, i); got != without[i] {
						t.Errorf("%s, at once with the cache:\n%s\nwithout:\n%s", tests[i].name, got, without[i])
					}
				}
			}()
		}
		wg.Wait()
	})
}
