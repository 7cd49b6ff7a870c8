package pkcs12

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

// Holds implements providers.Holder: it opens the file on disk with the
// configured password and lists its certificate and chain. A missing file
// holds nothing.
func (p *Provider) Holds(_ context.Context, req providers.HoldsRequest) providers.HoldsResponse {
	s, diags := parseSettings(req.Address, req.Config)
	if diags.HasErrors() || !s.passwordKnown {
		return providers.HoldsResponse{Diagnostics: diags}
	}
	data, err := req.Env.FS.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return providers.HoldsResponse{}
	}
	var c content
	if err == nil {
		c, err = decode(data, s.password)
	}
	if err != nil {
		return providers.HoldsResponse{Diagnostics: hcl.Diagnostics{pki.Errorf(req.Address, "Cannot read store",
			fmt.Sprintf("reading %s: %v.", s.path, err))}}
	}
	return providers.HoldsResponse{Fingerprints: append([]string{c.fingerprint}, c.chain...)}
}
