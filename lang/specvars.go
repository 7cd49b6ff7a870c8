package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// reads is what of a block body a spec decodes: the arguments, and the
// nested blocks by type with what of their bodies it decodes. It finds the
// traversals a body makes in those parts, as hcldec.Variables does, without
// working out the spec's schema and copying the body for every block:
// loading a configuration of thousands of blocks spent more on that than on
// reading the traversals.
type reads struct {
	attrs  map[string]bool
	blocks map[string]*reads
	labels int // the labels a block read with these needs
}

// specReads returns what a spec decodes, and false when the spec holds a
// kind of spec it does not know (hcldec.Variables is then used).
func specReads(s hcldec.Spec) (*reads, bool) {
	r := &reads{attrs: map[string]bool{}, blocks: map[string]*reads{}}
	return r, r.add(s)
}

func (r *reads) add(s hcldec.Spec) bool {
	switch s := s.(type) {
	case hcldec.ObjectSpec:
		for _, c := range s {
			if !r.add(c) {
				return false
			}
		}
		return true
	case *hcldec.AttrSpec:
		r.attrs[s.Name] = true
		return true
	case *hcldec.LiteralSpec:
		return true
	case *hcldec.DefaultSpec:
		return r.add(s.Primary) && r.add(s.Default)
	case *hcldec.BlockSpec:
		return r.block(s.TypeName, 0, s.Nested)
	case *hcldec.BlockListSpec:
		return r.block(s.TypeName, 0, s.Nested)
	case *hcldec.BlockSetSpec:
		return r.block(s.TypeName, 0, s.Nested)
	case *hcldec.BlockMapSpec:
		return r.block(s.TypeName, len(s.LabelNames), s.Nested)
	}
	return false
}

func (r *reads) block(typeName string, labels int, nested hcldec.Spec) bool {
	if _, dup := r.blocks[typeName]; dup {
		return false // two specs for one block type: leave it to hcldec
	}
	n, ok := specReads(nested)
	n.labels = labels
	r.blocks[typeName] = n
	return ok
}

// variables appends the traversals of the arguments and nested blocks r
// decodes in body.
func (r *reads) variables(body *hclsyntax.Body, out []hcl.Traversal) []hcl.Traversal {
	for name, a := range body.Attributes {
		if r.attrs[name] {
			out = append(out, a.Expr.Variables()...)
		}
	}
	for _, b := range body.Blocks {
		// A block with other labels is an error decoding reports.
		if n := r.blocks[b.Type]; n != nil && len(b.Labels) == n.labels {
			out = n.variables(b.Body, out)
		}
	}
	return out
}
