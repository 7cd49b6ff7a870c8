package state

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// scanDocument reads a state document in one pass straight into cty values,
// the way decodeDocument does with encoding/json, and reports whether it
// could. It gives up (ok false) on anything it does not expect: malformed
// JSON, a field of the wrong type, a field name in another case (which
// encoding/json would accept), text that is not UTF-8. Parse then decodes
// the document again with decodeDocument, which explains the problem, or
// reads what this scanner was too strict for.
//
// Reading the state is most of the cost of a plan that changes nothing:
// encoding/json builds a map for every object before it becomes a cty
// value, and decodes each field by reflection.
func scanDocument(data []byte) (doc *fileJSON[cty.Value], ok bool) {
	// A state file holds about one distinct string per 256 bytes.
	s := &scanner{data: data, strings: make(map[string]string, len(data)/256)}
	doc = &fileJSON[cty.Value]{}
	seen := map[string]bool{}
	ok = s.object(func(key string) bool {
		if seen[key] {
			return false // encoding/json would merge the two
		}
		seen[key] = true
		switch key {
		case "format_version":
			return s.int(&doc.FormatVersion)
		case "serial":
			return s.uint(&doc.Serial)
		case "lineage":
			return s.string(&doc.Lineage)
		case "certform_version":
			return s.string(&doc.CertformVersion)
		case "outputs":
			if s.null() {
				doc.Outputs = nil
				return true
			}
			doc.Outputs = map[string]cty.Value{}
			return s.object(func(name string) bool {
				v, ok := s.value()
				doc.Outputs[name] = v
				return ok
			})
		case "failed_hooks":
			// Rare (only after a hook failed): decodeDocument reads it.
			return false
		case "resources":
			if s.null() {
				doc.Resources = nil
				return true
			}
			return s.array(func() bool {
				r := resourceJSON[cty.Value]{Attributes: cty.NullVal(cty.DynamicPseudoType)}
				ok := s.resource(&r)
				doc.Resources = append(doc.Resources, r)
				return ok
			})
		}
		return s.unknownField(key, "format_version", "serial", "lineage", "certform_version", "outputs", "failed_hooks", "resources")
	})
	s.space()
	return doc, ok && s.pos == len(data)
}

// scanner reads JSON from data. Its methods report whether they read what
// they expect; once one fails the scan is abandoned.
type scanner struct {
	data []byte
	pos  int
	buf  []byte // for undoing escapes
	// strings holds every string read, so that each is kept once: the
	// names of attributes, the values many resources share (key
	// algorithms, the chain of an issuer) are repeated in every resource.
	strings map[string]string
	// attrs holds a map for the attributes of the object being read at
	// each depth, reused: cty.ObjectVal copies what it is given.
	attrs []map[string]cty.Value
	depth int
}

func (s *scanner) resource(r *resourceJSON[cty.Value]) bool {
	seen := map[string]bool{}
	return s.object(func(key string) bool {
		if seen[key] {
			return false // encoding/json would merge the two
		}
		seen[key] = true
		switch key {
		case "address":
			return s.string(&r.Address)
		case "kind":
			return s.string(&r.Kind)
		case "attributes":
			v, ok := s.value()
			r.Attributes = v
			return ok
		case "dependencies":
			if s.null() {
				r.Dependencies = nil
				return true
			}
			r.Dependencies = []string{}
			return s.array(func() bool {
				var d string
				ok := s.string(&d)
				r.Dependencies = append(r.Dependencies, d)
				return ok
			})
		case "files":
			if s.null() {
				r.Files = nil
				return true
			}
			r.Files = map[string]string{}
			return s.object(func(path string) bool {
				var h string
				ok := s.string(&h)
				r.Files[path] = h
				return ok
			})
		case "created_at":
			return s.string(&r.CreatedAt)
		case "updated_at":
			return s.string(&r.UpdatedAt)
		case "config_digest":
			return s.string(&r.ConfigDigest)
		}
		return s.unknownField(key, "address", "kind", "attributes", "dependencies", "files", "created_at", "updated_at", "config_digest")
	})
}

// unknownField skips the value of a field the document does not define,
// unless its name matches a defined one but for case: encoding/json would
// read that one into the field.
func (s *scanner) unknownField(key string, known ...string) bool {
	for _, k := range known {
		if strings.EqualFold(key, k) {
			return false
		}
	}
	_, ok := s.value()
	return ok
}

