package issuer

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Kind is the value of the kind attribute of every issuer "ca" value;
// certificate blocks tell issuers apart by it.
const Kind = "ca"

// Provider manages issuer "ca" blocks. It holds no state and is safe for
// concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
)

// New returns the provider for issuer "ca" blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider: a required certificate, the value
// of a certificate block with is_ca = true.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"certificate": &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType, Required: true},
	}
}

// copied are the attributes of the CA certificate an issuer value carries.
func copied() []string {
	return []string{"pem", "chain_pem", "key_id", "fingerprint_sha256", "subject", "not_after"}
}

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := value(address, config)
	return diags
}

// value builds the issuer value from the configuration.
func value(address string, config cty.Value) (cty.Value, hcl.Diagnostics) {
	c := providers.Attr(config, "certificate")
	if config != cty.NilVal && !config.IsKnown() || c != cty.NilVal && !c.IsKnown() {
		return unknown(), nil
	}
	if c.IsNull() {
		return unknown(), hcl.Diagnostics{diag(address, "Missing certificate",
			"Set certificate to the CA certificate this issuer signs with, such as certificate = certificate.company_root.")}
	}
	if !c.Type().IsObjectType() && !c.Type().IsMapType() {
		return unknown(), hcl.Diagnostics{diag(address, "Invalid certificate",
			fmt.Sprintf("certificate must be a certificate block, such as certificate.company_root, but it is a %s.", c.Type().FriendlyName()))}
	}
	isCA := providers.Attr(c, "is_ca")
	if isCA.IsKnown() && (isCA.IsNull() || isCA.Type() != cty.Bool || isCA.False()) {
		return unknown(), hcl.Diagnostics{diag(address, "Certificate is not a CA",
			"An issuer signs with a CA certificate. Set is_ca = true on the certificate block (a CA certificate cannot double as a server certificate: issue the server certificate from it).")}
	}
	m := map[string]cty.Value{"kind": cty.StringVal(Kind)}
	for _, n := range copied() {
		v := providers.Attr(c, n)
		switch {
		case !v.IsKnown():
			m[n] = cty.UnknownVal(cty.String)
		case v.IsNull() && n == "chain_pem":
			m[n] = cty.StringVal("")
		case v.IsNull() || v.Type() != cty.String:
			return unknown(), hcl.Diagnostics{diag(address, "Invalid certificate",
				fmt.Sprintf("certificate has no %s: it must be the value of a certificate block whose private key certform keeps, such as certificate.company_root.", n))}
		default:
			m[n] = v
		}
	}
	return cty.ObjectVal(m), nil
}

// unknown is an issuer value not known yet.
func unknown() cty.Value {
	m := map[string]cty.Value{"kind": cty.StringVal(Kind)}
	for _, n := range copied() {
		m[n] = cty.UnknownVal(cty.String)
	}
	return cty.ObjectVal(m)
}

func diag(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// Read implements providers.Provider: an issuer has no live object beyond
// its recorded value.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	return providers.ReadResponse{Live: req.Prior, AsRecorded: true}
}

// Plan implements providers.Provider. The planned value holds unknowns
// while the CA certificate is being created or replaced.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	v, diags := value(req.Address, req.Config)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	resp := providers.PlanResponse{Planned: v, Diagnostics: diags}
	if providers.Exists(req.Live) && !providers.Equal(v, req.Live) {
		resp.Reasons = []string{"CA certificate changed"}
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
		diags = append(diags, diag(req.Address, "CA certificate not known",
			"The CA certificate is still unknown at apply; it must be applied before the issuer."))
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
