package pemfiles

import (
	"context"
	"fmt"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

// Plan implements providers.Provider. Every file whose content or mode
// will change is listed in Files, with its content on disk and the content
// to write; the key file is marked sensitive. Files are rewritten in place:
// a store never needs replacing.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null, Files: p.removals(req)}
	}
	d, diags := resolve(req.Address, req.Config, req.Env)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	resp := providers.PlanResponse{Diagnostics: diags}

	priorHashes := entries(providers.Attr(req.Prior, "files"))
	liveHashes := entries(providers.Attr(req.Live, "files"))
	liveModes := entries(providers.Attr(req.Live, "modes"))
	recorded := providers.Exists(req.Prior)
	wanted := map[string]bool{}
	for _, f := range d.files {
		wanted[f.path] = true
		got, want := liveHashes[f.path], cty.UnknownVal(cty.String)
		if f.known {
			want = cty.StringVal(hash(f.content))
		}
		present := providers.Exists(got)
		contentChanged := !present || !providers.Equal(got, want)
		modeChanged := present && stringOf(liveModes[f.path]) != storefile.FormatMode(f.mode)
		if !contentChanged && !modeChanged {
			continue
		}
		resp.Files = append(resp.Files, p.change(req, f))
		switch _, had := priorHashes[f.path]; {
		case !present && recorded && had:
			resp.Reasons = append(resp.Reasons, f.path+" is missing")
		case !present && resp.Files[len(resp.Files)-1].Before != nil:
			resp.Reasons = append(resp.Reasons, f.path+" exists: it is kept as "+backupPath(f.path)+" and replaced")
		case !present:
			resp.Reasons = append(resp.Reasons, f.path+" will be created")
		case had && !providers.Equal(got, priorHashes[f.path]):
			resp.Reasons = append(resp.Reasons, f.path+" changed outside certform")
		case contentChanged:
			resp.Reasons = append(resp.Reasons, f.path+" will be rewritten")
		}
		if modeChanged {
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("%s has mode %s, want %s", f.path, stringOf(liveModes[f.path]), storefile.FormatMode(f.mode)))
		}
	}
	for _, path := range sortedKeys(priorHashes) {
		if wanted[path] {
			continue
		}
		before, _ := req.Env.FS.ReadFile(path)
		after, err := req.Env.FS.ReadFile(backupPath(path))
		reason := path + " will be put back as it was before certform"
		if err != nil {
			after, reason = nil, path+" will be removed"
		}
		resp.Files = append(resp.Files, providers.FileChange{Path: path, Before: before, After: after, Sensitive: providers.String(req.Prior, "key") == path})
		resp.Reasons = append(resp.Reasons, reason)
	}
	if len(resp.Files) == 0 && d.matches(req.Live) {
		resp.Planned, resp.NoChange = req.Live, true
		return resp
	}
	resp.Planned = d.value()
	return resp
}

// change describes the rewrite of one file.
func (p *Provider) change(req providers.PlanRequest, f file) providers.FileChange {
	before, err := req.Env.FS.ReadFile(f.path)
	if err != nil {
		before = nil
	}
	return providers.FileChange{
		Path:         f.path,
		Before:       before,
		After:        f.content,
		AfterUnknown: !f.known,
		Sensitive:    f.sensitive(),
	}
}

// removals lists what delete does to each file the store wrote: the file
// that was there before put back, or the file removed.
func (p *Provider) removals(req providers.PlanRequest) []providers.FileChange {
	var out []providers.FileChange
	key := providers.String(req.Prior, "key")
	for _, path := range sortedKeys(entries(providers.Attr(req.Prior, "files"))) {
		before, err := req.Env.FS.ReadFile(path)
		if err != nil {
			continue // gone already
		}
		after, err := req.Env.FS.ReadFile(backupPath(path))
		if err != nil {
			after = nil
		}
		out = append(out, providers.FileChange{Path: path, Before: before, After: after, Sensitive: path == key})
	}
	return out
}
