package cert_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

// selfSigned is the value lang passes for `issuer = self_signed`.
func selfSigned() cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")})
}

// issuerOf builds the value an issuer "ca" block makes of a CA certificate.
func issuerOf(ca cty.Value) cty.Value {
	m := map[string]cty.Value{"kind": cty.StringVal("ca")}
	for _, n := range []string{"pem", "chain_pem", "key_id", "fingerprint_sha256", "subject", "not_after"} {
		m[n] = providers.Attr(ca, n)
	}
	return cty.ObjectVal(m)
}

// vars returns the variables test bodies use: var.self_signed and extra.
func vars(extra map[string]cty.Value) map[string]cty.Value {
	m := map[string]cty.Value{"self_signed": selfSigned()}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// create plans and applies a new certificate and returns its value as the
// state would record it.
func create(t *testing.T, env *providers.Env, src string, vs map[string]cty.Value) cty.Value {
	t.Helper()
	p := cert.New()
	cfg := providertest.Decode(t, p, src, vars(vs))
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if pl.Diagnostics.HasErrors() {
		t.Fatalf("Plan: %s", pl.Diagnostics.Error())
	}
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatalf("Apply: %s", ap.Diagnostics.Error())
	}
	return roundTrip(t, ap.New)
}

// replan reads prior and plans src against it.
func replan(t *testing.T, env *providers.Env, src string, vs map[string]cty.Value, prior cty.Value) (providers.PlanResponse, cty.Value) {
	t.Helper()
	p := cert.New()
	cfg := providertest.Decode(t, p, src, vars(vs))
	ctx := context.Background()
	rd := p.Read(ctx, providers.ReadRequest{Address: "certificate.test", Config: cfg, Prior: prior, Env: env})
	if rd.Diagnostics.HasErrors() {
		t.Fatalf("Read: %s", rd.Diagnostics.Error())
	}
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: prior, Live: rd.Live, Env: env})
	if pl.Diagnostics.HasErrors() {
		t.Fatalf("Plan: %s", pl.Diagnostics.Error())
	}
	return pl, cfg
}

func roundTrip(t *testing.T, v cty.Value) cty.Value {
	t.Helper()
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back ctyjson.SimpleJSONValue
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return back.Value
}

// jsonOf marshals a value as state would, with unknowns as a marker.
func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	v, _ = cty.Transform(v, func(p cty.Path, v cty.Value) (cty.Value, error) {
		if !v.IsKnown() {
			return cty.StringVal("(known after apply)"), nil
		}
		return v, nil
	})
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writePEM writes a PEM text into dir and returns its path.
func writePEM(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func str(v cty.Value, name string) string { return providers.String(v, name) }

func hasReason(reasons []string, want string) bool {
	for _, r := range reasons {
		if strings.Contains(r, want) {
			return true
		}
	}
	return false
}

func at(env *providers.Env, d time.Duration) *providers.Env {
	e := *env
	e.Now = env.Now.Add(d)
	return &e
}
