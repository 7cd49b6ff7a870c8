package systemtrust

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// Read implements providers.Provider. It hashes every anchor the store
// installed (a missing one has a null hash) and checks that the bundle
// holds every CA. When every anchor is gone, the store is gone.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	var diags hcl.Diagnostics
	files := map[string]cty.Value{}
	found := false
	for _, path := range sortedKeys(entries(providers.Attr(req.Prior, "files"))) {
		data, err := req.Env.FS.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			files[path] = cty.NullVal(cty.String)
		case err != nil:
			diags = append(diags, pki.Errorf(req.Address, "Cannot read file", err.Error()+"."))
			files[path] = cty.NullVal(cty.String)
		default:
			files[path] = cty.StringVal(storefile.Hash(data))
			found = true
		}
	}
	if !found && !diags.HasErrors() {
		return providers.ReadResponse{Live: providers.Null}
	}
	live := req.Prior.AsValueMap()
	live["files"] = cty.MapVal(files)
	if bundle := providers.String(req.Prior, "bundle"); bundle != "" {
		missing, err := missingFromBundle(req.Env.FS, bundle, providers.Strings(req.Prior, "certificates"), nil)
		if err != nil {
			diags = append(diags, pki.Errorf(req.Address, "Cannot read the system bundle", err.Error()+"."))
		}
		live["in_bundle"] = cty.BoolVal(err == nil && len(missing) == 0)
	}
	return providers.ReadResponse{Live: cty.ObjectVal(live), Diagnostics: diags}
}

// Plan implements providers.Provider. Every anchor whose content differs
// is listed with its diff; the update command runs when one changes or a
// CA is missing from the bundle.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	s, diags := parseSettings(req.Address, req.Config, req.Env.FS)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	anchors, known, d := desired(req.Address, s, req.Config)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	inBundle := cty.NullVal(cty.Bool)
	if s.bundle != "" {
		inBundle = cty.True
	}
	resp := providers.PlanResponse{Planned: value(s, anchors, known, inBundle), Diagnostics: diags}
	if providers.Equal(resp.Planned, req.Live) {
		return resp
	}
	cmd := s.command[0]
	if !known {
		resp.Reasons = []string{"the CA certificates are known only after apply; " + cmd + " will run"}
		return resp
	}
	recorded := entries(providers.Attr(req.Prior, "files"))
	live := entries(providers.Attr(req.Live, "files"))
	wanted := map[string]bool{}
	changed := false
	for _, a := range anchors {
		wanted[a.path] = true
		before, err := req.Env.FS.ReadFile(a.path)
		if err != nil {
			before = nil
		}
		if before != nil && storefile.Hash(before) == storefile.Hash(a.content) {
			continue
		}
		changed = true
		resp.Files = append(resp.Files, providers.FileChange{Path: a.path, Before: before, After: a.content})
		_, had := recorded[a.path]
		switch {
		case before == nil && had:
			resp.Reasons = append(resp.Reasons, a.path+" is missing")
		case before == nil:
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("installs %s (%s)", a.name, a.path))
		case had && !providers.Equal(live[a.path], recorded[a.path]):
			resp.Reasons = append(resp.Reasons, a.path+" changed outside certform")
		default:
			resp.Reasons = append(resp.Reasons, a.path+" will be rewritten")
		}
	}
	for _, path := range sortedKeys(recorded) {
		if wanted[path] {
			continue
		}
		if before, err := req.Env.FS.ReadFile(path); err == nil {
			changed = true
			resp.Files = append(resp.Files, providers.FileChange{Path: path, Before: before})
			resp.Reasons = append(resp.Reasons, "removes "+path)
		}
	}
	if s.bundle != "" && !changed {
		names := map[string]string{}
		var fps []string
		for _, a := range anchors {
			names[a.fp] = a.name
			fps = append(fps, a.fp)
		}
		missing, err := missingFromBundle(req.Env.FS, s.bundle, fps, names)
		if err != nil {
			return providers.PlanResponse{Planned: req.Live, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot read the system bundle", err.Error()+"."))}
		}
		if len(missing) > 0 {
			changed = true
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("%s does not hold %s", s.bundle, strings.Join(missing, ", ")))
		}
	}
	if changed {
		resp.Reasons = append(resp.Reasons, cmd+" will run")
	}
	return resp
}

