package lang

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

type memoSchema struct{}

func (memoSchema) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{"name": &hcldec.AttrSpec{Name: "name", Type: cty.String}}
}

// TestDecodeAndKeep: what DecodeAndKeep gives serves the next Decode that
// sees the same values, once; Decode keeps nothing.
func TestDecodeAndKeep(t *testing.T) {
	f, diags := hclsyntax.ParseConfig([]byte(`
certificate "x" {
  name = "x"
}
certificate "y" {
  name = certificate.x.name
}
`), "main.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	cfg := &Config{kinds: Kinds{"certificate": memoSchema{}}, specs: map[string]hcldec.Spec{"certificate": memoSchema{}.Schema()}}
	body := f.Body.(*hclsyntax.Body)
	y := &Resource{Addr: Address{Kind: "certificate", Name: "y"}, Body: body.Blocks[1].Body}
	y.traversals = cfg.bodyVariables("certificate", y.Body)
	x := Address{Kind: "certificate", Name: "x"}
	kept := func() bool { return y.memo.Load() != nil }

	s := cfg.NewScope(map[string]cty.Value{})
	s.Set(x, cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("recorded")}))
	if _, diags := s.Decode(y); diags.HasErrors() || kept() {
		t.Fatalf("Decode kept its result (diags %v)", diags)
	}
	d, _ := s.DecodeAndKeep(y)
	if !kept() || d.Value.GetAttr("name").AsString() != "recorded" {
		t.Fatalf("DecodeAndKeep: kept %v, value %#v", kept(), d.Value)
	}

	// The same values: the kept result, used up.
	d, _ = s.Decode(y)
	if kept() || d.Value.GetAttr("name").AsString() != "recorded" {
		t.Fatalf("Decode after DecodeAndKeep: kept %v, value %#v", kept(), d.Value)
	}

	// Other values: decoded again.
	s.DecodeAndKeep(y)
	s.Set(x, cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("planned")}))
	d, _ = s.Decode(y)
	if kept() || d.Value.GetAttr("name").AsString() != "planned" {
		t.Fatalf("Decode with other values: kept %v, value %#v", kept(), d.Value)
	}
}
