package plan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/trustchain"
	"github.com/certform/certform/state"
)

// kinds is the registry cmd/certform builds.
func kinds() lang.Kinds {
	return lang.Kinds{
		"certificate":     cert.New(),
		"issuer.ca":       issuer.New(),
		"trust_chain":     trustchain.New(),
		"store.pem_files": pemfiles.New(),
		"endpoint":        endpoint.New(),
		"ini_file":        ini.New(),
		"component":       component.New(),
		"hook":            hook.New(),
	}
}

// The test configuration, one concern per file so that a test can drop or
// edit a part. ECDSA P256 keys keep it fast.
const (
	pkiHCL = `
certificate "root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Test Root CA"
  validity    = "3650d"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

issuer "ca" "company" {
  certificate = certificate.root
}

certificate "web" {
  issuer       = issuer.ca.company
  common_name  = "web.example.test"
  dns_names    = ["web.example.test"]
  validity     = "397d"
  renew_before = "30d"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}

store "pem_files" "web" {
  certificate = certificate.web
  cert        = "tls/web.pem"
  key         = "tls/web.key"
  chain       = "tls/chain.pem"
  on_change   = [hook.reload]
}

endpoint "web" {
  url         = "https://web.example.test:8443"
  certificate = certificate.web
  tls_only    = true
}
`
	iniHCL = `
ini_file "app" {
  path = "app.ini"
  section "tls" {
    port       = endpoint.web.port
    cert_file  = "tls/web.pem"
    thumbprint = certificate.web.thumbprint_sha1
  }
  on_change = [hook.reload]
}
`
	hookHCL = `
hook "reload" {
  command = ["sh", "-c", "echo run >> hook.log"]
}
`
	outputsHCL = `
variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2-do-not-show"
}

variable "host" {
  type    = string
  default = "web.example.test"
}

output "fingerprint" {
  value = certificate.web.fingerprint_sha256
}

output "host" {
  value = var.host
}

output "password" {
  value     = var.password
  sensitive = true
}

output "derived" {
  value = "pw:${var.password}"
}
`
	// appINI is the application's own file before certform touches it.
	appINI = "; Application settings\n[general]\nname = demo\n\n[tls]\nport    = 443\n"
)

func baseConfig() map[string]string {
	return map[string]string{
		"pki.hcl":     pkiHCL,
		"ini.hcl":     iniHCL,
		"hook.hcl":    hookHCL,
		"outputs.hcl": outputsHCL,
		"app.ini":     appINI,
	}
}

// workspace is a configuration directory with its state file, run the way
// cmd/certform runs it: each plan and apply gets a fresh engine (and so a
// fresh file cache), the state is loaded from disk before planning and saved
// through a Store.
type workspace struct {
	t     *testing.T
	dir   string
	store *state.Store
	now   time.Time
	vars  []string   // -var flags, NAME=VALUE
	kinds lang.Kinds // nil: kinds()

	mu    sync.Mutex
	saves [][]byte // every state written, as state.Marshal encodes it
}

func newWorkspace(t *testing.T, files map[string]string) *workspace {
	t.Helper()
	w := &workspace{
		t:   t,
		dir: t.TempDir(),
		now: time.Now().UTC().Truncate(time.Second),
	}
	w.store = state.NewStore(filepath.Join(w.dir, state.DefaultFileName))
	w.store.Version = testVersion
	for name, content := range files {
		w.write(name, content)
	}
	return w
}

func (w *workspace) path(name string) string { return filepath.Join(w.dir, name) }

