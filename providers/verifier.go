package providers

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Verifier is implemented by providers whose objects take effect only
// once something outside certform acts: an endpoint serves a new
// certificate after its service was restarted by a hook. After every
// change and every hook of an apply, the engine calls Verify for each
// resource of such a kind that was created, updated or replaced; an
// error fails the apply (seed 002's "evaluieren", done automatically).
// Verify may wait and retry for a while, for a service that is restarting,
// but should give up well within a minute by default. It must be safe for
// concurrent use.
type Verifier interface {
	Verify(ctx context.Context, req VerifyRequest) hcl.Diagnostics
}

// VerifyRequest asks whether an applied object took effect.
type VerifyRequest struct {
	Address string
	// Config is the block as applied: every value is known.
	Config cty.Value
	// New is the value Apply returned.
	New cty.Value
	Env *Env
}
