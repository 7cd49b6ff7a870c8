package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

// Engine plans and applies one configuration. Its fields are set by the
// caller; it keeps no state between calls besides them.
type Engine struct {
	Config *lang.Config
	// Kinds maps each resource kind to its provider (or runner); the same
	// map Config was loaded with.
	Kinds lang.Kinds
	// Vars are the resolved variable values (lang.VariableValues).
	Vars map[string]cty.Value
	Env  *providers.Env
	// Parallelism bounds the provider calls running at once (default 10).
	Parallelism int
	// Observer is told about progress; nil for none.
	Observer Observer
	// Checker runs the domain checks (plan/checks) at the end of Plan;
	// nil for none. Its errors stop the plan.
	Checker Checker
	// Rotator stages rotations (plan/rotation); nil for none.
	Rotator Rotator
	// Version is the version of certform that runs. A plan skips the
	// resources whose provider plans alike (providers.PlansAlike) and
	// whose configuration and live object are as recorded by this
	// version (state.Resource.ConfigDigest includes it), since another
	// version may plan differently; empty turns that off.
	Version string
}

// Options select what a plan covers.
type Options struct {
	// Refresh reads every recorded object live before planning (default
	// in the CLI; -refresh=false turns it off).
	Refresh bool
	// Destroy plans to delete everything in state.
	Destroy bool
	// Targets limits the plan to these resources and what they depend on.
	Targets []lang.Address
}

func (e *Engine) observer() Observer {
	if e.Observer == nil {
		return NopObserver{}
	}
	return e.Observer
}

func (e *Engine) parallelism() int {
	if e.Parallelism < 1 {
		return 10
	}
	return e.Parallelism
}

func (e *Engine) provider(kind string) (providers.Provider, bool) {
	p, ok := e.Kinds[kind].(providers.Provider)
	return p, ok
}

