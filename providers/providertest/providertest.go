// Package providertest is the contract test every provider runs: decode a
// block from HCL, apply it, and check that reading it back shows no
// difference, that a second plan is a no-op, and that delete leaves nothing
// behind. Providers call Run from their own tests with a table of cases.
package providertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
)

// Case is one block body to put through the contract.
type Case struct {
	Name string
	// HCL is the body of the block, without the block header.
	HCL string
	// Vars are made available to the body as var.NAME.
	Vars map[string]cty.Value
	// Setup prepares the configuration directory (files the block edits).
	Setup func(t *testing.T, dir string)
	// Check inspects the directory and the applied value after the first
	// apply.
	Check func(t *testing.T, dir string, applied cty.Value)
}

// NewEnv returns an Env rooted in a fresh temporary directory, with keys
// kept in its .certform/keys.
func NewEnv(t *testing.T) (*providers.Env, string) {
	t.Helper()
	dir := t.TempDir()
	return &providers.Env{
		FS:      providers.NewDirFS(dir),
		Secrets: providers.DirSecrets{Dir: filepath.Join(dir, ".certform", "keys")},
		Now:     time.Now(),
	}, dir
}

// Decode decodes an HCL body with the provider's schema, or its BodyDecoder.
func Decode(t *testing.T, p any, src string, vars map[string]cty.Value) cty.Value {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "case.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parsing case: %s", diags.Error())
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}}
	var v cty.Value
	if d, ok := p.(providers.BodyDecoder); ok {
		v, diags = d.DecodeBody(f.Body, ctx)
	} else {
		type schemer interface{ Schema() hcldec.Spec }
		v, diags = hcldec.Decode(f.Body, p.(schemer).Schema(), ctx)
	}
	if diags.HasErrors() {
		t.Fatalf("decoding case: %s", diags.Error())
	}
	return v
}

// Run puts every case through the contract:
//   - Read of a missing object returns null without error;
//   - Apply of the plan succeeds;
//   - Read after Apply equals the applied value, and a PriorReader says
//     so (AsRecorded);
//   - a second Plan equals Live (no-op) and asks for no replacement;
//   - the value survives a JSON round trip, as state stores it;
//   - delete returns null and a Read afterwards returns null.
func Run(t *testing.T, p providers.Provider, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			env, dir := NewEnv(t)
			if tc.Setup != nil {
				tc.Setup(t, dir)
			}
			ctx := context.Background()
			addr := "test.case"
			cfg := Decode(t, p, tc.HCL, tc.Vars)

			read := p.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: providers.Null, Env: env})
			mustOK(t, "Read of a missing object", read.Diagnostics)
			if !read.Live.IsNull() {
				t.Fatalf("Read of a missing object: got %#v, want null", read.Live)
			}
			pl := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: read.Live, Env: env})
			mustOK(t, "Plan", pl.Diagnostics)
			ap := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
			mustOK(t, "Apply", ap.Diagnostics)
			if !ap.New.IsWhollyKnown() || ap.New.IsNull() {
				t.Fatalf("Apply returned %#v, want a known object", ap.New)
			}
			applied := roundTrip(t, ap.New)
			if tc.Check != nil {
				tc.Check(t, dir, applied)
			}

			// A new Env forgets cached reads, as a new run would.
			env2 := *env
			env2.FS = providers.NewDirFS(dir)
			// The plan engine gives a PriorReader no configuration.
			readCfg := cfg
			if _, ok := p.(providers.PriorReader); ok {
				readCfg = providers.Null
			}
			read2 := p.Read(ctx, providers.ReadRequest{Address: addr, Config: readCfg, Prior: applied, Env: &env2})
			mustOK(t, "Read after Apply", read2.Diagnostics)
			if !providers.Equal(read2.Live, applied) {
				t.Fatalf("Read after Apply differs:\n got: %s\nwant: %s", js(read2.Live), js(applied))
			}
			if _, ok := p.(providers.PriorReader); ok && !read2.AsRecorded {
				t.Fatal("Read after Apply does not report AsRecorded, so the plan engine compares Live with Prior in vain")
			}
			pl2 := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: read2.Live, Env: &env2})
			mustOK(t, "second Plan", pl2.Diagnostics)
			if pl2.NoChange && (len(pl2.Reasons) > 0 || len(pl2.Files) > 0) {
				t.Fatalf("second Plan says NoChange, but gives reasons %q and %d file changes", pl2.Reasons, len(pl2.Files))
			}
			if pl2.RequiresReplace || !providers.Equal(pl2.Planned, read2.Live) {
				t.Fatalf("second Plan is not a no-op (replace=%v, reasons=%v):\n got: %s\nwant: %s",
					pl2.RequiresReplace, pl2.Reasons, js(pl2.Planned), js(read2.Live))
			}

			del := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: providers.Null, Env: &env2})
			mustOK(t, "delete", del.Diagnostics)
			if !del.New.IsNull() {
				t.Fatalf("delete returned %#v, want null", del.New)
			}
			env3 := *env
			env3.FS = providers.NewDirFS(dir)
			read3 := p.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: providers.Null, Env: &env3})
			mustOK(t, "Read after delete", read3.Diagnostics)
			if !read3.Live.IsNull() {
				t.Fatalf("Read after delete: got %s, want null", js(read3.Live))
			}
		})
	}
}

// roundTrip writes a value to JSON and reads it back with its implied type,
// exactly as the state file does.
func roundTrip(t *testing.T, v cty.Value) cty.Value {
	t.Helper()
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		t.Fatalf("encoding %#v: %v", v, err)
	}
	var back ctyjson.SimpleJSONValue
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return back.Value
}

func js(v cty.Value) string {
	if v == cty.NilVal || !v.IsWhollyKnown() {
		return "(unknown)"
	}
	data, _ := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	return string(data)
}

func mustOK(t *testing.T, what string, diags hcl.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("%s: %s", what, diags.Error())
	}
}

// WriteFile is a Setup helper that writes a file into the case directory.
func WriteFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
