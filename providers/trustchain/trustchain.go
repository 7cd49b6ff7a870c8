package trustchain

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Provider manages trust_chain blocks. It holds no state and is safe for
// concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
)

// New returns the provider for trust_chain blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider. Both attributes are dynamic so
// that a list may mix certificate values and PEM strings.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"roots":         &hcldec.AttrSpec{Name: "roots", Type: cty.DynamicPseudoType, Required: true},
		"intermediates": &hcldec.AttrSpec{Name: "intermediates", Type: cty.DynamicPseudoType},
	}
}

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := value(address, config)
	return diags
}

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// Read implements providers.Provider: a trust chain has no live object
// beyond its recorded value.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	return providers.ReadResponse{Live: req.Prior, AsRecorded: true}
}

// Plan implements providers.Provider.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	v, diags := value(req.Address, req.Config)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	if b := v.GetAttr("bundle_pem"); b.IsKnown() && req.Env != nil {
		diags = append(diags, expiryWarnings(req.Address, b.AsString(), req.Env.Now)...)
	}
	resp := providers.PlanResponse{Planned: v, Diagnostics: diags}
	if providers.Exists(req.Live) {
		for _, n := range []string{"roots", "intermediates"} {
			if !providers.Equal(v.GetAttr(n), providers.Attr(req.Live, n)) {
				resp.Reasons = append(resp.Reasons, n+" changed")
			}
		}
	}
	return resp
}

// Apply implements providers.Provider. It recomputes the value from the
// configuration, which is wholly known at apply.
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		return providers.ApplyResponse{New: providers.Null}
	}
	v, diags := value(req.Address, req.Config)
	if !diags.HasErrors() && !v.IsWhollyKnown() {
		diags = append(diags, errorf(req.Address, "Certificates not known",
			"Some certificates of the trust chain are still unknown at apply; they must be applied first."))
	}
	if diags.HasErrors() {
		prior := req.Prior
		if prior == cty.NilVal {
			prior = providers.Null
		}
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	return providers.ApplyResponse{New: v, Diagnostics: diags}
}
