package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/state"
)

// session is what a planning command works with: the configuration, its
// variables, the state store and the engine.
type session struct {
	cfg    *lang.Config
	store  *state.Store
	engine *plan.Engine
	unlock func() error

	// The state is locked and read while the configuration loads (see
	// open); loaded is closed when that is done.
	loaded   chan struct{}
	lockErr  error
	state    *state.File
	stateErr error
}

func (c *cli) dir() string {
	if c.opts.chdir != "" {
		return c.opts.chdir
	}
	return "."
}

// path resolves a file name the user gave (a flag or an argument) as
// Terraform does after -chdir: relative to the configuration directory.
func (c *cli) path(p string) string {
	if p == "" || c.opts.chdir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.opts.chdir, p)
}

// paths resolves each of ps with path.
func (c *cli) paths(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = c.path(p)
	}
	return out
}

func (c *cli) stateStore() *state.Store {
	p := c.path(c.opts.statePath)
	if p == "" {
		p = filepath.Join(c.dir(), "certform.state.json")
	}
	st := state.NewStore(p)
	st.Version = version
	return st
}

// diags prints diagnostics and reports whether any is an error. A warning
// printed before in this run is left out: apply plans each resource again
// with its final values, and its provider warns again about what the plan
// already warned about.
func (c *cli) diags(files map[string]*hcl.File, diags hcl.Diagnostics) bool {
	show := make(hcl.Diagnostics, 0, len(diags))
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			w := warningOf(d)
			if c.warned[w] {
				continue
			}
			if c.warned == nil {
				c.warned = map[warning]bool{}
			}
			c.warned[w] = true
		}
		show = append(show, d)
	}
	if len(show) > 0 {
		render.Diagnostics(c.s.err, files, show, c.s.width, c.opts.color)
	}
	return diags.HasErrors()
}

// warning identifies a warning for diags: the same text about the same
// place (the engine puts the address of the block into the summary).
type warning struct {
	summary, detail string
	subject         hcl.Range
}

func warningOf(d *hcl.Diagnostic) warning {
	w := warning{summary: d.Summary, detail: d.Detail}
	if d.Subject != nil {
		w.subject = *d.Subject
	}
	return w
}

func (c *cli) errorf(format string, args ...any) int {
	fmt.Fprintf(c.s.err, "Error: "+format+"\n", args...)
	return 1
}

// open loads the configuration and variables and, if lock is set, locks the
// state. vars, when not nil, are a saved plan's variable values; they win
// over the other inputs.
//
// The state is locked and read (for makePlan) in the background while the
// configuration loads: both take a while on large configurations, and
// reading the state keeps one CPU busy. What is reported is the same as
// doing one after the other: errors in the configuration first (the lock
// is then released, or no longer waited for), then a failure to lock.
func (c *cli) open(operation string, vars map[string]cty.Value) (*session, bool) {
	s := &session{store: c.stateStore(), loaded: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		defer close(s.loaded)
		if c.opts.lock {
			unlock, err := s.store.Lock(ctx, state.LockInfo{Operation: operation}, c.opts.lockTimeout)
			if err != nil {
				s.lockErr = err
				return
			}
			s.unlock = unlock
		}
		s.state, s.stateErr = s.store.Load()
	}()
	fail := func() (*session, bool) {
		cancel()
		<-s.loaded
		s.close()
		return nil, false
	}

	k := kinds()
	cfg, diags := lang.Load(c.dir(), k)
	if c.diags(cfg.Files, diags) {
		return fail()
	}
	in := lang.VarInputs{Env: c.s.env, Files: c.paths(c.opts.varFiles), Flags: c.opts.vars, Saved: vars}
	values, diags := cfg.VariableValues(in)
	if c.diags(cfg.Files, diags) {
		return fail()
	}
	s.cfg = cfg
	<-s.loaded
	if s.lockErr != nil {
		c.errorf("%v", s.lockErr)
		return nil, false
	}
	abs, err := filepath.Abs(c.dir())
	if err != nil {
		abs = c.dir()
	}
	s.engine = &plan.Engine{
		Config: cfg,
		Kinds:  k,
		Vars:   values,
		Env: &providers.Env{
			FS:      providers.NewDirFS(abs),
			Secrets: providers.NewDirSecrets(filepath.Join(abs, ".certform", "keys")),
			Now:     time.Now().UTC(),
			// One run: the provider of every certificate and the
			// checks after the plan parse each PEM text once.
			Certs: &pemcert.Cache{},
		},
		Parallelism: c.opts.parallelism,
		Checker:     checks.Checker{},
		Version:     engineVersion(),
		Rotator:     rotator(k),
	}
	return s, true
}

func (s *session) close() {
	if s.unlock != nil {
		if err := s.unlock(); err != nil {
			fmt.Fprintf(os.Stderr, "Warning: %v\n", err)
		}
	}
}

func (c *cli) targets() ([]lang.Address, error) {
	var out []lang.Address
	for _, t := range c.opts.targets {
		a, err := lang.ParseAddress(t)
		if err != nil {
			return nil, fmt.Errorf("-target: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// makePlan loads the state and plans.
func (c *cli) makePlan(s *session, destroy bool, targets []lang.Address, refresh bool) (*plan.Plan, *state.File, bool) {
	st, err := s.state, s.stateErr // read by open
	if st == nil && err == nil {
		st, err = s.store.Load()
	}
	s.state, s.stateErr = nil, nil
	if err != nil {
		c.errorf("%v", err)
		return nil, nil, false
	}
	p, diags := s.engine.Plan(context.Background(), st, plan.Options{Refresh: refresh, Destroy: destroy, Targets: targets})
	if c.diags(s.cfg.Files, diags) {
		return nil, nil, false
	}
	if exists, err := s.store.Exists(); err == nil && !exists {
		// A state not yet written has no lineage to hold a saved plan to.
		p.Lineage = ""
	}
	return p, st, true
}
