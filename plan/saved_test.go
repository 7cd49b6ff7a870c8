package plan_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/state"
)

// pendingWorkspace has applied the base configuration and then changed an
// INI key in it, so that a plan has an update with a file diff.
func pendingWorkspace(t *testing.T) *workspace {
	t.Helper()
	w := newWorkspace(t, baseConfig())
	w.planApply(plan.Options{Refresh: true})
	w.write("ini.hcl", strings.Replace(iniHCL, `"tls/web.pem"`, `"tls/server.pem"`, 1))
	return w
}

func TestSavedRoundTrip(t *testing.T) {
	w := pendingWorkspace(t)
	target, _ := lang.ParseAddress("ini_file.app")
	p, _, e := w.plan(plan.Options{Refresh: true, Targets: []lang.Address{target}})

	s, err := plan.NewSaved(p, e.Vars, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.FormatVersion != plan.SavedFormatVersion || s.Lineage != p.Lineage || s.Serial != p.Serial ||
		s.ConfigHash != p.ConfigHash || s.Fingerprint != plan.Fingerprint(p) || !s.Refresh || s.Destroy {
		t.Errorf("NewSaved = %+v, does not describe the plan", s)
	}
	if want := "0 to add, 1 to change, 0 to replace, 0 to destroy"; s.Summary != want {
		t.Errorf("Summary = %q, want %q", s.Summary, want)
	}

	path := filepath.Join(t.TempDir(), "tfplan")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode %v, want 0600", fi.Mode().Perm())
	}
	got, err := plan.ReadSaved(path)
	if err != nil {
		t.Fatal(err)
	}
	gotVars, err := got.VariableValues()
	if err != nil {
		t.Fatal(err)
	}
	wantVars, _ := s.VariableValues()
	if !reflect.DeepEqual(gotVars, wantVars) {
		t.Errorf("variables read back %#v, want %#v", gotVars, wantVars)
	}
	got.Variables, s.Variables = nil, nil
	if !reflect.DeepEqual(got, s) {
		t.Errorf("ReadSaved = %+v\nwant %+v", got, s)
	}
	if !gotVars["host"].RawEquals(cty.StringVal("web.example.test")) {
		t.Errorf("host read back as %#v", gotVars["host"])
	}
	targets, err := got.TargetAddresses()
	if err != nil || len(targets) != 1 || targets[0] != target {
		t.Errorf("TargetAddresses() = %v, %v; want [%s]", targets, err, target)
	}

	// Planning again from the same inputs gives a plan the saved one accepts.
	fresh, _, _ := w.plan(plan.Options{Refresh: got.Refresh, Destroy: got.Destroy, Targets: targets})
	if err := got.Check(path, fresh); err != nil {
		t.Errorf("Check of an identical plan: %v", err)
	}
}

