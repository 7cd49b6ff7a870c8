package plan

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Plan is what certform proposes to do: one Change per resource, the drift
// found on refresh, the hooks that will run and the outputs. It is a plain
// value; render it with plan/render and carry it out with Engine.Apply.
type Plan struct {
	// CreatedAt is when the plan was made.
	CreatedAt time.Time
	// Lineage and Serial identify the state the plan was made against.
	Lineage string
	Serial  uint64
	// ConfigHash covers every configuration file and variable value; a
	// saved plan is refused when it moved.
	ConfigHash string
	// Destroy is set for a plan made by `certform destroy`.
	Destroy bool
	// Targets limits the plan to these addresses and their dependencies.
	Targets []string

	// Drift lists resources changed outside certform since the last apply,
	// found on refresh.
	Drift []*Drift
	// Changes holds every resource, no-ops included, sorted by address.
	Changes []*Change
	// Hooks lists the hooks that will run, sorted by address.
	Hooks []*HookRun
	// Outputs holds each output's planned value by name.
	Outputs map[string]Output
	// Warnings are diagnostics that do not stop the plan.
	Warnings hcl.Diagnostics
	// Findings are what the domain checks found (Engine.Checker), errors
	// and warnings, accepted ones included.
	Findings []*Finding
	// Rotations describes every rotation (Engine.Rotator), by address.
	Rotations []*Rotation

	// secrets are the sensitive values met while planning, for Apply to
	// keep out of the state.
	secrets *secrets
}

// Change is the planned action for one resource.
type Change struct {
	Address string
	Kind    string
	Action  Action
	// CreateBeforeDestroy is set on a Replace whose provider makes the
	// new object before it removes the old (providers.CreateBeforeDestroy,
	// drawn +/-); a Replace without it removes the old object first (-/+).
	CreateBeforeDestroy bool
	// Reasons says why the resource changes, in words for a reviewer.
	Reasons []string
	// Before is the live value (or the recorded one without refresh);
	// null for a create.
	Before cty.Value
	// After is the planned value, with unknowns for what only apply
	// learns; null for a delete.
	After cty.Value
	// Sensitive lists paths of After that must be shown as (sensitive).
	Sensitive []cty.Path
	// Files are the file edits, for diffs.
	Files []providers.FileChange
	// Dependencies are the addresses this resource follows.
	Dependencies []string
	// Triggers lists the hooks this resource runs when it changes.
	Triggers []string
	// Held says why a rotation keeps this resource as it is (a stage
	// not begun yet); "" when it is planned as usual.
	Held string

	// digest is the configuration digest a no-op records in the state
	// when the state holds none or another (a state of an older certform),
	// so the next plan can skip it; "" when there is nothing to record.
	digest string
}

// Drift is a difference between the recorded and the live object.
type Drift struct {
	Address string
	// Recorded is the value in state, Live what refresh found (null when
	// the object is gone).
	Recorded cty.Value
	Live     cty.Value
	// Sensitive lists paths of both values that must be shown as
	// (sensitive).
	Sensitive []cty.Path
}

// HookRun is a hook that apply will run, and the changes that cause it.
type HookRun struct {
	Address string
	// TriggeredBy lists the changes it follows; empty when it only runs
	// again because it failed.
	TriggeredBy []string
	Command     []string
	// Retry says why the hook runs again when the state records it as
	// failed in an earlier apply ("failed in the last apply with exit code
	// 7"); "" when it does not.
	Retry string
}

// Output is an output's planned value.
type Output struct {
	Value     cty.Value
	Sensitive bool
}

// Counts returns how many resources the plan adds, changes, replaces and
// destroys.
func (p *Plan) Counts() (add, change, replace, destroy int) {
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			add++
		case Update:
			change++
		case Replace:
			replace++
		case Delete:
			destroy++
		}
	}
	return
}

// HasChanges reports whether applying the plan would do anything: change
// a resource or run a hook (one that failed runs again by itself).
func (p *Plan) HasChanges() bool {
	a, c, r, d := p.Counts()
	return a+c+r+d > 0 || len(p.Hooks) > 0
}
