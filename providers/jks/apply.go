package jks

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// Apply implements providers.Provider. It writes the keystore when the
// plan said so, keeping every alias certform does not manage, and on
// delete takes certform's aliases out (removing the file when nothing else
// is left in it).
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		return p.delete(req.Address, prior, req.Env)
	}
	r, diags := compute(req.Address, req.Config, prior, req.Env)
	if !diags.HasErrors() && !r.known {
		diags = append(diags, pki.Errorf(req.Address, "Content not known",
			"The certificate, trust chains or password are still unknown at apply; they must be applied first."))
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	if r.write {
		if err := req.Env.FS.WriteFile(r.s.path, r.data, r.s.mode); err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot write file", err.Error()+"."))}
		}
	}
	if r.moved != "" {
		p.remember(req.Address, r.moved, r.s.password)
		diags = append(diags, p.delete(req.Address, prior, req.Env).Diagnostics...)
	}
	return providers.ApplyResponse{New: r.value, Diagnostics: diags}
}

// delete takes the recorded aliases out of the keystore. Without the
// password (the block left the configuration, or no refresh ran), the file
// is removed only when it is exactly what certform wrote and held nothing
// else; otherwise it is left with a warning that says how to clean up.
func (p *Provider) delete(address string, prior cty.Value, env *providers.Env) providers.ApplyResponse {
	path := providers.String(prior, "path")
	aliases := aliasesOf(providers.Attr(prior, "entries"))
	st, err := storefile.Inspect(env.FS, path, providers.String(prior, "file_mode"))
	if err != nil {
		return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{pki.Errorf(address, "Cannot read file", err.Error()+".")}}
	}
	if !st.Exists() {
		return providers.ApplyResponse{New: providers.Null}
	}
	remove := func() providers.ApplyResponse {
		if err := env.FS.Remove(path); err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{pki.Errorf(address, "Cannot remove file", err.Error()+".")}}
		}
		return providers.ApplyResponse{New: providers.Null}
	}
	if pw, ok := p.recall(address, path); ok {
		if f, err := open(st.Content, pw); err == nil {
			drop := map[string]bool{}
			for _, a := range aliases {
				drop[a] = true
			}
			left := 0
			for a := range f.entries {
				if !drop[a] {
					left++
				}
			}
			if left == 0 {
				return remove()
			}
			data, err := build(f.kind, pw, f, drop, nil)
			if err == nil {
				mode, _ := strconv.ParseUint(st.Mode, 8, 32)
				err = env.FS.WriteFile(path, data, fs.FileMode(mode))
			}
			if err != nil {
				return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{pki.Errorf(address, "Cannot rewrite keystore", err.Error()+".")}}
			}
			return providers.ApplyResponse{New: providers.Null}
		}
	}
	if st.Hash == providers.String(prior, "file_hash") && len(providers.Strings(prior, "other_aliases")) == 0 {
		return remove()
	}
	var cmds []string
	for _, a := range aliases {
		cmds = append(cmds, fmt.Sprintf("keytool -delete -keystore %s -alias %s", path, a))
	}
	return providers.ApplyResponse{New: providers.Null, Diagnostics: hcl.Diagnostics{{
		Severity: hcl.DiagWarning,
		Summary:  "Keystore left in place",
		Detail: fmt.Sprintf("%s: %s holds aliases certform does not manage, and without the keystore password (it is never stored) certform cannot take its own aliases out. Remove them by hand: %s.",
			address, path, strings.Join(cmds, "; ")),
	}}}
}
