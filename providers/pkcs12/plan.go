package pkcs12

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pfx"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// contentAttrs are the attributes Read takes from the file's content.
var contentAttrs = []string{"encryption", "friendly_name", "certificate_fingerprint", "thumbprint_sha1", "chain", "key_id"}

// Read implements providers.Provider. It opens the file with the
// configured password and reports what it holds; when it cannot be
// opened, the content attributes are null (Plan says why). A missing file
// reads as null.
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
	live["file_hash"], live["mode"] = cty.StringVal(st.Hash), cty.StringVal(st.Mode)
	pw := providers.Attr(req.Config, "password")
	if !providers.Exists(pw) {
		// The block left the configuration: nothing to open it with.
		return providers.ReadResponse{Live: cty.ObjectVal(live)}
	}
	ct, err := decode(st.Content, pw.AsString())
	if err != nil {
		for _, n := range contentAttrs {
			live[n] = cty.NullVal(cty.String)
		}
		live["chain"] = cty.NullVal(cty.List(cty.String))
		return providers.ReadResponse{Live: cty.ObjectVal(live)}
	}
	v := value(settings{}, ct, "", "").AsValueMap()
	for _, n := range contentAttrs {
		live[n] = v[n]
	}
	return providers.ReadResponse{Live: cty.ObjectVal(live)}
}

// Plan implements providers.Provider. The file is rewritten in place when
// its content or mode differs from what the configuration asks for; the
// file change is marked sensitive (it holds the private key).
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	d, diags := resolve(req.Address, req.Config, req.Env)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	st, err := storefile.Inspect(req.Env.FS, d.s.path, storefile.FormatMode(d.s.mode))
	if err != nil {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot read file", err.Error()+"."))}
	}
	var reasons []string
	var onDisk *content
	if st.Exists() && d.s.passwordKnown {
		ct, err := decode(st.Content, d.s.password)
		switch {
		case err == nil:
			onDisk = &ct
		case ours(req.Prior, d.s.path, st.Hash):
			reasons = append(reasons, "the password changed: "+d.s.path+" will be written with the new one")
		default:
			return providers.PlanResponse{Planned: req.Live, Diagnostics: append(diags, unreadable(req.Address, d.s.path, err))}
		}
	}

	resp := providers.PlanResponse{Planned: d.value, Diagnostics: diags}
	oldPath := providers.String(req.Prior, "path")
	moved := oldPath != "" && oldPath != d.s.path
	if providers.Equal(d.value, req.Live) && !moved {
		return resp
	}
	switch {
	case !providers.Exists(req.Live) && providers.Exists(req.Prior) && !moved:
		reasons = append(reasons, d.s.path+" is missing")
	case !st.Exists():
		reasons = append(reasons, d.s.path+" will be created")
	case !providers.Exists(req.Live) || moved:
		what := "a file certform cannot open"
		if onDisk != nil {
			what = fmt.Sprintf("the certificate %s", short(onDisk.fingerprint))
		}
		reasons = append(reasons, fmt.Sprintf("%s exists (holding %s) and will be replaced", d.s.path, what))
	default:
		reasons = append(reasons, changeReasons(req.Prior, req.Live, d.value, d.s.path)...)
	}
	if moved {
		reasons = append(reasons, "path changed: "+oldPath+" will be removed")
	}
	resp.Reasons = reasons
	if st.Hash != providers.String(d.value, "file_hash") || !st.Exists() {
		resp.Files = append(resp.Files, providers.FileChange{
			Path: d.s.path, Before: st.Content, After: d.data, AfterUnknown: d.data == nil, Sensitive: true,
		})
	}
	if moved {
		if before, err := req.Env.FS.ReadFile(oldPath); err == nil {
			resp.Files = append(resp.Files, providers.FileChange{Path: oldPath, Before: before, Sensitive: true})
		}
	}
	return resp
}

// ours reports whether the file on disk is the one certform wrote last.
func ours(prior cty.Value, path, hash string) bool {
	return providers.Exists(prior) && providers.String(prior, "path") == path && providers.String(prior, "file_hash") == hash
}

