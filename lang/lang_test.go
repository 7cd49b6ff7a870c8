package lang_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
)

// schema is a provider schema for tests: lang only needs the spec.
type schema struct{ spec hcldec.Spec }

func (s schema) Schema() hcldec.Spec { return s.spec }

func testKinds() lang.Kinds {
	cert := hcldec.ObjectSpec{
		"issuer":      &hcldec.AttrSpec{Name: "issuer", Type: cty.DynamicPseudoType},
		"common_name": &hcldec.AttrSpec{Name: "common_name", Type: cty.String},
		"dns_names":   &hcldec.AttrSpec{Name: "dns_names", Type: cty.List(cty.String)},
		"is_ca":       &hcldec.AttrSpec{Name: "is_ca", Type: cty.Bool},
	}
	return lang.Kinds{
		"certificate": schema{cert},
		"issuer.ca":   schema{hcldec.ObjectSpec{"certificate": &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType, Required: true}}},
		"endpoint": schema{hcldec.ObjectSpec{
			"url":         &hcldec.AttrSpec{Name: "url", Type: cty.String, Required: true},
			"certificate": &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType},
		}},
	}
}

func load(t *testing.T, files map[string]string) (*lang.Config, hcl.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return lang.Load(dir, testKinds())
}

var errorMarker = regexp.MustCompile(`# ERROR: (.*)$`)

// TestErrorFiles loads every file in testdata/error-files on its own. Each
// line marked "# ERROR: <summary>" must get an error diagnostic with that
// summary, and no other line may get one.
func TestErrorFiles(t *testing.T) {
	names, _ := filepath.Glob("testdata/error-files/*.hcl")
	if len(names) == 0 {
		t.Fatal("no error files")
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]string{}
			for i, line := range strings.Split(string(src), "\n") {
				if m := errorMarker.FindStringSubmatch(line); m != nil {
					want[i+1] = m[1]
				}
			}
			cfg, diags := load(t, map[string]string{"main.hcl": string(src)})
			if !diags.HasErrors() {
				// Some errors only appear when blocks are evaluated.
				scope := cfg.NewScope(cfg.UnknownVariables())
				for _, r := range cfg.SortedResources() {
					_, more := scope.Decode(r)
					diags = append(diags, more...)
				}
			}
			got := map[int]string{}
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				if d.Subject == nil {
					t.Errorf("diagnostic without source range: %s", d.Error())
					continue
				}
				got[d.Subject.Start.Line] = d.Summary
			}
			for line, summary := range want {
				if got[line] != summary {
					t.Errorf("line %d: got error %q, want %q", line, got[line], summary)
				}
			}
			for line, summary := range got {
				if _, ok := want[line]; !ok {
					t.Errorf("line %d: unexpected error %q", line, summary)
				}
			}
			if t.Failed() {
				t.Logf("all diagnostics:\n%s", diags.Error())
			}
		})
	}
}

func TestCycleNamesEveryAddress(t *testing.T) {
	_, diags := load(t, map[string]string{"main.hcl": `
certificate "a" {
  issuer      = self_signed
  common_name = certificate.c.common_name
}
certificate "b" {
  issuer      = self_signed
  common_name = certificate.a.common_name
}
locals {
  name = certificate.b.common_name
}
certificate "c" {
  issuer      = self_signed
  common_name = local.name
}
`})
	if !diags.HasErrors() {
		t.Fatal("want a cycle error")
	}
	// In the order the references go, from the first address by name,
	// pointing at the first reference.
	if len(diags) != 1 {
		t.Fatalf("want one cycle error, got %s", diags.Error())
	}
	d := diags[0]
	if want := "certificate.a → certificate.c → local.name → certificate.b → certificate.a"; !strings.Contains(d.Detail, ": "+want+".") {
		t.Errorf("cycle error does not say %q: %s", want, d.Detail)
	}
	if r := d.Subject; r == nil || filepath.Base(r.Filename) != "main.hcl" || r.Start.Line != 4 || r.Start.Column != 17 || r.End.Column != 42 {
		t.Errorf("subject %v, want main.hcl:4,17-42 (certificate.c.common_name in certificate.a)", r)
	}
}

// TestCycleWalk: every address of a cycle is named, in order, also when
// one address closes two cycles (it appears once for each) and when a
// block refers to itself.
func TestCycleWalk(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{
			name: "two cycles through one local",
			src: `
locals {
  hub = join(",", [certificate.x.common_name, certificate.y.common_name])
}
certificate "x" {
  issuer      = self_signed
  common_name = local.hub
}
certificate "y" {
  issuer      = self_signed
  common_name = local.hub
}
`,
			want: "certificate.x → local.hub → certificate.y → local.hub → certificate.x",
		},
		{
			name: "self reference",
			src: `
certificate "me" {
  issuer      = self_signed
  common_name = "me.example.test"
  dns_names   = [certificate.me.common_name]
}
`,
			want: "certificate.me → certificate.me",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := load(t, map[string]string{"main.hcl": tc.src})
			if len(diags) != 1 || diags[0].Summary != "Dependency cycle" {
				t.Fatalf("want one cycle error, got %s", diags.Error())
			}
			if !strings.Contains(diags[0].Detail, ": "+tc.want+".") {
				t.Errorf("cycle error does not say %q: %s", tc.want, diags[0].Detail)
			}
		})
	}
}

