package cert_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

const leafHCL = `
	issuer       = var.self_signed
	common_name  = "ies.example.test"
	dns_names    = ["ies.example.test"]
	validity     = "397d"
	renew_before = "30d"`

func TestPlanReplaceReasons(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name    string
		after   time.Duration // time since issue at plan
		hcl     string        // config at plan; leafHCL when empty
		replace bool
		reason  string // "" for no change
	}{
		{name: "unchanged", after: 100 * day},
		{name: "inside renew_before", after: 385 * day, replace: true, reason: "expires in 12 days, renew_before is 30d"},
		{name: "just outside renew_before", after: 366 * day},
		{name: "expired", after: 400 * day, replace: true, reason: "expired 3 days ago"},
		{
			name: "dns_names changed", after: day, replace: true, reason: "dns_names changed",
			hcl: strings.Replace(leafHCL, `["ies.example.test"]`, `["ies.example.test", "ies2.example.test"]`, 1),
		},
		{
			name: "key algorithm changed", after: day, replace: true, reason: "key algorithm changed",
			hcl: leafHCL + "\nkey {\nalgorithm = \"ECDSA\"\n}",
		},
		{
			name: "key size changed", after: day, replace: true, reason: "key size changed",
			hcl: leafHCL + "\nkey {\nalgorithm = \"RSA\"\nbits = 3072\n}",
		},
		{
			name: "same key written out", after: day,
			hcl: leafHCL + "\nkey {\nalgorithm = \"rsa\"\nbits = 2048\n}",
		},
		{
			name: "validity changed", after: day, replace: true, reason: "validity changed",
			hcl: strings.Replace(leafHCL, `"397d"`, `"90d"`, 1),
		},
		{
			name: "same validity in hours", after: day,
			hcl: strings.Replace(leafHCL, `"397d"`, `"9528h"`, 1),
		},
		{
			name: "renew_before changed is an update in place", after: day, reason: "renew_before changed",
			hcl: strings.Replace(leafHCL, `"30d"`, `"60d"`, 1),
		},
		{
			name: "longer renew_before reaches into the window", after: 300 * day, replace: true,
			reason: "expires in 97 days, renew_before is 100d",
			hcl:    strings.Replace(leafHCL, `"30d"`, `"100d"`, 1),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := providertest.NewEnv(t)
			prior := create(t, env, leafHCL, nil)
			src := tc.hcl
			if src == "" {
				src = leafHCL
			}
			pl, _ := replan(t, at(env, tc.after), src, nil, prior)
			if pl.RequiresReplace != tc.replace {
				t.Errorf("RequiresReplace = %v, want %v (reasons %q)", pl.RequiresReplace, tc.replace, pl.Reasons)
			}
			switch {
			case tc.reason == "" && len(pl.Reasons) > 0:
				t.Errorf("reasons = %q, want none", pl.Reasons)
			case tc.reason != "" && !hasReason(pl.Reasons, tc.reason):
				t.Errorf("reasons = %q, want %q", pl.Reasons, tc.reason)
			}
			noChange := tc.reason == ""
			if got := providers.Equal(pl.Planned, prior); got != noChange {
				t.Errorf("Planned equals Live: %v, want %v\nplanned: %s", got, noChange, jsonOf(t, pl.Planned))
			}
			if pl.NoChange != noChange {
				t.Errorf("NoChange = %v, want %v", pl.NoChange, noChange)
			}
			if tc.replace && pl.Planned.GetAttr("pem").IsKnown() {
				t.Errorf("replacement has a known pem")
			}
		})
	}
}

