package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// fileJSON is the state document as written to disk. Field order is the
// order in the file: the short header and outputs first, then resources.
// Parse reads it; encode writes the same document piece by piece.
// Values are plain JSON data (any) as encoding/json reads and writes it,
// with numbers as json.Number.
type fileJSON[V any] struct {
	FormatVersion   int               `json:"format_version"`
	Serial          uint64            `json:"serial"`
	Lineage         string            `json:"lineage"`
	CertformVersion string            `json:"certform_version"`
	Outputs         map[string]V      `json:"outputs"`
	FailedHooks     []failedHookJSON  `json:"failed_hooks,omitempty"`
	Resources       []resourceJSON[V] `json:"resources"`
}

type resourceJSON[V any] struct {
	Address      string            `json:"address"`
	Kind         string            `json:"kind"`
	Attributes   V                 `json:"attributes"`
	Dependencies []string          `json:"dependencies"`
	Files        map[string]string `json:"files"`
	CreatedAt    string            `json:"created_at,omitempty"`
	UpdatedAt    string            `json:"updated_at,omitempty"`
	ConfigDigest string            `json:"config_digest,omitempty"`
}

// privateKeyMarker is the part every PEM private key header shares:
// "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
// "-----BEGIN EC PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----".
const privateKeyMarker = "PRIVATE KEY"

// Marshal encodes f as the state file holds it: indented JSON with sorted
// resources, sorted dependencies and sorted keys, ending in a newline, so the
// same File always gives the same bytes. It does not change f.
//
// Marshal fails when f has no lineage (use New), when a resource has no
// address or kind, when a value is unknown or marked (sensitive), and when
// any attribute or output string contains "PRIVATE KEY": a private key must
// never reach the state file, whatever the provider returned.
func Marshal(f *File) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.encode(f.Serial, f.CertformVersion)
}

// encode marshals f with the given serial and version; f.mu must be held.
//
// The document is written as encoding/json would indent fileJSON, but
// piece by piece, so that each resource is encoded once and then reused
// from f.encoded until it changes: Store.Save runs after every resource
// during apply, and encoding every resource every time made an apply of n
// resources cost n² (and indenting the whole document again each time).
func (f *File) encode(serial uint64, version string) ([]byte, error) {
	if f.Lineage == "" {
		return nil, errors.New("state has no lineage: create it with state.New")
	}
	outputs := make(map[string]any, len(f.outputs))
	for _, name := range slices.Sorted(maps.Keys(f.outputs)) {
		v, err := encodeValue(f.outputs[name])
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", name, err)
		}
		outputs[name] = v
	}
	addrs := slices.Sorted(maps.Keys(f.resources))
	size := 0
	for _, addr := range addrs {
		js, ok := f.encoded[addr]
		if !ok {
			var err error
			if js, err = encodeResource(addr, f.resources[addr]); err != nil {
				return nil, err
			}
			if f.encoded == nil {
				f.encoded = map[string][]byte{}
			}
			f.encoded[addr] = js
		}
		size += len(js) + len(",\n    ")
	}

	var buf bytes.Buffer
	buf.Grow(size + 512)
	fmt.Fprintf(&buf, "{\n  \"format_version\": %d,\n  \"serial\": %d,\n", FormatVersion, serial)
	for _, field := range []struct {
		name  string
		value any
	}{{"lineage", f.Lineage}, {"certform_version", version}, {"outputs", outputs}} {
		js, err := indentJSON(field.value, "  ")
		if err != nil {
			return nil, fmt.Errorf("encoding state: %w", err)
		}
		fmt.Fprintf(&buf, "  %q: %s,\n", field.name, js)
	}
	if hooks := f.failedHooksJSON(); len(hooks) > 0 {
		js, err := indentJSON(hooks, "  ")
		if err != nil {
			return nil, fmt.Errorf("encoding state: %w", err)
		}
		fmt.Fprintf(&buf, "  \"failed_hooks\": %s,\n", js)
	}
	buf.WriteString(`  "resources": [`)
	for i, addr := range addrs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		buf.Write(f.encoded[addr])
	}
	if len(addrs) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}\n")
	return buf.Bytes(), nil
}

