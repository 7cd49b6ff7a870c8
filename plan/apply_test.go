package plan_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

// recorder is an Observer that keeps every call in order.
type recorder struct {
	plan.NopObserver
	mu     sync.Mutex
	events []string // "pre ADDR", "post ADDR", "hook ADDR"
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) PreApply(addr string, _ plan.Action) { r.add("pre " + addr) }

func (r *recorder) PostApply(addr string, _ plan.Action, _ error, _ time.Duration) {
	r.add("post " + addr)
}

func (r *recorder) HookOutput(addr string, _ []byte, _ error) { r.add("hook " + addr) }

func (r *recorder) index(e string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Index(r.events, e)
}

func (r *recorder) count(e string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range r.events {
		if x == e {
			n++
		}
	}
	return n
}

// hookRuns counts the lines the test hook appended to hook.log.
func (w *workspace) hookRuns() int {
	data, err := os.ReadFile(w.path("hook.log"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Count(string(data), "run\n")
}

// checkSavesClean fails when any state written so far holds a private key
// or the sensitive variable's value.
func (w *workspace) checkSavesClean() {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.saves) == 0 {
		w.t.Error("no state was saved")
	}
	for i, s := range w.saves {
		if bytes.Contains(s, []byte("PRIVATE KEY")) {
			w.t.Errorf("save %d holds a private key", i)
		}
		if bytes.Contains(s, []byte("hunter2")) {
			w.t.Errorf("save %d holds the sensitive variable's value", i)
		}
	}
}

func TestApplyDependencyOrder(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	p, st, e := w.plan(plan.Options{Refresh: true})
	rec := &recorder{}
	e.Observer = rec
	e.Parallelism = 10
	if diags := w.apply(e, p, st); diags.HasErrors() {
		t.Fatal(diags.Error())
	}

	for _, c := range p.Changes {
		pre := rec.index("pre " + c.Address)
		if pre < 0 || rec.index("post "+c.Address) < pre {
			t.Errorf("%s: pre at %d, post at %d", c.Address, pre, rec.index("post "+c.Address))
		}
		for _, d := range c.Dependencies {
			if post := rec.index("post " + d); post < 0 || post > pre {
				t.Errorf("%s started (event %d) before its dependency %s finished (event %d)", c.Address, pre, d, post)
			}
		}
	}
	// The orderings that matter most, spelled out.
	for _, pair := range [][2]string{
		{"certificate.root", "issuer.ca.company"},
		{"issuer.ca.company", "certificate.web"},
		{"certificate.web", "store.pem_files.web"},
		{"endpoint.web", "ini_file.app"},
	} {
		if rec.index("post "+pair[0]) > rec.index("pre "+pair[1]) {
			t.Errorf("%s applied before %s finished: %v", pair[1], pair[0], rec.events)
		}
	}
	// Hooks run last.
	hook := rec.index("pre hook.reload")
	for _, addr := range allResources {
		if rec.index("post "+addr) > hook {
			t.Errorf("hook.reload ran before %s finished: %v", addr, rec.events)
		}
	}
	if rec.count("hook hook.reload") != 1 {
		t.Errorf("HookOutput calls for hook.reload: %d, want 1", rec.count("hook hook.reload"))
	}

	// The state holds every resource, with its dependencies.
	final := w.state()
	if got := final.Addresses(); !slices.Equal(got, allResources) {
		t.Errorf("state addresses = %v, want %v", got, allResources)
	}
	if got := final.Resource("store.pem_files.web").Dependencies; !slices.Equal(got, []string{"certificate.web"}) {
		t.Errorf("store dependencies in state = %v", got)
	}
	if final.Resource("ini_file.app").Files["app.ini"] != state.FileHash([]byte(w.read("app.ini"))) {
		t.Error("the state's hash of app.ini is not the hash of what was written")
	}
	w.checkSavesClean()
}

func TestApplyHooks(t *testing.T) {
	w := newWorkspace(t, baseConfig())

	// Two changes trigger the hook; it runs once.
	w.planApply(plan.Options{Refresh: true})
	if n := w.hookRuns(); n != 1 {
		t.Fatalf("first apply ran the hook %d times, want 1", n)
	}

	// Nothing changed: the hook does not run.
	w.planApply(plan.Options{Refresh: true})
	if n := w.hookRuns(); n != 1 {
		t.Errorf("a no-op apply ran the hook (%d runs in all)", n)
	}

	// A renewal changes the store and the INI file: once more.
	w.now = w.now.Add(380 * 24 * time.Hour)
	p := w.planApply(plan.Options{Refresh: true})
	if len(p.Hooks) != 1 || len(p.Hooks[0].TriggeredBy) != 2 {
		t.Errorf("renewal plan hooks = %+v, want hook.reload triggered twice", p.Hooks)
	}
	if n := w.hookRuns(); n != 2 {
		t.Errorf("after the renewal the hook ran %d times in all, want 2", n)
	}
}

func TestApplyHookFails(t *testing.T) {
	files := baseConfig()
	// The hook fails until the file "fixed" exists.
	files["hook.hcl"] = `
hook "reload" {
  command = ["sh", "-c", "test -e fixed || { echo reload failed >&2; exit 3; }; echo run >> hook.log"]
}
`
	w := newWorkspace(t, files)
	p, st, e := w.plan(plan.Options{Refresh: true})
	rec := &recorder{}
	e.Observer = rec
	diags := w.apply(e, p, st)
	if !diags.HasErrors() {
		t.Fatal("Apply succeeded with a failing hook")
	}
	var found bool
	for _, d := range diags {
		if strings.Contains(d.Summary, "hook.reload") && strings.Contains(d.Summary, "exit code 3") {
			found = true
			if !strings.Contains(d.Detail, "reload failed") {
				t.Errorf("the diagnostic does not show the hook's output: %q", d.Detail)
			}
		}
	}
	if !found {
		t.Errorf("no diagnostic names hook.reload and exit code 3: %s", diags.Error())
	}
	if rec.count("hook hook.reload") != 1 {
		t.Errorf("HookOutput calls: %d, want 1", rec.count("hook hook.reload"))
	}
	// The resources were applied and recorded all the same, and the hook
	// as failed.
	failed := w.state()
	if got := failed.Addresses(); !slices.Equal(got, allResources) {
		t.Errorf("state addresses = %v, want %v", got, allResources)
	}
	want := []state.FailedHook{{Address: "hook.reload", Reason: "failed in the last apply with exit code 3", ExitCode: 3, FailedAt: w.now}}
	if got := failed.FailedHooks(); !slices.Equal(got, want) {
		t.Errorf("failed hooks in state = %+v, want %+v", got, want)
	}

	// The next plan changes nothing but runs the hook again, saying why;
	// while it still fails, it stays failed.
	p, st, e = w.plan(plan.Options{Refresh: true})
	if a, c, r, d := p.Counts(); a+c+r+d != 0 || !p.HasChanges() {
		t.Errorf("plan after the failure: counts %d %d %d %d, HasChanges %v; want only the hook", a, c, r, d, p.HasChanges())
	}
	retry := []*plan.HookRun{{Address: "hook.reload", TriggeredBy: []string{}, Command: []string{"sh", "-c", "test -e fixed || { echo reload failed >&2; exit 3; }; echo run >> hook.log"}, Retry: "failed in the last apply with exit code 3"}}
	if !reflect.DeepEqual(p.Hooks, retry) {
		t.Errorf("plan hooks = %+v, want %+v", p.Hooks[0], retry[0])
	}
	if diags := w.apply(e, p, st); !diags.HasErrors() || w.hookRuns() != 0 {
		t.Fatalf("the retried hook should fail again: %v (runs %d)", diags, w.hookRuns())
	}
	if len(w.state().FailedHooks()) != 1 {
		t.Errorf("a hook that failed again is not recorded as failed")
	}

	// Fixed, it runs once more, succeeds and is clean.
	w.write("fixed", "")
	p = w.planApply(plan.Options{Refresh: true})
	if len(p.Hooks) != 1 || p.Hooks[0].Retry == "" {
		t.Errorf("plan hooks = %+v, want hook.reload run again", p.Hooks)
	}
	if w.hookRuns() != 1 {
		t.Errorf("the hook ran %d times, want 1", w.hookRuns())
	}
	if got := w.state().FailedHooks(); len(got) != 0 {
		t.Errorf("failed hooks after success = %+v, want none", got)
	}
	if p, _, _ := w.plan(plan.Options{Refresh: true}); p.HasChanges() {
		t.Errorf("after the hook succeeded the plan still has changes: %+v", p.Hooks)
	}
}

// A hook removed from the configuration after it failed is not run again,
// and its record leaves the state.
func TestApplyFailedHookRemoved(t *testing.T) {
	files := baseConfig()
	files["hook.hcl"] = `
hook "reload" {
  command = ["false"]
}
`
	w := newWorkspace(t, files)
	p, st, e := w.plan(plan.Options{Refresh: true})
	if diags := w.apply(e, p, st); !diags.HasErrors() {
		t.Fatal("Apply succeeded with a failing hook")
	}
	for _, name := range []string{"pki.hcl", "ini.hcl"} {
		w.write(name, regexp.MustCompile(`on_change *= \[hook.reload\]`).ReplaceAllString(w.read(name), ""))
	}
	w.remove("hook.hcl")
	p = w.planApply(plan.Options{Refresh: true})
	if len(p.Hooks) != 0 {
		t.Errorf("plan runs %+v, a hook no longer configured", p.Hooks)
	}
	if got := w.state().FailedHooks(); len(got) != 0 {
		t.Errorf("failed hooks after the hook was removed = %+v, want none", got)
	}
}

func TestApplyFailureHalfWay(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	// The chain file cannot be written where a directory stands. (A
	// read-only directory would not stop root.)
	if err := os.MkdirAll(w.path("tls/chain.pem/blocker"), 0o755); err != nil {
		t.Fatal(err)
	}

	p, st, e := w.plan(plan.Options{Refresh: true})
	diags := w.apply(e, p, st)
	if !diags.HasErrors() {
		t.Fatal("Apply succeeded writing over a directory")
	}
	var storeErr, hookWarning bool
	for _, d := range diags {
		text := d.Summary + " " + d.Detail
		if strings.Contains(text, "store.pem_files.web") && strings.Contains(text, "tls/chain.pem") {
			storeErr = true
		}
		if strings.Contains(d.Summary, "hook.reload did not run") {
			hookWarning = true
		}
	}
	if !storeErr {
		t.Errorf("no diagnostic names store.pem_files.web and tls/chain.pem: %s", diags.Error())
	}
	if !hookWarning {
		t.Errorf("no warning that hook.reload did not run: %s", diags.Error())
	}
	if w.hookRuns() != 0 {
		t.Error("the hook ran although a change triggering it failed")
	}
	// The changes that succeeded still need it: the state says so.
	if got := w.state().FailedHooks(); len(got) != 1 || got[0].Reason != "did not run in the last apply because store.pem_files.web failed" {
		t.Errorf("failed hooks in state = %+v, want hook.reload, not run", got)
	}

	// What succeeded is in the state on disk: the certificates, the
	// endpoint and the INI file, which do not depend on the store.
	half := w.state()
	for _, addr := range []string{"certificate.root", "issuer.ca.company", "certificate.web", "endpoint.web", "ini_file.app"} {
		if half.Resource(addr) == nil {
			t.Errorf("%s is missing from the state after the failed apply", addr)
		}
	}
	webKey := attr(half.Resource("certificate.web").Attributes, "key_id")
	if _, err := w.secrets().Get(webKey); err != nil {
		t.Errorf("the key of certificate.web is not in the secrets: %v", err)
	}
	// The failed store is recorded with the files it did write (so that
	// destroy would remove them) and none for the file it could not.
	r := half.Resource("store.pem_files.web")
	if r == nil {
		t.Fatal("the store, which wrote two of its files, is not in the state")
	}
	files := entries(r.Attributes.GetAttr("files"))
	if files["tls/chain.pem"] != "" {
		t.Errorf("the state records a hash for tls/chain.pem, which was not written: %v", files)
	}
	for _, path := range []string{"tls/web.pem", "tls/web.key"} {
		if got := state.FileHash([]byte(w.read(path))); files[path] != got {
			t.Errorf("the state records %s as %q, the file has %s", path, files[path], got)
		}
	}
	// So do the hashes of the record: the file written, not the one planned.
	if got := state.FileHash([]byte(w.read("tls/web.pem"))); r.Files["tls/web.pem"] != got || len(r.Files) != 1 {
		t.Errorf("the record's files are %v, want tls/web.pem (the key is secret) as %s", r.Files, got)
	}

	// Once the cause is gone, the next plan finishes the job.
	w.remove("tls/chain.pem")
	p, _, _ = w.plan(plan.Options{Refresh: true})
	for _, addr := range []string{"certificate.root", "issuer.ca.company", "certificate.web", "endpoint.web", "ini_file.app"} {
		if got := change(t, p, addr).Action; got != plan.NoOp {
			t.Errorf("after the failure %s is %s, want no-op", addr, got)
		}
	}
	// The failed apply never created tls/chain.pem, so its record does not
	// name it.
	if c := change(t, p, "store.pem_files.web"); c.Action != plan.Update || !slices.Equal(c.Reasons, []string{"tls/chain.pem will be created"}) {
		t.Errorf("store.pem_files.web is %s %q, want update [tls/chain.pem will be created]", c.Action, c.Reasons)
	}
	w.planApply(plan.Options{Refresh: true})
	chain := w.read("tls/chain.pem")
	if want := attr(w.state().Resource("certificate.root").Attributes, "pem"); chain != want {
		t.Errorf("tls/chain.pem is not the root certificate:\n%s", chain)
	}
	if p, _, _ := w.plan(plan.Options{Refresh: true}); p.HasChanges() || len(p.Drift) != 0 {
		t.Errorf("after recovery: changes %v, drift %v", actions(p), driftAddresses(p))
	}
	if w.hookRuns() != 1 {
		t.Errorf("the hook ran %d times after recovery, want 1", w.hookRuns())
	}
	w.checkSavesClean()
}

// entries returns a map or object of strings as a Go map; nulls are "".
func entries(v cty.Value) map[string]string {
	out := map[string]string{}
	if !providers.Exists(v) || !v.CanIterateElements() {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if providers.Exists(e) && e.Type() == cty.String {
			out[k.AsString()] = e.AsString()
		} else {
			out[k.AsString()] = ""
		}
	}
	return out
}

// opsSecrets wraps the secrets of a run and logs every Put and Delete.
type opsSecrets struct {
	providers.Secrets
	mu  sync.Mutex
	ops []string
}

func (s *opsSecrets) Put(id string, keyPEM []byte) error {
	s.mu.Lock()
	s.ops = append(s.ops, "put "+id)
	s.mu.Unlock()
	return s.Secrets.Put(id, keyPEM)
}

func (s *opsSecrets) Delete(id string) error {
	s.mu.Lock()
	s.ops = append(s.ops, "delete "+id)
	s.mu.Unlock()
	return s.Secrets.Delete(id)
}

func TestApplyReplaceCertificate(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})
	old := w.state().Resource("certificate.web").Attributes
	oldKey := attr(old, "key_id")
	rootKey := attr(w.state().Resource("certificate.root").Attributes, "key_id")

	w.now = w.now.Add(380 * 24 * time.Hour)
	p, st, e := w.plan(plan.Options{Refresh: true})
	if got := change(t, p, "certificate.web").Action; got != plan.Replace {
		t.Fatalf("certificate.web is %s, want replace", got)
	}
	ops := &opsSecrets{Secrets: e.Env.Secrets}
	e.Env.Secrets = ops
	if diags := w.apply(e, p, st); diags.HasErrors() {
		t.Fatal(diags.Error())
	}

	after := w.state()
	web := after.Resource("certificate.web")
	newKey := attr(web.Attributes, "key_id")
	if newKey == "" || newKey == oldKey {
		t.Fatalf("key_id %q after the replacement, was %q", newKey, oldKey)
	}
	if attr(web.Attributes, "serial") == attr(old, "serial") || attr(web.Attributes, "pem") == attr(old, "pem") {
		t.Error("the certificate was not reissued")
	}
	if !web.CreatedAt.Equal(w.now) {
		t.Errorf("created_at of the replacement = %v, want %v", web.CreatedAt, w.now)
	}

	// Create before destroy: the new key is stored, then the old removed.
	if want := []string{"put " + newKey, "delete " + oldKey}; !slices.Equal(ops.ops, want) {
		t.Errorf("secret operations %q, want %q", ops.ops, want)
	}
	newPEM, err := w.secrets().Get(newKey)
	if err != nil {
		t.Errorf("the new key is not in the secrets: %v", err)
	}
	if _, err := w.secrets().Get(oldKey); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the old key is still in the secrets (err %v)", err)
	}
	if _, err := w.secrets().Get(rootKey); err != nil {
		t.Errorf("the root key is gone: %v", err)
	}

	// Dependants carry the new certificate.
	if got := w.read("tls/web.pem"); got != attr(web.Attributes, "pem") {
		t.Errorf("tls/web.pem is not the new certificate")
	}
	if got := w.read("tls/web.key"); got != string(newPEM) {
		t.Errorf("tls/web.key is not the new key")
	}
	if thumb := attr(web.Attributes, "thumbprint_sha1"); !strings.Contains(w.read("app.ini"), "thumbprint = "+thumb) {
		t.Errorf("app.ini does not name the new thumbprint %s:\n%s", thumb, w.read("app.ini"))
	}
	if got := attr(after.Resource("endpoint.web").Attributes, "certificate_fingerprint"); got != attr(web.Attributes, "fingerprint_sha256") {
		t.Errorf("endpoint.web certificate_fingerprint = %s, want the new fingerprint", got)
	}
	if p, _, _ := w.plan(plan.Options{Refresh: true}); p.HasChanges() {
		t.Errorf("after the replacement: %v", actions(p))
	}
	w.checkSavesClean()
}