func TestDependenciesAcrossFilesAndLocals(t *testing.T) {
	cfg, diags := load(t, map[string]string{
		"pki.hcl": `
certificate "root" {
  issuer = self_signed
  is_ca  = true
}
issuer "ca" "company" {
  certificate = certificate.root
}`,
		"server.hcl": `
locals {
  ca = issuer.ca.company
}
certificate "ies" {
  issuer      = local.ca
  common_name = var.host
}
endpoint "ies" {
  url         = "iwfms://${var.host}:45054"
  certificate = certificate.ies
}
variable "host" {
  type    = string
  default = "ies.example.test"
}`,
	})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := map[string][]string{
		"certificate.root":  nil,
		"issuer.ca.company": {"certificate.root"},
		"certificate.ies":   {"issuer.ca.company"},
		"endpoint.ies":      {"certificate.ies"},
	}
	for _, r := range cfg.SortedResources() {
		var got []string
		for _, d := range r.Dependencies {
			got = append(got, d.String())
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want[r.Addr.String()], ",") {
			t.Errorf("%s depends on %v, want %v", r.Addr, got, want[r.Addr.String()])
		}
	}
}

func TestEvaluateWithUnknownsAndSensitive(t *testing.T) {
	cfg, diags := load(t, map[string]string{"main.hcl": `
variable "host" {
  type      = string
  sensitive = true
}
certificate "ies" {
  issuer      = self_signed
  common_name = upper(var.host)
  dns_names   = [var.host, "${var.host}.local"]
}
endpoint "ies" {
  url         = "iwfms://ies:45054"
  certificate = certificate.ies
}
`})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	vars, diags := cfg.VariableValues(lang.VarInputs{Flags: []string{"host=ies.example.test"}})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	scope := cfg.NewScope(vars)
	ies := cfg.Resources[lang.Address{Kind: "certificate", Name: "ies"}]
	d, diags := scope.Decode(ies)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := d.Value.GetAttr("common_name").AsString(); got != "IES.EXAMPLE.TEST" {
		t.Errorf("common_name = %q", got)
	}
	if len(d.Sensitive) == 0 {
		t.Errorf("no sensitive paths recorded for values from a sensitive variable")
	}
	// The endpoint sees the certificate as unknown until it is set.
	ep := cfg.Resources[lang.Address{Kind: "endpoint", Name: "ies"}]
	d, diags = scope.Decode(ep)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if d.Value.GetAttr("certificate").IsKnown() {
		t.Errorf("certificate should be unknown before it is planned")
	}
}

func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	varFile := filepath.Join(dir, "prod.vars")
	if err := os.WriteFile(varFile, []byte("port = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := load(t, map[string]string{"main.hcl": `
variable "port" {
  type    = number
  default = 0
  validation {
    condition     = var.port < 100
    error_message = "port must be below 100."
  }
}`})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	tests := []struct {
		name string
		in   lang.VarInputs
		want int64
		err  string
	}{
		{"default", lang.VarInputs{}, 0, ""},
		{"env", lang.VarInputs{Env: []string{"CERTFORM_VAR_port=1"}}, 1, ""},
		{"file beats env", lang.VarInputs{Env: []string{"CERTFORM_VAR_port=1"}, Files: []string{varFile}}, 2, ""},
		{"flag beats file", lang.VarInputs{Files: []string{varFile}, Flags: []string{"port=3"}}, 3, ""},
		{"saved plan beats flag", lang.VarInputs{Flags: []string{"port=3"}, Saved: map[string]cty.Value{"port": cty.StringVal("4")}}, 4, ""},
		{"saved plan validated", lang.VarInputs{Saved: map[string]cty.Value{"port": cty.NumberIntVal(400)}}, 0, "port must be below 100."},
		{"validation", lang.VarInputs{Flags: []string{"port=300"}}, 0, "port must be below 100."},
		{"wrong type", lang.VarInputs{Flags: []string{"port=abc"}}, 0, "Invalid value for variable port"},
		{"undeclared", lang.VarInputs{Flags: []string{"prot=3"}}, 0, "Did you mean port?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals, diags := cfg.VariableValues(tc.in)
			if tc.err != "" {
				if !strings.Contains(diags.Error(), tc.err) {
					t.Fatalf("got %q, want an error containing %q", diags.Error(), tc.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			got, _ := vals["port"].AsBigFloat().Int64()
			if got != tc.want {
				t.Errorf("port = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestFunctions(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tpl.txt"), []byte("Url = iwfms://${host}:${port}"), 0o644)
	os.WriteFile(filepath.Join(dir, "ca.pem"), []byte("PEM"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(`
certificate "x" {
  issuer      = self_signed
  common_name = templatefile("tpl.txt", { host = "ies", port = 45054 })
  dns_names   = [file("ca.pem"), filebase64("ca.pem"), join("-", ["a", "b"]), format("%s:%d", "h", 1)]
}`), 0o644)
	cfg, diags := lang.Load(dir, testKinds())
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	d, diags := cfg.NewScope(nil).Decode(cfg.Resources[lang.Address{Kind: "certificate", Name: "x"}])
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := d.Value.GetAttr("common_name").AsString(); got != "Url = iwfms://ies:45054" {
		t.Errorf("templatefile: %q", got)
	}
	var got []string
	for _, v := range d.Value.GetAttr("dns_names").AsValueSlice() {
		got = append(got, v.AsString())
	}
	if strings.Join(got, " ") != "PEM UEVN a-b h:1" {
		t.Errorf("functions: %q", got)
	}
}

func TestParseAddress(t *testing.T) {
	for _, s := range []string{"certificate.ies", "issuer.ca.company", "store.pem_files.ca", "hook.restart"} {
		a, err := lang.ParseAddress(s)
		if err != nil || a.String() != s {
			t.Errorf("ParseAddress(%q) = %v, %v", s, a, err)
		}
	}
	for _, s := range []string{"", "certificate", "store.pem_files", "issuer.ca"} {
		if _, err := lang.ParseAddress(s); err == nil {
			t.Errorf("ParseAddress(%q) accepted", s)
		}
	}
}
