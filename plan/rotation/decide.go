package rotation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers"
)

// decision is what Prepare decided for one rotation in this plan.
type decision struct {
	addr lang.Address
	spec *Spec
	// prior is the recorded record (status "not started" before the
	// first apply); planned the record this plan writes.
	prior, planned *record
	// current is the index of the recorded stage (-1 before the first
	// and after abandoning); target the stage this plan leaves the
	// rotation in.
	current, target int
	abandon         bool
	gate            []plan.GateCondition
	blocked         bool
	holds           map[string]plan.Hold
	// usersOf lists, by attribute of rotation.NAME (active, installed,
	// ...), the blocks that refer to it.
	usersOf map[string][]string
}

func (d *decision) enters() bool { return !d.abandon && d.target > d.current }

// Prepare implements plan.Rotator. For every rotation block it checks the
// gate of the current stage, decides whether this plan begins the next
// stage (at most one per plan) or abandons the rotation, and returns the
// blocks that must wait: those of stages not begun, and those removed by
// a stage that has begun.
func (p *Provider) Prepare(ctx context.Context, req plan.RotateRequest) (map[string]plan.Hold, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	holds := map[string]plan.Hold{}
	decisions := map[string]*decision{}
	g := &gates{req: req}
	for _, r := range rotations(req.Config) {
		spec, d := Parse(r.Body)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		d = Validate(req.Config, r.Addr, spec, r.DeclRange)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		dec, d := decide(ctx, g, r, spec, req)
		diags = append(diags, d...)
		if dec == nil {
			continue
		}
		decisions[r.Addr.String()] = dec
		for a, h := range dec.holds {
			holds[a] = h
		}
	}
	holdDependents(req, holds)
	p.mu.Lock()
	p.decisions = decisions
	p.mu.Unlock()
	return holds, diags
}

// rotations returns the rotation blocks of cfg, by address, without
// sorting every resource of a large configuration that has none.
func rotations(cfg *lang.Config) []*lang.Resource {
	var out []*lang.Resource
	for a, r := range cfg.Resources {
		if a.Kind == Kind {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *lang.Resource) int { return strings.Compare(a.Addr.Name, b.Addr.Name) })
	return out
}

// decide stages one rotation.
func decide(ctx context.Context, g *gates, r *lang.Resource, spec *Spec, req plan.RotateRequest) (*decision, hcl.Diagnostics) {
	addr := r.Addr.String()
	errorf := func(summary, detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: addr + ": " + summary, Detail: detail, Subject: r.DeclRange.Ptr()}}
	}
	d := &decision{addr: r.Addr, spec: spec, current: -1, holds: map[string]plan.Hold{}}
	if rec := req.State.Resource(addr); rec != nil {
		d.prior = readRecord(rec.Attributes)
	}
	if d.prior == nil {
		d.prior = &record{Outgoing: spec.Outgoing.String(), Incoming: spec.Incoming.String(), Status: StatusNotStarted}
	}
	pr := d.prior
	if pr.Outgoing != spec.Outgoing.String() || pr.Incoming != spec.Incoming.String() {
		return nil, errorf("Rotation changed its certificates",
			fmt.Sprintf("The state records this rotation from %s to %s, but the configuration now says from %s to %s. Finish or abandon the recorded rotation first (certform rotation abandon %s), or, to start over, remove its record with certform state rm %s.",
				pr.Outgoing, pr.Incoming, spec.Outgoing, spec.Incoming, r.Addr.Name, addr))
	}
	if pr.Stage != "" {
		d.current = spec.Index(pr.Stage)
		if d.current < 0 {
			return nil, errorf("Recorded stage is gone",
				fmt.Sprintf("The state records this rotation in stage %q, which the configuration no longer declares. Put the stage back; stages may be added after the current one, not removed before it.", pr.Stage))
		}
	}
	d.target = d.current
	act := spec.ActivateIndex()
	wantAbandon := spec.Abandon || pr.AbandonBy != ""
	switch {
	case pr.Status == StatusAbandoned:
		d.target = -1
	case wantAbandon && d.current >= act:
		return nil, errorf("Cannot abandon after activation",
			fmt.Sprintf("Stage %q activated %s already, so going back is a rotation of its own: remove abandon = true, and write a new rotation from %s to %s if you must.",
				spec.Stages[act].Name, spec.Incoming, spec.Incoming, spec.Outgoing))
	case wantAbandon:
		d.abandon, d.target = true, -1
	case pr.Status == StatusNotStarted:
		d.target = 0 // the first stage has no gate before it
	case pr.Status == StatusComplete:
	case d.current < len(spec.Stages)-1:
		d.gate = g.check(ctx, d)
		d.blocked = slices.ContainsFunc(d.gate, func(c plan.GateCondition) bool { return !c.Met })
		if !d.blocked {
			d.target = d.current + 1
		}
	}
	d.planned = d.plannedRecord(req.Env.Now)
	d.hold()
	d.usersOf = users(req.Config, r.Addr)
	return d, nil
}