// value reads any JSON value as the cty value of the type it implies, as
// decodeValue does.
func (s *scanner) value() (cty.Value, bool) {
	s.space()
	if s.pos >= len(s.data) {
		return cty.NilVal, false
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		if s.depth == len(s.attrs) {
			s.attrs = append(s.attrs, map[string]cty.Value{})
		}
		attrs := s.attrs[s.depth]
		s.depth++
		defer func() {
			clear(attrs)
			s.depth--
		}()
		ok := s.object(func(key string) bool {
			v, ok := s.value()
			attrs[key] = v
			return ok
		})
		if !ok {
			return cty.NilVal, false
		}
		if len(attrs) == 0 {
			return cty.EmptyObjectVal, true
		}
		return cty.ObjectVal(attrs), true
	case c == '[':
		var elems []cty.Value
		ok := s.array(func() bool {
			v, ok := s.value()
			elems = append(elems, v)
			return ok
		})
		if !ok {
			return cty.NilVal, false
		}
		if len(elems) == 0 {
			return cty.EmptyTupleVal, true
		}
		return cty.TupleVal(elems), true
	case c == '"':
		str, ok := s.str()
		if !ok {
			return cty.NilVal, false
		}
		return cty.StringVal(str), true
	case c == '-' || '0' <= c && c <= '9':
		lit, ok := s.number()
		if !ok {
			return cty.NilVal, false
		}
		v, err := cty.ParseNumberVal(lit)
		return v, err == nil
	case s.literal("true"):
		return cty.True, true
	case s.literal("false"):
		return cty.False, true
	case s.literal("null"):
		return cty.NullVal(cty.DynamicPseudoType), true
	}
	return cty.NilVal, false
}

// object reads an object, calling field for each key with the scanner
// before its value; field must read the value.
func (s *scanner) object(field func(key string) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.str()
		if !ok || !s.next(':') || !field(key) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.next(']') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// string reads a string into *dst; null leaves *dst as it is, as
// encoding/json does.
func (s *scanner) string(dst *string) bool {
	if s.null() {
		return true
	}
	str, ok := s.str()
	if ok {
		*dst = str
	}
	return ok
}

// str reads a string.
func (s *scanner) str() (string, bool) {
	if !s.next('"') {
		return "", false
	}
	start := s.pos
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '"':
			raw := s.data[start:s.pos]
			s.pos++
			if !utf8.Valid(raw) {
				return "", false // encoding/json replaces invalid bytes
			}
			return s.intern(raw), true
		case c == '\\':
			// Escapes are rare in state files: encoding/json reads the
			// strings that hold them.
			return s.escaped(start - 1)
		case c < ' ':
			return "", false
		}
		s.pos++
	}
	return "", false
}

// intern returns the string b holds, the same one each time.
func (s *scanner) intern(b []byte) string {
	if str, ok := s.strings[string(b)]; ok {
		return str
	}
	str := string(b)
	s.strings[str] = str
	return str
}

// escaped reads the string that starts at data[start] and holds escapes.
// The escapes PEM text and Windows paths need are undone here; a \u
// escape, rare in state files, is left to encoding/json.
func (s *scanner) escaped(start int) (string, bool) {
	b := s.buf[:0]
	defer func() { s.buf = b }()
	s.pos = start + 1
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !utf8.Valid(b) {
				return "", false // encoding/json replaces invalid bytes
			}
			return s.intern(b), true
		case c < ' ' || c == '\\' && s.pos+1 == len(s.data):
			return "", false
		case c == '\\':
			s.pos++
			switch e := s.data[s.pos]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				return s.unicodeEscaped(start)
			default:
				return "", false
			}
		default:
			b = append(b, c)
		}
		s.pos++
	}
	return "", false
}

// unicodeEscaped reads the string that starts at data[start] with
// encoding/json, which knows how \u escapes of UTF-16 surrogates combine.
func (s *scanner) unicodeEscaped(start int) (string, bool) {
	s.pos = start + 1
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
			continue
		case '"':
			s.pos++
			var str string
			err := json.Unmarshal(s.data[start:s.pos], &str)
			return str, err == nil
		}
		s.pos++
	}
	return "", false
}

// number reads a number and returns it as written.
func (s *scanner) number() (string, bool) {
	start := s.pos
	if s.pos < len(s.data) && s.data[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if n := digits(); n == 0 || n > 1 && s.data[s.pos-n] == '0' {
		return "", false // no digits, or a leading zero
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return "", false
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return "", false
		}
	}
	return string(s.data[start:s.pos]), true
}

// int reads a whole number; null leaves *dst as it is.
func (s *scanner) int(dst *int) bool {
	s.space()
	if s.null() {
		return true
	}
	lit, ok := s.number()
	if !ok {
		return false
	}
	n, err := strconv.Atoi(lit)
	*dst = n
	return err == nil
}

// uint reads a whole number, 0 or more; null leaves *dst as it is.
func (s *scanner) uint(dst *uint64) bool {
	s.space()
	if s.null() {
		return true
	}
	lit, ok := s.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseUint(lit, 10, 64)
	*dst = n
	return err == nil
}

// null reads a null if one comes next.
func (s *scanner) null() bool {
	s.space()
	return s.literal("null")
}

// literal reads the word lit if it comes next.
func (s *scanner) literal(lit string) bool {
	if len(s.data)-s.pos < len(lit) || string(s.data[s.pos:s.pos+len(lit)]) != lit {
		return false
	}
	s.pos += len(lit)
	return true
}

// next reads the byte c, after white space, if it comes next.
func (s *scanner) next(c byte) bool {
	s.space()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// space skips white space.
func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}
