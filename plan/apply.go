package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

// Apply carries out a plan made by Plan against st. Resources are applied in
// dependency order, independent ones in parallel; deletions follow, in
// reverse dependency order; hooks run last, each once, if every change that
// triggers it succeeded. A hook that does not run because such a change
// failed is marked failed in st, to run in the next apply, when another
// change it follows was applied; when none was, the next plan plans the
// failed changes again, and the hook with them.
//
// st is updated after every resource and handed to save, so a failure
// half-way leaves a state that matches what was done. Saves are coalesced:
// they run at least minSaveGap apart, and the requests that come meanwhile
// fold into the next; the last save follows the last change. save is
// called only when what st holds changed since it was read or last saved:
// an apply that changed nothing (its first resource failed) leaves the
// state file as it was.
func (e *Engine) Apply(ctx context.Context, p *Plan, st *state.File, save func(*state.File) error) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var mu sync.Mutex
	addDiags := func(d hcl.Diagnostics) {
		mu.Lock()
		diags = append(diags, d...)
		mu.Unlock()
	}
	sv := newSaver(st, save)
	sec := p.secrets
	if sec == nil {
		sec = &secrets{}
	}
	scope := e.Config.NewScope(e.Vars)

	// applied holds the changes that changed something, even if they then
	// failed (a store that wrote some of its files); guarded by mu.
	applied := map[string]bool{}
	byAddr := map[string]*Change{}
	var nodes, deletes []string
	deps := map[string][]string{}
	for _, c := range p.Changes {
		byAddr[c.Address] = c
		if c.Action == Delete {
			deletes = append(deletes, c.Address)
			continue
		}
		nodes = append(nodes, c.Address)
		deps[c.Address] = c.Dependencies
	}
	failed := walk(ctx, nodes, deps, e.parallelism(), func(ctx context.Context, addr string) error {
		if c := byAddr[addr]; c.Action == NoOp {
			// A digest it records is saved with the last save: it is
			// no change the state must keep up with.
			e.setValue(scope, mustAddress(addr), c.After)
			recordDigest(c, st)
			return nil
		}
		d, recorded := e.applyChange(ctx, scope, sec, byAddr[addr], st)
		addDiags(d)
		if recorded {
			mu.Lock()
			applied[addr] = true
			mu.Unlock()
		}
		sv.request() // a change that failed may have recorded what it did
		if d.HasErrors() {
			return fmt.Errorf("%s failed", addr)
		}
		return nil
	})

	// A resource is deleted after everything that depended on it.
	rdeps := map[string][]string{}
	for _, addr := range deletes {
		for _, d := range byAddr[addr].Dependencies {
			if byAddr[d] != nil && byAddr[d].Action == Delete {
				rdeps[d] = append(rdeps[d], addr)
			}
		}
	}
	delFailed := walk(ctx, deletes, rdeps, e.parallelism(), func(ctx context.Context, addr string) error {
		d := e.applyDelete(ctx, byAddr[addr], st)
		addDiags(d)
		sv.request()
		if d.HasErrors() {
			return fmt.Errorf("%s failed", addr)
		}
		return nil
	})
	for k, v := range delFailed {
		failed[k] = v
	}

	for _, h := range p.Hooks {
		if blocked := firstFailed(h.TriggeredBy, failed); blocked != "" {
			if !anyApplied(h.TriggeredBy, failed, applied) {
				// Nothing it follows changed: the next plan plans those
				// changes again, and the hook with them.
				addDiags(hcl.Diagnostics{{
					Severity: hcl.DiagWarning,
					Summary:  h.Address + " did not run",
					Detail:   fmt.Sprintf("%s was not run: %s was not applied, and nothing else it follows was changed. Fix the error and apply again: the next plan plans those changes again, and the hook with them.", h.Address, blocked),
				}})
				continue
			}
			// The changes that did succeed still need the hook: the
			// state remembers it for the next apply.
			st.SetFailedHook(state.FailedHook{Address: h.Address, FailedAt: e.Env.Now,
				Reason: fmt.Sprintf("did not run in the last apply because %s failed", blocked)})
			addDiags(hcl.Diagnostics{{
				Severity: hcl.DiagWarning,
				Summary:  h.Address + " did not run",
				Detail:   fmt.Sprintf("%s was not run because %s failed. Fix the error and apply again; the state records the hook, so the next apply runs it.", h.Address, blocked),
			}})
			continue
		}
		addDiags(e.runHook(ctx, scope, h, st))
	}
	if !p.Destroy && len(p.Targets) == 0 {
		// A hook gone from the configuration will not run again.
		for _, f := range st.FailedHooks() {
			if a, err := lang.ParseAddress(f.Address); err != nil || e.Config.Resources[a] == nil {
				st.ClearFailedHook(f.Address)
			}
		}
	}
	// With every change made and every hook run, the changes must have
	// taken effect (an endpoint serves its new certificate).
	addDiags(e.verify(ctx, scope, p, failed))

	if !p.Destroy {
		outs := map[string]cty.Value{}
		prior := st.Outputs()
		for name, o := range e.Config.Outputs {
			v, d := scope.Output(o)
			addDiags(d)
			switch {
			case o.Sensitive || v.ContainsMarked():
			case v.IsWhollyKnown():
				outs[name] = v
			case prior[name] != cty.NilVal:
				// What it refers to failed, and is recorded as it was.
				outs[name] = prior[name]
			}
		}
		st.SetOutputs(outs)
	} else {
		st.SetOutputs(nil)
	}
	if err := sv.final(); err != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot save state",
			Detail:   fmt.Sprintf("%v. The changes above were made but could not be recorded; fix the cause and run certform plan to see what is left.", err),
		})
	}
	return diags
}

