package lang

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/jks"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/pkcs12"
	"github.com/certform/certform/providers/systemtrust"
	"github.com/certform/certform/providers/trustchain"
	"github.com/certform/certform/providers/winstore"
)

// TestSpecReadsAsHCLDec: the traversals specReads finds are those
// hcldec.Variables finds, for every kind of spec the providers use: only in
// the arguments and blocks the spec decodes, nested blocks with the labels
// they need included.
func TestSpecReadsAsHCLDec(t *testing.T) {
	spec := hcldec.ObjectSpec{
		"name": &hcldec.AttrSpec{Name: "name", Type: cty.String},
		"mode": &hcldec.DefaultSpec{
			Primary: &hcldec.AttrSpec{Name: "mode", Type: cty.String},
			Default: &hcldec.LiteralSpec{Value: cty.StringVal("0644")},
		},
		"key": &hcldec.BlockSpec{TypeName: "key", Nested: hcldec.ObjectSpec{
			"bits": &hcldec.AttrSpec{Name: "bits", Type: cty.Number},
		}},
		"url_in": &hcldec.BlockListSpec{TypeName: "url_in", Nested: hcldec.ObjectSpec{
			"file": &hcldec.AttrSpec{Name: "file", Type: cty.String},
			"deep": &hcldec.BlockSetSpec{TypeName: "deep", Nested: &hcldec.AttrSpec{Name: "v", Type: cty.String}},
		}},
		"section": &hcldec.BlockMapSpec{TypeName: "section", LabelNames: []string{"name"}, Nested: hcldec.ObjectSpec{
			"value": &hcldec.AttrSpec{Name: "value", Type: cty.String},
		}},
	}
	f, diags := hclsyntax.ParseConfig([]byte(`
name      = "${var.a}-${certificate.b.common_name}"
mode      = local.mode
unknown   = certificate.not_read.pem
key {
  bits    = var.bits
  ignored = var.ignored
}
url_in {
  file = local.one
  deep {
    v = var.deep
  }
}
url_in {
  file = local.two
}
section "Server" {
  value = certificate.c.common_name
}
section {
  value = var.unlabelled
}
other {
  value = var.other
}
`), "main.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	body := f.Body.(*hclsyntax.Body)
	r, ok := specReads(spec)
	if !ok {
		t.Fatal("specReads does not know the spec")
	}
	got, want := names(r.variables(body, nil)), names(hcldec.Variables(body, spec))
	if !slices.Equal(got, want) {
		t.Errorf("specReads found %v, hcldec.Variables %v", got, want)
	}
	if len(want) != 8 {
		t.Errorf("hcldec.Variables found %v, want 8 traversals", want)
	}

	if _, ok := specReads(hcldec.ObjectSpec{"t": &hcldec.BlockTupleSpec{TypeName: "t", Nested: &hcldec.AttrSpec{Name: "a", Type: cty.String}}}); ok {
		t.Error("specReads claims to know a spec it does not handle")
	}
}

// names returns the traversals as they are written, sorted.
func names(ts []hcl.Traversal) []string {
	var out []string
	for _, t := range ts {
		s := t.RootName()
		for _, step := range t[1:] {
			if a, ok := step.(hcl.TraverseAttr); ok {
				s += "." + a.Name
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestSpecReadsOnExamples: for every block of the examples, with the
// providers' own specs, specReads finds what hcldec.Variables finds, and it
// knows every spec (so that loading never falls back to hcldec).
func TestSpecReadsOnExamples(t *testing.T) {
	kinds := Kinds{
		"certificate":         cert.New(cert.WithRemote(acme.Kind, acme.NewRemote())),
		"issuer.ca":           issuer.New(),
		"issuer.acme":         acme.New(),
		"trust_chain":         trustchain.New(),
		"store.pem_files":     pemfiles.New(),
		"endpoint":            endpoint.New(),
		"ini_file":            ini.New(),
		"component":           component.New(),
		"hook":                hook.New(),
		"store.pkcs12":        pkcs12.New(),
		"store.java_keystore": jks.New(),
		"store.system_trust":  systemtrust.New(),
		"store.windows":       winstore.New(),
	}
	for kind, k := range kinds {
		if _, ok := k.(providers.BodyDecoder); ok {
			continue
		}
		if _, ok := specReads(k.Schema()); !ok {
			t.Errorf("specReads does not know the spec of %s", kind)
		}
	}
	dirs, _ := filepath.Glob("../examples/*")
	blocks := 0
	for _, dir := range dirs {
		cfg, _ := Load(dir, kinds)
		for addr, r := range cfg.Resources {
			rd := cfg.reads[addr.Kind]
			body, ok := r.Body.(*hclsyntax.Body)
			if rd == nil || !ok {
				continue
			}
			blocks++
			got, want := names(rd.variables(body, nil)), names(hcldec.Variables(body, cfg.spec(addr.Kind)))
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: specReads found %v, hcldec.Variables %v", dir, addr, got, want)
			}
		}
	}
	if blocks < 20 {
		t.Errorf("compared %d blocks of %d examples, want more", blocks, len(dirs))
	}
}
