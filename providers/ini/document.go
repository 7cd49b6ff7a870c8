package ini

import (
	"strings"
)

// A Document is a parsed INI file that remembers every byte of its source:
// comments, blank lines, spacing around "=", quotes, line endings, the byte
// order mark and the encoding. Bytes returns the source unchanged until Set
// or Delete edits it, and an edit rewrites only the lines it touches.
//
// Sections and keys match case-insensitively, as Windows does. When a
// section or key occurs more than once, the last occurrence wins: Get reads
// it and Set changes it. Keys before the first section header belong to the
// section named "".
//
// As with Windows' GetPrivateProfileString, a value runs from the first
// non-blank character after "=" to the end of the line, less trailing
// blanks: there are no inline comments. A value enclosed in a pair of double
// or single quotes has them removed.
//
// A Document is not safe for concurrent use.
type Document struct {
	enc   encoding
	lines []line
}

// A ValueKind says what a value stands for, which decides whether a new key
// is written with quotes.
//
//go:generate stringer -type=ValueKind
type ValueKind int

const (
	// String values follow the quoting style of their section.
	String ValueKind = iota
	// Number values are written bare.
	Number
	// Bool values are written bare.
	Bool
)

// encoding is how the document's text is stored on disk.
type encoding int

const (
	utf8Plain encoding = iota
	utf8BOM
	utf16LE
	utf16BE
)

type lineKind uint8

const (
	blankLine lineKind = iota
	commentLine
	sectionLine
	keyLine
	// otherLine is a line that is none of the above, kept verbatim.
	otherLine
)

// line is one line of the document, as decoded text.
type line struct {
	text string // without the line ending
	eol  string // "\n", "\r\n", or "" for a last line without one
	kind lineKind
	name string // section name or key, trimmed

	// Key lines: text[eq] is the '=', text[valStart:valEnd] the value as
	// written, with its quotes.
	eq, valStart, valEnd int
}

// blanks are the characters trimmed around names and values.
const blanks = " \t\r\v\f"

// raw returns a key line's value as written, quotes included.
func (l *line) raw() string { return l.text[l.valStart:l.valEnd] }

// value returns a key line's logical value and the quote it was enclosed
// in, 0 for none.
func (l *line) value() (string, byte) {
	return unquote(l.raw())
}

// unquote removes a pair of enclosing double or single quotes.
func unquote(raw string) (string, byte) {
	if n := len(raw); n >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[n-1] == raw[0] {
		return raw[1 : n-1], raw[0]
	}
	return raw, 0
}

// indent returns the blanks a line starts with.
func (l *line) indent() string {
	return l.text[:len(l.text)-len(strings.TrimLeft(l.text, blanks))]
}

// gaps returns the blanks before and after the '=' of a key line.
func (l *line) gaps() (before, after string) {
	left := l.text[:l.eq]
	before = left[len(strings.TrimRight(left, blanks)):]
	return before, l.text[l.eq+1 : l.valStart]
}

// span is the lines of one occurrence of a section: the header at head
// (-1 for the keys before the first section) and the body up to end.
type span struct {
	head, end int
}

// spans returns every occurrence of the named section, in file order. The
// section "" has one occurrence: the lines before the first header.
func (d *Document) spans(name string) []span {
	var out []span
	cur := -1
	open := name == ""
	for i := range d.lines {
		if d.lines[i].kind != sectionLine {
			continue
		}
		if open {
			out = append(out, span{head: cur, end: i})
		}
		cur = i
		open = strings.EqualFold(d.lines[i].name, name)
	}
	if open {
		out = append(out, span{head: cur, end: len(d.lines)})
	}
	return out
}

// find returns the index of the key line Get reads: the last occurrence of
// key in any occurrence of section, or -1.
func (d *Document) find(section, key string) int {
	found := -1
	for _, s := range d.spans(section) {
		for i := s.head + 1; i < s.end; i++ {
			if d.lines[i].kind == keyLine && strings.EqualFold(d.lines[i].name, key) {
				found = i
			}
		}
	}
	return found
}

// Get returns the logical value of a key, without its quotes, and whether
// the key exists. Section and key match case-insensitively; the last
// occurrence wins.
func (d *Document) Get(section, key string) (value string, ok bool) {
	i := d.find(section, key)
	if i < 0 {
		return "", false
	}
	v, _ := d.lines[i].value()
	return v, true
}

// HasSection reports whether a section header with this name exists. The
// section "" always exists.
func (d *Document) HasSection(name string) bool {
	return len(d.spans(name)) > 0
}

// Empty reports whether the document holds nothing but blank lines and
// comments: no section, key or other line.
func (d *Document) Empty() bool {
	for _, l := range d.lines {
		if l.kind != blankLine && l.kind != commentLine {
			return false
		}
	}
	return true
}
