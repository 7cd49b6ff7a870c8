package lang

import (
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// SelfSigned is the value of the built-in issuer `self_signed`.
var SelfSigned = cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")})

// Scope evaluates resource bodies, locals and outputs against the values of
// the resources they refer to. The plan engine fills it in dependency order
// with Set, first with planned values (which may hold unknowns), and in a
// fresh Scope during apply with the values apply returned. A Scope is safe
// for concurrent use.
type Scope struct {
	cfg  *Config
	vars cty.Value
	// base holds what every block may use: the variables, self_signed and
	// the functions. evalContext adds the rest in a child context.
	base *hcl.EvalContext
	// marked is set when a value given to the Scope holds marks, so that
	// a decoded block may hold some too.
	marked atomic.Bool

	mu     sync.RWMutex
	values map[Address]cty.Value
	locals map[string]cty.Value
}

// NewScope returns a Scope with the given variable values (see
// VariableValues) and no resource values yet.
func (c *Config) NewScope(vars map[string]cty.Value) *Scope {
	s := &Scope{
		cfg:    c,
		vars:   cty.ObjectVal(vars),
		values: map[Address]cty.Value{},
		locals: map[string]cty.Value{},
	}
	s.base = &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": s.vars, "self_signed": SelfSigned, "local": cty.EmptyObjectVal},
		Functions: c.functions(),
	}
	s.marked.Store(containsMarks(s.vars))
	return s
}

// Set records the value other blocks see when they refer to addr. The
// values providers return hold no marks (Decode gives them none); a value
// marked at its top is noticed, deeper marks are not looked for.
func (s *Scope) Set(addr Address, v cty.Value) {
	if v.IsMarked() {
		s.marked.Store(true)
	}
	s.mu.Lock()
	s.values[addr] = v
	s.mu.Unlock()
}

// Get returns the value recorded for addr; an unknown value when there is
// none yet.
func (s *Scope) Get(addr Address) cty.Value {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if v, ok := s.values[addr]; ok {
		return v
	}
	return cty.DynamicVal
}

// Decoded is a resource body evaluated for its provider: Value has no cty
// marks; Sensitive lists the paths that held sensitive values.
type Decoded struct {
	Value     cty.Value
	Sensitive []cty.PathValueMarks
}

// Decode evaluates a resource body. The resources it refers to must have
// been Set (or they evaluate as unknown). When the last DecodeAndKeep of
// the resource saw the same values, Decode returns what it gave.
func (s *Scope) Decode(r *Resource) (Decoded, hcl.Diagnostics) {
	return s.decodeMemo(r, false)
}

// DecodeAndKeep is Decode, and keeps what it gives, with the values it
// saw, for the next Decode of the resource: a block evaluates to the same
// value whenever what its references name has the same values, and when a
// plan changes nothing, most blocks see the same values when they are
// decoded for Read (the recorded values) and for Plan (the planned ones).
// What is kept serves one Decode at most, so that a plan does not hold on
// to every decoded block.
func (s *Scope) DecodeAndKeep(r *Resource) (Decoded, hcl.Diagnostics) {
	return s.decodeMemo(r, true)
}

func (s *Scope) decodeMemo(r *Resource, keep bool) (Decoded, hcl.Diagnostics) {
	ctx, diags := s.evalContext(r.traversals)
	if diags.HasErrors() {
		return Decoded{Value: cty.DynamicVal}, diags
	}
	m := r.memo.Swap(nil)
	if m == nil && !keep {
		return s.decode(r, ctx, diags)
	}
	inputs, memoize := traversalValues(ctx, r.traversals)
	memoize = memoize && len(diags) == 0
	if memoize && m != nil && sameValues(m.inputs, inputs) {
		if keep {
			r.memo.Store(m)
		}
		return m.decoded, nil
	}
	dec, diags := s.decode(r, ctx, diags)
	if keep && memoize && len(diags) == 0 {
		r.memo.Store(&decodeMemo{inputs: inputs, decoded: dec})
	}
	return dec, diags
}

// decodeMemo is the last decoding of a resource: the values of its
// traversals and the block they gave.
type decodeMemo struct {
	inputs  []cty.Value
	decoded Decoded
}

