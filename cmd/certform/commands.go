package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/plan/rotation"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

func (c *cli) version(args []string) int {
	fmt.Fprintf(c.s.out, "certform %s\n", version)
	return 0
}

// validate decodes every block with unknown inputs, so it needs no variable
// values and reads no live file.
func (c *cli) validate(args []string) int {
	k := kinds()
	cfg, diags := lang.Load(c.dir(), k)
	if !diags.HasErrors() {
		scope := cfg.NewScope(cfg.UnknownVariables())
		for _, r := range dependencyOrder(cfg) {
			d, more := scope.Decode(r)
			diags = append(diags, more...)
			// A block whose value is partly known without a plan (an ACME
			// issuer) shows it to the blocks that refer to it.
			if pv, ok := cfg.Kind(r).(providers.Previewer); ok && !more.HasErrors() {
				scope.Set(r.Addr, pv.Preview(r.Addr.String(), d.Value))
			}
			if v, ok := cfg.Kind(r).(providers.Validator); ok && !more.HasErrors() {
				for _, diag := range v.Validate(r.Addr.String(), d.Value) {
					if diag.Subject == nil {
						rng := r.DeclRange
						diag.Subject = &rng
					}
					diags = append(diags, diag)
				}
			}
		}
	}
	// The domain checks that need only the configuration (plan/checks).
	var findings []*plan.Finding
	if !diags.HasErrors() {
		var more hcl.Diagnostics
		findings, more = checks.Validate(cfg)
		diags = append(diags, more...)
		diags = append(diags, rotation.ValidateConfig(cfg)...)
		diags = append(diags, checks.Diagnostics(findings)...)
	}
	if c.opts.json {
		out := map[string]any{"valid": !diags.HasErrors(), "diagnostics": diagnosticsJSON(diags), "findings": render.FindingsJSON(findings)}
		enc := json.NewEncoder(c.s.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		if diags.HasErrors() {
			return 1
		}
		return 0
	}
	if c.diags(cfg.Files, diags) {
		return 1
	}
	fmt.Fprintf(c.s.out, "Success! The configuration is valid.\n")
	return 0
}

// dependencyOrder returns the resources so that each follows those it
// depends on, otherwise by address. The configuration has no cycles.
func dependencyOrder(cfg *lang.Config) []*lang.Resource {
	var out []*lang.Resource
	seen := map[lang.Address]bool{}
	var visit func(r *lang.Resource)
	visit = func(r *lang.Resource) {
		if seen[r.Addr] {
			return
		}
		seen[r.Addr] = true
		for _, d := range r.Dependencies {
			if dr, ok := cfg.Resources[d]; ok {
				visit(dr)
			}
		}
		out = append(out, r)
	}
	for _, r := range cfg.SortedResources() {
		visit(r)
	}
	return out
}

func diagnosticsJSON(diags hcl.Diagnostics) []map[string]string {
	out := []map[string]string{}
	for _, d := range diags {
		m := map[string]string{"severity": "warning", "summary": d.Summary, "detail": d.Detail}
		if d.Severity == hcl.DiagError {
			m["severity"] = "error"
		}
		if d.Subject != nil {
			m["range"] = d.Subject.String()
		}
		out = append(out, m)
	}
	return out
}

func (c *cli) plan(args []string) int {
	targets, err := c.targets()
	if err != nil {
		return c.errorf("%v", err)
	}
	s, ok := c.open("plan", nil)
	if !ok {
		return 1
	}
	defer s.close()
	p, _, ok := c.makePlan(s, c.opts.destroy, targets, c.opts.refresh)
	if !ok {
		return 1
	}
	c.render(p)
	if c.opts.out != "" {
		saved, err := plan.NewSaved(p, s.engine.Vars, c.opts.refresh)
		if err == nil {
			err = saved.Write(c.path(c.opts.out))
		}
		if err != nil {
			return c.errorf("saving the plan: %v", err)
		}
		apply := "certform apply " + c.opts.out
		if c.opts.chdir != "" {
			apply = fmt.Sprintf("certform -chdir=%s apply %s", c.opts.chdir, c.opts.out)
		}
		// After a JSON or markdown document, the note goes to stderr so
		// that stdout stays one document.
		note := c.s.out
		if c.opts.json || c.opts.markdown {
			note = c.s.err
		}
		fmt.Fprintf(note, "\nSaved the plan to %s. To carry out exactly these actions, run:\n    %s\n", c.path(c.opts.out), apply)
	}
	if c.opts.detailedExitcode && p.HasChanges() {
		return 2
	}
	return 0
}

func (c *cli) apply(args []string) int {
	if len(args) > 1 {
		return c.errorf("apply takes at most one argument, a plan file from certform plan -out")
	}
	if len(args) == 1 {
		return c.applySaved(args[0])
	}
	return c.applyNew(c.opts.destroy)
}

func (c *cli) destroy(args []string) int { return c.applyNew(true) }

func (c *cli) applyNew(destroy bool) int {
	targets, err := c.targets()
	if err != nil {
		return c.errorf("%v", err)
	}
	op := "apply"
	if destroy {
		op = "destroy"
	}
	s, ok := c.open(op, nil)
	if !ok {
		return 1
	}
	defer s.close()
	if c.opts.through != "" {
		if err := checkThrough(s.cfg, c.opts.through); err != nil {
			return c.errorf("%v", err)
		}
	}
	p, st, ok := c.makePlan(s, destroy, targets, c.opts.refresh)
	if !ok {
		return 1
	}
	render.Text(c.s.out, p, c.opts.color)
	if !p.HasChanges() {
		if code := c.recordDigests(s, p, st); code != 0 || c.opts.through == "" {
			return code
		}
		return c.applyThrough(s, p, st, targets)
	}
	if !c.opts.autoApprove {
		if !c.s.interactive {
			return c.errorf("%s needs confirmation: run it from a terminal, or add --auto-approve after reviewing the plan above", op)
		}
		if !c.s.confirm(fmt.Sprintf("\nDo you want to perform these actions?")) {
			fmt.Fprintf(c.s.out, "\n%s cancelled.\n", strings.ToUpper(op[:1])+op[1:])
			return 1
		}
	}
	if code := c.carryOut(s, p, st); code != 0 || c.opts.through == "" {
		return code
	}
	return c.applyThrough(s, p, st, targets)
}

func (c *cli) applySaved(path string) int {
	saved, err := plan.ReadSaved(c.path(path))
	if err != nil {
		return c.errorf("%v", err)
	}
	vars, err := saved.VariableValues()
	if err != nil {
		return c.errorf("%v", err)
	}
	targets, err := saved.TargetAddresses()
	if err != nil {
		return c.errorf("%v", err)
	}
	s, ok := c.open("apply", vars)
	if !ok {
		return 1
	}
	defer s.close()
	p, st, ok := c.makePlan(s, saved.Destroy, targets, saved.Refresh)
	if !ok {
		return 1
	}
	if err := saved.Check(path, p); err != nil {
		return c.errorf("%v", err)
	}
	if !p.HasChanges() {
		fmt.Fprintf(c.s.out, "No changes.\n")
		return c.recordDigests(s, p, st)
	}
	return c.carryOut(s, p, st)
}

// recordDigests saves the configuration digests of a plan without changes
// (plan.Plan.RecordDigests), so that an apply with nothing to do still
// brings a state of an older certform up to date, and later plans skip
// what did not change.
func (c *cli) recordDigests(s *session, p *plan.Plan, st *state.File) int {
	if p.Destroy || !p.RecordDigests(st) {
		return 0
	}
	if err := s.store.Save(st); err != nil {
		return c.errorf("%v", err)
	}
	return 0
}

// carryOut applies a plan and reports.
func (c *cli) carryOut(s *session, p *plan.Plan, st *state.File) int {
	fmt.Fprintln(c.s.out)
	prog := &progress{out: c.s.out}
	s.engine.Observer = prog
	s.engine.Env.Progress = prog.message
	diags := s.engine.Apply(context.Background(), p, st, func(f *state.File) error {
		// A first apply that failed before anything was made leaves no
		// state file behind.
		if exists, err := s.store.Exists(); err == nil && !exists && len(f.Addresses()) == 0 {
			return nil
		}
		return s.store.Save(f)
	})
	failed := c.diags(s.cfg.Files, diags)
	a, ch, r, d := p.Counts()
	if failed {
		fmt.Fprintf(c.s.err, "\nApply failed. The state records what was done; run certform plan to see what is left.\n")
		return 1
	}
	verb := "Apply"
	if p.Destroy {
		verb = "Destroy"
	}
	fmt.Fprintf(c.s.out, "\n%s complete! Resources: %d added, %d changed, %d replaced, %d destroyed.\n", verb, a, ch, r, d)
	if outs := st.Outputs(); len(outs) > 0 && !p.Destroy {
		fmt.Fprintf(c.s.out, "\nOutputs:\n")
		for _, n := range sortedKeys(outs) {
			fmt.Fprintf(c.s.out, "  %s = %s\n", n, render.Value(outs[n]))
		}
	}
	return 0
}

// progress prints apply progress, one line per event.
type progress struct {
	plan.NopObserver
	mu  sync.Mutex
	out interface{ Write([]byte) (int, error) }
}

var actionWords = map[plan.Action][2]string{
	plan.Create:  {"Creating...", "Creation complete"},
	plan.Update:  {"Modifying...", "Modifications complete"},
	plan.Replace: {"Replacing...", "Replacement complete"},
	plan.Delete:  {"Destroying...", "Destruction complete"},
}

func (p *progress) PreApply(addr string, a plan.Action) {
	if strings.HasPrefix(addr, "hook.") {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "%s: %s\n", addr, actionWords[a][0])
}

func (p *progress) PostApply(addr string, a plan.Action, err error, elapsed time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		fmt.Fprintf(p.out, "%s: failed after %s\n", addr, elapsed.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(p.out, "%s: %s after %s\n", addr, actionWords[a][1], elapsed.Round(time.Second))
}

// message prints what a resource is doing while it is applied, such as an
// ACME order waiting for validation.
func (p *progress) message(addr, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "%s: %s\n", addr, msg)
}

func (p *progress) HookOutput(addr string, output []byte, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	status := "done"
	if err != nil {
		status = "failed"
	}
	fmt.Fprintf(p.out, "%s: ran, %s\n", addr, status)
	for _, l := range strings.Split(strings.TrimRight(string(output), "\n"), "\n") {
		if l != "" {
			fmt.Fprintf(p.out, "  %s: %s\n", addr, l)
		}
	}
}

// render writes a plan in the format the flags ask for.
func (c *cli) render(p *plan.Plan) {
	switch {
	case c.opts.json:
		_ = render.JSON(c.s.out, p)
	case c.opts.markdown:
		render.Markdown(c.s.out, p)
	default:
		render.Text(c.s.out, p, c.opts.color)
	}
}