// Plan refreshes the recorded objects and decides what to do with each
// resource. The returned Plan is complete even when diags hold warnings; on
// errors it is partial and must not be applied.
func (e *Engine) Plan(ctx context.Context, st *state.File, opts Options) (*Plan, hcl.Diagnostics) {
	p := &Plan{
		CreatedAt:  e.Env.Now,
		Lineage:    st.Lineage,
		Serial:     st.Serial,
		ConfigHash: e.ConfigHash(),
		Destroy:    opts.Destroy,
		Outputs:    map[string]Output{},
	}
	for _, t := range opts.Targets {
		p.Targets = append(p.Targets, t.String())
	}
	selected := e.selected(opts.Targets)

	// Refresh: read every recorded object, in parallel.
	live, unchanged, diags := e.refresh(ctx, st, opts.Refresh, selected)
	p.secrets = &secrets{}
	for _, v := range e.Vars {
		if v.ContainsMarked() {
			p.secrets.add(v)
		}
	}

	scope := e.Config.NewScope(e.Vars)
	var mu sync.Mutex
	changes := map[string]*Change{}

	var holds map[string]Hold
	if e.Rotator != nil && !opts.Destroy {
		var more hcl.Diagnostics
		holds, more = e.Rotator.Prepare(ctx, RotateRequest{Config: e.Config, Kinds: e.Kinds, Vars: e.Vars, State: st, Live: live, Refreshed: opts.Refresh, Env: e.Env})
		diags = append(diags, more...)
		if more.HasErrors() {
			return p, diags
		}
	}

	if !opts.Destroy {
		// Skipping needs a refresh that found the object as recorded.
		reuse := opts.Refresh && e.Version != ""
		nodes, deps := e.resourceGraph(selected, false)
		errs := walk(ctx, nodes, deps, e.parallelism(), func(ctx context.Context, node string) error {
			r := e.Config.Resources[mustAddress(node)]
			if h, ok := holds[node]; ok {
				c := e.heldChange(scope, r, st.Resource(node), live[node], h)
				mu.Lock()
				changes[node] = c
				mu.Unlock()
				return nil
			}
			asRecorded := !opts.Refresh || unchanged[node]
			c, d := e.planResource(ctx, scope, p.secrets, r, st.Resource(node), live[node], asRecorded, reuse && asRecorded)
			mu.Lock()
			diags = append(diags, d...)
			if c != nil {
				changes[node] = c
			}
			mu.Unlock()
			if d.HasErrors() {
				return fmt.Errorf("planning %s failed", node)
			}
			return nil
		})
		_ = errs // failed nodes reported their diagnostics; skipped ones need none
	}

	// Recorded resources gone from the configuration (or all, for
	// destroy) are deleted.
	for _, addr := range st.Addresses() {
		a, err := lang.ParseAddress(addr)
		if err != nil {
			continue
		}
		if _, inConfig := e.Config.Resources[a]; inConfig && !opts.Destroy {
			continue
		}
		if selected != nil && !selected[a] {
			continue
		}
		r := st.Resource(addr)
		before := r.Attributes
		if l, ok := live[addr]; ok {
			before = l
		}
		reason := "no longer in the configuration"
		if opts.Destroy {
			reason = "destroy"
		}
		c := &Change{Address: addr, Kind: r.Kind, Action: Delete, Reasons: []string{reason},
			Before: before, After: providers.Null, Dependencies: r.Dependencies,
			Sensitive: unionPaths(p.secrets.paths(before), redactedLeaves(r.Attributes, before))}
		if cr, ok := e.Config.Resources[a]; ok {
			c.Triggers = addressStrings(cr.OnChange)
		}
		// The provider shows what the delete does to files (an INI
		// file's keys restored), as for any other change.
		if prov, ok := e.provider(r.Kind); ok {
			resp := prov.Plan(ctx, providers.PlanRequest{Address: addr, Config: providers.Null, Prior: r.Attributes, Live: before, Env: e.Env})
			c.Files = resp.Files
			diags = append(diags, withAddress(addr, nil, resp.Diagnostics)...)
		}
		changes[addr] = c
	}

	for _, c := range changes {
		p.Changes = append(p.Changes, c)
	}
	sort.Slice(p.Changes, func(i, j int) bool { return p.Changes[i].Address < p.Changes[j].Address })
	if e.Rotator != nil && !opts.Destroy {
		p.Rotations = e.Rotator.Report(p)
	}

	// Drift is shown first; values holding secrets are hidden in it too.
	for _, addr := range st.Addresses() {
		l, ok := live[addr]
		if !ok {
			continue
		}
		if c := changes[addr]; unchanged[addr] && p.secrets.empty() && (c == nil || len(c.Sensitive) == 0) {
			continue // nothing to hide, and the refresh found no change
		}
		r := st.Resource(addr)
		hide := unionPaths(p.secrets.paths(r.Attributes), p.secrets.paths(l))
		if c := changes[addr]; c != nil {
			hide = unionPaths(hide, c.Sensitive)
		}
		if !unchanged[addr] {
			hide = unionPaths(hide, redactedLeaves(r.Attributes, l))
		}
		if !providers.Equal(redact(r.Attributes, hide), redact(l, hide)) {
			p.Drift = append(p.Drift, &Drift{Address: addr, Recorded: r.Attributes, Live: l, Sensitive: hide})
		}
	}
	p.Hooks = e.planHooks(scope, p.Changes)
	if !opts.Destroy {
		p.Hooks = e.retryHooks(scope, p.Hooks, st, selected)
	}
	if !opts.Destroy {
		for name, o := range e.Config.Outputs {
			v, d := scope.Output(o)
			diags = append(diags, d...)
			p.Outputs[name] = Output{Value: v, Sensitive: o.Sensitive || v.ContainsMarked()}
		}
	}
	if e.Checker != nil && !opts.Destroy && !diags.HasErrors() {
		var more hcl.Diagnostics
		p.Findings, more = e.Checker.Check(ctx, CheckRequest{Config: e.Config, Vars: e.Vars, Plan: p, Certs: e.Env.Certs})
		diags = append(diags, more...)
		for _, f := range p.Findings {
			if f.Accepted == "" {
				diags = append(diags, f.Diagnostic())
			}
		}
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			p.Warnings = append(p.Warnings, d)
		}
	}
	return p, diags
}

// selected returns the targets and everything they depend on, or nil for
// all resources.
func (e *Engine) selected(targets []lang.Address) map[lang.Address]bool {
	if len(targets) == 0 {
		return nil
	}
	sel := map[lang.Address]bool{}
	var add func(a lang.Address)
	add = func(a lang.Address) {
		if sel[a] {
			return
		}
		sel[a] = true
		if r, ok := e.Config.Resources[a]; ok {
			for _, d := range r.Dependencies {
				add(d)
			}
		}
	}
	for _, t := range targets {
		add(t)
	}
	return sel
}

