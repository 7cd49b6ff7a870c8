package endpoint_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/probe/probetest"
	"github.com/certform/certform/providers/providertest"
)

// probed is an endpoint with probe = true whose certificate has
// fingerprint fp, probed at addr.
type probed struct {
	t   *testing.T
	p   *endpoint.Provider
	env *providers.Env
	cfg cty.Value
}

func newProbed(t *testing.T, addr, fp, extra string) *probed {
	t.Helper()
	p := endpoint.New()
	env, _ := providertest.NewEnv(t)
	src := `
url           = "iwfms://ies.example.test:45054"
certificate   = var.cert
tls_only      = true
probe         = true
probe_address = var.addr
` + extra
	cfg := providertest.Decode(t, p, src, map[string]cty.Value{"cert": certificate(fp, "ies.example.test"), "addr": cty.StringVal(addr)})
	return &probed{t: t, p: p, env: env, cfg: cfg}
}

// applied returns the value apply records.
func (e *probed) applied() cty.Value {
	e.t.Helper()
	ctx := context.Background()
	pl := e.p.Plan(ctx, providers.PlanRequest{Address: "endpoint.ies", Config: e.cfg, Prior: providers.Null, Live: providers.Null, Env: e.env})
	ap := e.p.Apply(ctx, providers.ApplyRequest{Address: "endpoint.ies", Config: e.cfg, Prior: providers.Null, Planned: pl.Planned, Env: e.env})
	if ap.Diagnostics.HasErrors() {
		e.t.Fatal(ap.Diagnostics.Error())
	}
	return ap.New
}

func (e *probed) read(prior cty.Value) providers.ReadResponse {
	return e.p.Read(context.Background(), providers.ReadRequest{Address: "endpoint.ies", Config: e.cfg, Prior: prior, Env: e.env})
}

func (e *probed) verify(v cty.Value) hcl.Diagnostics {
	return e.p.Verify(context.Background(), providers.VerifyRequest{Address: "endpoint.ies", Config: e.cfg, New: v, Env: e.env})
}

// TestReadServed: refresh finds what the endpoint serves, so that another
// certificate shows as drift and as a reason to update.
func TestReadServed(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	other := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}})
	srv := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
	e := newProbed(t, srv.Addr, pki.Leaf.Fingerprint(), "")
	prior := e.applied()
	if got := providers.String(prior, "served_fingerprint"); got != pki.Leaf.Fingerprint() {
		t.Fatalf("applied served_fingerprint = %q, want the certificate's", got)
	}

	r := e.read(prior)
	if len(r.Diagnostics) > 0 || !providers.Equal(r.Live, prior) {
		t.Fatalf("serving the certificate: live %#v, diags %v", r.Live, r.Diagnostics)
	}

	srv.Swap(probetest.Chain(other, pki.Inter))
	r = e.read(prior)
	if got := providers.String(r.Live, "served_fingerprint"); got != other.Fingerprint() {
		t.Fatalf("after the swap served_fingerprint = %q, want the other certificate", got)
	}
	pl := e.p.Plan(context.Background(), providers.PlanRequest{Address: "endpoint.ies", Config: e.cfg, Prior: prior, Live: r.Live, Env: e.env})
	if providers.Equal(pl.Planned, r.Live) || len(pl.Reasons) != 1 || !strings.Contains(pl.Reasons[0], "the endpoint serves certificate sha256:"+other.Fingerprint()[:16]) {
		t.Errorf("plan does not update: reasons %q", pl.Reasons)
	}
}

func TestReadUnreachable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		addr     func(t testing.TB) string
		extra    string
		severity hcl.DiagnosticSeverity
		summary  string
		served   string // "-" for unchanged
	}{
		{"nothing listens", func(t testing.TB) string { return probetest.ClosedPort(t) }, "", hcl.DiagWarning, "Endpoint not reachable", "-"},
		{"nothing listens, required", func(t testing.TB) string { return probetest.ClosedPort(t) }, "probe_required = true", hcl.DiagError, "Endpoint not reachable", "-"},
		{"plain text", func(t testing.TB) string { return probetest.StartPlain(t).Addr }, "", hcl.DiagWarning, "Endpoint serves no TLS", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newProbed(t, tc.addr(t), "ab12", tc.extra)
			prior := e.applied()
			r := e.read(prior)
			if len(r.Diagnostics) != 1 || r.Diagnostics[0].Severity != tc.severity || r.Diagnostics[0].Summary != tc.summary {
				t.Fatalf("diagnostics %v, want %q", r.Diagnostics, tc.summary)
			}
			want := "ab12"
			if tc.served != "-" {
				want = tc.served
			}
			if got := providers.String(r.Live, "served_fingerprint"); got != want {
				t.Errorf("served_fingerprint %q, want %q", got, want)
			}
		})
	}
}