func (w *workspace) write(name, content string) {
	w.t.Helper()
	p := w.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *workspace) read(name string) string {
	w.t.Helper()
	data, err := os.ReadFile(w.path(name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(data)
}

func (w *workspace) exists(name string) bool {
	_, err := os.Stat(w.path(name))
	return err == nil
}

func (w *workspace) remove(name string) {
	w.t.Helper()
	if err := os.RemoveAll(w.path(name)); err != nil {
		w.t.Fatal(err)
	}
}

func (w *workspace) secrets() providers.DirSecrets {
	return providers.DirSecrets{Dir: w.path(filepath.Join(".certform", "keys"))}
}

// testVersion stands for the certform version, in the state and the
// engine: plans skip what the configuration and the refresh left
// unchanged, as the CLI's do.
const testVersion = "test"

// engine loads the configuration as it is now on disk.
func (w *workspace) engine() *plan.Engine {
	w.t.Helper()
	k := w.kinds
	if k == nil {
		k = kinds()
	}
	cfg, diags := lang.Load(w.dir, k)
	if diags.HasErrors() {
		w.t.Fatalf("lang.Load: %s", diags.Error())
	}
	vars, diags := cfg.VariableValues(lang.VarInputs{Flags: w.vars})
	if diags.HasErrors() {
		w.t.Fatalf("VariableValues: %s", diags.Error())
	}
	return &plan.Engine{
		Config: cfg,
		Kinds:  k,
		Vars:   vars,
		Env: &providers.Env{
			FS:      providers.NewDirFS(w.dir),
			Secrets: w.secrets(),
			Now:     w.now,
		},
		Parallelism: 4,
		Version:     testVersion,
	}
}

func (w *workspace) state() *state.File {
	w.t.Helper()
	st, err := w.store.Load()
	if err != nil {
		w.t.Fatalf("loading state: %v", err)
	}
	return st
}

// plan plans with a fresh engine against the state on disk and fails the
// test on error diagnostics.
func (w *workspace) plan(opts plan.Options) (*plan.Plan, *state.File, *plan.Engine) {
	w.t.Helper()
	e := w.engine()
	st := w.state()
	p, diags := e.Plan(context.Background(), st, opts)
	if diags.HasErrors() {
		w.t.Fatalf("Plan: %s", diags.Error())
	}
	return p, st, e
}

// save is the callback Apply gets: it encodes the state as it is handed
// over, keeps the encoding for inspection, and writes it.
func (w *workspace) save(st *state.File) error {
	data, err := state.Marshal(st)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.saves = append(w.saves, data)
	w.mu.Unlock()
	return w.store.Save(st)
}

// apply carries out p and returns the diagnostics.
func (w *workspace) apply(e *plan.Engine, p *plan.Plan, st *state.File) hcl.Diagnostics {
	w.t.Helper()
	return e.Apply(context.Background(), p, st, w.save)
}

// planApply plans and applies, failing the test on any error.
func (w *workspace) planApply(opts plan.Options) *plan.Plan {
	w.t.Helper()
	p, st, e := w.plan(opts)
	if diags := w.apply(e, p, st); diags.HasErrors() {
		w.t.Fatalf("Apply: %s", diags.Error())
	}
	return p
}

func change(t *testing.T, p *plan.Plan, addr string) *plan.Change {
	t.Helper()
	for _, c := range p.Changes {
		if c.Address == addr {
			return c
		}
	}
	t.Fatalf("no change for %s in the plan; it has %v", addr, addresses(p))
	return nil
}

func addresses(p *plan.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Address)
	}
	return out
}

// actions returns every change's action by address.
func actions(p *plan.Plan) map[string]plan.Action {
	out := map[string]plan.Action{}
	for _, c := range p.Changes {
		out[c.Address] = c.Action
	}
	return out
}

func checkActions(t *testing.T, p *plan.Plan, want map[string]plan.Action) {
	t.Helper()
	got := actions(p)
	if len(got) != len(want) {
		t.Errorf("plan has %d changes %v, want %d %v", len(got), got, len(want), want)
	}
	for addr, a := range want {
		if got[addr] != a {
			t.Errorf("%s: action %s, want %s (reasons %q)", addr, got[addr], a, reasonsOf(p, addr))
		}
	}
}

func reasonsOf(p *plan.Plan, addr string) []string {
	for _, c := range p.Changes {
		if c.Address == addr {
			return c.Reasons
		}
	}
	return nil
}

func hasReason(c *plan.Change, substr string) bool {
	return slices.ContainsFunc(c.Reasons, func(r string) bool { return strings.Contains(r, substr) })
}

// attr returns a string attribute of a value, "" when it is missing.
func attr(v cty.Value, name string) string {
	return providers.String(v, name)
}

// allResources are the resources of baseConfig (hooks keep no state).
var allResources = []string{
	"certificate.root", "certificate.web", "endpoint.web", "ini_file.app",
	"issuer.ca.company", "store.pem_files.web",
}

func allWith(a plan.Action) map[string]plan.Action {
	out := map[string]plan.Action{}
	for _, addr := range allResources {
		out[addr] = a
	}
	return out
}

