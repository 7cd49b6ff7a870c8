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
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// fileJSON is the state document as written to disk. Field order is the
// order in the file: the short header and outputs first, then resources.
// Values are json.RawMessage when reading and plain data (any) when
// writing.
type fileJSON[V any] struct {
	FormatVersion   int               `json:"format_version"`
	Serial          uint64            `json:"serial"`
	Lineage         string            `json:"lineage"`
	CertformVersion string            `json:"certform_version"`
	Outputs         map[string]V      `json:"outputs"`
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
func (f *File) encode(serial uint64, version string) ([]byte, error) {
	if f.Lineage == "" {
		return nil, errors.New("state has no lineage: create it with state.New")
	}
	doc := fileJSON[any]{
		FormatVersion:   FormatVersion,
		Serial:          serial,
		Lineage:         f.Lineage,
		CertformVersion: version,
		Outputs:         make(map[string]any, len(f.outputs)),
		Resources:       make([]resourceJSON[any], 0, len(f.resources)),
	}
	for _, name := range slices.Sorted(maps.Keys(f.outputs)) {
		v, err := encodeValue(f.outputs[name])
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", name, err)
		}
		doc.Outputs[name] = v
	}
	for _, addr := range slices.Sorted(maps.Keys(f.resources)) {
		r := f.resources[addr]
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
		doc.Resources = append(doc.Resources, resourceJSON[any]{
			Address:      addr,
			Kind:         r.Kind,
			Attributes:   attrs,
			Dependencies: slices.Compact(deps),
			Files:        nonNil(r.Files),
			CreatedAt:    formatTime(r.CreatedAt),
			UpdatedAt:    formatTime(r.UpdatedAt),
		})
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in URLs and hook commands
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding state: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeValue converts v to plain JSON data for encoding/json, after
// checking that it holds no private key. Going through ctyjson keeps its
// rules (numbers, sets, refusal of unknown and marked values); decoding the
// result again lets the document's encoder write "<" and "&" unescaped.
func encodeValue(v cty.Value) (any, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	raw, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return nil, withPath(err)
	}
	// Marshal has refused unknown and marked values, so Walk is safe.
	err = cty.Walk(v, func(p cty.Path, v cty.Value) (bool, error) {
		if !v.IsNull() && v.Type() == cty.String && strings.Contains(v.AsString(), privateKeyMarker) {
			return false, p.NewErrorf("holds a PEM private key (%q); private keys belong in the secrets directory, never in state", privateKeyMarker)
		}
		return true, nil
	})
	if err != nil {
		return nil, withPath(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep numbers exactly as cty wrote them
	var data any
	if err := dec.Decode(&data); err != nil {
		return nil, err // cannot happen: ctyjson wrote valid JSON
	}
	return data, nil
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
	var doc fileJSON[json.RawMessage]
	var head struct {
		FormatVersion *int `json:"format_version"`
	}
	// The version comes first: a newer format may change any other field.
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, notState(data, path, err)
	}
	switch v := head.FormatVersion; {
	case v == nil:
		return nil, fmt.Errorf("state file %s has no format_version: it is not a certform state file; %s", path, restoreHint(path))
	case *v > FormatVersion:
		return nil, &VersionError{Path: path, Version: *v}
	case *v < 1:
		return nil, fmt.Errorf("state file %s has format version %d, which no certform writes; %s", path, *v, restoreHint(path))
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, notState(data, path, err)
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
		attrs, err := decodeValue(rj.Attributes)
		if err != nil {
			return nil, bad("resource %s: attributes: %v", rj.Address, err)
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
			Attributes:   attrs,
			Dependencies: rj.Dependencies,
			Files:        rj.Files,
			CreatedAt:    created,
			UpdatedAt:    updated,
		}
	}
	if len(doc.Outputs) > 0 {
		f.outputs = make(map[string]cty.Value, len(doc.Outputs))
		for name, raw := range doc.Outputs {
			v, err := decodeValue(raw)
			if err != nil {
				return nil, bad("output %s: %v", name, err)
			}
			f.outputs[name] = v
		}
	}
	return f, nil
}

// decodeValue reads plain JSON into a cty value of the implied type; a
// missing value is null.
func decodeValue(raw json.RawMessage) (cty.Value, error) {
	if len(raw) == 0 {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	var v ctyjson.SimpleJSONValue
	if err := v.UnmarshalJSON(raw); err != nil {
		return cty.NilVal, err
	}
	return v.Value, nil
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