// encodeResource encodes one element of the document's resources, indented
// as it stands in the document.
func encodeResource(addr string, r *Resource) ([]byte, error) {
	if addr == "" || r.Kind == "" {
		// Parse would refuse the file.
		return nil, fmt.Errorf("resource %q has no address or no kind", addr)
	}
	attrs, err := encodeValue(r.Attributes)
	if err != nil {
		return nil, fmt.Errorf("resource %s: attributes: %w", addr, err)
	}
	deps := append([]string{}, r.Dependencies...)
	slices.Sort(deps)
	js, err := indentJSON(resourceJSON[any]{
		Address:      addr,
		Kind:         r.Kind,
		Attributes:   attrs,
		Dependencies: slices.Compact(deps),
		Files:        nonNil(r.Files),
		CreatedAt:    formatTime(r.CreatedAt),
		UpdatedAt:    formatTime(r.UpdatedAt),
		ConfigDigest: r.ConfigDigest,
	}, "    ")
	if err != nil {
		return nil, fmt.Errorf("encoding state: resource %s: %w", addr, err)
	}
	return js, nil
}

// indentJSON encodes v as it stands in the document at the depth that
// prefix indents: every line after the first starts with prefix, and
// nested values are indented by two more spaces each.
func indentJSON(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in URLs and hook commands
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeValue converts v to plain JSON data for encoding/json (nil, bool,
// json.Number, string, []any, map[string]any), checking on the way that it
// holds no private key. It follows ctyjson's rules for plain JSON
// (SimpleJSONValue), which Parse reverses: numbers as decimals, lists, sets
// and tuples as arrays, maps and objects as objects, and unknown, marked or
// infinite values refused. Walking the value once, rather than encoding it
// with ctyjson and decoding the result, matters on large states: Marshal
// runs after every resource during apply.
func encodeValue(v cty.Value) (any, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	data, err := plainValue(v, nil)
	if err != nil {
		return nil, withPath(err)
	}
	return data, nil
}

// plainValue is encodeValue for the value at path.
func plainValue(v cty.Value, path cty.Path) (any, error) {
	switch {
	case v.IsMarked():
		return nil, path.NewErrorf("value has marks, so it cannot be serialized as JSON")
	case !v.IsKnown():
		return nil, path.NewErrorf("value is not known")
	case v.IsNull():
		return nil, nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		s := v.AsString()
		if strings.Contains(s, privateKeyMarker) {
			return nil, path.NewErrorf("holds a PEM private key (%q); private keys belong in the secrets directory, never in state", privateKeyMarker)
		}
		return s, nil
	case ty == cty.Number:
		if v.RawEquals(cty.PositiveInfinity) || v.RawEquals(cty.NegativeInfinity) {
			return nil, path.NewErrorf("cannot serialize infinity as JSON")
		}
		return json.Number(v.AsBigFloat().Text('f', -1)), nil
	case ty == cty.Bool:
		return v.True(), nil
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			pe, err := plainValue(e, append(path, cty.IndexStep{Key: k}))
			if err != nil {
				return nil, err
			}
			out = append(out, pe)
		}
		return out, nil
	case ty.IsMapType() || ty.IsObjectType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			var step cty.PathStep = cty.IndexStep{Key: k}
			if ty.IsObjectType() {
				step = cty.GetAttrStep{Name: k.AsString()}
			}
			pe, err := plainValue(e, append(path, step))
			if err != nil {
				return nil, err
			}
			out[k.AsString()] = pe
		}
		return out, nil
	}
	return nil, path.NewErrorf("values of type %s cannot be written as JSON", ty.FriendlyName())
}

// withPath prefixes a cty.PathError's message with the path it names.
func withPath(err error) error {
	var pe cty.PathError
	if errors.As(err, &pe) && len(pe.Path) > 0 {
		return fmt.Errorf("%s: %w", formatPath(pe.Path), err)
	}
	return err
}

