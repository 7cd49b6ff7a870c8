package issuer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/providertest"
)

func selfSigned() map[string]cty.Value {
	return map[string]cty.Value{
		"self_signed": cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")}),
	}
}

// newCert issues a certificate with the cert provider.
func newCert(t *testing.T, src string) cty.Value {
	t.Helper()
	env, _ := providertest.NewEnv(t)
	p := cert.New()
	cfg := providertest.Decode(t, p, src, selfSigned())
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	return ap.New
}

func TestContract(t *testing.T) {
	ca := newCert(t, `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Root CA"
		key {
			algorithm = "ECDSA"
		}`)
	providertest.Run(t, issuer.New(), []providertest.Case{{
		Name: "CA certificate",
		HCL:  `certificate = var.ca`,
		Vars: map[string]cty.Value{"ca": ca},
		Check: func(t *testing.T, _ string, applied cty.Value) {
			want := map[string]string{"kind": "ca", "chain_pem": ""}
			for _, n := range []string{"pem", "key_id", "fingerprint_sha256", "subject", "not_after"} {
				want[n] = providers.String(ca, n)
			}
			for n, w := range want {
				if got := providers.String(applied, n); got != w {
					t.Errorf("%s = %q, want %q", n, got, w)
				}
			}
			if n := len(applied.Type().AttributeTypes()); n != len(want) {
				t.Errorf("issuer value has %d attributes, want %d", n, len(want))
			}
			data, _ := ctyjson.SimpleJSONValue{Value: applied}.MarshalJSON()
			if strings.Contains(string(data), "PRIVATE KEY") {
				t.Errorf("issuer value holds a private key: %s", data)
			}
		},
	}})
}

func TestLeafIsNotAnIssuer(t *testing.T) {
	leaf := newCert(t, `
		issuer      = var.self_signed
		common_name = "ies.example.test"`)
	p := issuer.New()
	cfg := providertest.Decode(t, p, `certificate = var.leaf`, map[string]cty.Value{"leaf": leaf})
	diags := p.Validate("issuer.ca.test", cfg)
	if !diags.HasErrors() || diags[0].Summary != "Certificate is not a CA" || !strings.Contains(diags[0].Detail, "is_ca = true") {
		t.Fatalf("got %v, want Certificate is not a CA with a hint to set is_ca = true", diags)
	}
	env, _ := providertest.NewEnv(t)
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "issuer.ca.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if !pl.Diagnostics.HasErrors() {
		t.Fatal("Plan accepted a leaf certificate")
	}
}

func TestUnknownCertificate(t *testing.T) {
	// A CA certificate being created: config values known, computed ones not.
	ca := cty.ObjectVal(map[string]cty.Value{
		"is_ca":              cty.True,
		"pem":                cty.UnknownVal(cty.String),
		"chain_pem":          cty.StringVal(""),
		"key_id":             cty.UnknownVal(cty.String),
		"fingerprint_sha256": cty.UnknownVal(cty.String),
		"subject":            cty.UnknownVal(cty.String),
		"not_after":          cty.UnknownVal(cty.String),
	})
	p := issuer.New()
	env, _ := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, `certificate = var.ca`, map[string]cty.Value{"ca": ca})
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "issuer.ca.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if pl.Diagnostics.HasErrors() {
		t.Fatal(pl.Diagnostics.Error())
	}
	if pl.Planned.GetAttr("pem").IsKnown() || providers.String(pl.Planned, "kind") != "ca" || providers.String(pl.Planned, "chain_pem") != "" {
		t.Errorf("planned %#v, want kind ca with unknown pem", pl.Planned)
	}
}
