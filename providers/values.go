package providers

import (
	"bytes"

	ctyjson "github.com/zclconf/go-cty/cty/json"
	"math/big"

	"github.com/zclconf/go-cty/cty"
)

// Null is the value of an object that does not exist.
var Null = cty.NullVal(cty.DynamicPseudoType)

// Exists reports whether v is a known, non-null value.
func Exists(v cty.Value) bool {
	return v != cty.NilVal && v.IsKnown() && !v.IsNull()
}

// Attr returns the attribute name of an object value, or a null value when
// obj is null, unknown, not an object, or has no such attribute.
func Attr(obj cty.Value, name string) cty.Value {
	if !Exists(obj) {
		return Null
	}
	ty := obj.Type()
	switch {
	case ty.IsObjectType():
		if !ty.HasAttribute(name) {
			return Null
		}
		return obj.GetAttr(name)
	case ty.IsMapType():
		if obj.HasIndex(cty.StringVal(name)).True() {
			return obj.Index(cty.StringVal(name))
		}
	}
	return Null
}

// String returns the string attribute name of obj, or "" when it is null,
// unknown or not a string.
func String(obj cty.Value, name string) string {
	v := Attr(obj, name)
	if !Exists(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// Bool returns the bool attribute name of obj, false when it is absent.
func Bool(obj cty.Value, name string) bool {
	v := Attr(obj, name)
	if !Exists(v) || v.Type() != cty.Bool {
		return false
	}
	return v.True()
}

// Int returns the whole-number attribute name of obj, 0 when it is absent.
func Int(obj cty.Value, name string) int64 {
	v := Attr(obj, name)
	if !Exists(v) || v.Type() != cty.Number {
		return 0
	}
	i, _ := v.AsBigFloat().Int64()
	return i
}

// Elements returns the elements of a list, set or tuple attribute, nil when
// it is absent.
func Elements(obj cty.Value, name string) []cty.Value {
	v := Attr(obj, name)
	if !Exists(v) || !v.CanIterateElements() {
		return nil
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return out
}

// Strings returns the known string elements of a list, set or tuple
// attribute.
func Strings(obj cty.Value, name string) []string {
	var out []string
	for _, e := range Elements(obj, name) {
		if Exists(e) && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}

// StringList builds a list value from strings; an empty list of strings for
// none, so that values compare equal whatever their origin.
func StringList(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

// Number returns a cty number for an integer.
func Number(i int64) cty.Value {
	return cty.NumberVal(new(big.Float).SetInt64(i))
}

// Equal reports whether two values are the same once written as plain JSON,
// the form state keeps them in: a list and a tuple with the same elements
// are equal, as are a map and an object with the same attributes. A value
// holding unknowns equals nothing.
func Equal(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == b
	}
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() == b.IsNull()
	}
	ja, errA := ctyjson.SimpleJSONValue{Value: a}.MarshalJSON()
	jb, errB := ctyjson.SimpleJSONValue{Value: b}.MarshalJSON()
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
