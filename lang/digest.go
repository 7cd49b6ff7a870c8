package lang

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ConfigDigest returns a digest of everything decoding r depends on: the
// source text of its block and the values of what it refers to (variables,
// locals, other blocks), as the scope holds them now. Two equal digests mean
// that Decode gives the same value, so the plan engine can tell that a
// block is configured as it was when last applied without decoding it.
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
func (s *Scope) ConfigDigest(r *Resource) (digest string, ok bool) {
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
	ctx, diags := s.evalContext(r.traversals)
	if diags.HasErrors() {
		return "", false
	}
	inputs, ok := traversalValues(ctx, r.traversals)
	if !ok {
		return "", false
	}
	h := sha256.New()
	writeString(h, r.Addr.String())
	writeLen(h, len(src))
	h.Write(src)
	for _, v := range inputs {
		if !hashValue(h, v) {
			return "", false
		}
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// hashValue writes v to h, each part tagged with its JSON kind, and
// reports false when v holds an unknown or a marked (sensitive) value, or
// something JSON cannot hold.
func hashValue(h hash.Hash, v cty.Value) bool {
	if v.IsMarked() || !v.IsKnown() {
		return false
	}
	if v.IsNull() {
		h.Write([]byte{'n'})
		return true
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		h.Write([]byte{'s'})
		writeString(h, v.AsString())
	case ty == cty.Number:
		h.Write([]byte{'d'})
		writeString(h, v.AsBigFloat().Text('f', -1))
	case ty == cty.Bool:
		if v.True() {
			h.Write([]byte{'t'})
		} else {
			h.Write([]byte{'f'})
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		h.Write([]byte{'['})
		writeLen(h, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !hashValue(h, e) {
				return false
			}
		}
	case ty.IsObjectType():
		names := make([]string, 0, len(ty.AttributeTypes()))
		for name := range ty.AttributeTypes() {
			names = append(names, name)
		}
		slices.Sort(names)
		h.Write([]byte{'{'})
		writeLen(h, len(names))
		for _, name := range names {
			writeString(h, name)
			if !hashValue(h, v.GetAttr(name)) {
				return false
			}
		}
	case ty.IsMapType():
		h.Write([]byte{'{'})
		writeLen(h, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); { // sorted by key
			k, e := it.Element()
			writeString(h, k.AsString())
			if !hashValue(h, e) {
				return false
			}
		}
	default:
		return false
	}
	return true
}

// writeString writes s with its length first, so that no two sequences
// of parts give the same stream.
func writeString(h hash.Hash, s string) {
	writeLen(h, len(s))
	io.WriteString(h, s)
}

func writeLen(h hash.Hash, n int) {
	var buf [binary.MaxVarintLen64]byte
	h.Write(buf[:binary.PutUvarint(buf[:], uint64(n))])
}