// traversalValues returns the value of each traversal in ctx, and false
// when one cannot be evaluated.
func traversalValues(ctx *hcl.EvalContext, ts []hcl.Traversal) ([]cty.Value, bool) {
	out := make([]cty.Value, len(ts))
	for i, t := range ts {
		v, diags := t.TraverseAbs(ctx)
		if diags.HasErrors() {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// sameValues reports whether two lists hold identical values, marks,
// types and unknowns included.
func sameValues(a, b []cty.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].RawEquals(b[i]) {
			return false
		}
	}
	return true
}

// decode evaluates a resource body in ctx.
func (s *Scope) decode(r *Resource, ctx *hcl.EvalContext, diags hcl.Diagnostics) (Decoded, hcl.Diagnostics) {
	k := s.cfg.kinds[r.Addr.Kind]
	var v cty.Value
	var more hcl.Diagnostics
	if d, ok := k.(providers.BodyDecoder); ok {
		v, more = d.DecodeBody(r.Body, ctx)
	} else {
		v, more = hcldec.Decode(r.Body, s.cfg.spec(r.Addr.Kind), ctx)
		addAllowedInResource(more, r, s.cfg.spec(r.Addr.Kind))
	}
	diags = append(diags, more...)
	// Marks come from sensitive variables, through locals and the blocks
	// that use them; without them nothing is marked. Otherwise, most
	// blocks still hold no sensitive value, and unmarking rebuilds the
	// whole value, which a read-only look avoids.
	if !s.marked.Load() || !containsMarks(v) {
		return Decoded{Value: v}, diags
	}
	v, paths := v.UnmarkDeepWithPaths()
	return Decoded{Value: v, Sensitive: paths}, diags
}

// Output evaluates an output. Its value keeps its marks: a value computed
// from a sensitive variable stays marked Sensitive.
func (s *Scope) Output(o *Output) (cty.Value, hcl.Diagnostics) {
	ctx, diags := s.evalContext(o.Expr.Variables())
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	v, more := o.Expr.Value(ctx)
	if o.Sensitive {
		v = v.Mark(Sensitive)
	}
	return v, append(diags, more...)
}

// evalContext builds an evaluation context holding just the values the
// traversals name, so that evaluating one block costs the same whatever the
// size of the configuration. It runs for every block of every plan, so it
// builds no more than the traversals need.
func (s *Scope) evalContext(ts []hcl.Traversal) (*hcl.EvalContext, hcl.Diagnostics) {
	var vars map[string]cty.Value
	var nested map[string]map[string]map[string]cty.Value // root -> type -> name
	var flat map[string]map[string]cty.Value              // root -> name
	var locals map[string]cty.Value
	var diags hcl.Diagnostics
	for _, t := range ts {
		if a, ok := traversalAddress(t); ok {
			root := t.RootName()
			if typedBlocks[root] {
				typ := a.Kind[len(root)+1:]
				if nested == nil {
					nested = map[string]map[string]map[string]cty.Value{}
				}
				if nested[root] == nil {
					nested[root] = map[string]map[string]cty.Value{}
				}
				if nested[root][typ] == nil {
					nested[root][typ] = map[string]cty.Value{}
				}
				nested[root][typ][a.Name] = s.Get(a)
			} else {
				if flat == nil {
					flat = map[string]map[string]cty.Value{}
				}
				if flat[root] == nil {
					flat[root] = map[string]cty.Value{}
				}
				flat[root][a.Name] = s.Get(a)
			}
			continue
		}
		if t.RootName() == "local" {
			name := attrAt(t, 1)
			if _, done := locals[name]; done {
				continue
			}
			v, more := s.local(name)
			diags = append(diags, more...)
			if locals == nil {
				locals = map[string]cty.Value{}
			}
			locals[name] = v
		}
	}
	if flat == nil && nested == nil && locals == nil {
		return s.base, diags
	}
	vars = make(map[string]cty.Value, len(flat)+len(nested)+1)
	for root, m := range flat {
		vars[root] = cty.ObjectVal(m)
	}
	for root, types := range nested {
		obj := make(map[string]cty.Value, len(types))
		for typ, m := range types {
			obj[typ] = cty.ObjectVal(m)
		}
		vars[root] = cty.ObjectVal(obj)
	}
	if locals != nil {
		vars["local"] = cty.ObjectVal(locals)
	}
	ctx := s.base.NewChild()
	ctx.Variables = vars
	return ctx, diags
}

// containsMarks reports whether v, or any value inside it, is marked. It
// is v.ContainsMarked without the path that cty.Walk builds for every
// value, which made it cost as much as decoding the block.
func containsMarks(v cty.Value) bool {
	if v.IsMarked() {
		return true
	}
	if !v.IsKnown() || v.IsNull() {
		return false
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if containsMarks(v.GetAttr(name)) {
				return true
			}
		}
	case ty.IsCollectionType() || ty.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); containsMarks(e) {
				return true
			}
		}
	}
	return false
}

// local evaluates a local value once per Scope. Cycles were refused by Load.
func (s *Scope) local(name string) (cty.Value, hcl.Diagnostics) {
	s.mu.RLock()
	v, ok := s.locals[name]
	s.mu.RUnlock()
	if ok {
		return v, nil
	}
	l, ok := s.cfg.Locals[name]
	if !ok {
		return cty.DynamicVal, nil
	}
	ctx, diags := s.evalContext(l.Expr.Variables())
	v, more := l.Expr.Value(ctx)
	diags = append(diags, more...)
	if v.IsWhollyKnown() {
		// Values still unknown may become known once more resources are
		// set, so only final values are kept.
		s.mu.Lock()
		s.locals[name] = v
		s.mu.Unlock()
	}
	return v, diags
}
