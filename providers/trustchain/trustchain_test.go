package trustchain_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
	"github.com/certform/certform/providers/trustchain"
)

// pki is a root, an intermediate it issued, and a leaf the intermediate
// issued, made by the cert provider.
type pki struct {
	root, inter, leaf cty.Value
	env               *providers.Env // holds their keys
}

func issue(t *testing.T, env *providers.Env, src string, issuer cty.Value) cty.Value {
	t.Helper()
	p := cert.New()
	cfg := providertest.Decode(t, p, src, map[string]cty.Value{"issuer": issuer})
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	return ap.New
}

func asIssuer(ca cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"kind":      cty.StringVal("ca"),
		"pem":       ca.GetAttr("pem"),
		"chain_pem": ca.GetAttr("chain_pem"),
		"key_id":    ca.GetAttr("key_id"),
	})
}

func newPKI(t *testing.T) pki {
	t.Helper()
	env, _ := providertest.NewEnv(t)
	ecdsa := "\nkey {\nalgorithm = \"ECDSA\"\n}"
	root := issue(t, env, `issuer = var.issuer
		is_ca = true
		common_name = "Root CA"`+ecdsa, cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")}))
	inter := issue(t, env, `issuer = var.issuer
		is_ca = true
		common_name = "Intermediate CA"`+ecdsa, asIssuer(root))
	leaf := issue(t, env, `issuer = var.issuer
		common_name = "ies.example.test"`+ecdsa, asIssuer(inter))
	return pki{root: root, inter: inter, leaf: leaf, env: env}
}

func str(v cty.Value, n string) string { return providers.String(v, n) }

func TestContract(t *testing.T) {
	k := newPKI(t)
	vars := map[string]cty.Value{
		"root": k.root, "inter": k.inter,
		"root_pem": k.root.GetAttr("pem"), "inter_pem": k.inter.GetAttr("pem"),
	}
	providertest.Run(t, trustchain.New(), []providertest.Case{
		{Name: "roots only", HCL: `roots = [var.root]`, Vars: vars},
		{
			Name: "certificate values and PEM text, with duplicates",
			HCL: `
				roots         = [var.root, var.root_pem]
				intermediates = ["${var.inter_pem}${var.root_pem}", var.inter]`,
			Vars: vars,
			Check: func(t *testing.T, _ string, v cty.Value) {
				if got, want := str(v, "bundle_pem"), str(k.root, "pem")+str(k.inter, "pem"); got != want {
					t.Errorf("bundle_pem:\n got %q\nwant root then intermediate, each once: %q", got, want)
				}
				if got := providers.Strings(v, "roots"); len(got) != 1 || got[0] != str(k.root, "fingerprint_sha256") {
					t.Errorf("roots = %q, want the root's fingerprint once", got)
				}
				if got := providers.Strings(v, "intermediates"); len(got) != 1 || got[0] != str(k.inter, "fingerprint_sha256") {
					t.Errorf("intermediates = %q, want the intermediate's fingerprint once", got)
				}
			},
		},
	})
}

func plan(t *testing.T, src string, vars map[string]cty.Value) providers.PlanResponse {
	t.Helper()
	p := trustchain.New()
	env, _ := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, src, vars)
	return p.Plan(context.Background(), providers.PlanRequest{Address: "trust_chain.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
}

func TestChecks(t *testing.T) {
	k := newPKI(t)
	block, _ := pem.Decode([]byte(str(k.root, "pem")))
	sum := sha256.Sum256(block.Bytes)
	if hex.EncodeToString(sum[:]) != str(k.root, "fingerprint_sha256") {
		t.Fatal("fingerprints are not SHA-256 of the DER")
	}
	keyPEM := "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIE0fAbpJ4wGSJ9VfI2hUXR6PbLm1b0ow6q8GA5SGxwMO\n-----END PRIVATE KEY-----\n"
	vars := map[string]cty.Value{
		"root": k.root, "inter": k.inter, "leaf": k.leaf,
		"leaf_pem": k.leaf.GetAttr("pem"), "inter_pem": k.inter.GetAttr("pem"),
		"key_pem": cty.StringVal(keyPEM),
		"pending": cty.ObjectVal(map[string]cty.Value{"is_ca": cty.True, "pem": cty.UnknownVal(cty.String)}),
	}
	for _, tc := range []struct {
		name     string
		hcl      string
		severity hcl.DiagnosticSeverity // 0 when no diagnostic
		summary  string
	}{
		{"leaf certificate value in roots", `roots = [var.root, var.leaf]`, hcl.DiagError, "Leaf certificate in trust chain"},
		{"leaf PEM in intermediates", `
			roots = [var.root]
			intermediates = [var.leaf_pem]`, hcl.DiagError, "Leaf certificate in trust chain"},
		{"private key", `roots = ["${var.key_pem}"]`, hcl.DiagError, "Invalid certificate in roots"},
		{"not a certificate", `roots = [42]`, hcl.DiagError, "Invalid certificate"},
		{"no roots", `roots = []`, hcl.DiagError, "No root certificates"},
		{"intermediate in roots", `roots = [var.inter_pem]`, hcl.DiagWarning, "Root is not self-signed"},
		{"root missing", `
			roots = [var.inter_pem]
			intermediates = [var.inter]`, hcl.DiagWarning, "Root is not self-signed"},
		{"complete", `
			roots = [var.root]
			intermediates = [var.inter]`, 0, ""},
		{"unknown root", `roots = [var.pending]`, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl := plan(t, tc.hcl, vars)
			if tc.severity == 0 {
				if len(pl.Diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %v", pl.Diagnostics)
				}
				return
			}
			for _, d := range pl.Diagnostics {
				if d.Severity == tc.severity && d.Summary == tc.summary {
					if tc.summary == "Leaf certificate in trust chain" && !strings.Contains(d.Detail, "never the server certificate") {
						t.Errorf("detail does not explain why: %s", d.Detail)
					}
					return
				}
			}
			t.Errorf("got %v, want %q", pl.Diagnostics, tc.summary)
		})
	}
}

func TestIncompleteChain(t *testing.T) {
	k := newPKI(t)
	other := newPKI(t)
	// A second intermediate under the first: root -> inter -> inter2.
	inter2 := issue(t, k.env, "issuer = var.issuer\nis_ca = true\ncommon_name = \"Second Intermediate CA\"\nkey {\nalgorithm = \"ECDSA\"\n}", asIssuer(k.inter))
	for _, tc := range []struct {
		name, hcl string
		missing   string // issuer named in the error, "" for none
	}{
		{"issuer in neither list", `
			roots = [var.other_root]
			intermediates = [var.inter]`, "CN=Root CA"},
		{"missing intermediate in the middle", `
			roots = [var.root]
			intermediates = [var.inter2]`, "CN=Intermediate CA"},
		{"missing root above two intermediates, reported once", `
			roots = [var.other_root]
			intermediates = [var.inter2, var.inter]`, "CN=Root CA"},
		{"complete, intermediates in any order", `
			roots = [var.root]
			intermediates = [var.inter2, var.inter]`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl := plan(t, tc.hcl, map[string]cty.Value{"other_root": other.root, "root": k.root, "inter": k.inter, "inter2": inter2})
			var errs []*hcl.Diagnostic
			for _, d := range pl.Diagnostics {
				if d.Severity == hcl.DiagError {
					errs = append(errs, d)
				}
			}
			if tc.missing == "" {
				if len(pl.Diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %v", pl.Diagnostics)
				}
				return
			}
			if len(errs) != 1 || errs[0].Summary != "Intermediate does not chain to a root" || !strings.Contains(errs[0].Detail, "the issuer \""+tc.missing+"\" is in neither") {
				t.Errorf("got %v, want one error naming %q", pl.Diagnostics, tc.missing)
			}
		})
	}
}

