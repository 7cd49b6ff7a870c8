// Package testpki makes certificates for the store providers' tests: a
// root CA, an intermediate it issued and a server certificate the
// intermediate issued, all made by the certificate provider itself, and
// trust chain values over them.
package testpki

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

// PKI is a root, an intermediate and a leaf with their private keys.
type PKI struct {
	Root, Inter, Leaf cty.Value
	// Keys maps key_id to PEM, for Install.
	Keys map[string][]byte
}

// Issue applies a certificate block body (with var.issuer) in env.
func Issue(t *testing.T, env *providers.Env, src string, issuer cty.Value) cty.Value {
	t.Helper()
	p := cert.New()
	cfg := providertest.Decode(t, p, src, map[string]cty.Value{"issuer": issuer})
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if pl.Diagnostics.HasErrors() {
		t.Fatal(pl.Diagnostics.Error())
	}
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	return ap.New
}

// SelfSigned is the built-in issuer's value.
var SelfSigned = cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")})

// AsIssuer is the issuer "ca" value over a CA certificate value.
func AsIssuer(ca cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"kind": cty.StringVal("ca"), "pem": ca.GetAttr("pem"), "chain_pem": ca.GetAttr("chain_pem"), "key_id": ca.GetAttr("key_id"),
	})
}

// New makes a root "Test Root CA", an intermediate "Test Intermediate CA"
// and a leaf for ies.example.test, all ECDSA P-256 (fast to make). prefix
// goes before each common name, to tell several PKIs apart.
func New(t *testing.T, prefix string) *PKI {
	t.Helper()
	env, _ := providertest.NewEnv(t)
	ecdsa := "\nkey {\nalgorithm = \"ECDSA\"\n}"
	root := Issue(t, env, "issuer = var.issuer\nis_ca = true\ncommon_name = \""+prefix+"Test Root CA\""+ecdsa, SelfSigned)
	inter := Issue(t, env, "issuer = var.issuer\nis_ca = true\ncommon_name = \""+prefix+"Test Intermediate CA\""+ecdsa, AsIssuer(root))
	leaf := Issue(t, env, "issuer = var.issuer\ncommon_name = \"ies.example.test\"\ndns_names = [\"ies.example.test\"]"+ecdsa, AsIssuer(inter))
	k := &PKI{Root: root, Inter: inter, Leaf: leaf, Keys: map[string][]byte{}}
	for _, c := range []cty.Value{root, inter, leaf} {
		id := providers.String(c, "key_id")
		data, err := env.Secrets.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		k.Keys[id] = data
	}
	return k
}

// Install puts the keys into a configuration directory's secrets, as the
// apply of the certificates would have.
func (k *PKI) Install(t *testing.T, dir string) {
	t.Helper()
	s := providers.DirSecrets{Dir: filepath.Join(dir, ".certform", "keys")}
	for id, data := range k.Keys {
		if err := s.Put(id, data); err != nil {
			t.Fatal(err)
		}
	}
}

// Chain is a trust_chain value with the root and the intermediate.
func (k *PKI) Chain() cty.Value { return TrustChain(Str(k.Root, "pem"), Str(k.Inter, "pem")) }

// TrustChain is a trust_chain value over PEM texts (its bundle_pem).
func TrustChain(pems ...string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"roots":         cty.ListValEmpty(cty.String),
		"intermediates": cty.ListValEmpty(cty.String),
		"bundle_pem":    cty.StringVal(strings.Join(pems, "")),
	})
}

// Str returns a string attribute.
func Str(v cty.Value, name string) string { return providers.String(v, name) }
