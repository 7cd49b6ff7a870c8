package plan_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/benchconfig"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/state"
)

// benchDirs holds the applied configurations by size, so that each is
// generated and applied once however often the benchmark runs.
var benchDirs sync.Map // int -> string

// appliedConfig returns a directory holding a configuration of n resources
// (see benchconfig.Generate), applied once.
func appliedConfig(b *testing.B, n int) string {
	if dir, ok := benchDirs.Load(n); ok {
		return dir.(string)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("certform-bench-%d-", n))
	if err != nil {
		b.Fatal(err)
	}
	if err := benchconfig.Generate(dir, n, 20); err != nil {
		b.Fatal(err)
	}
	p, st, e := benchPlan(b, dir)
	store := state.NewStore(filepath.Join(dir, state.DefaultFileName))
	store.Version = benchVersion
	if diags := e.Apply(context.Background(), p, st, store.Save); diags.HasErrors() {
		b.Fatalf("Apply: %s", diags.Error())
	}
	benchDirs.Store(n, dir)
	return dir
}

// benchVersion stands for the certform version, in the state and the
// engine, so that plans skip what the configuration and the refresh left
// unchanged, as the CLI's do.
const benchVersion = "bench"

// benchPlan does what `certform plan` does up to rendering: load the
// configuration and the state, then refresh and plan.
func benchPlan(b *testing.B, dir string) (*plan.Plan, *state.File, *plan.Engine) {
	k := kinds()
	cfg, diags := lang.Load(dir, k)
	if diags.HasErrors() {
		b.Fatalf("Load: %s", diags.Error())
	}
	vars, diags := cfg.VariableValues(lang.VarInputs{})
	if diags.HasErrors() {
		b.Fatalf("VariableValues: %s", diags.Error())
	}
	st, err := state.NewStore(filepath.Join(dir, state.DefaultFileName)).Load()
	if err != nil {
		b.Fatal(err)
	}
	e := &plan.Engine{
		Config: cfg,
		Kinds:  k,
		Vars:   vars,
		Env: &providers.Env{
			FS:      providers.NewDirFS(dir),
			Secrets: providers.NewDirSecrets(filepath.Join(dir, ".certform", "keys")),
			Certs:   &pemcert.Cache{},
			Now:     time.Now().UTC(),
		},
		Version: benchVersion,
	}
	p, diags := e.Plan(context.Background(), st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		b.Fatalf("Plan: %s", diags.Error())
	}
	return p, st, e
}

// BenchmarkNoOpPlan measures `certform plan` on a large configuration that
// is already applied: loading the configuration and the state, refreshing
// every resource, planning it, and rendering "No changes.". It reports the
// memory allocated per plan as alloc-MB/op. cmd/certform-bench measures the
// same with the binary (wall time and peak RSS).
func BenchmarkNoOpPlan(b *testing.B) {
	b.Cleanup(func() {
		benchDirs.Range(func(_, dir any) bool {
			os.RemoveAll(dir.(string))
			return true
		})
	})
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			dir := appliedConfig(b, n)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				p, _, _ := benchPlan(b, dir)
				if p.HasChanges() {
					b.Fatal("the plan has changes after apply")
				}
				render.Text(io.Discard, p, false)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "alloc-MB/op")
		})
	}
}
