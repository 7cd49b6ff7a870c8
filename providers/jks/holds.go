package jks

import (
	"context"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
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
	return storefile.Holds(req.Address, req.Env.FS, s.path, func(data []byte) ([]string, error) {
		f, err := open(data, s.password)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, alias := range sortedAliases(f.entries) {
			out = append(out, f.entries[alias].fp)
			out = append(out, f.entries[alias].chain...)
		}
		return out, nil
	})
}
