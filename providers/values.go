package providers

import (
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
		// Looked up in the attribute types directly: HasAttribute
		// normalizes the name again, as GetAttr does (names here are
		// normalized already: they are Go identifiers, or come from a
		// value).
		if _, ok := ty.AttributeTypes()[name]; !ok {
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
	return sameJSON(a, b)
}

// sameJSON reports whether two values are written as the same JSON by
// ctyjson (SimpleJSONValue), without writing them: the plan engine and the
// providers compare every resource several times per plan. Values that
// JSON cannot hold (unknown, marked, infinite, capsules) equal nothing.
// When the values are equal every part of both has been looked at, so an
// unknown anywhere makes them unequal, as in Equal.
func sameJSON(a, b cty.Value) bool {
	if a.IsMarked() || b.IsMarked() || !a.IsKnown() || !b.IsKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	ta, tb := a.Type(), b.Type()
	switch {
	case ta == cty.String:
		return tb == cty.String && a.AsString() == b.AsString()
	case ta == cty.Bool:
		return tb == cty.Bool && a.True() == b.True()
	case ta == cty.Number:
		return tb == cty.Number && finite(a) && finite(b) &&
			a.AsBigFloat().Text('f', -1) == b.AsBigFloat().Text('f', -1)
	case isArray(ta):
		if !isArray(tb) || a.LengthInt() != b.LengthInt() {
			return false
		}
		for ia, ib := a.ElementIterator(), b.ElementIterator(); ia.Next() && ib.Next(); {
			_, ea := ia.Element()
			_, eb := ib.Element()
			if !sameJSON(ea, eb) {
				return false
			}
		}
		return true
	case ta.IsObjectType():
		// Attributes are looked up by name: the element iterator of an
		// object sorts its names first, on every call.
		if !isObject(tb) || len(ta.AttributeTypes()) != b.LengthInt() {
			return false
		}
		for name := range ta.AttributeTypes() {
			eb, ok := element(b, name)
			if !ok || !sameJSON(a.GetAttr(name), eb) {
				return false
			}
		}
		return true
	case ta.IsMapType():
		if !isObject(tb) || a.LengthInt() != b.LengthInt() {
			return false
		}
		for it := a.ElementIterator(); it.Next(); {
			k, ea := it.Element()
			eb, ok := element(b, k.AsString())
			if !ok || !sameJSON(ea, eb) {
				return false
			}
		}
		return true
	}
	return false
}

// isArray reports whether values of type t are written as JSON arrays.
func isArray(t cty.Type) bool { return t.IsListType() || t.IsSetType() || t.IsTupleType() }

// isObject reports whether values of type t are written as JSON objects.
func isObject(t cty.Type) bool { return t.IsMapType() || t.IsObjectType() }

// finite reports whether a number can be written as JSON.
func finite(n cty.Value) bool {
	return !n.RawEquals(cty.PositiveInfinity) && !n.RawEquals(cty.NegativeInfinity)
}

// element returns the attribute or map element key of a known, non-null
// object or map.
func element(v cty.Value, key string) (cty.Value, bool) {
	if v.Type().IsObjectType() {
		if _, ok := v.Type().AttributeTypes()[key]; !ok { // as in Attr
			return cty.NilVal, false
		}
		return v.GetAttr(key), true
	}
	k := cty.StringVal(key)
	if v.HasIndex(k).False() {
		return cty.NilVal, false
	}
	return v.Index(k), true
}