func TestIssuerAsRoot(t *testing.T) {
	k := newPKI(t)
	pl := plan(t, `roots = [var.issuer]
		intermediates = [var.inter]`, map[string]cty.Value{"issuer": asIssuer(k.root), "inter": k.inter})
	if len(pl.Diagnostics) > 0 {
		t.Fatalf("an issuer value is a root like its certificate: %v", pl.Diagnostics)
	}
	if got := providers.Strings(pl.Planned, "roots"); len(got) != 1 || got[0] != str(k.root, "fingerprint_sha256") {
		t.Errorf("roots = %q", got)
	}
}

func TestExpiredCAWarns(t *testing.T) {
	k := newPKI(t)
	p := trustchain.New()
	env, _ := providertest.NewEnv(t)
	env.Now = env.Now.AddDate(20, 0, 0)
	cfg := providertest.Decode(t, p, `roots = [var.root]`, map[string]cty.Value{"root": k.root})
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "trust_chain.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if len(pl.Diagnostics) != 1 || pl.Diagnostics[0].Summary != "CA certificate expired" || pl.Diagnostics[0].Severity != hcl.DiagWarning {
		t.Errorf("got %v", pl.Diagnostics)
	}
}

func TestUnknownCertificate(t *testing.T) {
	pending := cty.ObjectVal(map[string]cty.Value{"is_ca": cty.True, "pem": cty.UnknownVal(cty.String)})
	pl := plan(t, `roots = [var.pending]`, map[string]cty.Value{"pending": pending})
	if pl.Planned.GetAttr("roots").IsKnown() || pl.Planned.GetAttr("bundle_pem").IsKnown() {
		t.Errorf("planned %#v, want unknown roots and bundle", pl.Planned)
	}
	if !pl.Planned.GetAttr("intermediates").IsWhollyKnown() {
		t.Errorf("intermediates should be known (empty)")
	}
}
