package pemfiles_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

// fixture is a CA, a leaf it issued, and their keys, made by the cert
// provider in a directory of their own.
type fixture struct {
	ca, leaf cty.Value
	keys     map[string][]byte // key_id -> PEM
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	env, _ := providertest.NewEnv(t)
	issue := func(src string, issuer cty.Value) cty.Value {
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
	ca := issue("issuer = var.issuer\nis_ca = true\ncommon_name = \"Root CA\"\nkey {\nalgorithm = \"ECDSA\"\n}",
		cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")}))
	leaf := issue("issuer = var.issuer\ncommon_name = \"ies.example.test\"\ndns_names = [\"ies.example.test\"]\nkey {\nalgorithm = \"ECDSA\"\n}",
		cty.ObjectVal(map[string]cty.Value{
			"kind": cty.StringVal("ca"), "pem": ca.GetAttr("pem"), "chain_pem": ca.GetAttr("chain_pem"), "key_id": ca.GetAttr("key_id"),
		}))
	f := fixture{ca: ca, leaf: leaf, keys: map[string][]byte{}}
	for _, c := range []cty.Value{ca, leaf} {
		id := providers.String(c, "key_id")
		k, err := env.Secrets.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[id] = k
	}
	return f
}

// install puts the fixture's keys into a configuration directory's
// secrets, as the apply of the certificates would have.
func (f fixture) install(t *testing.T, dir string) {
	t.Helper()
	s := providers.DirSecrets{Dir: filepath.Join(dir, ".certform", "keys")}
	for id, k := range f.keys {
		if err := s.Put(id, k); err != nil {
			t.Fatal(err)
		}
	}
}

// trustChain is a trust_chain value over PEM texts.
func trustChain(pems ...string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"roots":         cty.ListValEmpty(cty.String),
		"intermediates": cty.ListValEmpty(cty.String),
		"bundle_pem":    cty.StringVal(strings.Join(pems, "")),
	})
}

func str(v cty.Value, n string) string { return providers.String(v, n) }

func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	v, _ = cty.Transform(v, func(_ cty.Path, v cty.Value) (cty.Value, error) {
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
