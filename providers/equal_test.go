package providers_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
)

// jsonEqual is what Equal means: both values written as the same plain
// JSON, and neither holding an unknown.
func jsonEqual(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == b
	}
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	ja, errA := ctyjson.SimpleJSONValue{Value: a}.MarshalJSON()
	jb, errB := ctyjson.SimpleJSONValue{Value: b}.MarshalJSON()
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// TestEqualIsJSONEquality compares Equal with its definition on every pair
// of a set of values that differ in the ways values from providers and
// from state do: lists and tuples, maps and objects, nulls of any type,
// unknowns deep inside, marks, numbers written alike.
func TestEqualIsJSONEquality(t *testing.T) {
	str := cty.StringVal
	vals := []cty.Value{
		cty.NilVal,
		providers.Null,
		cty.NullVal(cty.String),
		cty.NullVal(cty.List(cty.String)),
		str(""),
		str("a"),
		str("b"),
		str("a").Mark("sensitive"),
		cty.UnknownVal(cty.String),
		cty.DynamicVal,
		cty.True,
		cty.False,
		cty.NumberIntVal(1),
		cty.NumberFloatVal(1.0),
		cty.MustParseNumberVal("1"),
		cty.NumberVal(new(big.Float).SetPrec(10).SetInt64(1)),
		cty.NumberFloatVal(0.1),
		cty.MustParseNumberVal("0.1"),
		cty.PositiveInfinity,
		cty.ListValEmpty(cty.String),
		cty.EmptyTupleVal,
		cty.SetValEmpty(cty.String),
		cty.ListVal([]cty.Value{str("a")}),
		cty.TupleVal([]cty.Value{str("a")}),
		cty.SetVal([]cty.Value{str("a")}),
		cty.ListVal([]cty.Value{str("a"), str("b")}),
		cty.TupleVal([]cty.Value{str("a"), str("b")}),
		cty.TupleVal([]cty.Value{str("b"), str("a")}),
		cty.SetVal([]cty.Value{str("b"), str("a")}),
		cty.ListVal([]cty.Value{str("a"), cty.UnknownVal(cty.String)}),
		cty.TupleVal([]cty.Value{str("a"), cty.NullVal(cty.String)}),
		cty.TupleVal([]cty.Value{str("a"), providers.Null}),
		cty.EmptyObjectVal,
		cty.MapValEmpty(cty.String),
		cty.MapVal(map[string]cty.Value{"k": str("v")}),
		cty.ObjectVal(map[string]cty.Value{"k": str("v")}),
		cty.ObjectVal(map[string]cty.Value{"k": str("w")}),
		cty.ObjectVal(map[string]cty.Value{"j": str("v")}),
		cty.ObjectVal(map[string]cty.Value{"k": str("v"), "l": providers.Null}),
		cty.ObjectVal(map[string]cty.Value{"k": str("v"), "l": cty.NullVal(cty.String)}),
		cty.MapVal(map[string]cty.Value{"k": str("v"), "l": cty.NullVal(cty.String)}),
		cty.ObjectVal(map[string]cty.Value{"k": str("v"), "l": cty.UnknownVal(cty.String)}),
		cty.ObjectVal(map[string]cty.Value{"k": str("v").Mark("sensitive")}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.ListVal([]cty.Value{str("a")})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.TupleVal([]cty.Value{str("a")})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.TupleVal([]cty.Value{str("a"), cty.NumberIntVal(1)})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.TupleVal([]cty.Value{str("a"), cty.NumberFloatVal(1)})}),
		cty.MapVal(map[string]cty.Value{"k": cty.ListVal([]cty.Value{str("a")})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.MapVal(map[string]cty.Value{"x": cty.True})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.ObjectVal(map[string]cty.Value{"x": cty.True})}),
		cty.ObjectVal(map[string]cty.Value{"k": cty.ObjectVal(map[string]cty.Value{"x": cty.False})}),
	}
	for i, a := range vals {
		for j, b := range vals {
			if got, want := providers.Equal(a, b), jsonEqual(a, b); got != want {
				t.Errorf("Equal(%d: %#v, %d: %#v) = %v, want %v", i, a, j, b, got, want)
			}
		}
	}
}