func firstFailed(addrs []string, failed map[string]error) string {
	for _, a := range addrs {
		if failed[a] != nil {
			return a
		}
	}
	return ""
}

// anyApplied reports whether one of the changes addrs changed something:
// it succeeded, or failed after recording what it did.
func anyApplied(addrs []string, failed map[string]error, applied map[string]bool) bool {
	for _, a := range addrs {
		if failed[a] == nil || applied[a] {
			return true
		}
	}
	return false
}

// RecordDigests records in st the configuration digests of the plan's
// no-ops, for a plan without changes that is not applied: a state written
// by an older certform, or before digests existed, then gets them, and
// the next plan skips what did not change. It reports whether st changed
// and needs saving.
func (p *Plan) RecordDigests(st *state.File) bool {
	changed := false
	for _, c := range p.Changes {
		if c.Action == NoOp && recordDigest(c, st) {
			changed = true
		}
	}
	return changed
}

// recordDigest records the digest a no-op carries, if any, and reports
// whether it did.
func recordDigest(c *Change, st *state.File) bool {
	old := st.Resource(c.Address)
	if c.digest == "" || old == nil || old.ConfigDigest == c.digest {
		return false
	}
	rec := *old
	rec.ConfigDigest = c.digest
	st.Set(&rec)
	return true
}

// applyChange applies one create, update or replace, and reports whether
// it recorded a new value in st. The resource is decoded again now that
// what it refers to is known, and planned again so that the provider sees
// final values.
func (e *Engine) applyChange(ctx context.Context, scope *lang.Scope, sec *secrets, c *Change, st *state.File) (diags hcl.Diagnostics, recorded bool) {
	r := e.Config.Resources[mustAddress(c.Address)]
	start := time.Now()
	e.observer().PreApply(c.Address, c.Action)
	prov, _ := e.provider(c.Kind)
	dec, diags := scope.Decode(r)
	if diags.HasErrors() {
		e.observer().PostApply(c.Address, c.Action, diags, time.Since(start))
		return diags, false
	}
	prior := providers.Null
	if rec := st.Resource(c.Address); rec != nil {
		prior = rec.Attributes
	}
	live := c.Before
	if prior.IsNull() {
		live = providers.Null
	}
	pl := prov.Plan(ctx, providers.PlanRequest{Address: c.Address, Config: dec.Value, Prior: prior, Live: live, Env: e.Env})
	diags = append(diags, withAddress(c.Address, r, pl.Diagnostics)...)
	if pl.Diagnostics.HasErrors() {
		e.observer().PostApply(c.Address, c.Action, diags, time.Since(start))
		return diags, false
	}
	resp := prov.Apply(ctx, providers.ApplyRequest{Address: c.Address, Config: dec.Value, Prior: prior, Planned: pl.Planned, Env: e.Env})
	diags = append(diags, withAddress(c.Address, r, resp.Diagnostics)...)
	if resp.New != cty.NilVal && !resp.New.IsNull() && resp.New.IsWhollyKnown() {
		// A change that failed and gives back the value recorded before
		// (as providers do when they changed nothing) leaves the record
		// as it is, and the state file with it.
		if !diags.HasErrors() || !providers.Equal(resp.New, prior) {
			rec := &state.Resource{
				Address:      c.Address,
				Kind:         c.Kind,
				Attributes:   redact(resp.New, withLinked(prov, unionPaths(c.Sensitive, sec.paths(resp.New)))),
				Dependencies: c.Dependencies,
				Files:        e.fileHashes(st.Resource(c.Address), pl.Files, diags.HasErrors()),
				UpdatedAt:    e.Env.Now,
			}
			// A resource whose apply warned is planned every time, so
			// that the warning shows in every plan.
			if e.Version != "" && len(diags) == 0 && providers.PlansAlike(prov, rec.Attributes, e.Env.Now) {
				rec.ConfigDigest, _ = scope.ConfigDigest(r, e.Version)
			}
			if old := st.Resource(c.Address); old != nil && !old.CreatedAt.IsZero() && c.Action != Replace {
				rec.CreatedAt = old.CreatedAt
			} else {
				rec.CreatedAt = e.Env.Now
			}
			st.Set(rec)
			recorded = true
		}
		e.setValue(scope, r.Addr, resp.New)
	}
	var err error
	if diags.HasErrors() {
		err = diags
	}
	e.observer().PostApply(c.Address, c.Action, err, time.Since(start))
	return diags, recorded
}