// resourceGraph returns the provider-managed resources (hooks excluded) and
// their dependencies, as walk takes them.
func (e *Engine) resourceGraph(selected map[lang.Address]bool, _ bool) ([]string, map[string][]string) {
	var nodes []string
	deps := map[string][]string{}
	for _, r := range e.Config.SortedResources() {
		if e.Config.IsRunner(r) || (selected != nil && !selected[r.Addr]) {
			continue
		}
		n := r.Addr.String()
		nodes = append(nodes, n)
		deps[n] = addressStrings(r.Dependencies)
	}
	return nodes, deps
}

// refresh reads the recorded objects. It returns what it read by address,
// and the addresses of those it found as recorded (providers.Equal), which
// it compares as it goes, in parallel.
func (e *Engine) refresh(ctx context.Context, st *state.File, enabled bool, selected map[lang.Address]bool) (live map[string]cty.Value, unchanged map[string]bool, diags hcl.Diagnostics) {
	live, unchanged = map[string]cty.Value{}, map[string]bool{}
	addrs := st.Addresses()
	if !enabled {
		for _, a := range addrs {
			live[a] = st.Resource(a).Attributes
		}
		return live, nil, nil
	}
	var mu sync.Mutex
	var nodes []string
	// Read may need the configuration (a keystore's password): references
	// in it evaluate to the recorded values of what they name. A
	// PriorReader gets none, and its block is decoded once, for Plan.
	scope := e.Config.NewScope(e.Vars)
	// Each address is parsed, and each resource copied out of st, once.
	recorded := make(map[string]*state.Resource, len(addrs))
	configs := make(map[string]*lang.Resource, len(addrs))
	for _, a := range addrs {
		addr, err := lang.ParseAddress(a)
		if err != nil {
			continue
		}
		r := st.Resource(a)
		scope.Set(addr, r.Attributes)
		if selected == nil || selected[addr] {
			nodes = append(nodes, a)
			recorded[a], configs[a] = r, e.Config.Resources[addr]
		}
	}
	for a, r := range recorded {
		if _, ok := e.Kinds[r.Kind].(Exporter); ok {
			e.setValue(scope, mustAddress(a), r.Attributes)
		}
	}
	walk(ctx, nodes, nil, e.parallelism(), func(ctx context.Context, addr string) error {
		r := recorded[addr]
		prov, ok := e.provider(r.Kind)
		if !ok {
			mu.Lock()
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown resource kind in state",
				Detail:   fmt.Sprintf("The state records %s of kind %q, which this certform does not know. Use a newer certform, or remove it from state with `certform state rm %s`.", addr, r.Kind, addr),
			})
			mu.Unlock()
			return nil
		}
		cfg := providers.Null
		if _, priorOnly := prov.(providers.PriorReader); !priorOnly && configs[addr] != nil {
			d, _ := scope.DecodeAndKeep(configs[addr])
			cfg = d.Value
		}
		e.observer().PreRefresh(addr)
		resp := prov.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: r.Attributes, Env: e.Env})
		l := resp.Live
		if l == cty.NilVal {
			l = providers.Null
		}
		// Equal before RawEquals: RawEquals compares the types too,
		// deeply, which costs more than the values; it only catches
		// unknown values, which Equal refuses.
		same := resp.AsRecorded || providers.Equal(l, r.Attributes) || l.RawEquals(r.Attributes)
		if same {
			// The same value as state writes it: keep one copy, which
			// matters for the memory of large plans. Providers take the
			// recorded shape for Live anyway (a map read back as an
			// object), as with -refresh=false.
			l = r.Attributes
		}
		mu.Lock()
		diags = append(diags, withAddress(addr, nil, resp.Diagnostics)...)
		live[addr] = l
		if same {
			unchanged[addr] = true
		}
		mu.Unlock()
		return nil
	})
	return live, unchanged, diags
}

