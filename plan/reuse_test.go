package plan_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemfiles"
)

// countingPEM is the pem_files provider, counting its plans.
type countingPEM struct {
	*pemfiles.Provider
	plans *atomic.Int32
}

func (p countingPEM) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	p.plans.Add(1)
	return p.Provider.Plan(ctx, req)
}

// TestPlanSkipsUnchanged: a resource of a providers.Deterministic whose
// configuration is as at its last apply, and whose files the refresh found
// as recorded, is a no-op without a plan of its provider; any change to
// either plans it again.
func TestPlanSkipsUnchanged(t *testing.T) {
	var plans atomic.Int32
	w := newWorkspace(t, baseConfig())
	w.kinds = kinds()
	w.kinds["store.pem_files"] = countingPEM{pemfiles.New(), &plans}
	w.planApply(plan.Options{Refresh: true})
	for _, addr := range []string{"store.pem_files.web", "ini_file.app", "certificate.web"} {
		if r := w.state().Resource(addr); r == nil || r.ConfigDigest == "" {
			t.Fatalf("%s: no configuration digest recorded: %+v", addr, r)
		}
	}

	plansOf := func(opts plan.Options, e *plan.Engine) (*plan.Plan, int32) {
		t.Helper()
		plans.Store(0)
		if e == nil {
			e = w.engine()
		}
		p, diags := e.Plan(context.Background(), w.state(), opts)
		if diags.HasErrors() {
			t.Fatalf("Plan: %s", diags.Error())
		}
		return p, plans.Load()
	}

	p, n := plansOf(plan.Options{Refresh: true}, nil)
	checkActions(t, p, allWith(plan.NoOp))
	if n != 0 {
		t.Errorf("unchanged store planned %d times, want 0", n)
	}

	// Without a refresh, nothing is known to be as recorded.
	if _, n := plansOf(plan.Options{Refresh: false}, nil); n != 1 {
		t.Errorf("with -refresh=false: planned %d times, want 1", n)
	}

	// Another version of certform wrote the state.
	e := w.engine()
	e.Version = "another"
	if _, n := plansOf(plan.Options{Refresh: true}, e); n != 1 {
		t.Errorf("state of another version: planned %d times, want 1", n)
	}

	// A file changed by hand.
	w.write("tls/web.pem", "edited\n")
	p, n = plansOf(plan.Options{Refresh: true}, nil)
	if n != 1 || change(t, p, "store.pem_files.web").Action != plan.Update {
		t.Errorf("after a hand edit: planned %d times, action %s; want 1 and update", n, change(t, p, "store.pem_files.web").Action)
	}
	w.planApply(plan.Options{Refresh: true})

	// The configuration changed.
	w.write("pki.hcl", strings.Replace(baseConfig()["pki.hcl"], `"tls/chain.pem"`, `"tls/ca.pem"`, 1))
	p, n = plansOf(plan.Options{Refresh: true}, nil)
	if n != 1 || change(t, p, "store.pem_files.web").Action != plan.Update {
		t.Errorf("after a configuration change: planned %d times, action %s; want 1 and update", n, change(t, p, "store.pem_files.web").Action)
	}
}

// TestNoOpRecordsDigest: a state whose digests another certform version
// wrote (or that has none) gets the current ones from an apply with
// nothing to change, and the plan after it skips the resource again.
func TestNoOpRecordsDigest(t *testing.T) {
	var plans atomic.Int32
	w := newWorkspace(t, baseConfig())
	w.kinds = kinds()
	w.kinds["store.pem_files"] = countingPEM{pemfiles.New(), &plans}
	old := w.engine()
	old.Version = "older"
	st := w.state()
	p, diags := old.Plan(context.Background(), st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		t.Fatalf("Plan: %s", diags.Error())
	}
	if diags := w.apply(old, p, st); diags.HasErrors() {
		t.Fatalf("Apply: %s", diags.Error())
	}
	oldDigest := w.state().Resource("store.pem_files.web").ConfigDigest

	// The first plan of this version plans the store; its apply changes
	// nothing but the digest.
	plans.Store(0)
	p, st, e := w.plan(plan.Options{Refresh: true})
	checkActions(t, p, allWith(plan.NoOp))
	if n := plans.Load(); n != 1 {
		t.Fatalf("first plan of another version: planned %d times, want 1", n)
	}
	serial := st.Serial
	if diags := w.apply(e, p, st); diags.HasErrors() {
		t.Fatalf("Apply: %s", diags.Error())
	}
	after := w.state()
	if d := after.Resource("store.pem_files.web").ConfigDigest; d == "" || d == oldDigest {
		t.Fatalf("digest after a no-op apply = %q, want a new one (was %q)", d, oldDigest)
	}
	if after.Serial != serial+1 {
		t.Errorf("serial = %d, want %d: one save, the last", after.Serial, serial+1)
	}

	plans.Store(0)
	p, st, _ = w.plan(plan.Options{Refresh: true})
	checkActions(t, p, allWith(plan.NoOp))
	if n := plans.Load(); n != 0 {
		t.Errorf("plan after the no-op apply: planned %d times, want 0", n)
	}
	if p.RecordDigests(st) {
		t.Errorf("RecordDigests changed a state whose digests are current")
	}
}
