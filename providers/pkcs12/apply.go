package pkcs12

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
)

// Apply implements providers.Provider. It writes the file atomically with
// its mode, removes the file of an old path, and on delete removes the
// file it wrote.
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		if path := providers.String(prior, "path"); path != "" {
			if err := req.Env.FS.Remove(path); err != nil {
				return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{pki.Errorf(req.Address, "Cannot remove file", err.Error()+".")}}
			}
		}
		return providers.ApplyResponse{New: providers.Null}
	}
	d, diags := resolve(req.Address, req.Config, req.Env)
	if !diags.HasErrors() && d.data == nil {
		diags = append(diags, pki.Errorf(req.Address, "Content not known",
			"The certificate or password is still unknown at apply; the certificate must be applied first."))
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	if err := req.Env.FS.WriteFile(d.s.path, d.data, d.s.mode); err != nil {
		return providers.ApplyResponse{New: prior, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot write file", err.Error()+"."))}
	}
	if old := providers.String(prior, "path"); old != "" && old != d.s.path {
		if err := req.Env.FS.Remove(old); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Old file not removed",
				Detail: req.Address + ": " + old + " is no longer the store's path but could not be removed: " + err.Error() + ". Delete it by hand."})
		}
	}
	return providers.ApplyResponse{New: d.value, Diagnostics: diags}
}
