package jks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
)

var _ providers.Holder = (*Provider)(nil)

// Holds implements providers.Holder: it opens the keystore on disk with
// the configured password and lists every entry's certificate, key
// entries' chains included, whoever wrote them. A missing keystore holds
// nothing.
func (p *Provider) Holds(_ context.Context, req providers.HoldsRequest) providers.HoldsResponse {
	s, diags := parseSettings(req.Address, req.Config)
	if diags.HasErrors() || !s.passwordKnown {
		return providers.HoldsResponse{Diagnostics: diags}
	}
	data, err := req.Env.FS.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return providers.HoldsResponse{}
	}
	var f *file
	if err == nil {
		f, err = open(data, s.password)
	}
	if err != nil {
		return providers.HoldsResponse{Diagnostics: hcl.Diagnostics{pki.Errorf(req.Address, "Cannot read store",
			fmt.Sprintf("reading %s: %v.", s.path, err))}}
	}
	var out []string
	for _, alias := range sortedAliases(f.entries) {
		out = append(out, f.entries[alias].fp)
		out = append(out, f.entries[alias].chain...)
	}
	return providers.HoldsResponse{Fingerprints: out}
}
