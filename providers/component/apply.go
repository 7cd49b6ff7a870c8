package component

import (
	"context"
	"errors"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/ini"
)

// Apply writes the URL under the file's FS lock, re-reading the file inside
// the lock, and keeps a backup of the original file on the first change
// (see ini.File.Save). A null Planned value restores the key's original
// value, or removes the key (and the section, when certform added it)
// if it did not exist.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	resp := providers.ApplyResponse{New: providers.Null}
	if providers.Exists(req.Prior) {
		resp.New = req.Prior
	}
	var prior *state
	if providers.Exists(req.Prior) {
		var err error
		if prior, err = decodeState(req.Prior); err != nil {
			resp.Diagnostics = stateDiag(req.Address, err)
			return resp
		}
		if err := prior.fillOriginal(req.Env.FS); err != nil {
			resp.Diagnostics = loadDiag(req.Address, err)
			return resp
		}
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		if prior != nil {
			if err := destroy(req.Env.FS, prior); err != nil {
				resp.Diagnostics = applyDiag(req.Address, err)
				return resp
			}
		}
		resp.New = providers.Null
		return resp
	}
	cfg, err := decodeConfig(req.Config)
	if err == nil && (!cfg.known || !cfg.url.IsKnown()) {
		err = errors.New("url_in or the URL is still unknown at apply time")
	}
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, err)
		return resp
	}
	if prior != nil && !prior.same(cfg.target) {
		if err := destroy(req.Env.FS, prior); err != nil {
			resp.Diagnostics = applyDiag(req.Address, err)
			return resp
		}
		prior, resp.New = nil, providers.Null
	}
	unlock := req.Env.FS.Lock(cfg.file)
	defer unlock()
	f, err := ini.Load(req.Env.FS, cfg.file)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	if !f.Exists {
		resp.Diagnostics = missingDiag(req.Address, cfg.file)
		return resp
	}
	next, _, _, err := edit(f, prior, cfg)
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, err)
		return resp
	}
	if err := f.Save(req.Env.FS); err != nil {
		resp.Diagnostics = applyDiag(req.Address, err)
		return resp
	}
	resp.New = next.value()
	return resp
}