func TestPlanCreate(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	p, st, _ := w.plan(plan.Options{Refresh: true})

	checkActions(t, p, allWith(plan.Create))
	if add, chg, rep, del := p.Counts(); add != 6 || chg+rep+del != 0 {
		t.Errorf("Counts() = %d, %d, %d, %d; want 6, 0, 0, 0", add, chg, rep, del)
	}
	if !p.HasChanges() {
		t.Error("HasChanges() = false for a plan that creates everything")
	}
	if p.Lineage != st.Lineage || p.Serial != st.Serial {
		t.Errorf("plan made against lineage %q serial %d, state has %q %d", p.Lineage, p.Serial, st.Lineage, st.Serial)
	}
	if !strings.HasPrefix(p.ConfigHash, "sha256:") {
		t.Errorf("ConfigHash = %q, want sha256:...", p.ConfigHash)
	}
	if len(p.Drift) != 0 {
		t.Errorf("Drift = %v for an empty state", p.Drift)
	}
	if got := addresses(p); !slices.IsSorted(got) {
		t.Errorf("changes not sorted by address: %v", got)
	}

	web := change(t, p, "certificate.web")
	if !web.Before.IsNull() {
		t.Errorf("create: Before = %#v, want null", web.Before)
	}
	if v := web.After.GetAttr("serial"); v.IsKnown() {
		t.Errorf("a new certificate's serial is %#v, want unknown until apply", v)
	}
	if got, want := web.Dependencies, []string{"issuer.ca.company"}; !slices.Equal(got, want) {
		t.Errorf("certificate.web depends on %v, want %v", got, want)
	}

	store := change(t, p, "store.pem_files.web")
	for _, f := range store.Files {
		if !f.AfterUnknown {
			t.Errorf("%s: content known before the certificate is issued", f.Path)
		}
		if f.Path == "tls/web.key" && !f.Sensitive {
			t.Errorf("the key file is not marked sensitive")
		}
	}

	// The INI file is known, except for the thumbprint.
	app := change(t, p, "ini_file.app")
	if len(app.Files) != 1 || app.Files[0].Path != "app.ini" || string(app.Files[0].Before) != appINI {
		t.Errorf("ini_file.app files = %+v, want app.ini with its current content as Before", app.Files)
	}
	if got, want := app.Triggers, []string{"hook.reload"}; !slices.Equal(got, want) {
		t.Errorf("ini_file.app triggers %v, want %v", got, want)
	}

	if len(p.Hooks) != 1 {
		t.Fatalf("Hooks = %+v, want hook.reload", p.Hooks)
	}
	h := p.Hooks[0]
	if h.Address != "hook.reload" || !slices.Equal(h.Command, []string{"sh", "-c", "echo run >> hook.log"}) {
		t.Errorf("hook = %+v", h)
	}
	if got, want := h.TriggeredBy, []string{"ini_file.app", "store.pem_files.web"}; !slices.Equal(got, want) {
		t.Errorf("hook triggered by %v, want %v", got, want)
	}

	// Nothing is written by planning.
	if w.exists("tls") || w.exists(state.DefaultFileName) || w.read("app.ini") != appINI {
		t.Error("Plan changed files")
	}
}

func TestPlanNoOpAfterApply(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	p, _, _ := w.plan(plan.Options{Refresh: true})
	checkActions(t, p, allWith(plan.NoOp))
	if p.HasChanges() {
		t.Errorf("second plan has changes: %v", actions(p))
	}
	for _, c := range p.Changes {
		if len(c.Reasons) != 0 || len(c.Files) != 0 {
			t.Errorf("%s: no-op with reasons %q and %d file edits", c.Address, c.Reasons, len(c.Files))
		}
	}
	if len(p.Drift) != 0 {
		t.Errorf("Drift right after apply: %+v", driftAddresses(p))
	}
	if len(p.Hooks) != 0 {
		t.Errorf("hooks planned for a plan without changes: %+v", p.Hooks)
	}

	// Without refresh, the recorded values are taken as live.
	p, _, _ = w.plan(plan.Options{Refresh: false})
	checkActions(t, p, allWith(plan.NoOp))
}

func driftAddresses(p *plan.Plan) []string {
	var out []string
	for _, d := range p.Drift {
		out = append(out, d.Address)
	}
	return out
}

