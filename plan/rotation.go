package plan

import (
	"context"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/state"
)

// A Rotator stages rotations (package plan/rotation). The engine calls
// Prepare after the refresh and before any resource is planned: it decides
// which stage each rotation enters in this plan (at most one) and which
// blocks must wait for a later stage. Report describes every rotation for
// the finished plan.
type Rotator interface {
	Prepare(ctx context.Context, req RotateRequest) (map[string]Hold, hcl.Diagnostics)
	Report(p *Plan) []*Rotation
}

// RotateRequest is what a Rotator sees of a plan in the making.
type RotateRequest struct {
	Config *lang.Config
	Kinds  lang.Kinds
	Vars   map[string]cty.Value
	State  *state.File
	// Live is what the refresh read, by address (the recorded values when
	// refresh is off: Refreshed is false then).
	Live      map[string]cty.Value
	Refreshed bool
	Env       *providers.Env
}

// Hold keeps a block as it is during a plan because a rotation says so: it
// belongs to a stage that has not begun, or to one that removed it.
type Hold struct {
	// Reason says why, for the plan ("waits for stage activate of
	// rotation.helpme").
	Reason string
	// Remove deletes the block when it is recorded, and keeps it from
	// being created.
	Remove bool
}

// Exporter is implemented by kinds whose value, as other blocks see it,
// is made from their recorded value and the values of other blocks (a
// rotation's active certificate is the value of a certificate block).
// get returns the value of any block planned or applied before.
type Exporter interface {
	Export(recorded cty.Value, get func(lang.Address) cty.Value) cty.Value
}

// Rotation describes one rotation in a plan: where it stands, what this
// plan does with it and, when it waits, for what.
type Rotation struct {
	Address  string
	Outgoing string
	Incoming string
	// Status is "not started", "in progress", "complete" or "abandoned",
	// as recorded before this plan.
	Status string
	// Stage is the current stage, "" before the first; StageNumber counts
	// from 1 (0 before the first), of Stages.
	Stage       string
	StageNumber int
	Stages      int
	// StageBegan is when the current stage began (zero before the first).
	StageBegan time.Time
	// Enters is the stage this plan begins, "" when it begins none.
	Enters string
	// Abandons is set when this plan abandons the rotation.
	Abandons bool
	// NextStage is the stage after the current one ("" after the last),
	// and NextChanges what it changes, in words.
	NextStage   string
	NextChanges []string
	// Gate lists the conditions of the current stage's gate; Blocked is
	// set when one of them does not hold, so NextStage cannot begin.
	Gate    []GateCondition
	Blocked bool
	// Pending lists changes of the current stage still to be made (an
	// earlier apply stopped half-way); they are in this plan.
	Pending []string
	// Held lists the blocks this plan holds back, each with its reason.
	Held []string
	// Confirmations are the manual gate confirmations recorded so far.
	Confirmations []Confirmation
}

// GateCondition is one condition of a gate.
type GateCondition struct {
	// Kind is "stores", "endpoints", "min_wait" or "confirm".
	Kind string
	// Met reports whether the condition holds now.
	Met bool
	// Message says what was found ("2 of 5 stores do not hold
	// certificate.helpme_2027 yet: ..."), Fix what to do when it is not
	// met.
	Message string
	Fix     string
	// Missing lists the stores or endpoints that do not have the incoming
	// certificate yet.
	Missing []string
}

// Confirmation records that a person confirmed a stage's manual gate.
type Confirmation struct {
	Stage string
	By    string
	At    time.Time
}

// RotationsAdvance reports whether the plan begins a stage of, or
// abandons, any rotation.
func (p *Plan) RotationsAdvance() bool {
	for _, r := range p.Rotations {
		if r.Enters != "" || r.Abandons {
			return true
		}
	}
	return false
}

// heldChange is the change for a block a rotation holds: none, or its
// deletion when the rotation removes it.
func (e *Engine) heldChange(scope *lang.Scope, r *lang.Resource, prior *state.Resource, live cty.Value, h Hold) *Change {
	c := &Change{
		Address:      r.Addr.String(),
		Kind:         r.Addr.Kind,
		Action:       NoOp,
		Held:         h.Reason,
		Before:       providers.Null,
		After:        providers.Null,
		Dependencies: addressStrings(r.Dependencies),
		Triggers:     addressStrings(r.OnChange),
	}
	if prior != nil {
		if live == cty.NilVal {
			live = prior.Attributes
		}
		c.Before, c.After = live, live
		if h.Remove { // gone already or not, it leaves the state too
			c.Action, c.After, c.Reasons = Delete, providers.Null, []string{h.Reason}
		}
	}
	scope.Set(r.Addr, c.After)
	return c
}

// setValue records in scope the value other blocks see for addr: the
// value itself, or for an Exporter the value it makes of it.
func (e *Engine) setValue(scope *lang.Scope, addr lang.Address, v cty.Value) {
	if ex, ok := e.Kinds[addr.Kind].(Exporter); ok && v != cty.NilVal && !v.IsNull() {
		v = ex.Export(v, scope.Get)
	}
	scope.Set(addr, v)
}
