package plan

import (
	"context"
	"sync"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
)

// verify asks the provider of every resource that was created, updated or
// replaced without error, and that can tell (providers.Verifier), whether
// the change took effect now that the hooks ran: an endpoint with probe =
// true must serve its new certificate. Resources are verified in parallel;
// each may wait for a service that is restarting.
func (e *Engine) verify(ctx context.Context, scope *lang.Scope, p *Plan, failed map[string]error) hcl.Diagnostics {
	var nodes []string
	for _, c := range p.Changes {
		switch c.Action {
		case Create, Update, Replace:
		default:
			continue
		}
		if failed[c.Address] != nil {
			continue
		}
		if _, ok := e.Kinds[c.Kind].(providers.Verifier); ok {
			nodes = append(nodes, c.Address)
		}
	}
	var mu sync.Mutex
	var diags hcl.Diagnostics
	walk(ctx, nodes, nil, e.parallelism(), func(ctx context.Context, addr string) error {
		a := mustAddress(addr)
		r := e.Config.Resources[a]
		if r == nil {
			return nil
		}
		dec, d := scope.Decode(r)
		if d.HasErrors() {
			return nil // reported when it was applied
		}
		v := e.Kinds[a.Kind].(providers.Verifier)
		more := v.Verify(ctx, providers.VerifyRequest{Address: addr, Config: dec.Value, New: scope.Get(a), Env: e.Env})
		mu.Lock()
		diags = append(diags, withAddress(addr, r, more)...)
		mu.Unlock()
		return nil
	})
	return diags
}