func TestPlanUpdateINIKey(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	w.write("ini.hcl", strings.Replace(iniHCL, `"tls/web.pem"`, `"tls/server.pem"`, 1))
	p, _, _ := w.plan(plan.Options{Refresh: true})
	want := allWith(plan.NoOp)
	want["ini_file.app"] = plan.Update
	checkActions(t, p, want)

	c := change(t, p, "ini_file.app")
	if len(c.Files) != 1 {
		t.Fatalf("files = %+v, want one edit of app.ini", c.Files)
	}
	f := c.Files[0]
	if !strings.Contains(string(f.Before), "cert_file = tls/web.pem") {
		t.Errorf("Before does not hold the old value:\n%s", f.Before)
	}
	if !strings.Contains(string(f.After), "tls/server.pem") || strings.Contains(string(f.After), "tls/web.pem") {
		t.Errorf("After does not hold the new value:\n%s", f.After)
	}
	if got := c.After.GetAttr("keys").GetAttr("tls").GetAttr("cert_file"); !got.RawEquals(cty.StringVal("tls/server.pem")) {
		t.Errorf("planned cert_file = %#v", got)
	}
	if len(p.Hooks) != 1 || !slices.Equal(p.Hooks[0].TriggeredBy, []string{"ini_file.app"}) {
		t.Errorf("hooks = %+v, want hook.reload triggered by ini_file.app", p.Hooks)
	}
}

func TestPlanReplaceDNSNames(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	w.write("pki.hcl", strings.Replace(pkiHCL, `dns_names    = ["web.example.test"]`,
		`dns_names    = ["web.example.test", "www.example.test"]`, 1))
	p, _, _ := w.plan(plan.Options{Refresh: true})
	c := change(t, p, "certificate.web")
	if c.Action != plan.Replace {
		t.Fatalf("certificate.web: %s, want replace", c.Action)
	}
	if !slices.Equal(c.Reasons, []string{"dns_names changed"}) {
		t.Errorf("reasons = %q, want [dns_names changed]", c.Reasons)
	}
	if c.After.GetAttr("serial").IsKnown() || c.After.GetAttr("fingerprint_sha256").IsKnown() {
		t.Error("the replacement's serial and fingerprint should be unknown until apply")
	}
	// Everything built from the certificate follows; what it is built from does not.
	for addr, a := range map[string]plan.Action{
		"certificate.root":    plan.NoOp,
		"issuer.ca.company":   plan.NoOp,
		"store.pem_files.web": plan.Update,
		"endpoint.web":        plan.Update,
		"ini_file.app":        plan.Update,
	} {
		if got := change(t, p, addr).Action; got != a {
			t.Errorf("%s: %s, want %s", addr, got, a)
		}
	}
}

// TestPlanReplaceOrder: a certificate is replaced create-before-destroy; an
// INI file moved to another path is taken out of the old file first.
func TestPlanReplaceOrder(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	w.write("pki.hcl", strings.Replace(pkiHCL, `dns_names    = ["web.example.test"]`,
		`dns_names    = ["web.example.test", "www.example.test"]`, 1))
	w.write("moved.ini", appINI)
	w.write("ini.hcl", strings.Replace(iniHCL, `path = "app.ini"`, `path = "moved.ini"`, 1))
	p, _, _ := w.plan(plan.Options{Refresh: true})
	for addr, want := range map[string]bool{"certificate.web": true, "ini_file.app": false} {
		c := change(t, p, addr)
		if c.Action != plan.Replace || c.CreateBeforeDestroy != want {
			t.Errorf("%s: %s, create before destroy %v; want replace, %v (reasons %q)", addr, c.Action, c.CreateBeforeDestroy, want, c.Reasons)
		}
	}
}

func TestPlanReplaceRenewBefore(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})
	if w.state().Resource("certificate.web").ConfigDigest == "" {
		t.Fatal("no configuration digest recorded: the plan would not skip the certificate anyway")
	}

	w.now = w.now.Add(380 * 24 * time.Hour) // the 397-day certificate has 17 days left
	p, _, _ := w.plan(plan.Options{Refresh: true})
	c := change(t, p, "certificate.web")
	if c.Action != plan.Replace {
		t.Fatalf("certificate.web: %s, want replace", c.Action)
	}
	if want := "expires in 17 days, renew_before is 30d"; !slices.Equal(c.Reasons, []string{want}) {
		t.Errorf("reasons = %q, want [%q]", c.Reasons, want)
	}
	if got := change(t, p, "certificate.root").Action; got != plan.NoOp {
		t.Errorf("certificate.root (3650d) is %s, want no-op", got)
	}
}

