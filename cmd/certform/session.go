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
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

// session is what a planning command works with: the configuration, its
// variables, the state store and the engine.
type session struct {
	cfg    *lang.Config
	store  *state.Store
	engine *plan.Engine
	unlock func() error
}

func (c *cli) dir() string {
	if c.opts.chdir != "" {
		return c.opts.chdir
	}
	return "."
}

func (c *cli) stateStore() *state.Store {
	p := c.opts.statePath
	if p == "" {
		p = filepath.Join(c.dir(), "certform.state.json")
	}
	st := state.NewStore(p)
	st.Version = version
	return st
}

// diags prints diagnostics and reports whether any is an error.
func (c *cli) diags(files map[string]*hcl.File, diags hcl.Diagnostics) bool {
	if len(diags) > 0 {
		render.Diagnostics(c.s.err, files, diags, c.s.width, c.opts.color)
	}
	return diags.HasErrors()
}

func (c *cli) errorf(format string, args ...any) int {
	fmt.Fprintf(c.s.err, "Error: "+format+"\n", args...)
	return 1
}

// open loads the configuration and variables and, if lock is set, locks the
// state. vars, when not nil, replaces the variable inputs (a saved plan's).
func (c *cli) open(operation string, vars map[string]cty.Value) (*session, bool) {
	k := kinds()
	cfg, diags := lang.Load(c.dir(), k)
	if c.diags(cfg.Files, diags) {
		return nil, false
	}
	in := lang.VarInputs{Env: c.s.env, Files: c.opts.varFiles, Flags: c.opts.vars}
	values, diags := cfg.VariableValues(in)
	for name, v := range vars {
		if cur, ok := values[name]; ok && !cur.ContainsMarked() {
			values[name] = v
		}
	}
	if c.diags(cfg.Files, diags) {
		return nil, false
	}
	s := &session{cfg: cfg, store: c.stateStore()}
	if c.opts.lock {
		unlock, err := s.store.Lock(context.Background(), state.LockInfo{Operation: operation}, c.opts.lockTimeout)
		if err != nil {
			c.errorf("%v", err)
			return nil, false
		}
		s.unlock = unlock
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
			Secrets: providers.DirSecrets{Dir: filepath.Join(abs, ".certform", "keys")},
			Now:     time.Now().UTC(),
		},
		Parallelism: c.opts.parallelism,
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
	st, err := s.store.Load()
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
