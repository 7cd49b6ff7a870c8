package ini

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// entry is one key of one section with its value: a known string, a null
// (the key is missing) or, in a plan, an unknown string.
type entry struct {
	section, key string
	value        cty.Value
	kind         ValueKind
	// fromBackup marks an original value read from the file's backup,
	// because the state left it out as sensitive (see fillOriginals).
	fromBackup bool
}

// config is a decoded ini_file block (see DecodeBody).
type config struct {
	path      string
	pathKnown bool
	create    bool
	keys      []entry
}

// state is the value of an ini_file resource, as Plan, Apply and Read
// return it:
//
//	{
//	  path:         string,
//	  create:       bool,
//	  keys:         {SECTION: {KEY: string}},
//	  original:     {SECTION: {KEY: string or null} or null},
//	  created_file: bool,
//	}
//
// keys holds the managed keys with their logical values (without quotes);
// in Read a key missing from the file is null, in Plan a value known only
// after apply is unknown. original holds, for the same keys, the value each
// had before certform first set it, null when the key did not exist, and a
// null section when the section did not exist; delete restores them.
// created_file is true when certform created the file, which delete then
// removes if nothing else was added to it.
type state struct {
	path        string
	create      bool
	keys        []entry
	original    []entry  // value: known string, or null
	absent      []string // sections that did not exist
	createdFile bool
}

// value encodes the state as a plain, JSON-able cty object.
func (s *state) value() cty.Value {
	keys := map[string]map[string]cty.Value{}
	for _, e := range s.keys {
		put(keys, e.section, e.key, e.value)
	}
	orig := map[string]map[string]cty.Value{}
	for _, e := range s.original {
		put(orig, e.section, e.key, e.value)
	}
	origVals := objects(orig)
	for _, name := range s.absent {
		origVals[name] = cty.NullVal(cty.DynamicPseudoType)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"path":         cty.StringVal(s.path),
		"create":       cty.BoolVal(s.create),
		"keys":         cty.ObjectVal(objects(keys)),
		"original":     cty.ObjectVal(origVals),
		"created_file": cty.BoolVal(s.createdFile),
	})
}

func put(m map[string]map[string]cty.Value, section, key string, v cty.Value) {
	if m[section] == nil {
		m[section] = map[string]cty.Value{}
	}
	m[section][key] = v
}

func objects(m map[string]map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(m))
	for name, keys := range m {
		out[name] = cty.ObjectVal(keys)
	}
	return out
}

// sameAs reports whether s and o record the same thing: path, create,
// created_file, the same keys with the same values and originals, and the
// same absent sections.
func (s *state) sameAs(o *state) bool {
	return s.path == o.path && s.create == o.create && s.createdFile == o.createdFile &&
		sameEntries(s.keys, o.keys) && sameEntries(s.original, o.original) &&
		slices.Equal(s.absent, o.absent)
}

// sameEntries reports whether a and b hold the same keys, in any order,
// with the same values.
func sameEntries(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for _, e := range a {
		i := slices.IndexFunc(b, func(o entry) bool { return o.section == e.section && o.key == e.key })
		if i < 0 || !e.value.RawEquals(b[i].value) {
			return false
		}
	}
	return true
}

// decodeState reads a state value, as recorded or as Read returned it.
func decodeState(v cty.Value) (*state, error) {
	if !providers.Exists(v) || !v.Type().IsObjectType() {
		return nil, errors.New("the recorded value is not an ini_file object")
	}
	s := &state{
		path:        providers.String(v, "path"),
		create:      providers.Bool(v, "create"),
		createdFile: providers.Bool(v, "created_file"),
	}
	if s.path == "" {
		return nil, errors.New("the recorded value has no path")
	}
	var err error
	if s.keys, _, err = decodeSections(providers.Attr(v, "keys")); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if s.original, s.absent, err = decodeSections(providers.Attr(v, "original")); err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	return s, nil
}