func TestPlanDeleteRemovedBlock(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	w.remove("ini.hcl")
	p, _, _ := w.plan(plan.Options{Refresh: true})
	want := allWith(plan.NoOp)
	want["ini_file.app"] = plan.Delete
	checkActions(t, p, want)
	c := change(t, p, "ini_file.app")
	if !slices.Equal(c.Reasons, []string{"no longer in the configuration"}) {
		t.Errorf("reasons = %q", c.Reasons)
	}
	if !c.After.IsNull() || c.Before.IsNull() {
		t.Errorf("delete: Before %#v, After %#v; want the live value and null", c.Before, c.After)
	}
	if _, _, _, del := p.Counts(); del != 1 {
		t.Errorf("Counts() destroy = %d, want 1", del)
	}
}

func TestPlanDrift(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	edited := strings.Replace(w.read("app.ini"), "8443", "9999", 1)
	w.write("app.ini", edited)
	p, _, _ := w.plan(plan.Options{Refresh: true})

	if got := driftAddresses(p); !slices.Equal(got, []string{"ini_file.app"}) {
		t.Fatalf("Drift = %v, want [ini_file.app]", got)
	}
	d := p.Drift[0]
	port := func(v cty.Value) cty.Value { return v.GetAttr("keys").GetAttr("tls").GetAttr("port") }
	if !port(d.Recorded).RawEquals(cty.StringVal("8443")) || !port(d.Live).RawEquals(cty.StringVal("9999")) {
		t.Errorf("drift port: recorded %#v, live %#v; want 8443 and 9999", port(d.Recorded), port(d.Live))
	}

	want := allWith(plan.NoOp)
	want["ini_file.app"] = plan.Update
	checkActions(t, p, want)
	c := change(t, p, "ini_file.app")
	if !port(c.Before).RawEquals(cty.StringVal("9999")) || !port(c.After).RawEquals(cty.StringVal("8443")) {
		t.Errorf("change port: %#v -> %#v, want 9999 -> 8443", port(c.Before), port(c.After))
	}

	// Without refresh the recorded values stand for the live ones, so
	// nothing is reported as drift (the INI provider still plans from the
	// file it edits).
	p2, _, _ := w.plan(plan.Options{Refresh: false})
	if len(p2.Drift) != 0 {
		t.Errorf("without refresh: drift %v", driftAddresses(p2))
	}

	// Apply puts the configured value back.
	w.planApply(plan.Options{Refresh: true})
	if got := w.read("app.ini"); strings.Contains(got, "9999") || !strings.Contains(got, "8443") {
		t.Errorf("app.ini after apply:\n%s", got)
	}
	p3, _, _ := w.plan(plan.Options{Refresh: true})
	if len(p3.Drift) != 0 || p3.HasChanges() {
		t.Errorf("after repair: drift %v, changes %v", driftAddresses(p3), actions(p3))
	}
}

func TestPlanTarget(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	target, err := lang.ParseAddress("store.pem_files.web")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := w.plan(plan.Options{Refresh: true, Targets: []lang.Address{target}})
	checkActions(t, p, map[string]plan.Action{
		"certificate.root":    plan.Create,
		"issuer.ca.company":   plan.Create,
		"certificate.web":     plan.Create,
		"store.pem_files.web": plan.Create,
	})
	if !slices.Equal(p.Targets, []string{"store.pem_files.web"}) {
		t.Errorf("Targets = %v", p.Targets)
	}
	if len(p.Hooks) != 1 || !slices.Equal(p.Hooks[0].TriggeredBy, []string{"store.pem_files.web"}) {
		t.Errorf("hooks = %+v, want hook.reload triggered by the store only", p.Hooks)
	}

	// Applying the targeted plan leaves the rest for later.
	_, st, e := w.plan(plan.Options{Refresh: true, Targets: []lang.Address{target}})
	if diags := w.apply(e, p, st); diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if w.read("app.ini") != appINI {
		t.Error("a plan targeting the store edited app.ini")
	}
	p, _, _ = w.plan(plan.Options{Refresh: true})
	want := allWith(plan.NoOp)
	want["endpoint.web"] = plan.Create
	want["ini_file.app"] = plan.Create
	checkActions(t, p, want)

	// A target also limits deletions to what it selects.
	w.planApply(plan.Options{Refresh: true})
	w.remove("ini.hcl")
	w.write("extra.hcl", `
certificate "extra" {
  issuer      = self_signed
  common_name = "extra"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}
`)
	extra, _ := lang.ParseAddress("certificate.extra")
	p, _, _ = w.plan(plan.Options{Refresh: true, Targets: []lang.Address{extra}})
	checkActions(t, p, map[string]plan.Action{"certificate.extra": plan.Create})
}

