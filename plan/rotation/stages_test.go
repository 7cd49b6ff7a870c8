package rotation_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/rotation"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/trustchain"
	"github.com/certform/certform/state"
)

// A small CA rollover: two roots, a PEM bundle that follows
// rotation.root.installed, and a store that only the activate stage makes.
const rolloverHCL = `
certificate "old" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Old Root"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

certificate "new" {
  issuer      = self_signed
  is_ca       = true
  common_name = "New Root"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

trust_chain "company" {
  roots = rotation.root.installed
}

store "pem_files" "bundle" {
  trust  = [trust_chain.company]
  bundle = "ca.pem"
}

store "pem_files" "late" {
  certificate = rotation.root.active
  cert        = "active.pem"
}

rotation "root" {
  outgoing = certificate.old
  incoming = certificate.new

  stage "distribute" {
    gate {
      stores  = [store.pem_files.bundle]
      confirm = "Every client trusts New Root."
    }
  }
  stage "activate" {
    activate = true
    changes  = [store.pem_files.late]
  }
  stage "retire" {
    retire = true
  }
}
`

type workspace struct {
	t     *testing.T
	dir   string
	store *state.Store
}

func newWorkspace(t *testing.T) *workspace {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(rolloverHCL), 0o644); err != nil {
		t.Fatal(err)
	}
	return &workspace{t: t, dir: dir, store: state.NewStore(filepath.Join(dir, "certform.state.json"))}
}

func (w *workspace) engine() *plan.Engine {
	w.t.Helper()
	rot := rotation.New()
	k := lang.Kinds{
		"certificate":     cert.New(),
		"trust_chain":     trustchain.New(),
		"store.pem_files": pemfiles.New(),
		rotation.Kind:     rot,
	}
	cfg, diags := lang.Load(w.dir, k)
	if diags.HasErrors() {
		w.t.Fatalf("lang.Load: %s", diags.Error())
	}
	return &plan.Engine{
		Config:  cfg,
		Kinds:   k,
		Vars:    map[string]cty.Value{},
		Rotator: rot,
		Env: &providers.Env{
			FS:      providers.NewDirFS(w.dir),
			Secrets: providers.DirSecrets{Dir: filepath.Join(w.dir, ".certform", "keys")},
			Now:     time.Now().UTC(),
		},
	}
}

// plan plans against the state on disk.
func (w *workspace) plan() (*plan.Plan, *state.File, *plan.Engine) {
	w.t.Helper()
	e := w.engine()
	st, err := w.store.Load()
	if err != nil {
		w.t.Fatal(err)
	}
	p, diags := e.Plan(context.Background(), st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		w.t.Fatalf("Plan: %s", diags.Error())
	}
	return p, st, e
}

// planApply plans and applies; it returns the plan.
func (w *workspace) planApply() *plan.Plan {
	w.t.Helper()
	p, st, e := w.plan()
	if diags := e.Apply(context.Background(), p, st, w.store.Save); diags.HasErrors() {
		w.t.Fatalf("Apply: %s", diags.Error())
	}
	return p
}

// edit loads the state, changes it with f and saves it.
func (w *workspace) edit(f func(cfg *lang.Config, st *state.File) error) error {
	w.t.Helper()
	st, err := w.store.Load()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := f(w.engine().Config, st); err != nil {
		return err
	}
	return w.store.Save(st)
}

func (w *workspace) certificates(name string) int {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Count(string(data), "BEGIN CERTIFICATE")
}

// subject returns the subject of the first certificate of a PEM text.
func subject(t *testing.T, data []byte) string {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c.Subject.String()
}

func the(t *testing.T, p *plan.Plan) *plan.Rotation {
	t.Helper()
	if len(p.Rotations) != 1 {
		t.Fatalf("plan has %d rotations, want 1", len(p.Rotations))
	}
	return p.Rotations[0]
}

func changeOf(t *testing.T, p *plan.Plan, addr string) *plan.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Address == addr {
			return c
		}
	}
	t.Fatalf("no change for %s", addr)
	return nil
}

func condition(r *plan.Rotation, kind string) *plan.GateCondition {
	for i := range r.Gate {
		if r.Gate[i].Kind == kind {
			return &r.Gate[i]
		}
	}
	return nil
}

