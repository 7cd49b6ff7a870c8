package winstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/certform/certform/providers"
)

var _ providers.Holder = (*Provider)(nil)

// Holds implements providers.Holder: it looks each certificate the block
// names (its certificate and trust chains) up in the Windows store, by
// thumbprint, and lists those the store holds now. A store that cannot be
// opened (not Windows) is an error.
func (p *Provider) Holds(_ context.Context, req providers.HoldsRequest) providers.HoldsResponse {
	s, diags := parseSettings(req.Address, req.Config)
	ws, _, d := wanted(req.Address, s, req.Env)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return providers.HoldsResponse{Diagnostics: diags}
	}
	var out []string
	for _, w := range ws {
		_, found, err := p.store.Find(s.location, s.store, w.thumb)
		if err != nil {
			return providers.HoldsResponse{Diagnostics: append(diags, needsWindows(req.Address, err))}
		}
		if found {
			sum := sha256.Sum256(w.cert)
			out = append(out, hex.EncodeToString(sum[:]))
		}
	}
	return providers.HoldsResponse{Fingerprints: out}
}
