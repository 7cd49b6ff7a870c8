package jks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pfx"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// Read implements providers.Provider. It opens the keystore with the
// configured password and reports the aliases certform manages as they
// are in the file; aliases it does not manage are not read into the value.
// A missing file reads as null; one that cannot be opened has null
// entries (Plan says why).
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	path := providers.String(req.Prior, "path")
	st, err := storefile.Inspect(req.Env.FS, path, providers.String(req.Prior, "file_mode"))
	if err != nil {
		return providers.ReadResponse{Live: req.Prior, Diagnostics: hcl.Diagnostics{pki.Errorf(req.Address, "Cannot read file", err.Error()+".")}}
	}
	if !st.Exists() {
		return providers.ReadResponse{Live: providers.Null}
	}
	live := req.Prior.AsValueMap()
	live["mode"] = cty.StringVal(st.Mode)
	pw := providers.Attr(req.Config, "password")
	if !providers.Exists(pw) || pw.Type() != cty.String {
		return providers.ReadResponse{Live: cty.ObjectVal(live)}
	}
	p.remember(req.Address, path, pw.AsString())
	f, err := open(st.Content, pw.AsString())
	if err != nil {
		live["entries"] = cty.NullVal(cty.DynamicPseudoType)
		return providers.ReadResponse{Live: cty.ObjectVal(live)}
	}
	live["type"] = cty.StringVal(f.kind)
	ent := map[string]info{}
	for _, a := range aliasesOf(providers.Attr(req.Prior, "entries")) {
		if i, ok := f.entries[a]; ok {
			ent[a] = i
		}
	}
	live["entries"] = entriesValue(ent)
	if alias := providers.String(req.Prior, "alias"); alias != "" {
		live["certificate_fingerprint"] = cty.NullVal(cty.String)
		if i, ok := ent[alias]; ok {
			live["certificate_fingerprint"] = cty.StringVal(i.fp)
		}
	}
	return providers.ReadResponse{Live: cty.ObjectVal(live)}
}

// Plan implements providers.Provider. The keystore is rewritten when an
// alias certform manages differs from the configuration, is missing or is
// no longer wanted, when its type or mode differs, or when it does not
// exist; every other alias is kept as it is.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	r, diags := compute(req.Address, req.Config, req.Prior, req.Env)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	if r.s.passwordKnown {
		p.remember(req.Address, r.s.path, r.s.password)
	}
	resp := providers.PlanResponse{Planned: r.value, Diagnostics: diags}
	if !r.write && r.moved == "" && providers.Equal(r.value, req.Live) {
		return resp
	}
	resp.Reasons = r.reasons
	if r.write {
		resp.Files = append(resp.Files, providers.FileChange{
			Path: r.s.path, Before: r.st.Content, After: r.data, AfterUnknown: r.data == nil, Sensitive: true,
		})
	}
	return resp
}

// result is what Plan and Apply work out from the configuration and the
// file on disk.
type result struct {
	s     settings
	st    storefile.State
	old   *file
	known bool
	write bool
	data  []byte
	value cty.Value
	// moved is the previous path when path changed.
	moved   string
	reasons []string
}

func compute(address string, config, prior cty.Value, env *providers.Env) (result, hcl.Diagnostics) {
	s, diags := parseSettings(address, config)
	if diags.HasErrors() {
		return result{}, diags
	}
	want, known, d := wanted(address, s, env)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return result{}, diags
	}
	r := result{s: s, known: known && s.passwordKnown}
	var err error
	if r.st, err = storefile.Inspect(env.FS, s.path, storefile.FormatMode(s.mode)); err != nil {
		return result{}, append(diags, pki.Errorf(address, "Cannot read file", err.Error()+"."))
	}
	if r.st.Exists() && s.passwordKnown {
		if r.old, err = open(r.st.Content, s.password); err != nil {
			return result{}, append(diags, unreadable(address, s.path, err))
		}
	}

	managed := map[string]bool{}
	samePath := providers.Exists(prior) && providers.String(prior, "path") == s.path
	if samePath {
		for _, a := range aliasesOf(providers.Attr(prior, "entries")) {
			managed[a] = true
		}
	} else if providers.Exists(prior) {
		r.moved = providers.String(prior, "path")
	}
	wantInfo := map[string]info{}
	for _, e := range want {
		wantInfo[e.alias] = e.info()
	}
	if r.old != nil && r.known {
		for _, e := range want {
			if i, ok := r.old.entries[e.alias]; ok && !managed[e.alias] && !i.equal(wantInfo[e.alias]) {
				diags = append(diags, pki.Errorf(address, "Alias already in use",
					fmt.Sprintf("%s already holds alias %q (%s) with another certificate, and certform does not manage it. Choose another alias (alias, alias_prefix), or remove it with keytool -delete -alias %s -keystore %s.", s.path, e.alias, describe(i), e.alias, s.path)))
			}
		}
		if diags.HasErrors() {
			return result{}, diags
		}
	}
	var others []string
	if r.old != nil {
		for _, a := range sortedAliases(r.old.entries) {
			if _, w := wantInfo[a]; !w && !managed[a] {
				others = append(others, a)
			}
		}
	}

	mode := storefile.FormatMode(s.mode)
	v := map[string]cty.Value{
		"path":                    cty.StringVal(s.path),
		"type":                    cty.StringVal(s.kind),
		"file_mode":               cty.StringVal(mode),
		"mode":                    cty.StringVal(mode),
		"alias":                   cty.NullVal(cty.String),
		"certificate_fingerprint": cty.NullVal(cty.String),
	}
	if !s.cert.IsNull() {
		v["alias"] = cty.StringVal(s.alias)
		v["certificate_fingerprint"] = cty.UnknownVal(cty.String)
		if i, ok := wantInfo[s.alias]; ok && r.known {
			v["certificate_fingerprint"] = cty.StringVal(i.fp)
		}
	}
	if !r.known {
		r.write = true
		v["entries"] = cty.UnknownVal(cty.DynamicPseudoType)
		v["other_aliases"] = cty.UnknownVal(cty.List(cty.String))
		v["file_hash"] = cty.UnknownVal(cty.String)
		r.value = cty.ObjectVal(v)
		r.reasons = []string{s.path + " will be written; its entries are known after apply"}
		return r, diags
	}

	r.write = r.old == nil || r.old.kind != s.kind || r.st.Mode != mode
	for alias, wi := range wantInfo {
		if oi, ok := r.old.entriesOrNil()[alias]; !ok || !oi.equal(wi) {
			r.write = true
		}
	}
	for a := range managed {
		if _, w := wantInfo[a]; !w {
			if _, inFile := r.old.entriesOrNil()[a]; inFile {
				r.write = true
			}
		}
	}
	if r.write {
		if r.data, err = build(s.kind, s.password, r.old, managed, want); err != nil {
			return result{}, append(diags, pki.Errorf(address, "Cannot write keystore", err.Error()+"."))
		}
		v["file_hash"] = cty.StringVal(storefile.Hash(r.data))
		v["other_aliases"] = providers.StringList(others)
	} else if samePath {
		v["file_hash"] = cty.StringVal(providers.String(prior, "file_hash"))
		v["other_aliases"] = providers.StringList(providers.Strings(prior, "other_aliases"))
	} else {
		v["file_hash"] = cty.StringVal(r.st.Hash)
		v["other_aliases"] = providers.StringList(others)
	}
	v["entries"] = entriesValue(wantInfo)
	r.value = cty.ObjectVal(v)
	r.reasons = reasons(r, prior, managed, wantInfo, others)
	return r, diags
}