func TestUpdateInPlaceKeepsCertificate(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	prior := create(t, env, leafHCL, nil)
	src := strings.Replace(leafHCL, `"30d"`, `"60d"`, 1)
	pl, cfg := replan(t, env, src, nil, prior)
	ap := cert.New().Apply(context.Background(), providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: prior, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if str(ap.New, "pem") != str(prior, "pem") || str(ap.New, "renew_before") != "60d" {
		t.Errorf("update in place gave pem changed=%v renew_before=%q", str(ap.New, "pem") != str(prior, "pem"), str(ap.New, "renew_before"))
	}
}

func TestMissingKeyReplaces(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	prior := create(t, env, leafHCL, nil)
	if err := env.Secrets.Delete(str(prior, "key_id")); err != nil {
		t.Fatal(err)
	}
	pl, _ := replan(t, env, leafHCL, nil, prior)
	if !pl.RequiresReplace || !hasReason(pl.Reasons, "private key missing from .certform/keys") {
		t.Errorf("replace=%v reasons=%q, want a replacement because the key is missing", pl.RequiresReplace, pl.Reasons)
	}
}

func TestReplaceDeletesOldKey(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	prior := create(t, env, leafHCL, nil)
	src := strings.Replace(leafHCL, `["ies.example.test"]`, `["ies.example.test", "ies2.example.test"]`, 1)
	pl, cfg := replan(t, env, src, nil, prior)
	ap := cert.New().Apply(context.Background(), providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: prior, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if str(ap.New, "key_id") == str(prior, "key_id") {
		t.Fatal("replacement kept the old key")
	}
	if _, err := env.Secrets.Get(str(prior, "key_id")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("old key still in secrets (err %v)", err)
	}
	if _, err := env.Secrets.Get(str(ap.New, "key_id")); err != nil {
		t.Errorf("new key not in secrets: %v", err)
	}
}

func TestIssuerChanged(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	caHCL := `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Root CA"`
	ca := create(t, env, caHCL, nil)
	leafSrc := `
		issuer      = var.ca
		common_name = "ies.example.test"`
	leaf := create(t, env, leafSrc, map[string]cty.Value{"ca": issuerOf(ca)})

	pl, _ := replan(t, env, leafSrc, map[string]cty.Value{"ca": issuerOf(ca)}, leaf)
	if pl.RequiresReplace || len(pl.Reasons) > 0 {
		t.Fatalf("same issuer: replace=%v reasons=%q", pl.RequiresReplace, pl.Reasons)
	}

	other := create(t, env, caHCL, nil)
	pl, _ = replan(t, env, leafSrc, map[string]cty.Value{"ca": issuerOf(other)}, leaf)
	if !pl.RequiresReplace || !hasReason(pl.Reasons, "issuer changed") {
		t.Errorf("other CA: replace=%v reasons=%q, want issuer changed", pl.RequiresReplace, pl.Reasons)
	}

	// The CA itself is being replaced: its pem is unknown.
	replacing := cty.ObjectVal(map[string]cty.Value{
		"kind":               cty.StringVal("ca"),
		"pem":                cty.UnknownVal(cty.String),
		"chain_pem":          cty.StringVal(""),
		"key_id":             cty.UnknownVal(cty.String),
		"fingerprint_sha256": cty.UnknownVal(cty.String),
		"subject":            cty.UnknownVal(cty.String),
		"not_after":          cty.UnknownVal(cty.String),
	})
	pl, _ = replan(t, env, leafSrc, map[string]cty.Value{"ca": replacing}, leaf)
	if !pl.RequiresReplace || !hasReason(pl.Reasons, "issuer changed") {
		t.Errorf("CA being replaced: replace=%v reasons=%q, want issuer changed", pl.RequiresReplace, pl.Reasons)
	}
	if pl.Planned.GetAttr("issuer_fingerprint").IsKnown() {
		t.Errorf("issuer_fingerprint is known while the CA is being replaced")
	}

	pl, _ = replan(t, env, leafSrc, map[string]cty.Value{"ca": selfSigned()}, leaf)
	if !pl.RequiresReplace || !hasReason(pl.Reasons, "issuer changed") {
		t.Errorf("now self-signed: replace=%v reasons=%q, want issuer changed", pl.RequiresReplace, pl.Reasons)
	}
}

func TestNewCertificatePlan(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	p := cert.New()
	cfg := providertest.Decode(t, p, leafHCL, vars(nil))
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if pl.Diagnostics.HasErrors() || pl.RequiresReplace {
		t.Fatalf("diags=%v replace=%v", pl.Diagnostics, pl.RequiresReplace)
	}
	for _, n := range []string{"pem", "serial", "not_before", "not_after", "fingerprint_sha256", "thumbprint_sha1", "subject", "issuer_name", "key_id"} {
		if v := pl.Planned.GetAttr(n); v.IsKnown() || !v.Type().Equals(cty.String) {
			t.Errorf("%s = %#v, want an unknown string", n, v)
		}
	}
	if got := str(pl.Planned, "common_name"); got != "ies.example.test" {
		t.Errorf("common_name = %q", got)
	}
}

// TestNoPrivateKeyInValues marshals every value the provider returns, as
// the state and plan files would, and looks for key material.
func TestNoPrivateKeyInValues(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	ca := create(t, env, `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Root CA"`, nil)
	leafSrc := `
		issuer      = var.ca
		common_name = "ies.example.test"
		key {
			algorithm = "ECDSA"
		}`
	vs := map[string]cty.Value{"ca": issuerOf(ca)}
	leaf := create(t, env, leafSrc, vs)
	pl, _ := replan(t, at(env, 390*24*time.Hour), leafSrc, vs, leaf)
	for name, v := range map[string]cty.Value{"ca": ca, "leaf": leaf, "replan": pl.Planned} {
		if js := jsonOf(t, v); strings.Contains(js, "PRIVATE KEY") {
			t.Errorf("%s value holds a private key: %s", name, js)
		}
	}
}

func TestValidate(t *testing.T) {
	p := cert.New()
	for _, tc := range []struct {
		name string
		hcl  string
		want string // summary of the expected error; "" for none
	}{
		{name: "valid", hcl: `common_name = "a.example.test"`},
		{name: "RSA 1024", hcl: `key {
			algorithm = "RSA"
			bits = 1024
		}`, want: "Unsupported RSA key size"},
		{name: "curve P521", hcl: `key {
			algorithm = "ECDSA"
			curve = "P521"
		}`, want: "Unsupported ECDSA curve"},
		{name: "bits with ECDSA", hcl: `key {
			algorithm = "ECDSA"
			bits = 256
		}`, want: "bits set for an ECDSA key"},
		{name: "DSA", hcl: `key {
			algorithm = "DSA"
		}`, want: "Unsupported key algorithm"},
		{name: "bad validity", hcl: `validity = "a year"`, want: "Invalid validity"},
		{name: "bad renew_before", hcl: `renew_before = "-1d"`, want: "Invalid renew_before"},
		{name: "renew_before not shorter", hcl: `
			validity = "30d"
			renew_before = "30d"`, want: "renew_before is not shorter than validity"},
		{name: "renew_before of a CA default", hcl: `
			is_ca = true
			renew_before = "400d"`},
		{name: "bad IP", hcl: `ip_addresses = ["192.0.2.300"]`, want: "Invalid IP address"},
		{name: "URL as DNS name", hcl: `dns_names = ["https://a.example.test"]`, want: "Invalid DNS name"},
		{name: "bad wildcard", hcl: `dns_names = ["a.*.example.test"]`, want: "Invalid DNS name"},
		{name: "unknown key usage", hcl: `key_usages = ["sign"]`, want: "Unknown key usage"},
		{name: "unknown ext key usage", hcl: `ext_key_usages = ["web"]`, want: "Unknown extended key usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "issuer = var.self_signed\n" + tc.hcl
			if !strings.Contains(tc.hcl, "common_name") && !strings.Contains(tc.hcl, "dns_names") {
				src += "\ncommon_name = \"a.example.test\""
			}
			cfg := providertest.Decode(t, p, src, vars(nil))
			diags := p.Validate("certificate.test", cfg)
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatalf("unexpected errors: %s", diags.Error())
				}
				return
			}
			if !diags.HasErrors() {
				t.Fatalf("no error, want %q", tc.want)
			}
			found := false
			for _, d := range diags {
				found = found || d.Summary == tc.want
				if !strings.Contains(d.Detail, "certificate.test") {
					t.Errorf("detail %q does not name the resource", d.Detail)
				}
			}
			if !found {
				t.Errorf("got %s, want %q", diags.Error(), tc.want)
			}
		})
	}
}

