package pemfiles

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
)

var _ providers.Holder = (*Provider)(nil)

// Holds implements providers.Holder: it parses the certificate, chain,
// fullchain and bundle files as they are on disk now. A missing file holds
// nothing.
func (p *Provider) Holds(_ context.Context, req providers.HoldsRequest) providers.HoldsResponse {
	l, diags := parseLayout(req.Address, req.Config)
	if diags.HasErrors() {
		return providers.HoldsResponse{Diagnostics: diags}
	}
	var out []string
	for _, role := range roles() {
		path, ok := l.paths[role]
		if !ok || role == "key" {
			continue
		}
		data, err := req.Env.FS.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil {
			var certs []*x509.Certificate
			certs, err = certificates(data)
			for _, c := range certs {
				out = append(out, pki.Fingerprint(c))
			}
		}
		if err != nil {
			return providers.HoldsResponse{Fingerprints: out, Diagnostics: append(diags,
				errorf(req.Address, "Cannot read store", fmt.Sprintf("reading %s: %v.", path, err)))}
		}
	}
	return providers.HoldsResponse{Fingerprints: out}
}
