package ini

import (
	"context"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// PlansDeterministically implements providers.Deterministic: with the
// managed keys as recorded, the configuration of the last apply changes
// nothing.
func (p *Provider) PlansDeterministically() {}

// Read returns the managed keys as the file holds them now, in the state
// shape, with original and created_file carried over from Prior. A key
// missing from the file is null; a missing file, or a null Prior, gives a
// null Live.
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	var resp providers.ReadResponse
	resp.Live = providers.Null
	if !providers.Exists(req.Prior) {
		return resp
	}
	prior, err := decodeState(req.Prior)
	if err != nil {
		resp.Diagnostics = stateDiag(req.Address, err)
		return resp
	}
	f, err := Load(req.Env.FS, prior.path)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	if !f.Exists {
		return resp
	}
	live := *prior
	live.keys = nil
	same := true
	for _, e := range prior.keys {
		v := cty.NullVal(cty.String)
		if s, ok := f.Doc.Get(e.section, e.key); ok {
			v = cty.StringVal(s)
		}
		same = same && v.RawEquals(e.value)
		live.keys = append(live.keys, entry{section: e.section, key: e.key, value: v})
	}
	if same {
		// Every key as recorded: the recorded value is the live one.
		resp.Live, resp.AsRecorded = req.Prior, true
		return resp
	}
	resp.Live = live.value()
	return resp
}
