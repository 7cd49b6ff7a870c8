package checks

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/providers/probe/probetest"
)

// TestModelCertificateCache reads the facts of a certificate from its
// planned pem and chain_pem through a model without a cache of parsed
// certificates, with one of its own and with one already filled: each
// finds the same certificates, and a filled cache gives its own.
func TestModelCertificateCache(t *testing.T) {
	k := probetest.NewPKI(t, "")
	dir := t.TempDir()
	src := "certificate \"ies\" {\n  issuer = self_signed\n  common_name = \"ies.example.test\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := lang.Load(dir, lang.Kinds{"certificate": cert.New()})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	after := cty.ObjectVal(map[string]cty.Value{
		"pem":       cty.StringVal(k.Leaf.PEM()),
		"chain_pem": cty.StringVal(k.Inter.PEM() + k.Root.PEM()),
	})
	p := &plan.Plan{CreatedAt: time.Now(), Changes: []*plan.Change{
		{Address: "certificate.ies", Action: plan.NoOp, Before: providers.Null, After: after},
	}}
	filled := &pemcert.Cache{}
	filled.Parse(k.Leaf.PEM())
	for _, tc := range []struct {
		name  string
		certs *pemcert.Cache
	}{
		{"nil", nil},
		{"empty", &pemcert.Cache{}},
		{"filled", filled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newPlanModel(cfg, map[string]cty.Value{}, p, tc.certs)
			m.prefetch()
			ci := m.cert(m.res[lang.Address{Kind: "certificate", Name: "ies"}])
			if ci == nil || ci.x509 == nil {
				t.Fatalf("no certificate read: %+v", ci)
			}
			if got, want := pemcert.Fingerprint(ci.x509), k.Leaf.Fingerprint(); got != want {
				t.Errorf("certificate %s, want %s", got, want)
			}
			if tc.certs == filled && ci.x509 != filled.Parse(k.Leaf.PEM())[0] {
				t.Errorf("the model parsed the pem again instead of taking it from the cache")
			}
			var chain []string
			for _, c := range ci.chain {
				chain = append(chain, pemcert.Fingerprint(c))
			}
			if want := []string{k.Inter.Fingerprint(), k.Root.Fingerprint()}; len(chain) != 2 || chain[0] != want[0] || chain[1] != want[1] {
				t.Errorf("chain %q, want %q", chain, want)
			}
		})
	}
}