func (e *Engine) applyDelete(ctx context.Context, c *Change, st *state.File) hcl.Diagnostics {
	start := time.Now()
	e.observer().PreApply(c.Address, Delete)
	rec := st.Resource(c.Address)
	if rec == nil {
		return nil
	}
	prov, ok := e.provider(c.Kind)
	if !ok {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: c.Address + ": unknown resource kind " + c.Kind}}
	}
	resp := prov.Apply(ctx, providers.ApplyRequest{Address: c.Address, Config: providers.Null, Prior: rec.Attributes, Planned: providers.Null, Env: e.Env})
	diags := withAddress(c.Address, nil, resp.Diagnostics)
	var err error
	if diags.HasErrors() {
		err = diags
	} else {
		st.Remove(c.Address)
	}
	e.observer().PostApply(c.Address, Delete, err, time.Since(start))
	return diags
}

// runHook runs one hook and records the outcome in st: a hook that fails
// is marked failed, so that the next plan runs it again (the changes that
// triggered it are recorded as made, and would not trigger it again); one
// that succeeds is clean.
func (e *Engine) runHook(ctx context.Context, scope *lang.Scope, h *HookRun, st *state.File) hcl.Diagnostics {
	a := mustAddress(h.Address)
	r := e.Config.Resources[a]
	runner, ok := e.Kinds[a.Kind].(providers.Runner)
	if r == nil || !ok {
		return nil
	}
	fail := func(reason string, exitCode int) {
		st.SetFailedHook(state.FailedHook{Address: h.Address, Reason: reason, ExitCode: exitCode, FailedAt: e.Env.Now})
	}
	dec, diags := scope.Decode(r)
	if diags.HasErrors() {
		fail("could not be decoded in the last apply", 0)
		return diags
	}
	e.observer().PreApply(h.Address, Update)
	resp := runner.Run(ctx, providers.RunRequest{Address: h.Address, Config: dec.Value, Dir: e.Config.Dir})
	var err error
	if resp.Diagnostics.HasErrors() {
		err = resp.Diagnostics
	}
	e.observer().HookOutput(h.Address, resp.Output, err)
	diags = withAddress(h.Address, r, resp.Diagnostics)
	if err == nil {
		st.ClearFailedHook(h.Address)
		return diags
	}
	failure := resp.Failure
	if failure == "" {
		failure = "failed"
	}
	if resp.ExitCode != 0 {
		fail(fmt.Sprintf("failed in the last apply with exit code %d", resp.ExitCode), resp.ExitCode)
	} else {
		fail(failure+" in the last apply", 0)
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			d.Detail = strings.TrimRight(d.Detail, "\n") + "\n" + runAgain
			break
		}
	}
	return diags
}

// runAgain ends the message of a failed hook.
const runAgain = "The changes that triggered the hook were made and are recorded in the state, and the state marks the hook as failed: fix the cause, then run certform apply again, which runs the hook again (certform plan shows it)."

// fileHashes records the hash of every known, non-secret file a change
// wrote. A change that failed may have written some of its files only: its
// record keeps the files of the old one, and takes the hash of a planned
// file only where the file on disk holds what was planned (it was
// written); a file that is gone (removed, or never written) is dropped.
func (e *Engine) fileHashes(old *state.Resource, files []providers.FileChange, failed bool) map[string]string {
	out := map[string]string{}
	if failed && old != nil {
		maps.Copy(out, old.Files)
	}
	for _, f := range files {
		switch {
		case f.Sensitive || f.AfterUnknown:
		case !failed:
			if f.After != nil {
				out[f.Path] = state.FileHash(f.After)
			}
		default:
			data, err := e.Env.FS.ReadFile(f.Path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				delete(out, f.Path)
			case err == nil && f.After != nil && bytes.Equal(data, f.After):
				out[f.Path] = state.FileHash(data)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