// formatPath writes a cty path the way configuration refers to it:
// dns_names[0], sections["server"].
func formatPath(p cty.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case cty.IndexStep:
			switch {
			case s.Key.Type() == cty.String:
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			case s.Key.Type() == cty.Number:
				fmt.Fprintf(&b, "[%s]", s.Key.AsBigFloat().Text('f', -1))
			default: // a set element
				b.WriteString("[*]")
			}
		}
	}
	return b.String()
}

// nonNil returns m, or an empty map for nil so that it is written as {}.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// formatTime writes t in UTC to the second, and the zero time as "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Parse decodes a state file. Path names the file in error messages and in
// the advice they give.
//
// Parse returns a [*VersionError] for a file written in a newer format,
// and a descriptive error for a file that is not valid JSON (corrupt or
// truncated), lacks a lineage or holds a malformed resource.
func Parse(data []byte, path string) (*File, error) {
	doc, ok := scanDocument(data)
	if !ok {
		var err error
		if doc, err = decodeDocument(data, path); err != nil {
			return nil, err
		}
	}
	if doc.FormatVersion < 1 || doc.FormatVersion > FormatVersion {
		return nil, documentError(data, path, nil)
	}
	if doc.Lineage == "" {
		return nil, fmt.Errorf("state file %s has no lineage; %s", path, restoreHint(path))
	}

	f := &File{
		Serial:          doc.Serial,
		Lineage:         doc.Lineage,
		CertformVersion: doc.CertformVersion,
		resources:       make(map[string]*Resource, len(doc.Resources)),
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("state file %s: %s; %s", path, fmt.Sprintf(format, args...), restoreHint(path))
	}
	for i, rj := range doc.Resources {
		switch {
		case rj.Address == "":
			return nil, bad("resource %d has no address", i+1)
		case rj.Kind == "":
			return nil, bad("resource %s has no kind", rj.Address)
		case f.resources[rj.Address] != nil:
			return nil, bad("resource %s appears twice", rj.Address)
		}
		created, err := parseTime(rj.CreatedAt)
		if err != nil {
			return nil, bad("resource %s: created_at: %v", rj.Address, err)
		}
		updated, err := parseTime(rj.UpdatedAt)
		if err != nil {
			return nil, bad("resource %s: updated_at: %v", rj.Address, err)
		}
		f.resources[rj.Address] = &Resource{
			Address:      rj.Address,
			Kind:         rj.Kind,
			Attributes:   rj.Attributes,
			Dependencies: rj.Dependencies,
			Files:        rj.Files,
			CreatedAt:    created,
			UpdatedAt:    updated,
			ConfigDigest: rj.ConfigDigest,
		}
	}
	if len(doc.Outputs) > 0 {
		f.outputs = doc.Outputs
	}
	for _, hj := range doc.FailedHooks {
		if hj.Address == "" {
			return nil, bad("a failed hook has no address")
		}
		at, err := parseTime(hj.FailedAt)
		if err != nil {
			return nil, bad("failed hook %s: failed_at: %v", hj.Address, err)
		}
		f.SetFailedHook(FailedHook{Address: hj.Address, Reason: hj.Reason, ExitCode: hj.ExitCode, FailedAt: at})
	}
	f.revision = 0 // as read
	return f, nil
}

// decodeDocument reads a state document with encoding/json, for Parse when
// scanDocument could not: it accepts what encoding/json accepts, and
// explains what it does not.
func decodeDocument(data []byte, path string) (*fileJSON[cty.Value], error) {
	var raw fileJSON[any]
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as written
	err := dec.Decode(&raw)
	if err == nil && len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		err = errors.New("data after the document")
	}
	if err != nil {
		return nil, documentError(data, path, err)
	}
	doc := &fileJSON[cty.Value]{
		FormatVersion:   raw.FormatVersion,
		Serial:          raw.Serial,
		Lineage:         raw.Lineage,
		CertformVersion: raw.CertformVersion,
		FailedHooks:     raw.FailedHooks,
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("state file %s: %s; %s", path, fmt.Sprintf(format, args...), restoreHint(path))
	}
	for _, rj := range raw.Resources {
		attrs, err := decodeValue(rj.Attributes)
		if err != nil {
			return nil, bad("resource %s: attributes: %v", rj.Address, err)
		}
		doc.Resources = append(doc.Resources, resourceJSON[cty.Value]{
			Address:      rj.Address,
			Kind:         rj.Kind,
			Attributes:   attrs,
			Dependencies: rj.Dependencies,
			Files:        rj.Files,
			CreatedAt:    rj.CreatedAt,
			UpdatedAt:    rj.UpdatedAt,
			ConfigDigest: rj.ConfigDigest,
		})
	}
	if raw.Outputs != nil {
		doc.Outputs = make(map[string]cty.Value, len(raw.Outputs))
		for name, v := range raw.Outputs {
			if doc.Outputs[name], err = decodeValue(v); err != nil {
				return nil, bad("output %s: %v", name, err)
			}
		}
	}
	return doc, nil
}

