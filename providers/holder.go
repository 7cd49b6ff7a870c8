package providers

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Holder is implemented by stores that can say which certificates they
// hold, read live from the store itself (not from the state), so that a
// rotation's gate opens only when every listed store really holds the new
// certificate (package plan/rotation).
type Holder interface {
	Holds(ctx context.Context, req HoldsRequest) HoldsResponse
}

// HoldsRequest asks a store what it holds. Config is the block evaluated
// with the recorded values of what it refers to; Prior is its recorded
// value (null when it was never applied).
type HoldsRequest struct {
	Address string
	Config  cty.Value
	Prior   cty.Value
	Env     *Env
}

// HoldsResponse lists the SHA-256 fingerprints (lowercase hex, as
// certificate blocks export fingerprint_sha256) of every certificate the
// store holds, chains and trusted entries included. A store that does not
// exist holds nothing and is no error.
type HoldsResponse struct {
	Fingerprints []string
	Diagnostics  hcl.Diagnostics
}
