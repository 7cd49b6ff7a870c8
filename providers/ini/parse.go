package ini

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/unicode"
)

// Byte order marks.
const (
	bomUTF8    = "\xEF\xBB\xBF"
	bomUTF16LE = "\xFF\xFE"
	bomUTF16BE = "\xFE\xFF"
)

// A ParseError reports data that is not an INI text file: a NUL or other
// control byte, or invalid UTF-16. Line counts from 1.
type ParseError struct {
	Line   int
	Reason string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// Parse reads an INI file. It accepts UTF-8 with or without a byte order
// mark, and UTF-16 (little or big endian) with one; the document remembers
// which and writes it back the same way. Lines may end in LF or CRLF, mixed
// as they come. Lines that are neither section header, key, comment nor
// blank are kept verbatim. Data that is not text (a NUL or other control
// byte, invalid UTF-16) is refused with a *ParseError naming the line.
// Parse(nil) returns an empty UTF-8 document.
func Parse(data []byte) (*Document, error) {
	d := &Document{}
	var text string
	switch {
	case bytes.HasPrefix(data, []byte(bomUTF8)):
		d.enc, text = utf8BOM, string(data[len(bomUTF8):])
	case bytes.HasPrefix(data, []byte(bomUTF16LE)):
		d.enc = utf16LE
		s, err := decodeUTF16(data[2:], unicode.LittleEndian)
		if err != nil {
			return nil, err
		}
		text = s
	case bytes.HasPrefix(data, []byte(bomUTF16BE)):
		d.enc = utf16BE
		s, err := decodeUTF16(data[2:], unicode.BigEndian)
		if err != nil {
			return nil, err
		}
		text = s
	default:
		d.enc, text = utf8Plain, string(data)
	}
	d.lines = make([]line, 0, strings.Count(text, "\n")+1)
	for n := 1; text != ""; n++ {
		var l line
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l.text, l.eol, text = text[:i], "\n", text[i+1:]
			if strings.HasSuffix(l.text, "\r") {
				l.text, l.eol = l.text[:len(l.text)-1], "\r\n"
			}
		} else {
			l.text, text = text, ""
		}
		if reason := notText(l.text, d.enc); reason != "" {
			return nil, &ParseError{Line: n, Reason: reason}
		}
		classify(&l)
		d.lines = append(d.lines, l)
	}
	return d, nil
}

// notText says why a line is not text, or returns "".
func notText(s string, enc encoding) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0 && enc == utf8Plain:
			return "NUL byte: this is not a text file (UTF-16 needs a byte order mark)"
		case c == 0:
			return "NUL character: this is not a text file"
		case c < 0x20 && c != '\t' && c != '\r' && c != '\v' && c != '\f' && c != 0x1A,
			c == 0x7F:
			return fmt.Sprintf("control character 0x%02X: this is not a text file", c)
		}
	}
	return ""
}

// decodeUTF16 decodes UTF-16 text after its byte order mark, refusing data
// that would not encode back to the same bytes.
func decodeUTF16(data []byte, order unicode.Endianness) (string, error) {
	enc := unicode.UTF16(order, unicode.IgnoreBOM)
	if len(data)%2 != 0 {
		return "", &ParseError{Line: utf16Line(data, len(data)-1, order), Reason: "odd number of bytes: invalid UTF-16"}
	}
	text, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", &ParseError{Line: 1, Reason: fmt.Sprintf("invalid UTF-16: %v", err)}
	}
	back, err := enc.NewEncoder().Bytes(text)
	if err != nil || !bytes.Equal(back, data) {
		at := 0
		for at < len(data) && at < len(back) && data[at] == back[at] {
			at++
		}
		return "", &ParseError{Line: utf16Line(data, at, order), Reason: "invalid UTF-16 (unpaired surrogate)"}
	}
	return string(text), nil
}

// utf16Line returns the line number of byte offset at in UTF-16 data.
func utf16Line(data []byte, at int, order unicode.Endianness) int {
	n := 1
	for i := 0; i+1 < len(data) && i < at-at%2; i += 2 {
		lo, hi := data[i], data[i+1]
		if order == unicode.BigEndian {
			lo, hi = hi, lo
		}
		if lo == '\n' && hi == 0 {
			n++
		}
	}
	return n
}

// classify sets the kind, name and value bounds of a line.
func classify(l *line) {
	t := strings.TrimLeft(l.text, blanks)
	switch {
	case t == "":
		l.kind = blankLine
		return
	case t[0] == ';' || t[0] == '#':
		l.kind = commentLine
		return
	case t[0] == '[':
		if j := strings.IndexByte(t, ']'); j > 0 {
			l.kind, l.name = sectionLine, strings.Trim(t[1:j], blanks)
			return
		}
	}
	eq := strings.IndexByte(l.text, '=')
	if eq < 0 || strings.Trim(l.text[:eq], blanks) == "" {
		l.kind = otherLine
		return
	}
	l.kind, l.name, l.eq = keyLine, strings.Trim(l.text[:eq], blanks), eq
	l.valStart = eq + 1
	for l.valStart < len(l.text) && strings.IndexByte(blanks, l.text[l.valStart]) >= 0 {
		l.valStart++
	}
	l.valEnd = max(len(strings.TrimRight(l.text, blanks)), l.valStart)
}