// unreadable explains why a file certform did not write cannot be opened.
func unreadable(address, path string, err error) *hcl.Diagnostic {
	var unsupported *pfx.UnsupportedError
	switch {
	case errors.Is(err, pfx.ErrWrongPassword):
		return pki.Errorf(address, "Wrong password for PKCS#12 file",
			fmt.Sprintf("%s cannot be opened with the configured password (%s). certform does not overwrite a file it cannot read. Set password to the one the file was made with, or move the file away if it is to be replaced.", path, err))
	case errors.As(err, &unsupported):
		return pki.Errorf(address, "Unsupported PKCS#12 file",
			fmt.Sprintf("%s uses %s, which certform does not read, so it does not overwrite it. Move the file away if it is to be replaced.", path, unsupported.What))
	}
	return pki.Errorf(address, "Unreadable PKCS#12 file",
		fmt.Sprintf("%s cannot be read: %s. certform does not overwrite a file it cannot read; restore it, or move it away to have certform write it anew.", path, err))
}

// changeReasons says what differs between the live file and the planned
// one, in terms a reviewer can check (fingerprints, names, schemes), and
// whether it changed outside certform.
func changeReasons(prior, live, planned cty.Value, path string) []string {
	var out []string
	for _, n := range []struct{ attr, what string }{
		{"certificate_fingerprint", "certificate"},
		{"chain", "chain"},
		{"key_id", "private key"},
		{"friendly_name", "friendly_name"},
		{"encryption", "encryption"},
	} {
		pv, lv := providers.Attr(planned, n.attr), providers.Attr(live, n.attr)
		if providers.Equal(pv, lv) {
			continue
		}
		if !pv.IsWhollyKnown() {
			if n.attr == "certificate_fingerprint" {
				out = append(out, "the certificate is known only after apply")
			}
			continue
		}
		change := describeChange(n.attr, lv, pv)
		if providers.Equal(providers.Attr(prior, n.attr), pv) {
			out = append(out, fmt.Sprintf("%s in %s changed outside certform (%s)", n.what, path, change))
		} else {
			out = append(out, fmt.Sprintf("%s changed (%s)", n.what, change))
		}
	}
	if len(out) == 0 && !providers.Equal(providers.Attr(planned, "file_hash"), providers.Attr(live, "file_hash")) {
		if providers.Equal(providers.Attr(prior, "file_hash"), providers.Attr(live, "file_hash")) {
			out = append(out, path+" will be rewritten")
		} else {
			out = append(out, path+" changed outside certform")
		}
	}
	if lm, pm := providers.String(live, "mode"), providers.String(planned, "mode"); lm != pm {
		out = append(out, fmt.Sprintf("%s has mode %s, want %s", path, lm, pm))
	}
	return out
}

// describeChange says how an attribute goes from the file's value to the
// planned one: "sha256:1b7d… -> sha256:34b7…", "no chain -> 2 CA
// certificates", "\"\" -> \"crm\"".
func describeChange(attr string, live, planned cty.Value) string {
	str := func(v cty.Value) string {
		if !providers.Exists(v) || v.Type() != cty.String {
			return ""
		}
		return v.AsString()
	}
	switch attr {
	case "certificate_fingerprint":
		from := short(str(live))
		if from == "" {
			from = "none"
		}
		return from + " -> " + short(str(planned))
	case "chain":
		count := func(v cty.Value) string {
			n := 0
			if providers.Exists(v) && v.CanIterateElements() {
				n = v.LengthInt()
			}
			switch n {
			case 0:
				return "no chain"
			case 1:
				return "1 CA certificate"
			}
			return fmt.Sprintf("%d CA certificates", n)
		}
		if c, p := count(live), count(planned); c != p {
			return c + " -> " + p
		}
		return "other CA certificates"
	case "key_id":
		if str(live) == "" {
			return "the file holds no private key"
		}
		return "another key"
	}
	return fmt.Sprintf("%q -> %q", str(live), str(planned))
}

func short(fp string) string {
	if len(fp) > 16 {
		return "sha256:" + fp[:16] + "…"
	}
	return fp
}
