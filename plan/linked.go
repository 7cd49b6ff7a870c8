package plan

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// withLinked adds to paths, the sensitive paths of one of prov's values,
// the paths of the values tied to them (providers.Linker), so that those
// are hidden and kept out of the state too.
func withLinked(prov providers.Provider, paths []cty.Path) []cty.Path {
	l, ok := prov.(providers.Linker)
	if !ok || len(paths) == 0 {
		return paths
	}
	var more []cty.Path
	for _, p := range paths {
		more = append(more, l.Linked(p)...)
	}
	return unionPaths(paths, more)
}

// redactedLeaves returns the paths of the string leaves that are null in
// recorded, the value in the state, but set in live. The state holds a
// sensitive value as null, so such a leaf may be a secret; when the
// configuration no longer says which values are sensitive (the block or the
// variable is gone), these are hidden.
func redactedLeaves(recorded, live cty.Value) []cty.Path {
	if recorded == cty.NilVal || live == cty.NilVal || recorded.IsNull() || live.IsNull() || !live.IsWhollyKnown() {
		return nil
	}
	var out []cty.Path
	_ = cty.Walk(live, func(p cty.Path, v cty.Value) (bool, error) {
		if v.IsNull() || v.Type() != cty.String {
			return true, nil
		}
		if r, err := p.Apply(recorded); err == nil && r.IsNull() {
			out = append(out, p.Copy())
		}
		return true, nil
	})
	return out
}