// documentError explains why data, which Parse could not read as a state
// document of a known format (decodeErr, or a format version it does not
// know), is not one. The version comes first: a newer format may change
// any other field.
func documentError(data []byte, path string, decodeErr error) error {
	var head struct {
		FormatVersion *int `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return notState(data, path, err)
	}
	switch v := head.FormatVersion; {
	case v == nil:
		return fmt.Errorf("state file %s has no format_version: it is not a certform state file; %s", path, restoreHint(path))
	case *v > FormatVersion:
		return &VersionError{Path: path, Version: *v}
	case *v < 1:
		return fmt.Errorf("state file %s has format version %d, which no certform writes; %s", path, *v, restoreHint(path))
	}
	return notState(data, path, decodeErr)
}

// decodeValue turns plain JSON data, as encoding/json decodes it with
// UseNumber, into a cty value of the type it implies, as ctyjson's
// SimpleJSONValue does: objects become objects, arrays tuples, and null a
// null of DynamicPseudoType.
func decodeValue(data any) (cty.Value, error) {
	switch d := data.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType), nil
	case bool:
		return cty.BoolVal(d), nil
	case string:
		return cty.StringVal(d), nil
	case json.Number:
		return cty.ParseNumberVal(string(d))
	case []any:
		if len(d) == 0 {
			return cty.EmptyTupleVal, nil
		}
		elems := make([]cty.Value, len(d))
		for i, e := range d {
			v, err := decodeValue(e)
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = v
		}
		return cty.TupleVal(elems), nil
	case map[string]any:
		if len(d) == 0 {
			return cty.EmptyObjectVal, nil
		}
		attrs := make(map[string]cty.Value, len(d))
		for k, e := range d {
			v, err := decodeValue(e)
			if err != nil {
				return cty.NilVal, err
			}
			attrs[k] = v
		}
		return cty.ObjectVal(attrs), nil
	}
	panic(fmt.Sprintf("state: unexpected JSON data %T", data))
}

// parseTime reads what formatTime writes, or any RFC 3339 time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time like 2006-01-02T15:04:05Z", s)
	}
	return t, nil
}

// notState explains why data could not be decoded as a state document.
func notState(data []byte, path string, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return fmt.Errorf("state file %s is empty; %s", path, restoreHint(path))
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return fmt.Errorf("state file %s is not valid JSON (corrupt or cut short): line %d, column %d: %w; %s",
			path, line, col, err, restoreHint(path))
	case errors.As(err, &typ):
		where := "the top level"
		if typ.Field != "" {
			where = fmt.Sprintf("field %q", typ.Field)
		}
		line, col := position(data, typ.Offset)
		// The json error names our Go types; say what JSON belongs there.
		return fmt.Errorf("state file %s is not a certform state file: %s at %s (line %d, column %d) should be %s; %s",
			path, typ.Value, where, line, col, jsonKind(typ.Type), restoreHint(path))
	}
	return fmt.Errorf("reading state file %s: %w; %s", path, err, restoreHint(path))
}

// jsonKind names the JSON that decodes into a value of type t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	}
	return "a " + t.String()
}

// restoreHint is the advice every error about a broken state file ends with.
func restoreHint(path string) string {
	return fmt.Sprintf("restore it from %s.backup or fix it by hand", path)
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