func TestValidateAcceptsUnknowns(t *testing.T) {
	p := cert.New()
	cfg := cty.ObjectVal(map[string]cty.Value{
		"issuer":         cty.DynamicVal,
		"common_name":    cty.UnknownVal(cty.String),
		"dns_names":      cty.UnknownVal(cty.List(cty.String)),
		"ip_addresses":   cty.ListVal([]cty.Value{cty.UnknownVal(cty.String)}),
		"organization":   cty.NullVal(cty.String),
		"is_ca":          cty.UnknownVal(cty.Bool),
		"validity":       cty.UnknownVal(cty.String),
		"renew_before":   cty.NullVal(cty.String),
		"key_usages":     cty.NullVal(cty.List(cty.String)),
		"ext_key_usages": cty.NullVal(cty.List(cty.String)),
		"key": cty.ObjectVal(map[string]cty.Value{
			"algorithm": cty.UnknownVal(cty.String),
			"bits":      cty.UnknownVal(cty.Number),
			"curve":     cty.NullVal(cty.String),
		}),
	})
	if diags := p.Validate("certificate.test", cfg); diags.HasErrors() {
		t.Fatalf("unknowns refused: %s", diags.Error())
	}
}

func TestIssuerMustBeIssuer(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	leaf := create(t, env, leafHCL, nil)
	p := cert.New()
	for _, tc := range []struct {
		name   string
		issuer cty.Value
		want   string
	}{
		{"certificate instead of issuer", leaf, "A certificate is not an issuer"},
		{"string", cty.StringVal("self_signed"), "Invalid issuer"},
		{"unknown kind", cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("acme")}), "Invalid issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := providertest.Decode(t, p, `
				issuer = var.iss
				common_name = "x.example.test"`, map[string]cty.Value{"iss": tc.issuer})
			diags := p.Validate("certificate.test", cfg)
			if !diags.HasErrors() || diags[0].Summary != tc.want {
				t.Errorf("got %v, want %q", diags, tc.want)
			}
		})
	}

	// A leaf wrapped as an issuer fails at apply with a clear message.
	cfg := providertest.Decode(t, p, `
		issuer = var.iss
		common_name = "x.example.test"`, map[string]cty.Value{"iss": issuerOf(leaf)})
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Planned: cty.DynamicVal, Env: env})
	if !ap.Diagnostics.HasErrors() || ap.Diagnostics[0].Summary != "Issuer is not a CA" {
		t.Errorf("got %v, want Issuer is not a CA", ap.Diagnostics)
	}
}
