package checks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/pkcs12"
	"github.com/certform/certform/providers/trustchain"
	"github.com/certform/certform/providers/winstore"
	"github.com/certform/certform/state"
)

// kinds are the providers the test configurations use.
func kinds() lang.Kinds {
	return lang.Kinds{
		"certificate":     cert.New(cert.WithRemote(acme.Kind, acme.NewRemote())),
		"issuer.ca":       issuer.New(),
		"issuer.acme":     acme.New(),
		"trust_chain":     trustchain.New(),
		"store.pem_files": pemfiles.New(),
		"store.pkcs12":    pkcs12.New(),
		"store.windows":   winstore.New(),
		"endpoint":        endpoint.New(),
		"ini_file":        ini.New(),
		"component":       component.New(),
		"hook":            hook.New(),
	}
}

// write puts files into a new directory: name -> content.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string) *lang.Config {
	t.Helper()
	cfg, diags := lang.Load(dir, kinds())
	if diags.HasErrors() {
		t.Fatalf("loading: %s", diags.Error())
	}
	return cfg
}

// validateFindings runs the configuration checks on main.hcl (and other
// files).
func validateFindings(t *testing.T, files map[string]string) []*plan.Finding {
	t.Helper()
	fs, diags := checks.Validate(load(t, write(t, files)))
	if diags.HasErrors() {
		t.Fatalf("checks: %s", diags.Error())
	}
	return fs
}

// engine plans (and applies) a configuration in dir.
type engine struct {
	t   *testing.T
	dir string
	e   *plan.Engine
	st  *state.File
}

func newEngine(t *testing.T, dir string) *engine {
	t.Helper()
	cfg := load(t, dir)
	vars, diags := cfg.VariableValues(lang.VarInputs{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return &engine{t: t, dir: dir, st: state.New(), e: &plan.Engine{
		Config: cfg, Kinds: kinds(), Vars: vars,
		Env: &providers.Env{
			FS:      providers.NewDirFS(dir),
			Secrets: providers.DirSecrets{Dir: filepath.Join(dir, ".certform", "keys")},
			Now:     time.Now().UTC(),
			Certs:   &pemcert.Cache{},
		},
	}}
}

func (e *engine) plan() *plan.Plan {
	e.t.Helper()
	p, diags := e.e.Plan(context.Background(), e.st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		e.t.Fatalf("plan: %s", diags.Error())
	}
	return p
}

func (e *engine) apply() {
	e.t.Helper()
	p := e.plan()
	if diags := e.e.Apply(context.Background(), p, e.st, func(*state.File) error { return nil }); diags.HasErrors() {
		e.t.Fatalf("apply: %s", diags.Error())
	}
}

// findings plans and runs the checks, with the certificates the providers
// parsed (the run's cache, as certform passes it) and again without them:
// both must find the same.
func (e *engine) findings() []*plan.Finding {
	e.t.Helper()
	p := e.plan()
	var fs []*plan.Finding
	var shown []string
	for _, certs := range []*pemcert.Cache{e.e.Env.Certs, nil} {
		got, diags := checks.Checker{}.Check(context.Background(), plan.CheckRequest{Config: e.e.Config, Vars: e.e.Vars, Plan: p, Certs: certs})
		if diags.HasErrors() {
			e.t.Fatalf("checks: %s", diags.Error())
		}
		var b strings.Builder
		for _, f := range got {
			d := f.Diagnostic()
			fmt.Fprintf(&b, "%s %q: %s\n%s\n", f.Check, f.Addresses, d.Summary, d.Detail)
		}
		if fs == nil {
			fs = got
		}
		shown = append(shown, b.String())
	}
	if shown[0] != shown[1] {
		e.t.Fatalf("with the run's certificates the checks found\n%s\nwithout them\n%s", shown[0], shown[1])
	}
	return fs
}

// describe writes the findings of one check as "severity addr addr ...",
// sorted, for comparison.
func describe(fs []*plan.Finding, id string) []string {
	var out []string
	for _, f := range fs {
		if f.Check != id {
			continue
		}
		sev := "warning"
		if f.Severity == hcl.DiagError {
			sev = "error"
		}
		out = append(out, sev+" "+strings.Join(f.Addresses, " "))
	}
	sort.Strings(out)
	return out
}

func messages(fs []*plan.Finding, id string) string {
	var out []string
	for _, f := range fs {
		if f.Check == id {
			out = append(out, f.Message)
		}
	}
	return strings.Join(out, "\n")
}
