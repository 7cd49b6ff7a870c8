package component_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/providertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const addr = "component.jobprocessor"

const componentHCL = `
endpoint = var.endpoint
trusts   = [var.store]
url_in {
  file    = "jobprocessor/isps.cfg"
  section = "IES System Local"
  key     = "Url"
}
`

func vars(url cty.Value) map[string]cty.Value {
	return map[string]cty.Value{
		"endpoint": cty.ObjectVal(map[string]cty.Value{
			"url":  url,
			"host": cty.StringVal("ies.example.test"),
			"port": cty.NumberIntVal(45054),
		}),
		"store": cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("ies.pfx")}),
	}
}

var endpointURL = cty.StringVal("iwfms://ies.example.test:45054")

func original(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "jobprocessor.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func setup(t *testing.T, dir string) {
	providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", string(original(t)))
}

func TestContract(t *testing.T) {
	providertest.Run(t, component.New(), []providertest.Case{
		{
			Name:  "url_in existing key",
			HCL:   componentHCL,
			Vars:  vars(endpointURL),
			Setup: setup,
			Check: func(t *testing.T, dir string, applied cty.Value) {
				golden(t, filepath.Join("testdata", "applied.golden"), readFile(t, dir, "jobprocessor/isps.cfg"))
				if got := readFile(t, dir, "jobprocessor/isps.cfg"+ini.BackupSuffix); !bytes.Equal(got, original(t)) {
					t.Errorf("backup differs from the original: %q", got)
				}
				want := `{"created_section":false,"file":"jobprocessor/isps.cfg","key":"Url","original":"ies.example.test:45054","section":"IES System Local","url":"iwfms://ies.example.test:45054"}`
				if got := js(applied); got != want {
					t.Errorf("state\n got: %s\nwant: %s", got, want)
				}
			},
		},
		{
			Name: "url_in new section, explicit url",
			HCL:  strings.Replace(componentHCL, "trusts", "url = \"iwfms://ies-2.example.test:45054\"\ntrusts", 1) + "\n",
			Vars: vars(endpointURL),
			Setup: func(t *testing.T, dir string) {
				providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", "[InVision JobProcessor]\nThreads = 4\n")
			},
			Check: func(t *testing.T, dir string, applied cty.Value) {
				want := "[InVision JobProcessor]\nThreads = 4\n\n[IES System Local]\nUrl = \"iwfms://ies-2.example.test:45054\"\n"
				if got := string(readFile(t, dir, "jobprocessor/isps.cfg")); got != want {
					t.Errorf("file\n got: %q\nwant: %q", got, want)
				}
				if !applied.GetAttr("created_section").True() || !applied.GetAttr("original").IsNull() {
					t.Errorf("state %s: want created_section and a null original", js(applied))
				}
			},
		},
	})
}

func TestDestroyRestoresOriginal(t *testing.T) {
	tests := []struct{ name, content string }{
		{"existing key", string(original(t))},
		{"missing key", "[IES System Local]\r\nTimeout = 30\r\n"},
		{"missing section, no final newline", "[InVision JobProcessor]\nThreads = 4"},
		{"UTF-16", "\xFF\xFE[\x00I\x00E\x00S\x00 \x00S\x00y\x00s\x00t\x00e\x00m\x00 \x00L\x00o\x00c\x00a\x00l\x00]\x00\r\x00\n\x00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := component.New()
			env, dir := providertest.NewEnv(t)
			providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", tc.content)
			cfg := providertest.Decode(t, p, componentHCL, vars(endpointURL))
			applied := applyConfig(t, p, env, cfg, providers.Null)
			doc, err := ini.Parse(readFile(t, dir, "jobprocessor/isps.cfg"))
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := doc.Get("IES System Local", "Url"); v != endpointURL.AsString() {
				t.Fatalf("Url = %q after apply", v)
			}
			del := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: providers.Null, Env: freshEnv(env, dir)})
			mustOK(t, del.Diagnostics)
			if got := string(readFile(t, dir, "jobprocessor/isps.cfg")); got != tc.content {
				t.Errorf("after delete\n got: %q\nwant: %q", got, tc.content)
			}
		})
	}
}