// TestProbeOff: without probe nothing is probed and served_fingerprint
// stays null.
func TestProbeOff(t *testing.T) {
	p := endpoint.New()
	env, _ := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, `url = "iwfms://127.0.0.1:1"`, nil)
	prior := cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal("iwfms://127.0.0.1:1"), "served_fingerprint": cty.NullVal(cty.String)})
	r := p.Read(context.Background(), providers.ReadRequest{Address: "endpoint.x", Config: cfg, Prior: prior, Env: env})
	if len(r.Diagnostics) > 0 || !providers.Equal(r.Live, prior) {
		t.Fatalf("live %#v, diags %v", r.Live, r.Diagnostics)
	}
}

// TestVerify: after apply the endpoint must serve the new certificate;
// a service that restarts is waited for.
func TestVerify(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	next := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}})

	t.Run("serves the new certificate", func(t *testing.T) {
		srv := probetest.StartTLS(t, probetest.Chain(next, pki.Inter))
		e := newProbed(t, srv.Addr, next.Fingerprint(), "")
		if d := e.verify(e.applied()); len(d) > 0 {
			t.Fatal(d.Error())
		}
	})
	t.Run("still the old certificate", func(t *testing.T) {
		srv := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
		e := newProbed(t, srv.Addr, next.Fingerprint(), `probe_wait = "2s"`)
		start := time.Now()
		d := e.verify(e.applied())
		if len(d) != 1 || d[0].Severity != hcl.DiagError || d[0].Summary != "New certificate not served" {
			t.Fatalf("got %v", d)
		}
		if !strings.Contains(d[0].Detail, "still serves certificate sha256:"+pki.Leaf.Fingerprint()[:16]) {
			t.Errorf("detail: %s", d[0].Detail)
		}
		if time.Since(start) < 2*time.Second {
			t.Errorf("gave up after %s, before probe_wait", time.Since(start))
		}
	})
	t.Run("restarted while waiting", func(t *testing.T) {
		srv := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
		e := newProbed(t, srv.Addr, next.Fingerprint(), `probe_wait = "10s"`)
		time.AfterFunc(1500*time.Millisecond, func() { srv.Swap(probetest.Chain(next, pki.Inter)) })
		if d := e.verify(e.applied()); len(d) > 0 {
			t.Fatal(d.Error())
		}
	})
	t.Run("nothing listens", func(t *testing.T) {
		e := newProbed(t, probetest.ClosedPort(t), next.Fingerprint(), `probe_wait = "1s"`)
		d := e.verify(e.applied())
		if len(d) != 1 || d[0].Severity != hcl.DiagWarning || d[0].Summary != "Endpoint not reachable" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("nothing listens, required", func(t *testing.T) {
		e := newProbed(t, probetest.ClosedPort(t), next.Fingerprint(), "probe_wait = \"1s\"\nprobe_required = true")
		d := e.verify(e.applied())
		if len(d) != 1 || d[0].Severity != hcl.DiagError {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("plain text", func(t *testing.T) {
		e := newProbed(t, probetest.StartPlain(t).Addr, next.Fingerprint(), `probe_wait = "1s"`)
		d := e.verify(e.applied())
		if len(d) != 1 || d[0].Severity != hcl.DiagError || !strings.Contains(d[0].Detail, "the server answered in plain text") {
			t.Fatalf("got %v", d)
		}
	})
}

func TestProbeSettings(t *testing.T) {
	for _, tc := range []struct{ hcl, summary string }{
		{`probe_address = "127.0.0.1"`, "Invalid probe_address"},
		{`probe_timeout = "soon"`, "Invalid probe_timeout"},
		{`probe_wait = "-1s"`, "Invalid probe_wait"},
	} {
		t.Run(tc.hcl, func(t *testing.T) {
			p := endpoint.New()
			cfg := providertest.Decode(t, p, "url = \"iwfms://ies.example.test:45054\"\nprobe = true\n"+tc.hcl, nil)
			d := p.Validate("endpoint.ies", cfg)
			if len(d) != 1 || d[0].Summary != tc.summary {
				t.Fatalf("got %v, want %q", d, tc.summary)
			}
		})
	}
}