// decodeSections reads an object of sections of keys. Null sections are
// returned by name.
func decodeSections(v cty.Value) ([]entry, []string, error) {
	if !providers.Exists(v) {
		return nil, nil, nil
	}
	if !v.CanIterateElements() {
		return nil, nil, fmt.Errorf("want an object of sections, got %s", v.Type().FriendlyName())
	}
	var entries []entry
	var null []string
	for it := v.ElementIterator(); it.Next(); {
		name, sec := it.Element()
		if sec.IsNull() {
			null = append(null, name.AsString())
			continue
		}
		if !sec.IsKnown() || !sec.CanIterateElements() {
			return nil, nil, fmt.Errorf("section %q: want an object of keys", name.AsString())
		}
		for kt := sec.ElementIterator(); kt.Next(); {
			key, val := kt.Element()
			switch {
			case val.IsNull():
				val = cty.NullVal(cty.String)
			case !val.IsKnown() || val.Type() != cty.String:
				return nil, nil, fmt.Errorf("section %q key %q: want a string or null", name.AsString(), key.AsString())
			}
			entries = append(entries, entry{section: name.AsString(), key: key.AsString(), value: val})
		}
	}
	return entries, null, nil
}

// decodeConfig reads a value DecodeBody produced.
func decodeConfig(v cty.Value) (*config, error) {
	if !providers.Exists(v) || !v.Type().IsObjectType() {
		return nil, errors.New("the configuration is not an ini_file object")
	}
	c := &config{}
	path := providers.Attr(v, "path")
	if path.IsKnown() {
		c.path, c.pathKnown = providers.String(v, "path"), true
		if c.path == "" {
			return nil, errors.New("path is empty")
		}
	}
	if !providers.Attr(v, "create").IsKnown() {
		return nil, errors.New("create must be known when planning")
	}
	c.create = providers.Bool(v, "create")
	for _, sec := range providers.Elements(v, "sections") {
		name := providers.String(sec, "name")
		keys := providers.Attr(sec, "keys")
		if !providers.Exists(keys) || !keys.CanIterateElements() {
			continue
		}
		for _, key := range keyOrder(sec, keys) {
			e, err := configEntry(name, key, providers.Attr(keys, key))
			if err != nil {
				return nil, err
			}
			c.keys = append(c.keys, e)
		}
	}
	return c, nil
}

// keyOrder lists the keys of a section in the order its block writes them,
// or in alphabetical order when the value does not say.
func keyOrder(sec, keys cty.Value) []string {
	var names []string
	for it := keys.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		names = append(names, k.AsString())
	}
	order := providers.Strings(sec, "order")
	if len(order) != len(names) {
		return names
	}
	for _, k := range order {
		if !slices.Contains(names, k) {
			return names
		}
	}
	return order
}

// configEntry turns a configured value into the string to write.
func configEntry(section, key string, v cty.Value) (entry, error) {
	e := entry{section: section, key: key, value: cty.UnknownVal(cty.String)}
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() {
		return e, nil
	}
	s, kind, err := formatValue(v)
	if err != nil {
		return e, fmt.Errorf("section %q key %q: %w", section, key, err)
	}
	e.value, e.kind = cty.StringVal(s), kind
	return e, nil
}

// formatValue writes a known string, number or bool value as an INI value:
// whole numbers as integers ("45054"), other numbers in decimal, bools as
// "true" or "false".
func formatValue(v cty.Value) (string, ValueKind, error) {
	if !v.IsKnown() || v.IsNull() {
		return "", String, errors.New("a value is required")
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), String, nil
	case cty.Number:
		f := v.AsBigFloat()
		if f.IsInf() {
			return "", Number, errors.New("an infinite number cannot be written")
		}
		if f.IsInt() {
			return f.Text('f', 0), Number, nil
		}
		return f.Text('f', -1), Number, nil
	case cty.Bool:
		if v.True() {
			return "true", Bool, nil
		}
		return "false", Bool, nil
	}
	return "", String, fmt.Errorf("want a string, number or bool, not %s", v.Type().FriendlyName())
}

// find returns the index of the entry for section and key, ignoring case,
// or -1.
func find(entries []entry, section, key string) int {
	return slices.IndexFunc(entries, func(e entry) bool {
		return strings.EqualFold(e.section, section) && strings.EqualFold(e.key, key)
	})
}

// hasSection reports whether any entry is in the section, ignoring case.
func hasSection(entries []entry, section string) bool {
	return slices.ContainsFunc(entries, func(e entry) bool { return strings.EqualFold(e.section, section) })
}

// containsFold reports whether names holds name, ignoring case.
func containsFold(names []string, name string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, name) })
}
