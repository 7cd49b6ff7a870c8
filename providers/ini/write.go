package ini

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// Bytes returns the document as it goes on disk: the source bytes exactly
// when nothing was changed, and otherwise the source with only the edited
// lines rewritten, in the original encoding and byte order mark.
func (d *Document) Bytes() []byte {
	var b strings.Builder
	for _, l := range d.lines {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	text := b.String()
	switch d.enc {
	case utf8BOM:
		return []byte(bomUTF8 + text)
	case utf16LE:
		return append([]byte(bomUTF16LE), encodeUTF16(text, unicode.LittleEndian)...)
	case utf16BE:
		return append([]byte(bomUTF16BE), encodeUTF16(text, unicode.BigEndian)...)
	}
	return []byte(text)
}

func encodeUTF16(text string, order unicode.Endianness) []byte {
	out, err := unicode.UTF16(order, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		// Parse and Set admit only valid UTF-8 into a UTF-16 document.
		panic(fmt.Sprintf("ini: encoding UTF-16: %v", err))
	}
	return out
}

// Set gives a key a value. An existing key (the last occurrence, as Get
// reads it) keeps its quoting and spacing; only its value changes, and not
// at all when the value is the same. A new key goes after the last key of
// the last occurrence of its section, before the blank lines and comments
// that lead to the next section, with its "=" aligned like the key before
// it. A new String value is quoted when the section's (or else the file's)
// string values are, or when nothing shows a style; Number and Bool values
// are bare. A value that would not read back the same bare (surrounding
// blanks, enclosing quotes) is always quoted. A missing section is added
// at the end of the file after a blank line.
//
// Set refuses names and values that cannot be written on one line: line
// breaks and control characters, "]" in a section name, "=" in a key, and
// blanks around either.
func (d *Document) Set(section, key, value string, kind ValueKind) error {
	if err := d.check(section, key, value); err != nil {
		return err
	}
	if i := d.find(section, key); i >= 0 {
		l := &d.lines[i]
		old, q := l.value()
		if old == value {
			return nil
		}
		raw := quote(value, q)
		if q == 0 && needsQuotes(value) {
			raw = quote(value, '"')
		}
		l.text = l.text[:l.valStart] + raw + l.text[l.valEnd:]
		l.valEnd = l.valStart + len(raw)
		return nil
	}
	spans := d.spans(section)
	if len(spans) == 0 {
		d.addSection(section, key, value, kind)
		return nil
	}
	s := spans[len(spans)-1]
	at := s.head + 1
	prev := -1
	for i := s.head + 1; i < s.end; i++ {
		switch d.lines[i].kind {
		case keyLine:
			at, prev = i+1, i
		case otherLine:
			at = i + 1
		}
	}
	quoted, known := d.quoteStyle(spans)
	if !known {
		quoted, known = d.quoteStyle([]span{{head: -1, end: len(d.lines)}})
	}
	raw := format(value, kind, quoted || !known)
	var text string
	if prev >= 0 {
		text = alignAfter(&d.lines[prev], d.alignedIn(s), key, raw)
	} else {
		text = d.plainKeyLine(key, raw)
	}
	d.insert(at, text)
	return nil
}

// addSection appends a new section holding one key after the last
// non-blank line, separated from it by a blank line.
func (d *Document) addSection(section, key, value string, kind ValueKind) {
	at := len(d.lines)
	for at > 0 && d.lines[at-1].kind == blankLine {
		at--
	}
	quoted, known := d.quoteStyle([]span{{head: -1, end: len(d.lines)}})
	texts := []string{"[" + section + "]", d.plainKeyLine(key, format(value, kind, quoted || !known))}
	if at > 0 {
		texts = append([]string{""}, texts...)
	}
	d.insert(at, texts...)
}

// Delete removes every occurrence of a key from every occurrence of its
// section and reports whether there was any.
func (d *Document) Delete(section, key string) bool {
	found := false
	for i := len(d.lines) - 1; i >= 0; i-- {
		if d.lines[i].kind == keyLine && strings.EqualFold(d.lines[i].name, key) && d.inSection(i, section) {
			d.remove(i)
			found = true
		}
	}
	return found
}

// RemoveEmptySection removes the last occurrence of a section if it holds
// nothing but blank lines, together with the blank line before its header,
// and reports whether it did. This undoes Set adding the section. The
// section "" is never removed.
func (d *Document) RemoveEmptySection(name string) bool {
	spans := d.spans(name)
	if len(spans) == 0 || spans[len(spans)-1].head < 0 {
		return false
	}
	s := spans[len(spans)-1]
	for i := s.head + 1; i < s.end; i++ {
		if d.lines[i].kind != blankLine {
			return false
		}
	}
	d.remove(s.head)
	if s.head > 0 && d.lines[s.head-1].kind == blankLine {
		d.remove(s.head - 1)
	}
	return true
}

// inSection reports whether line i lies in an occurrence of section.
func (d *Document) inSection(i int, section string) bool {
	for j := i - 1; j >= 0; j-- {
		if d.lines[j].kind == sectionLine {
			return strings.EqualFold(d.lines[j].name, section)
		}
	}
	return section == ""
}

// check refuses names and values Set cannot write.
func (d *Document) check(section, key, value string) error {
	utf16 := d.enc == utf16LE || d.enc == utf16BE
	for _, f := range []struct{ what, s string }{{"section name", section}, {"key", key}, {"value", value}} {
		for i := 0; i < len(f.s); i++ {
			if c := f.s[i]; (c < 0x20 && c != '\t') || c == 0x7F {
				return fmt.Errorf("%s %q: control characters and line breaks cannot be written to an INI file", f.what, f.s)
			}
		}
		if utf16 && !utf8.ValidString(f.s) {
			return fmt.Errorf("%s %q: not valid UTF-8", f.what, f.s)
		}
	}
	switch {
	case section != strings.Trim(section, blanks) || strings.Contains(section, "]"):
		return fmt.Errorf("section name %q: no surrounding blanks and no \"]\" allowed", section)
	case key == "":
		return errors.New("empty key")
	case key != strings.Trim(key, blanks) || strings.Contains(key, "="):
		return fmt.Errorf("key %q: no surrounding blanks and no \"=\" allowed", key)
	case strings.ContainsAny(key[:1], ";#["):
		return fmt.Errorf("key %q: cannot start with %q", key, key[:1])
	}
	return nil
}

// insert adds lines before index at. New lines end like the line before
// them; a last line without a line ending passes that absence on to the
// last new line.
func (d *Document) insert(at int, texts ...string) {
	eol := d.eol()
	if at > 0 && d.lines[at-1].eol != "" {
		eol = d.lines[at-1].eol
	}
	add := make([]line, len(texts))
	for i, t := range texts {
		add[i] = line{text: t, eol: eol}
		classify(&add[i])
	}
	if at == len(d.lines) && at > 0 && d.lines[at-1].eol == "" {
		d.lines[at-1].eol = eol
		add[len(add)-1].eol = ""
	}
	d.lines = slices.Insert(d.lines, at, add...)
}

// remove deletes line i. Removing a last line without a line ending takes
// the ending off the line before, so remove undoes insert.
func (d *Document) remove(i int) {
	if i == len(d.lines)-1 && i > 0 && d.lines[i].eol == "" {
		d.lines[i-1].eol = ""
	}
	d.lines = slices.Delete(d.lines, i, i+1)
}

// eol returns the line ending most lines use, "\n" when there is none.
func (d *Document) eol() string {
	crlf, lf := 0, 0
	for _, l := range d.lines {
		switch l.eol {
		case "\r\n":
			crlf++
		case "\n":
			lf++
		}
	}
	if crlf > lf {
		return "\r\n"
	}
	return "\n"
}

// quoteStyle reports whether the string-looking values of the given spans
// are mostly quoted, and whether there were any to judge by.
func (d *Document) quoteStyle(spans []span) (quoted, known bool) {
	q, bare := 0, 0
	for _, s := range spans {
		for i := s.head + 1; i < s.end; i++ {
			if d.lines[i].kind != keyLine {
				continue
			}
			v, c := d.lines[i].value()
			if !looksLikeString(v) {
				continue
			}
			if c != 0 {
				q++
			} else {
				bare++
			}
		}
	}
	return q >= bare, q+bare > 0
}

// alignedIn reports whether the keys of a span pad their names to line up
// the "=" signs.
func (d *Document) alignedIn(s span) bool {
	for i := s.head + 1; i < s.end; i++ {
		if d.lines[i].kind == keyLine {
			if before, _ := d.lines[i].gaps(); len(before) > 1 && strings.Trim(before, " ") == "" {
				return true
			}
		}
	}
	return false
}

// alignAfter writes a key line in the style of prev: same indent, same
// spacing after "=", and the "=" in the same column when aligned.
func alignAfter(prev *line, aligned bool, key, raw string) string {
	indent := prev.indent()
	before, after := prev.gaps()
	if aligned && strings.Trim(before, " ") == "" {
		pad := utf8.RuneCountInString(prev.text[:prev.eq]) - utf8.RuneCountInString(indent+key)
		before = strings.Repeat(" ", max(pad, 1))
	}
	return keyText(indent+key+before+"="+after, raw)
}

// plainKeyLine writes a key line in the spacing of the file's last key,
// without alignment padding; "Key = value" when the file has no key.
func (d *Document) plainKeyLine(key, raw string) string {
	for i := len(d.lines) - 1; i >= 0; i-- {
		l := &d.lines[i]
		if l.kind != keyLine {
			continue
		}
		before, after := l.gaps()
		if len(before) > 1 && strings.Trim(before, " ") == "" {
			before = " "
		}
		return keyText(l.indent()+key+before+"="+after, raw)
	}
	return keyText(key+" = ", raw)
}

// keyText joins a key line's prefix and raw value, without trailing blanks
// when the value is empty.
func keyText(prefix, raw string) string {
	if raw == "" {
		return strings.TrimRight(prefix, blanks)
	}
	return prefix + raw
}

// format writes a new value: quoted for strings in a quoted style, and
// whenever it would not read back bare.
func format(value string, kind ValueKind, quotedStyle bool) string {
	if needsQuotes(value) || (kind == String && quotedStyle) {
		return quote(value, '"')
	}
	return value
}

// quote encloses a value in q, or returns it as is when q is 0.
func quote(value string, q byte) string {
	if q == 0 {
		return value
	}
	return string(q) + value + string(q)
}

// needsQuotes reports whether a value written bare would read back
// differently.
func needsQuotes(value string) bool {
	if value != strings.Trim(value, blanks) {
		return true
	}
	_, q := unquote(value)
	return q != 0
}

// looksLikeString reports whether a value is text rather than empty, a
// number or a boolean.
func looksLikeString(v string) bool {
	if v == "" {
		return false
	}
	if c := v[0]; c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return false
		}
	}
	for _, b := range []string{"true", "false", "yes", "no", "on", "off"} {
		if strings.EqualFold(v, b) {
			return false
		}
	}
	return true
}

// Restore puts a key back as it was before Set: to value when it is not
// nil, or else deleted. When sectionExisted is false the section is then
// removed as well, if nothing is left in it (see RemoveEmptySection).
func (d *Document) Restore(section, key string, value *string, sectionExisted bool) error {
	if value != nil && sectionExisted {
		kind := String
		if !looksLikeString(*value) && *value != "" {
			kind = Number
		}
		return d.Set(section, key, *value, kind)
	}
	d.Delete(section, key)
	if !sectionExisted {
		d.RemoveEmptySection(section)
	}
	return nil
}