// users finds the blocks that refer to an attribute of a rotation, by
// attribute ("active", "installed", and "reached.STAGE" besides
// "reached").
func users(cfg *lang.Config, addr lang.Address) map[string][]string {
	out := map[string][]string{}
	for _, r := range cfg.SortedResources() {
		seen := map[string]bool{}
		for _, t := range r.Traversals() {
			if t.RootName() != Kind || len(t) < 3 {
				continue
			}
			name, ok1 := t[1].(hcl.TraverseAttr)
			attr, ok2 := t[2].(hcl.TraverseAttr)
			if !ok1 || !ok2 || name.Name != addr.Name {
				continue
			}
			keys := []string{attr.Name}
			if stage, ok := t[min(3, len(t)-1)].(hcl.TraverseAttr); ok && len(t) > 3 && attr.Name == "reached" {
				keys = append(keys, "reached."+stage.Name)
			}
			for _, k := range keys {
				if !seen[k] {
					seen[k] = true
					out[k] = append(out[k], r.Addr.String())
				}
			}
		}
	}
	return out
}

// plannedRecord is the record after this plan.
func (d *decision) plannedRecord(now time.Time) *record {
	r := d.prior.clone()
	s := d.spec
	if d.abandon {
		r.Status, r.Stage = StatusAbandoned, ""
	}
	if d.enters() {
		r.Stage = s.Stages[d.target].Name
		r.stage(r.Stage).BeganAt = now
		r.Status = StatusInProgress
		if d.target == len(s.Stages)-1 {
			r.Status = StatusComplete
		}
	}
	t := d.target
	r.Reached = map[string]bool{}
	for i, st := range s.Stages {
		r.Reached[st.Name] = i <= t
	}
	r.Active = "outgoing"
	if t >= s.ActivateIndex() {
		r.Active = "incoming"
	}
	switch {
	case t < 0:
		r.Installed = []string{"outgoing"}
	case t < s.RetireIndex():
		r.Installed = []string{"outgoing", "incoming"}
	default:
		r.Installed = []string{"incoming"}
	}
	return r
}

// hold decides which blocks wait: the changes of stages after the target
// (all of them when abandoning, which also removes what they made), and
// the removals of stages up to it.
func (d *decision) hold() {
	for i, st := range d.spec.Stages {
		for _, a := range st.Changes {
			switch {
			case d.target < 0:
				d.holds[a.String()] = plan.Hold{Remove: true, Reason: fmt.Sprintf("%s was abandoned: stage %q does not happen", d.addr, st.Name)}
			case i > d.target:
				d.holds[a.String()] = plan.Hold{Reason: fmt.Sprintf("waits for stage %q of %s", st.Name, d.addr)}
			}
		}
		for _, a := range st.Remove {
			if i <= d.target {
				d.holds[a.String()] = plan.Hold{Remove: true, Reason: fmt.Sprintf("removed by stage %q of %s", st.Name, d.addr)}
			}
		}
	}
}

// holdDependents holds every block that refers to a block that is held
// and absent (never created, or removed): it could not be planned without
// it.
func holdDependents(req plan.RotateRequest, holds map[string]plan.Hold) {
	if len(holds) == 0 {
		return // the common case: no rotation, or none holding anything
	}
	absent := func(a string) bool {
		h, ok := holds[a]
		return ok && (h.Remove || req.State.Resource(a) == nil)
	}
	for changed := true; changed; {
		changed = false
		for _, r := range req.Config.SortedResources() {
			a := r.Addr.String()
			if _, ok := holds[a]; ok || req.Config.IsRunner(r) {
				continue
			}
			for _, dep := range r.Dependencies {
				if absent(dep.String()) {
					holds[a] = plan.Hold{Reason: fmt.Sprintf("refers to %s (%s)", dep, holds[dep.String()].Reason)}
					changed = true
					break
				}
			}
		}
	}
}