func TestApplyDestroy(t *testing.T) {
	for _, tc := range []struct {
		name string
		ini  string
	}{
		{"LF", appINI},
		{"CRLF", strings.ReplaceAll(appINI, "\n", "\r\n")},
		{"no final newline, BOM", "\ufeff" + strings.TrimSuffix(appINI, "\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := baseConfig()
			files["app.ini"] = tc.ini
			files["created.hcl"] = `
ini_file "created" {
  path   = "conf/created.ini"
  create = true
  section "tls" {
    port = endpoint.web.port
  }
}
`
			w := newWorkspace(t, files)
			w.planApply(plan.Options{Refresh: true})
			if w.read("app.ini") == tc.ini || !w.exists("conf/created.ini") || !w.exists("tls/web.key") {
				t.Fatal("the first apply did not write the files")
			}

			p, st, e := w.plan(plan.Options{Refresh: true, Destroy: true})
			rec := &recorder{}
			e.Observer = rec
			if diags := w.apply(e, p, st); diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if got := w.read("app.ini"); got != tc.ini {
				t.Errorf("app.ini after destroy:\n%q\nwant the original:\n%q", got, tc.ini)
			}
			for _, name := range []string{"conf/created.ini", "tls/web.pem", "tls/web.key", "tls/chain.pem"} {
				if w.exists(name) {
					t.Errorf("%s still exists after destroy", name)
				}
			}
			keys, err := os.ReadDir(w.secrets().Dir)
			if err != nil || len(keys) != 0 {
				t.Errorf("keys left after destroy: %v (%v)", keys, err)
			}
			final := w.state()
			if got := final.Addresses(); len(got) != 0 {
				t.Errorf("state after destroy holds %v", got)
			}
			if got := final.Outputs(); len(got) != 0 {
				t.Errorf("state after destroy has outputs %v", got)
			}
			// Deletion runs in reverse dependency order.
			for _, pair := range [][2]string{
				{"store.pem_files.web", "certificate.web"},
				{"certificate.web", "issuer.ca.company"},
				{"issuer.ca.company", "certificate.root"},
				{"ini_file.app", "endpoint.web"},
			} {
				if rec.index("post "+pair[0]) > rec.index("pre "+pair[1]) {
					t.Errorf("%s deleted before %s: %v", pair[1], pair[0], rec.events)
				}
			}
			// The hook runs for the deletions that name it.
			if w.hookRuns() != 2 {
				t.Errorf("hook runs after create and destroy: %d, want 2", w.hookRuns())
			}
			w.checkSavesClean()
		})
	}
}

