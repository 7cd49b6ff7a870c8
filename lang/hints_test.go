package lang_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
)

// TestUnknownNamesSayWhatIsAllowed: an argument or block whose name is far
// from every known one gets no "Did you mean", so the error lists what the
// block accepts instead.
func TestUnknownNamesSayWhatIsAllowed(t *testing.T) {
	kinds := testKinds()
	kinds["store.pem_files"] = schema{hcldec.ObjectSpec{
		"cert": &hcldec.AttrSpec{Name: "cert", Type: cty.String},
		"key": &hcldec.BlockSpec{TypeName: "key", Nested: hcldec.ObjectSpec{
			"path": &hcldec.AttrSpec{Name: "path", Type: cty.String},
			"mode": &hcldec.AttrSpec{Name: "mode", Type: cty.String},
		}},
	}}
	tests := []struct {
		name, src, want string
	}{
		{"top level", `widget "x" {}`,
			`Blocks of type "widget" are not expected here. A configuration file accepts the blocks certificate, `},
		{"variable", "variable \"v\" {\n  frobnicate = 1\n}",
			`An argument named "frobnicate" is not expected here. A variable block accepts the arguments default, description, sensitive and type, and the block validation.`},
		{"output", "output \"o\" {\n  value = 1\n  xyzzy = 2\n}",
			`An argument named "xyzzy" is not expected here. An output block accepts the arguments description, sensitive and value.`},
		{"resource", "certificate \"c\" {\n  zzz = 1\n}",
			`An argument named "zzz" is not expected here. A certificate block accepts the arguments common_name, depends_on, dns_names, ignore_checks, is_ca, issuer and on_change.`},
		{"typed resource", "store \"pem_files\" \"p\" {\n  qqq = 1\n}",
			`A store "pem_files" block accepts the arguments cert, depends_on, ignore_checks and on_change, and the block key.`},
		{"nested block", "store \"pem_files\" \"p\" {\n  key {\n    qqq = 1\n  }\n}",
			`An argument named "qqq" is not expected here. A key block accepts the arguments mode and path.`},
		{"close names get a suggestion only", "certificate \"c\" {\n  comon_name = 1\n}",
			`An argument named "comon_name" is not expected here. Did you mean "common_name"?`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, diags := lang.Load(dir, kinds)
			if !diags.HasErrors() {
				scope := cfg.NewScope(nil)
				for _, r := range cfg.SortedResources() {
					_, more := scope.Decode(r)
					diags = append(diags, more...)
				}
			}
			d := unsupported(diags)
			if d == nil {
				t.Fatalf("no unsupported-name error in %v", diags)
			}
			if !strings.Contains(d.Detail, tc.want) {
				t.Errorf("detail:\n%s\nwant it to contain:\n%s", d.Detail, tc.want)
			}
			if strings.Contains(d.Detail, "Did you mean") && strings.Contains(d.Detail, "accepts") {
				t.Errorf("detail both suggests a name and lists them all:\n%s", d.Detail)
			}
		})
	}
}

func unsupported(diags hcl.Diagnostics) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Summary == "Unsupported argument" || d.Summary == "Unsupported block type" {
			return d
		}
	}
	return nil
}
