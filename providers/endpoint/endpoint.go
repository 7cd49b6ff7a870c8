package endpoint

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Provider manages endpoint blocks. It holds no state and is safe for
// concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
	_ providers.Verifier  = (*Provider)(nil)
)

// New returns the provider for endpoint blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"url":         &hcldec.AttrSpec{Name: "url", Type: cty.String, Required: true},
		"certificate": &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType},
		"tls_only":    &hcldec.AttrSpec{Name: "tls_only", Type: cty.Bool},
		// Live probes (probe.go).
		"probe":          &hcldec.AttrSpec{Name: "probe", Type: cty.Bool},
		"probe_address":  &hcldec.AttrSpec{Name: "probe_address", Type: cty.String},
		"probe_required": &hcldec.AttrSpec{Name: "probe_required", Type: cty.Bool},
		"probe_timeout":  &hcldec.AttrSpec{Name: "probe_timeout", Type: cty.String},
		"probe_wait":     &hcldec.AttrSpec{Name: "probe_wait", Type: cty.String},
		// What the ip-wildcard-http2 check (plan/checks) needs to know.
		"http2":        &hcldec.AttrSpec{Name: "http2", Type: cty.Bool},
		"behind_proxy": &hcldec.AttrSpec{Name: "behind_proxy", Type: cty.Bool},
		"dedicated_ip": &hcldec.AttrSpec{Name: "dedicated_ip", Type: cty.Bool},
	}
}

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := value(address, config)
	return diags
}

// Read implements providers.Provider: the endpoint's value is what was
// recorded, except that with probe = true served_fingerprint is what the
// endpoint serves now (probe.go).
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	return p.readServed(ctx, req)
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
	resp := providers.PlanResponse{Planned: v, Diagnostics: diags}
	if providers.Exists(req.Live) {
		for _, n := range []string{"url", "tls_only", "certificate_fingerprint"} {
			if !providers.Equal(v.GetAttr(n), providers.Attr(req.Live, n)) {
				resp.Reasons = append(resp.Reasons, n+" changed")
			}
		}
		if r := servedReason(v, req.Live); r != "" {
			resp.Reasons = append(resp.Reasons, r)
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
		diags = append(diags, errorf(req.Address, "Endpoint not known",
			"The endpoint's URL or certificate is still unknown at apply."))
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
