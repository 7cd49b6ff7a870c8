package rotation

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers"
)

// Kind is the block type of rotations.
const Kind = "rotation"

// Provider manages rotation blocks. One Provider serves one run: Prepare
// decides each rotation's stage for the plan, and Plan and Apply record
// that decision. It is safe for concurrent use.
type Provider struct {
	mu        sync.Mutex
	decisions map[string]*decision // by address, from the last Prepare
}

var (
	_ providers.Provider    = (*Provider)(nil)
	_ providers.BodyDecoder = (*Provider)(nil)
	_ plan.Rotator          = (*Provider)(nil)
	_ plan.Exporter         = (*Provider)(nil)
)

// New returns the provider for rotation blocks.
func New() *Provider { return &Provider{decisions: map[string]*decision{}} }

// Schema implements providers.Provider. Rotation blocks are decoded by
// DecodeBody; the spec is empty.
func (p *Provider) Schema() hcldec.Spec { return hcldec.ObjectSpec{} }

var referenceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "outgoing"}, {Name: "incoming"}}}

// Variables implements providers.BodyDecoder: a rotation depends on its
// two certificates only. The blocks its stages list are named, not used:
// they may well refer to the rotation themselves.
func (p *Provider) Variables(body hcl.Body) []hcl.Traversal {
	content, _, _ := body.PartialContent(referenceSchema)
	var out []hcl.Traversal
	for _, name := range []string{"outgoing", "incoming"} {
		if a, ok := content.Attributes[name]; ok {
			out = append(out, a.Expr.Variables()...)
		}
	}
	return out
}

// DecodeBody implements providers.BodyDecoder. The value holds the two
// certificates and abandon; the stages are read by Parse.
func (p *Provider) DecodeBody(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	s, diags := Parse(body)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	out, d := s.OutgoingExpr.Value(ctx)
	diags = append(diags, d...)
	in, d := s.IncomingExpr.Value(ctx)
	diags = append(diags, d...)
	return cty.ObjectVal(map[string]cty.Value{
		"outgoing": out,
		"incoming": in,
		"abandon":  cty.BoolVal(s.Abandon),
	}), diags
}

// Read implements providers.Provider. A rotation is a record certform
// keeps; there is nothing else to read.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	return providers.ReadResponse{Live: req.Prior}
}

// Plan implements providers.Provider: the value is the record as Prepare
// decided it for this plan.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	p.mu.Lock()
	d := p.decisions[req.Address]
	p.mu.Unlock()
	if d == nil {
		// Not prepared (a plan without a Rotator): nothing moves.
		if providers.Exists(req.Prior) {
			return providers.PlanResponse{Planned: req.Prior}
		}
		return providers.PlanResponse{Diagnostics: hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  req.Address + ": rotation not prepared",
			Detail:   "The plan engine did not stage this rotation; this is a bug in certform.",
		}}}
	}
	return providers.PlanResponse{Planned: d.planned.value(), Reasons: d.reasons()}
}

// Apply implements providers.Provider: it records the planned stage.
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if req.Planned.IsNull() {
		return providers.ApplyResponse{New: providers.Null}
	}
	return providers.ApplyResponse{New: req.Planned}
}

// Export implements plan.Exporter: what blocks see as rotation.NAME.
//
//   - stage, status: as recorded.
//   - outgoing, incoming: the two certificates' values.
//   - active: the outgoing certificate until the activate stage begins,
//     then the incoming one.
//   - installed: the certificates that must be installed now: the
//     outgoing one before the first stage and after abandoning, both
//     until the retire stage, then the incoming one.
//   - reached: for every stage, whether it has begun.
func (p *Provider) Export(recorded cty.Value, get func(lang.Address) cty.Value) cty.Value {
	r := readRecord(recorded)
	if r == nil {
		return recorded
	}
	values := map[string]cty.Value{"outgoing": cty.DynamicVal, "incoming": cty.DynamicVal}
	for role, a := range map[string]string{"outgoing": r.Outgoing, "incoming": r.Incoming} {
		if addr, err := lang.ParseAddress(a); err == nil {
			values[role] = get(addr)
		}
	}
	installed := make([]cty.Value, 0, len(r.Installed))
	for _, role := range r.Installed {
		installed = append(installed, values[role])
	}
	reached := map[string]cty.Value{}
	for k, v := range r.Reached {
		reached[k] = cty.BoolVal(v)
	}
	active := values["outgoing"]
	if r.Active == "incoming" {
		active = values["incoming"]
	}
	return cty.ObjectVal(map[string]cty.Value{
		"stage":     cty.StringVal(r.Stage),
		"status":    cty.StringVal(r.Status),
		"outgoing":  values["outgoing"],
		"incoming":  values["incoming"],
		"active":    active,
		"installed": cty.TupleVal(installed),
		"reached":   cty.ObjectVal(reached),
	})
}

// reasons says what the plan does with the rotation, for its change.
func (d *decision) reasons() []string {
	switch {
	case d.abandon:
		return []string{fmt.Sprintf("abandoned: back to %s", d.spec.Outgoing)}
	case d.enters():
		return []string{fmt.Sprintf("begins stage %d of %d, %q", d.target+1, len(d.spec.Stages), d.spec.Stages[d.target].Name)}
	}
	return nil
}