func TestSavedOmitsSensitiveVariables(t *testing.T) {
	w := pendingWorkspace(t)
	p, _, e := w.plan(plan.Options{Refresh: true})
	if !e.Vars["password"].IsMarked() {
		t.Fatal("the test needs a sensitive variable")
	}
	s, err := plan.NewSaved(p, e.Vars, true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tfplan")
	if err := s.Write(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "hunter2") {
		t.Errorf("the plan file holds the sensitive variable's value:\n%s", data)
	}
	got, err := plan.ReadSaved(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Variables["password"]; ok {
		t.Error("the plan file names the sensitive variable password")
	}
	if _, ok := got.Variables["host"]; !ok {
		t.Error("the plan file lacks the plain variable host")
	}
}

func TestSavedCheckStale(t *testing.T) {
	for _, tc := range []struct {
		name string
		// change moves something between plan and apply.
		change func(t *testing.T, w *workspace)
		reason string
	}{
		{
			name: "serial",
			change: func(t *testing.T, w *workspace) {
				st := w.state()
				if err := w.store.Save(st); err != nil {
					t.Fatal(err)
				}
			},
			reason: "the state changed since",
		},
		{
			name: "lineage",
			change: func(t *testing.T, w *workspace) {
				w.remove(state.DefaultFileName)
				if err := w.store.Save(state.New()); err != nil {
					t.Fatal(err)
				}
			},
			reason: "lineage",
		},
		{
			name: "configuration",
			change: func(t *testing.T, w *workspace) {
				w.write("hook.hcl", hookHCL+"\n# a comment\n")
			},
			reason: "the configuration or a variable value changed",
		},
		{
			name: "variable value",
			change: func(t *testing.T, w *workspace) {
				w.vars = []string{"host=other.example.test"}
			},
			reason: "the configuration or a variable value changed",
		},
		{
			name: "live file",
			change: func(t *testing.T, w *workspace) {
				w.write("app.ini", strings.Replace(w.read("app.ini"), "name = demo", "name = edited", 1))
			},
			reason: "changed outside certform",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := pendingWorkspace(t)
			p, _, e := w.plan(plan.Options{Refresh: true})
			s, err := plan.NewSaved(p, e.Vars, true)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(t, w)

			fresh, _, _ := w.plan(plan.Options{Refresh: true})
			err = s.Check("tfplan", fresh)
			var stale *plan.StaleError
			if !errors.As(err, &stale) {
				t.Fatalf("Check = %v, want a *StaleError", err)
			}
			if stale.Path != "tfplan" || !strings.Contains(stale.Reason, tc.reason) {
				t.Errorf("StaleError %+v, want path tfplan and a reason with %q", stale, tc.reason)
			}
			if !strings.Contains(err.Error(), "certform plan -out tfplan") {
				t.Errorf("the error does not say what to do: %v", err)
			}
		})
	}
}

// TestSavedBeforeAnyState: a plan made when there was no state file
// (cmd/certform clears its lineage) applies only while there still is none.
func TestSavedBeforeAnyState(t *testing.T) {
	w := newWorkspace(t, baseConfig())
	p, _, e := w.plan(plan.Options{Refresh: true})
	p.Lineage = ""
	s, err := plan.NewSaved(p, e.Vars, true)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, _ := w.plan(plan.Options{Refresh: true})
	fresh.Lineage = ""
	if err := s.Check("tfplan", fresh); err != nil {
		t.Errorf("Check while there is still no state: %v", err)
	}

	w.planApply(plan.Options{Refresh: true})
	fresh, _, _ = w.plan(plan.Options{Refresh: true})
	var stale *plan.StaleError
	if err := s.Check("tfplan", fresh); !errors.As(err, &stale) || !strings.Contains(stale.Reason, "before any state existed") {
		t.Errorf("Check after a state appeared = %v", err)
	}
}

func TestReadSavedErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := plan.ReadSaved(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	for _, tc := range []struct {
		name, content, want string
	}{
		{"not JSON", "this is not a plan", "is not a certform plan"},
		{"a state file", `{"format_version": 1, "serial": "x"}`, "is not a certform plan"},
		{"newer format", `{"format_version": 2}`, "format version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(strings.ReplaceAll(tc.name, " ", "_"), tc.content)
			_, err := plan.ReadSaved(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadSaved = %v, want an error naming %s with %q", err, path, tc.want)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	w := pendingWorkspace(t)
	p1, _, _ := w.plan(plan.Options{Refresh: true})
	p2, _, _ := w.plan(plan.Options{Refresh: true})
	if plan.Fingerprint(p1) != plan.Fingerprint(p2) {
		t.Error("two plans from the same inputs have different fingerprints")
	}
	if !strings.HasPrefix(plan.Fingerprint(p1), "sha256:") {
		t.Errorf("Fingerprint = %q", plan.Fingerprint(p1))
	}
	// The destroy plan of the same configuration differs.
	p3, _, _ := w.plan(plan.Options{Refresh: true, Destroy: true})
	if plan.Fingerprint(p1) == plan.Fingerprint(p3) {
		t.Error("a plan and a destroy plan have the same fingerprint")
	}
}
