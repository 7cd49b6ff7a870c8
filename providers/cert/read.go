package cert

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// Read implements providers.Provider. The certificate lives in the state;
// it is live as long as its private key is still in Secrets. A missing key
// reads as a missing certificate, which Plan replaces.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	id := providers.String(req.Prior, "key_id")
	if id == "" {
		return providers.ReadResponse{Live: providers.Null}
	}
	if _, err := req.Env.Secrets.Get(id); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return providers.ReadResponse{Live: providers.Null}
		}
		return providers.ReadResponse{Live: req.Prior, Diagnostics: hcl.Diagnostics{errorf(req.Address,
			"Cannot read private key", "The private key %s cannot be read: %s.", id, err)}}
	}
	return providers.ReadResponse{Live: req.Prior, AsRecorded: true}
}

// DeterministicUntil implements providers.DeterministicUntil: a
// certificate this provider issued (self-signed, or by an issuer "ca"
// block) plans alike until its renewal window opens, at not_after minus
// renew_before. One from a Remote (ACME) or imported from files has no
// such time: the server's renewal information and the files can change.
func (p *Provider) DeterministicUntil(prior cty.Value) time.Time {
	switch providers.String(prior, "issuer_kind") {
	case kindSelfSigned, kindCA:
	default:
		return time.Time{}
	}
	notAfter, err := time.Parse(time.RFC3339, providers.String(prior, "not_after"))
	renew, rerr := providers.ParseDuration(providers.String(prior, "renew_before"))
	if err != nil || rerr != nil {
		return time.Time{}
	}
	return notAfter.Add(-renew)
}
