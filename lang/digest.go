package lang

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ConfigDigest returns a digest of everything decoding r depends on: the
// source text of its block and the values of what it refers to (variables,
// locals, other blocks), as the scope holds them now, and version, the
// version of certform, since another one may decode or plan differently.
// Two equal digests mean that Decode gives the same value, so the plan
// engine can tell that a block is configured as it was when last applied
// without decoding it.
//
// There is no digest (ok is false) when the block calls a function, since a
// function may read a file whose content the digest does not cover (any
// parenthesis in the block's text counts as a call), or
// when a value it refers to is unknown or sensitive: the digest is written
// to the state, and a hash of a secret is not to be written there.
//
// Values are hashed as the state writes them, as plain JSON (see
// providers.Equal): a list and a tuple with the same elements give the same
// digest, as do a map and an object with the same attributes.
func (s *Scope) ConfigDigest(r *Resource, version string) (digest string, ok bool) {
	body, isSyntax := r.Body.(*hclsyntax.Body)
	if !isSyntax {
		return "", false
	}
	f := s.cfg.Files[body.SrcRange.Filename]
	start, end := body.SrcRange.Start.Byte, body.SrcRange.End.Byte
	if f == nil || start < 0 || end > len(f.Bytes) || start > end {
		return "", false
	}
	src := f.Bytes[start:end]
	if bytes.IndexByte(src, '(') >= 0 {
		// A function call, or perhaps only parentheses: no digest.
		return "", false
	}
	inputs, ok := s.inputValues(r.traversals)
	if !ok {
		return "", false
	}
	h := &hasher{h: sha256.New()}
	h.string(version)
	h.string(r.Addr.String())
	h.bytes(src)
	for _, v := range inputs {
		if !h.value(v) {
			return "", false
		}
	}
	return hex.EncodeToString(h.h.Sum(nil)), true
}

// inputValues returns what each traversal evaluates to, as in the context
// Decode evaluates in (evalContext), or false when one cannot be
// evaluated. It looks each value up directly: building the context costs
// a map and an object per root, which for a plan that decodes nothing
// was most of the digests' cost.
func (s *Scope) inputValues(ts []hcl.Traversal) ([]cty.Value, bool) {
	out := make([]cty.Value, len(ts))
	for i, t := range ts {
		var v cty.Value
		var rest hcl.Traversal
		switch a, isAddr := traversalAddress(t); {
		case isAddr:
			v, rest = s.Get(a), t[2:]
			if typedBlocks[t.RootName()] {
				rest = t[3:]
			}
		case t.RootName() == "local" && attrAt(t, 1) != "":
			var diags hcl.Diagnostics
			if v, diags = s.local(attrAt(t, 1)); diags.HasErrors() {
				return nil, false
			}
			rest = t[2:]
		default: // var.NAME and the built-ins live in the base context
			var diags hcl.Diagnostics
			if v, diags = t.TraverseAbs(s.base); diags.HasErrors() {
				return nil, false
			}
		}
		v, diags := rest.TraverseRel(v)
		if diags.HasErrors() {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// hasher writes the parts of a digest, each with its length first, so that
// no two sequences of parts give the same stream.
type hasher struct {
	h   hash.Hash
	buf []byte                      // a string's bytes: the hash takes bytes
	num [binary.MaxVarintLen64]byte // a length or a tag
}

func (h *hasher) bytes(b []byte) {
	h.len(len(b))
	h.h.Write(b)
}

func (h *hasher) string(s string) {
	h.buf = append(h.buf[:0], s...)
	h.bytes(h.buf)
}

func (h *hasher) tag(c byte) {
	h.num[0] = c
	h.h.Write(h.num[:1])
}

func (h *hasher) len(n int) {
	h.h.Write(h.num[:binary.PutUvarint(h.num[:], uint64(n))])
}

// value writes v, each part tagged with its JSON kind, and
// reports false when v holds an unknown or a marked (sensitive) value, or
// something JSON cannot hold.
func (h *hasher) value(v cty.Value) bool {
	if v.IsMarked() || !v.IsKnown() {
		return false
	}
	if v.IsNull() {
		h.tag('n')
		return true
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		h.tag('s')
		h.string(v.AsString())
	case ty == cty.Number:
		h.tag('d')
		h.string(v.AsBigFloat().Text('f', -1))
	case ty == cty.Bool:
		if v.True() {
			h.tag('t')
		} else {
			h.tag('f')
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		h.tag('[')
		h.len(v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !h.value(e) {
				return false
			}
		}
	case ty.IsObjectType():
		names := make([]string, 0, len(ty.AttributeTypes()))
		for name := range ty.AttributeTypes() {
			names = append(names, name)
		}
		slices.Sort(names)
		h.tag('{')
		h.len(len(names))
		for _, name := range names {
			h.string(name)
			if !h.value(v.GetAttr(name)) {
				return false
			}
		}
	case ty.IsMapType():
		h.tag('{')
		h.len(v.LengthInt())
		for it := v.ElementIterator(); it.Next(); { // sorted by key
			k, e := it.Element()
			h.string(k.AsString())
			if !h.value(e) {
				return false
			}
		}
	default:
		return false
	}
	return true
}
