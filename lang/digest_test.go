package lang

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestConfigDigest: the digest changes with the block's text and with the
// values it refers to, not with how a value is typed, and there is none
// for a block that calls a function or refers to an unknown or sensitive
// value.
func TestConfigDigest(t *testing.T) {
	version := "1.0"
	digest := func(t *testing.T, src string, x cty.Value) (string, bool) {
		t.Helper()
		f, diags := hclsyntax.ParseConfig([]byte(src), "main.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		cfg := &Config{
			Files: map[string]*hcl.File{"main.hcl": f},
			kinds: Kinds{"certificate": memoSchema{}},
			specs: map[string]hcldec.Spec{"certificate": memoSchema{}.Schema()},
		}
		y := &Resource{Addr: Address{Kind: "certificate", Name: "y"}, Body: f.Body.(*hclsyntax.Body).Blocks[0].Body}
		y.traversals = cfg.bodyVariables("certificate", y.Body)
		s := cfg.NewScope(map[string]cty.Value{})
		s.Set(Address{Kind: "certificate", Name: "x"}, x)
		return s.ConfigDigest(y, version)
	}
	const ref = `certificate "y" {
  name = certificate.x.names
}
`
	names := func(v cty.Value) cty.Value { return cty.ObjectVal(map[string]cty.Value{"names": v}) }
	list := names(cty.ListVal([]cty.Value{cty.StringVal("a")}))
	base, ok := digest(t, ref, list)
	if !ok || base == "" {
		t.Fatal("no digest for a plain block")
	}
	same := []struct {
		name string
		src  string
		x    cty.Value
	}{
		{"again", ref, list},
		{"a tuple for the list", ref, names(cty.TupleVal([]cty.Value{cty.StringVal("a")}))},
	}
	for _, tc := range same {
		if d, ok := digest(t, tc.src, tc.x); !ok || d != base {
			t.Errorf("%s: digest %q (ok %v), want %q", tc.name, d, ok, base)
		}
	}
	other := []struct {
		name string
		src  string
		x    cty.Value
	}{
		{"another text", "certificate \"y\" {\n  name = certificate.x.names # comment\n}\n", list},
		{"another value", ref, names(cty.ListVal([]cty.Value{cty.StringVal("b")}))},
	}
	for _, tc := range other {
		if d, ok := digest(t, tc.src, tc.x); !ok || d == base {
			t.Errorf("%s: digest %q (ok %v), want another than %q", tc.name, d, ok, base)
		}
	}
	version = "1.1"
	if d, ok := digest(t, ref, list); !ok || d == base {
		t.Errorf("another version: digest %q (ok %v), want another than %q", d, ok, base)
	}
	version = "1.0"

	none := []struct {
		name string
		src  string
		x    cty.Value
	}{
		{"a function call", `certificate "y" {
  name = upper(certificate.x.names[0])
}
`, list},
		{"an unknown value", ref, names(cty.UnknownVal(cty.List(cty.String)))},
		{"a sensitive value", ref, names(cty.ListVal([]cty.Value{cty.StringVal("secret").Mark("sensitive")}))},
	}
	for _, tc := range none {
		if d, ok := digest(t, tc.src, tc.x); ok {
			t.Errorf("%s: digest %q, want none", tc.name, d)
		}
	}
}

// TestInputValues: the values the digest looks up directly are the ones
// the traversals have in the context Decode evaluates in, for every kind
// of reference: a block, a typed block, an attribute inside either with
// an index, a variable, a local, and a reference to nothing known yet.
func TestInputValues(t *testing.T) {
	dir := t.TempDir()
	src := `variable "names" {
  default = ["a.example.test", "b.example.test"]
}
locals {
  port = 8443
  tags = { team = "ops" }
}
certificate "x" {
  common_name = var.names[0]
}
issuer "ca" "x" {
  certificate = certificate.x
}
certificate "pending" {
  common_name = "pending.example.test"
}
certificate "y" {
  common_name = "${certificate.x.common_name}:${local.port}"
  dns_names   = [var.names[1], local.tags.team, issuer.ca.x.certificate, certificate.pending.common_name]
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	attrs := func(names ...string) specSchema {
		spec := hcldec.ObjectSpec{}
		for _, n := range names {
			spec[n] = &hcldec.AttrSpec{Name: n, Type: cty.DynamicPseudoType}
		}
		return specSchema{spec}
	}
	cfg, diags := Load(dir, Kinds{"certificate": attrs("common_name", "dns_names"), "issuer.ca": attrs("certificate")})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, diags := cfg.VariableValues(VarInputs{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	s := cfg.NewScope(vars)
	s.Set(Address{Kind: "certificate", Name: "x"}, cty.ObjectVal(map[string]cty.Value{"common_name": cty.StringVal("x.example.test")}))
	s.Set(Address{Kind: "issuer.ca", Name: "x"}, cty.ObjectVal(map[string]cty.Value{"certificate": cty.StringVal("x")}))
	refs := 0
	for _, r := range cfg.Resources {
		refs += len(r.traversals)
		ctx, diags := s.evalContext(r.traversals)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		want, wantOK := traversalValues(ctx, r.traversals)
		got, ok := s.inputValues(r.traversals)
		if ok != wantOK || !sameValues(got, want) {
			t.Errorf("%s: inputValues = %#v (%v), want %#v (%v)", r.Addr, got, ok, want, wantOK)
		}
	}
	if refs != 8 {
		t.Errorf("the configuration makes %d references, want 8", refs)
	}
}

// specSchema is a provider schema of a given spec.
type specSchema struct{ spec hcldec.Spec }

func (s specSchema) Schema() hcldec.Spec { return s.spec }