func TestDrift(t *testing.T) {
	p := component.New()
	env, dir := providertest.NewEnv(t)
	setup(t, dir)
	cfg := providertest.Decode(t, p, componentHCL, vars(endpointURL))
	applied := applyConfig(t, p, env, cfg, providers.Null)
	providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", string(original(t)))

	env2 := freshEnv(env, dir)
	read := p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: cfg, Prior: applied, Env: env2})
	mustOK(t, read.Diagnostics)
	if read.AsRecorded {
		t.Error("Read reports the URL as recorded after a hand edit")
	}
	if got := read.Live.GetAttr("url").AsString(); got != "ies.example.test:45054" {
		t.Fatalf("Read url = %q, want the hand-edited value", got)
	}
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: read.Live, Env: env2})
	mustOK(t, pl.Diagnostics)
	want := `jobprocessor/isps.cfg [IES System Local] Url changed from "ies.example.test:45054" to "iwfms://ies.example.test:45054"`
	if providers.Equal(pl.Planned, read.Live) || len(pl.Reasons) != 1 || pl.Reasons[0] != want {
		t.Errorf("reasons %q, want [%q]", pl.Reasons, want)
	}
	if !providers.Equal(pl.Planned, applied) {
		t.Errorf("Planned %s, want %s", js(pl.Planned), js(applied))
	}
}

func TestUnknownEndpoint(t *testing.T) {
	p := component.New()
	env, dir := providertest.NewEnv(t)
	setup(t, dir)
	for name, v := range map[string]map[string]cty.Value{
		"unknown url":      vars(cty.UnknownVal(cty.String)),
		"unknown endpoint": {"endpoint": cty.DynamicVal, "store": cty.EmptyObjectVal},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := providertest.Decode(t, p, componentHCL, v)
			pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
			mustOK(t, pl.Diagnostics)
			if len(pl.Files) != 1 || !pl.Files[0].AfterUnknown {
				t.Errorf("files %+v, want one with unknown content", pl.Files)
			}
			if pl.Planned.GetAttr("url").IsKnown() {
				t.Error("planned url is known")
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	p := component.New()
	tests := []struct {
		name string
		vars map[string]cty.Value
		want string
	}{
		{"endpoint without url", map[string]cty.Value{"endpoint": cty.ObjectVal(map[string]cty.Value{"host": cty.StringVal("h")}), "store": cty.EmptyObjectVal}, "endpoint has no url"},
		{"endpoint not an object", map[string]cty.Value{"endpoint": cty.StringVal("iwfms://x"), "store": cty.EmptyObjectVal}, "endpoint must be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := providertest.Decode(t, p, componentHCL, tc.vars)
			diags := p.Validate(addr, cfg)
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) || !strings.Contains(diags.Error(), addr) {
				t.Errorf("diagnostics %q, want one naming %s and %q", diags.Error(), addr, tc.want)
			}
		})
	}
}

func TestMissingAndNotTextFile(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string
	}{
		{"missing", "", []string{"jobprocessor/isps.cfg", "does not exist"}},
		{"binary", "[IES System Local]\nUrl = x\n\x00\x00\x00", []string{"jobprocessor/isps.cfg", "line 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := component.New()
			env, dir := providertest.NewEnv(t)
			if tc.content != "" {
				providertest.WriteFile(t, dir, "jobprocessor/isps.cfg", tc.content)
			}
			cfg := providertest.Decode(t, p, componentHCL, vars(endpointURL))
			pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
			ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: cfg, Env: env})
			for _, diags := range []hcl.Diagnostics{pl.Diagnostics, ap.Diagnostics} {
				for _, want := range tc.want {
					if !strings.Contains(diags.Error(), want) {
						t.Errorf("diagnostics %q do not mention %q", diags.Error(), want)
					}
				}
			}
			if tc.content != "" {
				if got := string(readFile(t, dir, "jobprocessor/isps.cfg")); got != tc.content {
					t.Errorf("file changed: %q", got)
				}
			}
		})
	}
}