// planResource decodes one resource and asks its provider for the plan.
// asRecorded says that live is the recorded value (the refresh found no
// change, or did not run). reuse says that the refresh found the object as
// recorded: a resource whose provider plans alike (providers.PlansAlike) is
// then a no-op, without decoding or planning, when its configuration is as
// at its last apply.
func (e *Engine) planResource(ctx context.Context, scope *lang.Scope, sec *secrets, r *lang.Resource, prior *state.Resource, live cty.Value, asRecorded, reuse bool) (*Change, hcl.Diagnostics) {
	addr := r.Addr.String()
	prov, _ := e.provider(r.Addr.Kind)
	var digest string
	if reuse && prior != nil && providers.PlansAlike(prov, prior.Attributes, e.Env.Now) {
		digest, _ = scope.ConfigDigest(r, e.Version)
	}
	if digest != "" && digest == prior.ConfigDigest {
		// Configured as at its last apply: a no-op, as its provider
		// plans alike.
		c := &Change{Address: addr, Kind: r.Addr.Kind, Action: NoOp, Before: live, After: live,
			Dependencies: addressStrings(r.Dependencies), Triggers: addressStrings(r.OnChange),
			Sensitive: withLinked(prov, sec.paths(live))}
		e.setValue(scope, r.Addr, live)
		return c, nil
	}
	dec, diags := scope.Decode(r)
	if diags.HasErrors() {
		return nil, diags
	}
	if v, ok := prov.(providers.Validator); ok {
		diags = append(diags, withAddress(addr, r, v.Validate(addr, dec.Value))...)
		if diags.HasErrors() {
			return nil, diags
		}
	}
	priorVal := providers.Null
	if prior != nil {
		priorVal = prior.Attributes
		if live == cty.NilVal {
			live = priorVal
		}
	} else {
		live = providers.Null
	}
	resp := prov.Plan(ctx, providers.PlanRequest{Address: addr, Config: dec.Value, Prior: priorVal, Live: live, Env: e.Env})
	diags = appendNew(diags, withAddress(addr, r, resp.Diagnostics))
	if resp.Diagnostics.HasErrors() {
		return nil, diags
	}
	c := &Change{
		Address:      addr,
		Kind:         r.Addr.Kind,
		Reasons:      resp.Reasons,
		Before:       live,
		After:        resp.Planned,
		Files:        resp.Files,
		Dependencies: addressStrings(r.Dependencies),
		Triggers:     addressStrings(r.OnChange),
	}
	hideAll := len(dec.Sensitive) > 0
	for _, pm := range dec.Sensitive {
		if v, err := pm.Path.Apply(dec.Value); err == nil {
			sec.add(v)
		}
	}
	c.Sensitive = unionPaths(sec.paths(resp.Planned), sec.paths(live))
	if prior != nil && !asRecorded {
		// A value the state left out as sensitive, which the file still
		// holds, stays hidden when the configuration no longer marks it.
		c.Sensitive = unionPaths(c.Sensitive, redactedLeaves(prior.Attributes, live))
	}
	c.Sensitive = withLinked(prov, c.Sensitive)
	// File diffs and reasons could show a sensitive value.
	for i, f := range c.Files {
		if hideAll || sec.inText(f.Before) || sec.inText(f.After) {
			c.Files[i].Sensitive = true
		}
	}
	_, secretFree := prov.(providers.SecretFreeReasons)
	for _, reason := range c.Reasons {
		if hideAll && !secretFree || sec.inText([]byte(reason)) || secretFree && sec.quotedIn(reason) {
			c.Reasons = []string{"a sensitive value changed (details hidden)"}
			break
		}
	}
	switch {
	case live.IsNull():
		c.Action = Create
	case resp.RequiresReplace:
		c.Action = Replace
		if cbd, ok := prov.(providers.CreateBeforeDestroy); ok {
			c.CreateBeforeDestroy = cbd.CreateBeforeDestroy()
		}
	case resp.NoChange:
		c.Action = NoOp
	case !providers.Equal(redact(resp.Planned, c.Sensitive), redact(live, c.Sensitive)) || len(resp.Reasons) > 0:
		c.Action = Update
	default:
		c.Action = NoOp
		c.Reasons = nil
	}
	if c.Action == NoOp && (resp.NoChange || len(c.Sensitive) == 0 || providers.Equal(resp.Planned, live)) {
		// The same value as state writes it (the action says so when
		// nothing is hidden): keep one copy, as in refresh, and the types
		// of the recorded value (a tuple where the provider built a
		// list), so that a block referring to this one sees what it saw
		// when decoded for Read (lang.Scope.DecodeAndKeep).
		c.After = live
	}
	if c.Action == NoOp && len(diags) == 0 {
		// A warning-free no-op: apply records the digest, as it does after
		// a change, so that the next plan skips the resource.
		c.digest = digest
	}
	e.setValue(scope, r.Addr, c.After)
	return c, diags
}

