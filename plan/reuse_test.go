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