func TestStages(t *testing.T) {
	w := newWorkspace(t)

	// The first plan begins the first stage only; the activate stage's
	// store is held back, not created.
	p := w.planApply()
	if r := the(t, p); r.Enters != "distribute" || r.Status != rotation.StatusNotStarted {
		t.Fatalf("first plan: enters %q (status %q), want distribute", r.Enters, r.Status)
	}
	if c := changeOf(t, p, "store.pem_files.late"); c.Action != plan.NoOp || !strings.Contains(c.Held, `waits for stage "activate" of rotation.root`) {
		t.Errorf("store.pem_files.late: %s, held %q; want held back", c.Action, c.Held)
	}
	if n := w.certificates("ca.pem"); n != 2 {
		t.Errorf("ca.pem holds %d certificates during the rotation, want old and new", n)
	}

	// The store gate holds, the confirmation is missing: nothing moves.
	p, _, _ = w.plan()
	r := the(t, p)
	if !r.Blocked || r.Enters != "" || p.HasChanges() {
		t.Fatalf("without confirmation: blocked %v, enters %q, changes %v", r.Blocked, r.Enters, p.HasChanges())
	}
	if c := condition(r, "stores"); c == nil || !c.Met {
		t.Errorf("stores condition = %+v, want met", c)
	}
	if c := condition(r, "confirm"); c == nil || c.Met || !strings.Contains(c.Fix, "certform rotation confirm root distribute") {
		t.Errorf("confirm condition = %+v, want open with the command", c)
	}

	// Confirming a stage that has not begun is refused.
	err := w.edit(func(cfg *lang.Config, st *state.File) error {
		return rotation.Confirm(cfg, st, "root", "activate", "anna", time.Now())
	})
	if err == nil || !strings.Contains(err.Error(), "no manual gate") {
		t.Errorf("confirming activate: %v", err)
	}

	// The bundle loses the new root: the gate shuts, naming the store,
	// even once confirmed.
	old := w.certificates("ca.pem")
	data, _ := os.ReadFile(filepath.Join(w.dir, "ca.pem"))
	first := strings.SplitAfter(string(data), "-----END CERTIFICATE-----\n")[0]
	if err := os.WriteFile(filepath.Join(w.dir, "ca.pem"), []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.edit(func(cfg *lang.Config, st *state.File) error {
		return rotation.Confirm(cfg, st, "root", "distribute", "anna", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	p = w.planApply() // writes the bundle back, does not go on
	r = the(t, p)
	c := condition(r, "stores")
	if c == nil || c.Met || len(c.Missing) != 1 || c.Missing[0] != "store.pem_files.bundle" || r.Enters != "" {
		t.Fatalf("after emptying the bundle: stores %+v, enters %q", c, r.Enters)
	}
	if want := "1 of 1 store does not hold certificate.new yet: store.pem_files.bundle"; c.Message != want {
		t.Errorf("message %q, want %q", c.Message, want)
	}
	if n := w.certificates("ca.pem"); n != old {
		t.Errorf("ca.pem holds %d certificates after apply, want %d", n, old)
	}

	// Now the gate holds: activation, with the held store.
	p = w.planApply()
	if r := the(t, p); r.Enters != "activate" {
		t.Fatalf("enters %q, want activate", r.Enters)
	}
	if c := changeOf(t, p, "store.pem_files.late"); c.Action != plan.Create {
		t.Errorf("store.pem_files.late: %s, want create", c.Action)
	}
	if data, err := os.ReadFile(filepath.Join(w.dir, "active.pem")); err != nil || subject(t, data) != "CN=New Root" {
		t.Errorf("active.pem: %v, want the new root", err)
	}
	if n := w.certificates("ca.pem"); n != 2 {
		t.Errorf("ca.pem holds %d certificates before the retire stage, want 2", n)
	}

	// After activation, abandoning is refused.
	if err := w.edit(func(cfg *lang.Config, st *state.File) error {
		return rotation.RequestAbandon(cfg, st, "root", "anna", time.Now())
	}); err == nil || !strings.Contains(err.Error(), "cannot be abandoned") {
		t.Errorf("abandon after activation: %v", err)
	}

	// The activate stage has no gate: the retire stage follows.
	p = w.planApply()
	if r := the(t, p); r.Enters != "retire" {
		t.Fatalf("enters %q, want retire", r.Enters)
	}
	if n := w.certificates("ca.pem"); n != 1 {
		t.Errorf("ca.pem holds %d certificates after retiring, want the new root only", n)
	}
	p, st, _ := w.plan()
	if p.HasChanges() || the(t, p).Status != rotation.StatusComplete {
		t.Errorf("after the last stage: changes %v, status %q", p.HasChanges(), the(t, p).Status)
	}
	rec := st.Resource("rotation.root").Attributes
	if got := providers.String(rec, "stage"); got != "retire" {
		t.Errorf("recorded stage %q", got)
	}
	if got := providers.String(providers.Attr(providers.Attr(rec, "stages"), "distribute"), "confirmed_by"); got != "anna" {
		t.Errorf("recorded confirmation by %q, want anna", got)
	}
}

func TestAbandon(t *testing.T) {
	w := newWorkspace(t)
	w.planApply()
	if err := w.edit(func(cfg *lang.Config, st *state.File) error {
		return rotation.RequestAbandon(cfg, st, "root", "carla", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	p := w.planApply()
	if r := the(t, p); !r.Abandons {
		t.Fatalf("the plan does not abandon: %+v", r)
	}
	if n := w.certificates("ca.pem"); n != 1 {
		t.Errorf("ca.pem holds %d certificates after abandoning, want the old root only", n)
	}
	p, _, _ = w.plan()
	if r := the(t, p); r.Status != rotation.StatusAbandoned || p.HasChanges() {
		t.Errorf("after abandoning: status %q, changes %v", r.Status, p.HasChanges())
	}
	if c := changeOf(t, p, "store.pem_files.late"); c.Held == "" {
		t.Errorf("store.pem_files.late is not held after abandoning")
	}
}

// abandon = true in the configuration abandons like the command does.
func TestAbandonInConfiguration(t *testing.T) {
	w := newWorkspace(t)
	w.planApply()
	p, _, _ := w.plan()
	if r := the(t, p); r.NextStage != "activate" || !strings.Contains(strings.Join(r.NextChanges, "\n"), "activates certificate.new: rotation.root.active switches from certificate.old (used by store.pem_files.late)") {
		t.Errorf("next stage %q will: %q", r.NextStage, r.NextChanges)
	}
	src := strings.Replace(rolloverHCL, "incoming = certificate.new\n", "incoming = certificate.new\n  abandon  = true\n", 1)
	if err := os.WriteFile(filepath.Join(w.dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p = w.planApply()
	if r := the(t, p); !r.Abandons {
		t.Fatalf("abandon = true does not abandon: %+v", r)
	}
	if n := w.certificates("ca.pem"); n != 1 {
		t.Errorf("ca.pem holds %d certificates after abandoning, want the old root only", n)
	}
}
