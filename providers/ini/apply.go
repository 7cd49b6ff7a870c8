package ini

import (
	"context"
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Apply edits the file under its FS lock, re-reading it inside the lock so
// that resources sharing the file do not undo each other. Before the first
// change it keeps a copy of the file in path+BackupSuffix. A null Planned
// value means delete: every managed key goes back to its original value,
// keys certform added are removed, and so is the file if certform created
// it and nothing else was added since.
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
		if err := prior.fillOriginals(req.Env.FS); err != nil {
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
	if err == nil && !req.Config.IsWhollyKnown() {
		err = errors.New("some values are still unknown at apply time")
	}
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, err)
		return resp
	}
	if prior != nil && prior.path != cfg.path {
		if err := destroy(req.Env.FS, prior); err != nil {
			resp.Diagnostics = applyDiag(req.Address, err)
			return resp
		}
		prior, resp.New = nil, providers.Null
	}
	unlock := req.Env.FS.Lock(cfg.path)
	defer unlock()
	f, err := Load(req.Env.FS, cfg.path)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	if !f.Exists && !cfg.create {
		resp.Diagnostics = missingDiag(req.Address, cfg.path)
		return resp
	}
	ch, err := edit(f.Doc, f.Exists, prior, cfg)
	if err != nil {
		resp.Diagnostics = configDiag(req.Address, fmt.Errorf("editing %s: %w", cfg.path, err))
		return resp
	}
	if err := f.Save(req.Env.FS); err != nil {
		resp.Diagnostics = applyDiag(req.Address, err)
		return resp
	}
	resp.New = ch.next.value()
	return resp
}

// destroy undoes what prior did to its file, under the file's lock.
func destroy(fsys providers.FS, prior *state) error {
	unlock := fsys.Lock(prior.path)
	defer unlock()
	f, remove, err := undo(fsys, prior)
	switch {
	case err != nil:
		return err
	case f == nil:
		return nil
	case remove:
		return fsys.Remove(prior.path)
	}
	return f.Save(fsys)
}