// Apply implements providers.Provider. It writes the anchors that differ,
// removes those no longer wanted, runs the update command when anything
// changed or the bundle lacks a CA, and checks the bundle afterwards.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		return p.delete(ctx, req.Address, prior, req.Env)
	}
	s, diags := parseSettings(req.Address, req.Config, req.Env.FS)
	anchors, known, d := desired(req.Address, s, req.Config)
	diags = append(diags, d...)
	if !diags.HasErrors() && !known {
		diags = append(diags, pki.Errorf(req.Address, "CA certificates not known", "The trust chains are still unknown at apply; they must be applied first."))
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	changed := false
	wanted := map[string]bool{}
	for _, a := range anchors {
		wanted[a.path] = true
		if before, err := req.Env.FS.ReadFile(a.path); err == nil && storefile.Hash(before) == storefile.Hash(a.content) {
			continue
		}
		if err := req.Env.FS.WriteFile(a.path, a.content, fileMode); err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot write file", err.Error()+"."))}
		}
		changed = true
	}
	for _, path := range sortedKeys(entries(providers.Attr(prior, "files"))) {
		if !wanted[path] {
			if err := req.Env.FS.Remove(path); err != nil {
				diags = append(diags, pki.Warnf(req.Address, "Old anchor not removed", path+" could not be removed: "+err.Error()+". Delete it by hand."))
			}
			changed = true
		}
	}
	names := map[string]string{}
	var fps []string
	for _, a := range anchors {
		names[a.fp] = a.name
		fps = append(fps, a.fp)
	}
	inBundle := cty.NullVal(cty.Bool)
	if s.bundle != "" {
		missing, err := missingFromBundle(req.Env.FS, s.bundle, fps, names)
		changed = changed || err != nil || len(missing) > 0
	}
	if changed {
		if out, err := run(ctx, req.Env.FS, s.command); err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: append(diags, pki.Errorf(req.Address, "Trust store update failed",
				fmt.Sprintf("%s. Its output:\n%s", err, out)))}
		}
	}
	if s.bundle != "" {
		missing, err := missingFromBundle(req.Env.FS, s.bundle, fps, names)
		if err != nil || len(missing) > 0 {
			why := fmt.Sprintf("it does not hold %s", strings.Join(missing, ", "))
			if err != nil {
				why = err.Error()
			}
			return providers.ApplyResponse{New: value(s, anchors, true, cty.False), Diagnostics: append(diags, pki.Errorf(req.Address, "CA certificates not in the system bundle",
				fmt.Sprintf("%s ran, but %s: %s. Check that dir is where %s looks for local CA certificates.", strings.Join(s.command, " "), s.bundle, why, s.command[0])))}
		}
		inBundle = cty.True
	}
	return providers.ApplyResponse{New: value(s, anchors, true, inBundle), Diagnostics: diags}
}

// delete removes the anchors and runs the recorded update command.
func (p *Provider) delete(ctx context.Context, address string, prior cty.Value, env *providers.Env) providers.ApplyResponse {
	var diags hcl.Diagnostics
	for _, path := range sortedKeys(entries(providers.Attr(prior, "files"))) {
		if err := env.FS.Remove(path); err != nil {
			diags = append(diags, pki.Errorf(address, "Cannot remove file", err.Error()+"."))
		}
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	if argv := providers.Strings(prior, "command"); len(argv) > 0 {
		if out, err := run(ctx, env.FS, argv); err != nil {
			diags = append(diags, pki.Warnf(address, "Trust store update failed",
				fmt.Sprintf("The anchors were removed, but %s. Run it by hand. Its output:\n%s", err, out)))
		}
	}
	return providers.ApplyResponse{New: providers.Null, Diagnostics: diags}
}