// TestApplyStateNeverHoldsSecrets follows a configuration through create,
// update, renewal, drift repair and destroy and inspects every state
// written on the way.
func TestApplyStateNeverHoldsSecrets(t *testing.T) {
	files := baseConfig()
	files["ini.hcl"] = strings.Replace(iniHCL, `cert_file  = "tls/web.pem"`,
		"cert_file  = \"tls/web.pem\"\n    password   = var.password", 1)
	w := newWorkspace(t, files)

	check := func(p *plan.Plan) {
		t.Helper()
		var text, js bytes.Buffer
		render.Text(&text, p, false)
		if err := render.JSON(&js, p); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": text.String(), "JSON": js.String()} {
			if strings.Contains(out, "hunter2") {
				t.Errorf("the %s plan shows the sensitive value:\n%s", name, out)
			}
			if strings.Contains(out, "PRIVATE KEY") {
				t.Errorf("the %s plan shows a private key", name)
			}
		}
	}

	check(w.planApply(plan.Options{Refresh: true}))
	if !strings.Contains(w.read("app.ini"), "password  = hunter2-do-not-show") {
		t.Errorf("app.ini does not hold the password:\n%s", w.read("app.ini"))
	}
	p, _, _ := w.plan(plan.Options{Refresh: true})
	check(p)
	if p.HasChanges() || len(p.Drift) != 0 {
		t.Errorf("a sensitive key reads as a change or drift: %v, drift %v", actions(p), driftAddresses(p))
	}

	w.write("app.ini", strings.Replace(w.read("app.ini"), "8443", "9999", 1))
	check(w.planApply(plan.Options{Refresh: true}))
	w.now = w.now.Add(380 * 24 * time.Hour)
	check(w.planApply(plan.Options{Refresh: true}))
	// (What the destroy plan shows is TestPlanDeleteHidesSensitiveValues.)
	w.planApply(plan.Options{Refresh: true, Destroy: true})

	if w.read("app.ini") != appINI {
		t.Errorf("app.ini after destroy:\n%s", w.read("app.ini"))
	}
	w.checkSavesClean()
	w.mu.Lock()
	n := len(w.saves)
	w.mu.Unlock()
	if n < 5 {
		t.Errorf("%d states saved over five applies", n)
	}
}

