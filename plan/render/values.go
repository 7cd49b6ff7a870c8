package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Placeholders shown instead of values.
const (
	KnownAfterApply = "(known after apply)"
	SensitiveValue  = "(sensitive)"
)

// formatValue writes a value on one line for the text view.
func formatValue(v cty.Value) string {
	switch {
	case v == cty.NilVal || v.IsNull():
		return "null"
	case v.IsMarked():
		return SensitiveValue
	case !v.IsKnown():
		return KnownAfterApply
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		s := v.AsString()
		if n := strings.Count(strings.TrimSuffix(s, "\n"), "\n"); n > 0 {
			first, _, _ := strings.Cut(s, "\n")
			return fmt.Sprintf("%s ... (%d lines)", first, n+1)
		}
		return fmt.Sprintf("%q", s)
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return fmt.Sprint(v.True())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			parts = append(parts, formatValue(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ty.IsMapType() || ty.IsObjectType():
		var parts []string
		m := v.AsValueMap()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s = %s", k, formatValue(m[k])))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return v.GoString()
}

// attributes returns the top-level attributes of an object value, sorted by
// name; nil for anything else.
func attributes(v cty.Value) ([]string, map[string]cty.Value) {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return nil, nil
	}
	m := v.AsValueMap()
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, m
}

// markPaths marks the values at paths as sensitive.
func markPaths(v cty.Value, paths []cty.Path) cty.Value {
	if len(paths) == 0 || v == cty.NilVal {
		return v
	}
	pvm := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		pvm[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks("sensitive")}
	}
	return v.MarkWithPaths(pvm)
}

// equalValues compares two values as JSON; unknowns never equal anything.
func equalValues(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == b
	}
	if a.IsMarked() || b.IsMarked() {
		a, _ = a.UnmarkDeep()
		b, _ = b.UnmarkDeep()
	}
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	ja, err1 := ctyjson.SimpleJSONValue{Value: a}.MarshalJSON()
	jb, err2 := ctyjson.SimpleJSONValue{Value: b}.MarshalJSON()
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// Value writes a value on one line, as the text view shows it.
func Value(v cty.Value) string { return formatValue(v) }

// PlainValue converts a value to plain JSON data; unknowns become null.
func PlainValue(v cty.Value) any { return plain(v, nil) }

// Attributes writes an object's attributes, one per line, each prefixed
// with indent.
func Attributes(v cty.Value, indent string) string {
	var b strings.Builder
	names, m := attributes(v)
	for _, n := range names {
		fmt.Fprintf(&b, "%s%s = %s\n", indent, n, formatValue(m[n]))
	}
	return b.String()
}