// gates checks gate conditions. It decodes stores with the recorded values
// of what they refer to, once per plan.
type gates struct {
	req   plan.RotateRequest
	scope *lang.Scope
}

// check evaluates the gate of d's current stage, and whether the stage's
// own changes were all made (an apply may have stopped half-way).
func (g *gates) check(ctx context.Context, d *decision) []plan.GateCondition {
	st := d.spec.Stages[d.current]
	var out []plan.GateCondition
	var missing []string
	for _, a := range st.Changes {
		if g.req.State.Resource(a.String()) == nil {
			missing = append(missing, a.String())
		}
	}
	if len(missing) > 0 {
		out = append(out, plan.GateCondition{
			Kind:    "changes",
			Message: fmt.Sprintf("stage %q is not finished: %s not made yet", st.Name, strings.Join(missing, ", ")),
			Fix:     "run certform apply to make them (an earlier apply stopped half-way)",
			Missing: missing,
		})
	}
	gate := st.Gate
	if gate == nil {
		return out
	}
	began := d.prior.stage(st.Name).BeganAt
	incoming := d.spec.Incoming.String()
	fp := ""
	if rec := g.req.State.Resource(incoming); rec != nil {
		fp = providers.String(rec.Attributes, "fingerprint_sha256")
	}
	if len(gate.Stores) > 0 {
		out = append(out, g.stores(ctx, gate.Stores, incoming, fp))
	}
	if len(gate.Endpoints) > 0 {
		out = append(out, g.endpoints(gate.Endpoints))
	}
	wait, diags := gate.MinWaitFor(g.req.Vars)
	if diags.HasErrors() {
		out = append(out, plan.GateCondition{Kind: "min_wait", Message: diags.Error(), Fix: "fix min_wait"})
	} else if wait > 0 {
		until := began.Add(wait)
		c := plan.GateCondition{Kind: "min_wait", Met: !g.req.Env.Now.Before(until)}
		if c.Met {
			c.Message = fmt.Sprintf("min_wait %s has passed (stage %q began %s)", providers.FormatDuration(wait), st.Name, began.UTC().Format(time.RFC3339))
		} else {
			c.Message = fmt.Sprintf("min_wait %s: stage %q began %s, the wait ends %s (in %s)", providers.FormatDuration(wait), st.Name,
				began.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339), roughly(until.Sub(g.req.Env.Now)))
			c.Fix = "wait, and apply again after that time"
		}
		out = append(out, c)
	}
	if gate.Confirm != "" {
		sr := d.prior.stage(st.Name)
		c := plan.GateCondition{Kind: "confirm", Met: sr.ConfirmedBy != ""}
		if c.Met {
			c.Message = fmt.Sprintf("confirmed by %s at %s: %s", sr.ConfirmedBy, sr.ConfirmedAt.UTC().Format(time.RFC3339), gate.Confirm)
		} else {
			c.Message = "waiting for confirmation: " + gate.Confirm
			c.Fix = fmt.Sprintf("once that is so, run: certform rotation confirm %s %s", d.addr.Name, st.Name)
		}
		out = append(out, c)
	}
	return out
}

// stores checks that every store holds the incoming certificate, read
// live through providers.Holder.
func (g *gates) stores(ctx context.Context, stores []lang.Address, incoming, fp string) plan.GateCondition {
	c := plan.GateCondition{Kind: "stores"}
	var notes []string
	for _, a := range stores {
		addr := a.String()
		holds, note := g.storeHolds(ctx, a, fp)
		if !holds {
			c.Missing = append(c.Missing, addr)
			if note != "" {
				notes = append(notes, addr+": "+note)
			}
		}
	}
	n := len(stores)
	c.Met = len(c.Missing) == 0
	switch {
	case fp == "":
		c.Met = false
		c.Message = fmt.Sprintf("%s is not issued yet, so no store can hold it", incoming)
		c.Fix = "run certform apply"
	case c.Met:
		c.Message = fmt.Sprintf("all %d %s hold %s (read live)", n, plural(n, "store", "stores"), incoming)
	default:
		verb := "do not"
		if len(c.Missing) == 1 {
			verb = "does not"
		}
		c.Message = fmt.Sprintf("%d of %d %s %s hold %s yet: %s", len(c.Missing), n, plural(n, "store", "stores"), verb, incoming, strings.Join(c.Missing, ", "))
		if len(notes) > 0 {
			c.Message += " (" + strings.Join(notes, "; ") + ")"
		}
		c.Fix = "run certform apply to write the stores certform manages, or put the certificate there; the gate is read again on every plan"
	}
	return c
}