// planHooks lists the hooks a change triggers.
func (e *Engine) planHooks(scope *lang.Scope, changes []*Change) []*HookRun {
	runs := map[string]*HookRun{}
	for _, c := range changes {
		if c.Action == NoOp {
			continue
		}
		for _, h := range c.Triggers {
			if runs[h] == nil {
				runs[h] = &HookRun{Address: h, Command: e.hookCommand(scope, h)}
			}
			runs[h].TriggeredBy = append(runs[h].TriggeredBy, c.Address)
		}
	}
	var out []*HookRun
	for _, r := range runs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// retryHooks adds to runs the hooks the state records as failed in an
// earlier apply (Apply records them), with the reason, as Terraform
// replaces a resource tainted by a failed provisioner. A hook gone from the
// configuration is not run; with targets, only a selected hook is.
func (e *Engine) retryHooks(scope *lang.Scope, runs []*HookRun, st *state.File, selected map[lang.Address]bool) []*HookRun {
	failed := st.FailedHooks()
	if len(failed) == 0 {
		return runs
	}
	byAddr := map[string]*HookRun{}
	for _, r := range runs {
		byAddr[r.Address] = r
	}
	for _, f := range failed {
		a, err := lang.ParseAddress(f.Address)
		if err != nil || e.Config.Resources[a] == nil || !e.Config.IsRunner(e.Config.Resources[a]) || (selected != nil && !selected[a]) {
			continue
		}
		r := byAddr[f.Address]
		if r == nil {
			r = &HookRun{Address: f.Address, Command: e.hookCommand(scope, f.Address), TriggeredBy: []string{}}
			runs = append(runs, r)
		}
		r.Retry = f.Reason
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Address < runs[j].Address })
	return runs
}

// hookCommand returns the command of the hook at addr, for the plan to
// show, or nil when it is not known yet.
func (e *Engine) hookCommand(scope *lang.Scope, addr string) []string {
	a, err := lang.ParseAddress(addr)
	if err != nil {
		return nil
	}
	r, ok := e.Config.Resources[a]
	if !ok {
		return nil
	}
	d, diags := scope.Decode(r)
	if diags.HasErrors() {
		return nil
	}
	return providers.Strings(d.Value, "command")
}

// ConfigHash identifies the configuration and variable values a plan was
// made from.
func (e *Engine) ConfigHash() string {
	h := sha256.New()
	var names []string
	for n := range e.Config.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(e.Config.Files[n].Bytes))
		h.Write(e.Config.Files[n].Bytes)
	}
	var vars []string
	for n := range e.Vars {
		vars = append(vars, n)
	}
	sort.Strings(vars)
	for _, n := range vars {
		// A sensitive value is left out: a hash of a short password in a
		// plan file could be guessed offline. It is given again at apply.
		if e.Vars[n].ContainsMarked() {
			fmt.Fprintf(h, "var.%s=(sensitive)\x00", n)
			continue
		}
		js, _ := ctyjson.SimpleJSONValue{Value: e.Vars[n]}.MarshalJSON()
		fmt.Fprintf(h, "var.%s=%s\x00", n, js)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// redact replaces the values at the given paths with nulls, so they are
// neither compared nor stored.
func redact(v cty.Value, paths []cty.Path) cty.Value {
	if len(paths) == 0 || v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return v
	}
	out, err := cty.Transform(v, func(p cty.Path, v cty.Value) (cty.Value, error) {
		for _, s := range paths {
			if p.Equals(s) {
				return cty.NullVal(v.Type()), nil
			}
		}
		return v, nil
	})
	if err != nil {
		return v
	}
	return out
}

// withAddress gives provider diagnostics the resource's block as subject
// and its address in the summary when they have no source of their own.
func withAddress(addr string, r *lang.Resource, diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		if d.Subject == nil && r != nil {
			rng := r.DeclRange
			d.Subject = &rng
		}
		if !strings.Contains(d.Summary, addr) && !strings.Contains(d.Detail, addr) {
			d.Summary = addr + ": " + d.Summary
		}
	}
	return diags
}

func addressStrings(as []lang.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

func mustAddress(s string) lang.Address {
	a, err := lang.ParseAddress(s)
	if err != nil {
		panic(fmt.Sprintf("plan: invalid internal address %q", s))
	}
	return a
}
