package lang

import (
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

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
	cfg   *Config
	vars  cty.Value
	funcs map[string]function.Function

	mu     sync.RWMutex
	values map[Address]cty.Value
	locals map[string]cty.Value
}

// NewScope returns a Scope with the given variable values (see
// VariableValues) and no resource values yet.
func (c *Config) NewScope(vars map[string]cty.Value) *Scope {
	return &Scope{
		cfg:    c,
		vars:   cty.ObjectVal(vars),
		funcs:  Functions(c.Dir),
		values: map[Address]cty.Value{},
		locals: map[string]cty.Value{},
	}
}

// Set records the value other blocks see when they refer to addr.
func (s *Scope) Set(addr Address, v cty.Value) {
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
// been Set (or they evaluate as unknown).
func (s *Scope) Decode(r *Resource) (Decoded, hcl.Diagnostics) {
	ctx, diags := s.evalContext(r.traversals)
	if diags.HasErrors() {
		return Decoded{Value: cty.DynamicVal}, diags
	}
	k := s.cfg.kinds[r.Addr.Kind]
	var v cty.Value
	var more hcl.Diagnostics
	if d, ok := k.(providers.BodyDecoder); ok {
		v, more = d.DecodeBody(r.Body, ctx)
	} else {
		v, more = hcldec.Decode(r.Body, k.Schema(), ctx)
	}
	diags = append(diags, more...)
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
// size of the configuration.
func (s *Scope) evalContext(ts []hcl.Traversal) (*hcl.EvalContext, hcl.Diagnostics) {
	vars := map[string]cty.Value{"var": s.vars, "self_signed": SelfSigned}
	nested := map[string]map[string]map[string]cty.Value{} // root -> type -> name
	flat := map[string]map[string]cty.Value{}              // root -> name
	locals := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for _, t := range ts {
		if a, ok := traversalAddress(t); ok {
			root := t.RootName()
			if typedBlocks[root] {
				typ := a.Kind[len(root)+1:]
				if nested[root] == nil {
					nested[root] = map[string]map[string]cty.Value{}
				}
				if nested[root][typ] == nil {
					nested[root][typ] = map[string]cty.Value{}
				}
				nested[root][typ][a.Name] = s.Get(a)
			} else {
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
			locals[name] = v
		}
	}
	for root, m := range flat {
		vars[root] = cty.ObjectVal(m)
	}
	for root, types := range nested {
		obj := map[string]cty.Value{}
		for typ, m := range types {
			obj[typ] = cty.ObjectVal(m)
		}
		vars[root] = cty.ObjectVal(obj)
	}
	vars["local"] = cty.ObjectVal(locals)
	return &hcl.EvalContext{Variables: vars, Functions: s.funcs}, diags
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