func TestMoveKeyReplaces(t *testing.T) {
	p := component.New()
	env, dir := providertest.NewEnv(t)
	setup(t, dir)
	applied := applyConfig(t, p, env, providertest.Decode(t, p, componentHCL, vars(endpointURL)), providers.Null)
	cfg := providertest.Decode(t, p, strings.Replace(componentHCL, `"IES System Local"`, `"InVision JobProcessor"`, 1), vars(endpointURL))
	env2 := freshEnv(env, dir)
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: applied, Env: env2})
	mustOK(t, pl.Diagnostics)
	if !pl.RequiresReplace || len(pl.Files) != 1 {
		t.Fatalf("replace=%v files=%d, want a replacement with one file change", pl.RequiresReplace, len(pl.Files))
	}
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: pl.Planned, Env: env2})
	mustOK(t, ap.Diagnostics)
	got := readFile(t, dir, "jobprocessor/isps.cfg")
	if !bytes.Equal(got, pl.Files[0].After) {
		t.Errorf("apply wrote\n%q\nplan said\n%q", got, pl.Files[0].After)
	}
	want := strings.Replace(string(original(t)), "Threads = 4\r\n", "Threads = 4\r\nUrl = \"iwfms://ies.example.test:45054\"\r\n", 1)
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// TestSharedFile has a component and an ini_file resource edit the same
// file at the same time; neither may lose the other's change.
func TestSharedFile(t *testing.T) {
	comp, file := component.New(), ini.New()
	env, dir := providertest.NewEnv(t)
	setup(t, dir)
	for range 20 {
		compCfg := providertest.Decode(t, comp, componentHCL, vars(endpointURL))
		fileCfg := providertest.Decode(t, file, "path = \"jobprocessor/isps.cfg\"\nsection \"InVision JobProcessor\" { Threads = 8 }\n", nil)
		var wg sync.WaitGroup
		var d1, d2 hcl.Diagnostics
		wg.Go(func() {
			d1 = comp.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: compCfg, Prior: providers.Null, Planned: compCfg, Env: env}).Diagnostics
		})
		wg.Go(func() {
			d2 = file.Apply(context.Background(), providers.ApplyRequest{Address: "ini_file.jp", Config: fileCfg, Prior: providers.Null, Planned: fileCfg, Env: env}).Diagnostics
		})
		wg.Wait()
		mustOK(t, d1)
		mustOK(t, d2)
		doc, err := ini.Parse(readFile(t, dir, "jobprocessor/isps.cfg"))
		if err != nil {
			t.Fatal(err)
		}
		url, _ := doc.Get("IES System Local", "Url")
		threads, _ := doc.Get("InVision JobProcessor", "Threads")
		if url != endpointURL.AsString() || threads != "8" {
			t.Fatalf("Url = %q, Threads = %q: one edit lost the other", url, threads)
		}
		setup(t, dir)
		env = freshEnv(env, dir)
	}
}

func applyConfig(t *testing.T, p providers.Provider, env *providers.Env, cfg, prior cty.Value) cty.Value {
	t.Helper()
	ctx := context.Background()
	read := p.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: prior, Env: env})
	mustOK(t, read.Diagnostics)
	pl := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: prior, Live: read.Live, Env: env})
	mustOK(t, pl.Diagnostics)
	ap := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: prior, Planned: pl.Planned, Env: env})
	mustOK(t, ap.Diagnostics)
	var back ctyjson.SimpleJSONValue
	if err := back.UnmarshalJSON([]byte(js(ap.New))); err != nil {
		t.Fatal(err)
	}
	return back.Value
}

func freshEnv(env *providers.Env, dir string) *providers.Env {
	e := *env
	e.FS = providers.NewDirFS(dir)
	return &e
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustOK(t *testing.T, diags hcl.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
}

func js(v cty.Value) string {
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(data)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n got: %q\nwant: %q", path, got, want)
	}
}
