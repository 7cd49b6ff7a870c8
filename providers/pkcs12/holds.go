package pkcs12

import (
	"context"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/storefile"
)

var _ providers.Holder = (*Provider)(nil)

// Holds implements providers.Holder: it opens the file on disk with the
// configured password and lists its certificate and chain. A missing file
// holds nothing.
func (p *Provider) Holds(_ context.Context, req providers.HoldsRequest) providers.HoldsResponse {
	s, diags := parseSettings(req.Address, req.Config)
	if diags.HasErrors() || !s.passwordKnown {
		return providers.HoldsResponse{Diagnostics: diags}
	}
	return storefile.Holds(req.Address, req.Env.FS, s.path, func(data []byte) ([]string, error) {
		c, err := decode(data, s.password)
		if err != nil {
			return nil, err
		}
		return append([]string{c.fingerprint}, c.chain...), nil
	})
}