// storeHolds reads one store.
func (g *gates) storeHolds(ctx context.Context, a lang.Address, fp string) (bool, string) {
	holder, ok := g.req.Kinds[a.Kind].(providers.Holder)
	if !ok {
		return false, "this kind of store cannot be read for its certificates; use a confirm gate for it"
	}
	rec := g.req.State.Resource(a.String())
	if rec == nil {
		return false, "not created yet"
	}
	if g.scope == nil {
		g.scope = g.req.Config.NewScope(g.req.Vars)
		for _, addr := range g.req.State.Addresses() {
			if pa, err := lang.ParseAddress(addr); err == nil {
				g.scope.Set(pa, g.req.State.Resource(addr).Attributes)
			}
		}
	}
	r := g.req.Config.Resources[a]
	dec, diags := g.scope.Decode(r)
	if diags.HasErrors() {
		return false, "cannot evaluate its block: " + diags.Error()
	}
	resp := holder.Holds(ctx, providers.HoldsRequest{Address: a.String(), Config: dec.Value, Prior: rec.Attributes, Env: g.req.Env})
	if resp.Diagnostics.HasErrors() {
		return false, resp.Diagnostics.Error()
	}
	return fp != "" && slices.Contains(resp.Fingerprints, fp), ""
}

// endpoints checks that every endpoint serves the certificate its block
// names now (served_fingerprint, as the refresh probed it, against the
// recorded certificate_fingerprint): after a stage switched certificates,
// the services were restarted and serve them.
func (g *gates) endpoints(endpoints []lang.Address) plan.GateCondition {
	c := plan.GateCondition{Kind: "endpoints"}
	var notes []string
	for _, a := range endpoints {
		addr := a.String()
		rec := g.req.State.Resource(addr)
		if rec == nil {
			c.Missing = append(c.Missing, addr)
			notes = append(notes, addr+": not created yet")
			continue
		}
		want := providers.String(rec.Attributes, "certificate_fingerprint")
		served := providers.String(g.req.Live[addr], "served_fingerprint")
		switch {
		case !g.req.Refreshed:
			c.Missing = append(c.Missing, addr)
			notes = append(notes, addr+": not probed, since the plan does not refresh (-refresh=false)")
		case served == "":
			c.Missing = append(c.Missing, addr)
			notes = append(notes, addr+": not probed or not reachable (set probe = true, and plan with refresh)")
		case served != want:
			c.Missing = append(c.Missing, addr)
			notes = append(notes, fmt.Sprintf("%s serves sha256:%s…, not its certificate sha256:%s…", addr, short(served), short(want)))
		}
	}
	n := len(endpoints)
	c.Met = len(c.Missing) == 0
	if c.Met {
		c.Message = fmt.Sprintf("all %d %s serve their certificates (probed)", n, plural(n, "endpoint", "endpoints"))
		return c
	}
	verb := "do not"
	if len(c.Missing) == 1 {
		verb = "does not"
	}
	c.Message = fmt.Sprintf("%d of %d %s %s serve its certificate yet: %s", len(c.Missing), n, plural(n, "endpoint", "endpoints"), verb, strings.Join(c.Missing, ", "))
	if len(c.Missing) > 1 {
		c.Message = strings.Replace(c.Message, "serve its certificate", "serve their certificates", 1)
	}
	c.Message += " (" + strings.Join(notes, "; ") + ")"
	c.Fix = "restart the services so they load their new certificates (on_change hooks), then plan again"
	return c
}

func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16]
	}
	return fp
}

// roughly rounds a wait to minutes, or to seconds below a minute.
func roughly(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
