package component

import (
	"context"
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/ini"
)

// Plan works out the file with the URL set. Planned equals Live when the
// file already holds the URL. Moving url_in to another file, section or key
// replaces the resource: the old key is restored and the new one set.
func (p *Provider) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	var resp providers.PlanResponse
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return planRemoval(req)
	}
	cfg, err := decodeConfig(req.Config)
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, err)
		return resp
	}
	var prior *state
	if providers.Exists(req.Prior) {
		if prior, err = decodeState(req.Prior); err != nil {
			resp.Diagnostics = stateDiag(req.Address, err)
			return resp
		}
		if err := prior.fillOriginal(req.Env.FS); err != nil {
			resp.Diagnostics = loadDiag(req.Address, err)
			return resp
		}
	}
	if !cfg.known {
		resp.Planned = cty.DynamicVal
		resp.RequiresReplace = prior != nil
		resp.Reasons = []string{"url_in known after apply"}
		return resp
	}
	if prior != nil && !prior.same(cfg.target) {
		resp.RequiresReplace = true
		resp.Reasons = append(resp.Reasons, fmt.Sprintf("url_in changed from %s to %s", prior.target, cfg.target))
		old, err := undo(req.Env.FS, prior)
		if err != nil {
			resp.Diagnostics = loadDiag(req.Address, err)
			return resp
		}
		if old != nil && old.Changed() && old.Name != cfg.file {
			resp.Files = append(resp.Files, providers.FileChange{Path: old.Name, Before: old.Before, After: old.Doc.Bytes(), Sensitive: prior.holdsSecrets()})
		}
		if old != nil && old.Name == cfg.file {
			// The new key is set in the restored file, as Apply does.
			out := p.planIn(req, &resp, old, nil, cfg)
			for i := range out.Files {
				out.Files[i].Sensitive = out.Files[i].Sensitive || prior.holdsSecrets()
			}
			return out
		}
		prior = nil
	}
	f, err := ini.Load(req.Env.FS, cfg.file)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	return p.planIn(req, &resp, f, prior, cfg)
}

// planIn finishes a plan for the loaded file f.
func (p *Provider) planIn(req providers.PlanRequest, resp *providers.PlanResponse, f *ini.File, prior *state, cfg *config) providers.PlanResponse {
	if !f.Exists {
		resp.Diagnostics = missingDiag(req.Address, cfg.file)
		return *resp
	}
	before := f.Before
	next, unknown, reasons, err := edit(f, prior, cfg)
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, err)
		return *resp
	}
	resp.Planned = next.value()
	resp.Reasons = append(resp.Reasons, reasons...)
	secret := prior != nil && prior.holdsSecrets()
	switch {
	case unknown:
		resp.Files = append(resp.Files, providers.FileChange{Path: cfg.file, Before: before, AfterUnknown: true, Sensitive: secret})
	case f.Changed():
		resp.Files = append(resp.Files, providers.FileChange{Path: cfg.file, Before: before, After: f.Doc.Bytes(), Sensitive: secret})
	}
	return *resp
}

// planRemoval plans the delete of a recorded component: Planned is null,
// and Files shows its file with the key's original value back.
func planRemoval(req providers.PlanRequest) providers.PlanResponse {
	resp := providers.PlanResponse{Planned: providers.Null}
	if !providers.Exists(req.Prior) {
		return resp
	}
	prior, err := decodeState(req.Prior)
	if err != nil {
		resp.Diagnostics = stateDiag(req.Address, err)
		return resp
	}
	if err := prior.fillOriginal(req.Env.FS); err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	f, err := undo(req.Env.FS, prior)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	if f != nil && f.Changed() {
		resp.Files = append(resp.Files, providers.FileChange{Path: f.Name, Before: f.Before, After: f.Doc.Bytes(), Sensitive: prior.holdsSecrets()})
	}
	return resp
}