func TestApplyTargeted(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	target, _ := lang.ParseAddress("certificate.web")
	w.planApply(plan.Options{Refresh: true, Targets: []lang.Address{target}})
	if got, want := w.state().Addresses(), []string{"certificate.root", "certificate.web", "issuer.ca.company"}; !slices.Equal(got, want) {
		t.Errorf("state after a targeted apply = %v, want %v", got, want)
	}
	if w.exists("tls") || w.read("app.ini") != appINI || w.hookRuns() != 0 {
		t.Error("a targeted apply touched what it did not target")
	}
}

// TestApplyFailsAtFirstResource: an apply whose first change fails, so
// that nothing else is applied, changes nothing: the state file stays byte
// for byte as it was (no new serial, no backup rotated), and the hook the
// changes would have triggered is not marked failed, since nothing it
// follows changed; the next plan plans the change again, and the hook with
// it.
func TestApplyFailsAtFirstResource(t *testing.T) {
	files := baseConfig()
	// An output of a block the failure keeps from being applied keeps
	// its value.
	files["outputs.hcl"] += "output \"port\" {\n  value = endpoint.web.port\n}\n"
	w := newWorkspace(t, files)
	w.planApply(plan.Options{Refresh: true})
	w.write("app.ini", strings.Replace(w.read("app.ini"), "8443", "9999", 1))
	w.planApply(plan.Options{Refresh: true}) // a backup to keep too
	stateBefore, backupBefore := w.read(state.DefaultFileName), w.read(state.DefaultFileName+".backup")
	runs := w.hookRuns()

	// A new name replaces certificate.web; once planned, the keys
	// directory is gone, so the CA cannot sign it.
	w.write("pki.hcl", strings.Replace(files["pki.hcl"], `dns_names    = ["web.example.test"]`, `dns_names    = ["web.example.test", "www.example.test"]`, 1))
	p, st, e := w.plan(plan.Options{Refresh: true})
	if got := change(t, p, "certificate.web").Action; got != plan.Replace {
		t.Fatalf("certificate.web is %s, want replace", got)
	}
	if err := os.Rename(w.path(".certform/keys"), w.path("keys.saved")); err != nil {
		t.Fatal(err)
	}
	saves := len(w.saves)
	diags := w.apply(e, p, st)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "certificate.web") {
		t.Fatalf("Apply did not fail at certificate.web: %v", diags)
	}
	if len(w.saves) != saves {
		t.Errorf("%d saves of a state that did not change", len(w.saves)-saves)
	}
	var hookWarning bool
	for _, d := range diags {
		if d.Summary == "hook.reload did not run" && strings.Contains(d.Detail, "nothing else it follows was changed") {
			hookWarning = true
		}
	}
	if !hookWarning {
		t.Errorf("no warning that hook.reload did not run and why: %v", diags)
	}
	if got := w.read(state.DefaultFileName); got != stateBefore {
		t.Errorf("the state file changed:\nbefore:\n%s\nafter:\n%s", stateBefore, got)
	}
	if got := w.read(state.DefaultFileName + ".backup"); got != backupBefore {
		t.Error("the state backup was rotated")
	}

	// Fixed, the next plan replaces the certificate.
	if err := os.Rename(w.path("keys.saved"), w.path(".certform/keys")); err != nil {
		t.Fatal(err)
	}
	if w.hookRuns() != runs {
		t.Errorf("the hook ran although the change it follows failed")
	}
	p = w.planApply(plan.Options{Refresh: true})
	if got := change(t, p, "certificate.web").Action; got != plan.Replace {
		t.Errorf("after the failure certificate.web is %s, want replace", got)
	}
	if len(p.Hooks) != 1 || len(p.Hooks[0].TriggeredBy) == 0 || p.Hooks[0].Retry != "" {
		t.Errorf("plan hooks = %+v, want hook.reload after the changes, not as a retry", p.Hooks)
	}
	if w.hookRuns() != runs+1 {
		t.Errorf("the hook ran %d times after the fix, want 1", w.hookRuns()-runs)
	}
	if w.read(state.DefaultFileName) == stateBefore {
		t.Error("the state file did not change when the certificate was replaced")
	}
}
