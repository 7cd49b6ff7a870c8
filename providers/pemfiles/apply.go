package pemfiles

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

// Apply implements providers.Provider. It writes every file whose content
// or mode differs from what is on disk (each atomically, with its mode),
// removes files the store no longer names, and on delete removes every file
// it wrote. A file that was there before the store first wrote it is kept
// as FILE.certform.backup, and put back instead of removed. When a write
// fails, the returned value records the files as they are on disk (see
// onDisk), so the next plan shows what is left to do.
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		return p.delete(req)
	}
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	d, diags := resolve(req.Address, req.Config, req.Env)
	if !diags.HasErrors() && !d.value().IsWhollyKnown() {
		diags = append(diags, errorf(req.Address, "Content not known",
			"The certificate or trust chains are still unknown at apply; they must be applied first."))
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}

	written := entries(providers.Attr(prior, "files"))
	done := map[string]bool{} // the files written in this apply
	for _, f := range d.files {
		st, err := inspect(req.Env.FS, f.path, storefile.FormatMode(f.mode))
		if err == nil && st.content != nil && bytes.Equal(st.content, f.content) && stringOf(st.mode) == storefile.FormatMode(f.mode) {
			continue
		}
		if _, ours := written[f.path]; st.content != nil && !ours {
			if err := keepOriginal(req.Env.FS, f.path, st.content); err != nil {
				diags = append(diags, errorf(req.Address, "Cannot back up file", fmt.Sprintf("%s.", err)))
				return providers.ApplyResponse{New: onDisk(req.Env.FS, prior, d, done), Diagnostics: diags}
			}
		}
		if err := req.Env.FS.WriteFile(f.path, f.content, f.mode); err != nil {
			diags = append(diags, errorf(req.Address, "Cannot write file", fmt.Sprintf("%s.", err)))
			return providers.ApplyResponse{New: onDisk(req.Env.FS, prior, d, done), Diagnostics: diags}
		}
		done[f.path] = true
	}
	wanted := map[string]bool{}
	for _, f := range d.files {
		wanted[f.path] = true
	}
	for _, path := range sortedKeys(entries(providers.Attr(prior, "files"))) {
		if wanted[path] {
			continue
		}
		if err := removeOrRestore(req.Env.FS, path); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Old file not removed",
				Detail:   fmt.Sprintf("%s: %s is no longer part of the store but could not be removed: %s. Delete it by hand.", req.Address, path, err),
			})
		}
	}
	return providers.ApplyResponse{New: d.value(), Diagnostics: diags}
}

// delete removes every file the store wrote, or puts back the one that was
// there before.
func (p *Provider) delete(req providers.ApplyRequest) providers.ApplyResponse {
	var diags hcl.Diagnostics
	for _, path := range sortedKeys(entries(providers.Attr(req.Prior, "files"))) {
		if err := removeOrRestore(req.Env.FS, path); err != nil {
			diags = append(diags, errorf(req.Address, "Cannot remove file", fmt.Sprintf("%s.", err)))
		}
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: req.Prior, Diagnostics: diags}
	}
	return providers.ApplyResponse{New: providers.Null, Diagnostics: diags}
}

// onDisk is the desired value with the files as they are on disk after a
// failed write: every file the prior value names (an old path not removed
// yet is still the store's, to remove next time) and every file written in
// this apply, each with its hash and mode as they are now (null when it is
// missing). A file at a new path that was not written yet is left out, so
// that a file that was there before certform is never taken for the
// store's own. When nothing was written, that is the prior value as it is.
func onDisk(fsys providers.FS, prior cty.Value, d desired, done map[string]bool) cty.Value {
	if len(done) == 0 {
		return prior
	}
	recorded := entries(providers.Attr(prior, "modes"))
	want := map[string]string{}
	for _, f := range d.files {
		want[f.path] = storefile.FormatMode(f.mode)
	}
	hashes, modes := map[string]cty.Value{}, map[string]cty.Value{}
	note := func(path, mode string) {
		st, _ := inspect(fsys, path, mode)
		hashes[path], modes[path] = st.hash, st.mode
	}
	for path := range entries(providers.Attr(prior, "files")) {
		mode := stringOf(recorded[path])
		if m, ok := want[path]; ok {
			mode = m
		}
		note(path, mode)
	}
	for path := range done {
		note(path, want[path])
	}
	m := d.value().AsValueMap()
	m["files"], m["modes"] = stringMap(hashes), stringMap(modes)
	return cty.ObjectVal(m)
}