func (f *file) entriesOrNil() map[string]info {
	if f == nil {
		return nil
	}
	return f.entries
}

// reasons says what a rewrite changes, alias by alias.
func reasons(r result, prior cty.Value, managed map[string]bool, want map[string]info, others []string) []string {
	var out []string
	path := r.s.path
	switch {
	case !r.st.Exists() && len(managed) > 0:
		out = append(out, path+" is missing")
	case !r.st.Exists():
		out = append(out, path+" will be created")
	case r.old.kind != r.s.kind:
		out = append(out, fmt.Sprintf("%s is a %s keystore; it will be converted to %s", path, r.old.kind, r.s.kind))
	}
	recorded := providers.Attr(prior, "entries")
	for _, alias := range sortedAliases(want) {
		wi := want[alias]
		oi, inFile := r.old.entriesOrNil()[alias]
		switch {
		case !r.st.Exists():
		case !inFile && managed[alias]:
			out = append(out, fmt.Sprintf("alias %s is missing from %s (deleted outside certform)", alias, path))
		case !inFile:
			out = append(out, fmt.Sprintf("adds alias %s (%s)", alias, describe(wi)))
		case oi.equal(wi) && !managed[alias]:
			out = append(out, fmt.Sprintf("adopts alias %s, already in %s with the same certificate", alias, path))
		case oi.equal(wi):
		case providers.Equal(providers.Attr(recorded, alias), entriesValue(map[string]info{alias: wi}).GetAttr(alias)):
			out = append(out, fmt.Sprintf("alias %s changed outside certform (now %s)", alias, describe(oi)))
		default:
			out = append(out, fmt.Sprintf("alias %s: %s changed", alias, map[bool]string{true: "CA certificate", false: "certificate"}[wi.trusted]))
		}
	}
	for _, a := range sortedAliases(managed) {
		if _, w := want[a]; !w {
			if _, inFile := r.old.entriesOrNil()[a]; inFile {
				out = append(out, "removes alias "+a)
			}
		}
	}
	if r.st.Exists() && r.st.Mode != storefile.FormatMode(r.s.mode) {
		out = append(out, fmt.Sprintf("%s has mode %s, want %s", path, r.st.Mode, storefile.FormatMode(r.s.mode)))
	}
	if r.write && len(others) > 0 {
		out = append(out, fmt.Sprintf("keeps %d alias(es) certform does not manage: %s", len(others), strings.Join(others, ", ")))
	}
	if r.moved != "" {
		out = append(out, "path changed: certform's aliases will be removed from "+r.moved)
	}
	return out
}

func describe(i info) string {
	kind := "PrivateKeyEntry"
	if i.trusted {
		kind = "trustedCertEntry"
	}
	return fmt.Sprintf("%s %s, SHA-256 %s…", kind, i.subject, i.fp[:16])
}

// unreadable explains why a keystore cannot be opened. certform never
// rewrites such a file: the aliases others added would be lost.
func unreadable(address, path string, err error) *hcl.Diagnostic {
	var unsupported *pfx.UnsupportedError
	switch {
	case errors.Is(err, errWrongPassword):
		return pki.Errorf(address, "Wrong keystore password",
			fmt.Sprintf("%s cannot be opened with the configured password (%s). certform does not rewrite a keystore it cannot read, since the aliases it does not manage would be lost. Set password to the keystore's; to change the keystore's password, use keytool -storepasswd -keystore %s first.", path, err, path))
	case errors.As(err, &unsupported):
		return pki.Errorf(address, "Unsupported keystore",
			fmt.Sprintf("%s uses %s, which certform does not read, so it does not rewrite it. Convert it with keytool -importkeystore (Java 17 writes AES-256).", path, unsupported.What))
	}
	return pki.Errorf(address, "Unreadable keystore",
		fmt.Sprintf("%s cannot be read: %s. certform does not rewrite a keystore it cannot read; restore it, or move it away to have certform write a new one.", path, err))
}
