package ini

import (
	"context"
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Plan works out the file after the change: the current file with every
// configured key set, and the keys the resource no longer names restored.
// Planned equals Live when no key changes. A changed path replaces the
// resource: the old file is restored and the new one edited.
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
		// The originals the state hid are read from the file's backup
		// only when this plan puts them back: when it moves the file or
		// stops managing a key. Otherwise they stay hidden (null) in
		// Planned as in Prior, and Apply reads them when it needs them.
		if prior.path != cfg.path || prior.dropsKeys(cfg) {
			if err := prior.fillOriginals(req.Env.FS); err != nil {
				resp.Diagnostics = loadDiag(req.Address, err)
				return resp
			}
		}
	}
	if !cfg.pathKnown {
		resp.Planned = cty.DynamicVal
		resp.RequiresReplace = prior != nil
		resp.Reasons = []string{"path known after apply"}
		return resp
	}
	if prior != nil && prior.path != cfg.path {
		resp.RequiresReplace = true
		resp.Reasons = append(resp.Reasons, fmt.Sprintf("path changed from %q to %q", prior.path, cfg.path))
		fc, err := planDelete(req.Env.FS, prior)
		if err != nil {
			resp.Diagnostics = loadDiag(req.Address, err)
			return resp
		}
		if fc != nil {
			resp.Files = append(resp.Files, *fc)
		}
		prior = nil
	}
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
	if prior != nil && !ch.unknown && !f.Changed() && len(ch.reasons) == 0 && ch.next.sameAs(prior) {
		// Read only changes the keys, and every key is as recorded and
		// configured: the live value is the one to keep.
		resp.Planned, resp.NoChange = req.Live, true
		return resp
	}
	resp.Planned = ch.next.value()
	if !f.Exists {
		resp.Reasons = append(resp.Reasons, fmt.Sprintf("%s will be created", cfg.path))
	}
	resp.Reasons = append(resp.Reasons, ch.reasons...)
	secret := prior != nil && prior.holdsSecrets()
	switch {
	case ch.unknown:
		resp.Files = append(resp.Files, providers.FileChange{Path: cfg.path, Before: f.Before, AfterUnknown: true, Sensitive: secret})
	case f.Changed():
		resp.Files = append(resp.Files, providers.FileChange{Path: cfg.path, Before: f.Before, After: f.Doc.Bytes(), Sensitive: secret})
	}
	return resp
}

// planRemoval plans the delete of a recorded resource: Planned is null, and
// Files shows the file with the original values back, the keys certform
// added gone, or the file removed if certform created it.
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
	if err := prior.fillOriginals(req.Env.FS); err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	fc, err := planDelete(req.Env.FS, prior)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	if fc != nil {
		resp.Files = append(resp.Files, *fc)
	}
	return resp
}

// planDelete returns the change delete makes to a file, nil when none.
func planDelete(fsys providers.FS, prior *state) (*providers.FileChange, error) {
	f, removed, err := undo(fsys, prior)
	if err != nil || f == nil {
		return nil, err
	}
	fc := &providers.FileChange{Path: prior.path, Before: f.Before, Sensitive: prior.holdsSecrets()}
	switch {
	case removed:
	case f.Changed():
		fc.After = f.Doc.Bytes()
	default:
		return nil, nil
	}
	return fc, nil
}

// undo loads the file prior edited and restores it in memory: the original
// values back, the keys certform added gone. It reports whether the file
// should then be removed: certform created it and nothing else is left in
// it. A missing file gives a nil File.
func undo(fsys providers.FS, prior *state) (f *File, remove bool, err error) {
	f, err = Load(fsys, prior.path)
	if err != nil || !f.Exists {
		return nil, false, err
	}
	if _, err := edit(f.Doc, true, prior, &config{path: prior.path, pathKnown: true}); err != nil {
		return nil, false, fmt.Errorf("restoring %s: %w", prior.path, err)
	}
	return f, prior.createdFile && f.Doc.Empty(), nil
}