func TestPlanDestroy(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})

	p, _, _ := w.plan(plan.Options{Refresh: true, Destroy: true})
	if !p.Destroy {
		t.Error("Plan.Destroy not set")
	}
	checkActions(t, p, allWith(plan.Delete))
	for _, c := range p.Changes {
		if !slices.Equal(c.Reasons, []string{"destroy"}) {
			t.Errorf("%s: reasons %q, want [destroy]", c.Address, c.Reasons)
		}
	}
	if len(p.Outputs) != 0 {
		t.Errorf("a destroy plan has outputs %v", p.Outputs)
	}
}

func TestPlanOutputs(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	p, _, _ := w.plan(plan.Options{Refresh: true})

	if o := p.Outputs["fingerprint"]; o.Sensitive || o.Value.IsKnown() {
		t.Errorf("fingerprint before apply = %#v (sensitive %v), want unknown, not sensitive", o.Value, o.Sensitive)
	}
	if o := p.Outputs["host"]; o.Sensitive || !o.Value.RawEquals(cty.StringVal("web.example.test")) {
		t.Errorf("host = %#v (sensitive %v)", o.Value, o.Sensitive)
	}
	if o := p.Outputs["password"]; !o.Sensitive {
		t.Errorf("output password is not sensitive")
	}
	if o := p.Outputs["derived"]; !o.Sensitive {
		t.Errorf("output derived, computed from a sensitive variable, is not sensitive")
	}

	w.planApply(plan.Options{Refresh: true})
	p, _, _ = w.plan(plan.Options{Refresh: true})
	fp := p.Outputs["fingerprint"].Value
	st := w.state()
	if !fp.IsKnown() || fp.AsString() != attr(st.Resource("certificate.web").Attributes, "fingerprint_sha256") {
		t.Errorf("fingerprint after apply = %#v", fp)
	}

	// Only known, non-sensitive outputs are recorded.
	outs := st.Outputs()
	if _, ok := outs["password"]; ok {
		t.Error("the state records the sensitive output password")
	}
	if _, ok := outs["derived"]; ok {
		t.Error("the state records the output derived from a sensitive variable")
	}
	if !outs["host"].RawEquals(cty.StringVal("web.example.test")) || !outs["fingerprint"].RawEquals(fp) {
		t.Errorf("recorded outputs = %#v", outs)
	}
}

// TestPlanDeleteHidesSensitiveValues: a deleted resource's Before is its
// live value, which can hold a sensitive variable's value read back from a
// file; it must be marked sensitive like the Before of any other change.
func TestPlanDeleteHidesSensitiveValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(w *workspace)
		opts plan.Options
	}{
		{"destroy", func(*workspace) {}, plan.Options{Refresh: true, Destroy: true}},
		{"removed from the configuration", func(w *workspace) { w.remove("ini.hcl") }, plan.Options{Refresh: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := baseConfig()
			files["ini.hcl"] = strings.Replace(iniHCL, `cert_file  = "tls/web.pem"`,
				"cert_file  = \"tls/web.pem\"\n    password   = var.password", 1)
			w := newWorkspace(t, files)
			w.planApply(plan.Options{Refresh: true})
			tc.edit(w)

			p, _, _ := w.plan(tc.opts)
			c := change(t, p, "ini_file.app")
			if c.Action != plan.Delete {
				t.Fatalf("ini_file.app is %s, want delete", c.Action)
			}
			if len(c.Sensitive) == 0 {
				t.Errorf("the delete's Before holds the sensitive value but Sensitive is empty")
			}
			var text, js bytes.Buffer
			render.Text(&text, p, false)
			if err := render.JSON(&js, p); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(text.String(), "hunter2") {
				t.Errorf("the text plan shows the sensitive value")
			}
			if strings.Contains(js.String(), "hunter2") {
				t.Errorf("the JSON plan shows the sensitive value in the before of a delete")
			}
		})
	}
}
