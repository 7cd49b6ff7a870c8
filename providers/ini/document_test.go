package ini_test

import (
	"errors"
	"testing"

	"github.com/certform/certform/providers/ini"
)

func TestGet(t *testing.T) {
	const src = "top = 1\n" +
		"[Server]\n" +
		"Port = 1\n" +
		"Port = 2\n" +
		"Name = \"quoted\"\n" +
		"Single = 'single'\n" +
		"Half = \"half\n" +
		"Lone = \"\n" +
		"Inline = value ; not a comment\n" +
		"Empty =\n" +
		"Spaced =   a b   \n" +
		"[SERVER]\n" +
		"Port = 3\n" +
		"[Other]\n" +
		"Port = 9\n"
	doc, err := ini.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, section, key string
		want               string
		wantOK             bool
	}{
		{"before first section", "", "top", "1", true},
		{"last occurrence wins", "Server", "Port", "3", true},
		{"case-insensitive", "server", "NAME", "quoted", true},
		{"single quotes", "Server", "Single", "single", true},
		{"unbalanced quote kept", "Server", "Half", "\"half", true},
		{"lone quote kept", "Server", "Lone", "\"", true},
		{"no inline comments", "Server", "Inline", "value ; not a comment", true},
		{"empty value", "Server", "Empty", "", true},
		{"trimmed", "Server", "Spaced", "a b", true},
		{"missing key", "Server", "Nope", "", false},
		{"missing section", "Nope", "Port", "", false},
		{"other section", "Other", "Port", "9", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := doc.Get(tc.section, tc.key)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tc.section, tc.key, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		section string
		key     string
		value   string
		kind    ini.ValueKind
		want    string
	}{
		{
			name: "same value changes nothing", src: "[S]\nk = 'v'\n",
			section: "S", key: "k", value: "v", want: "[S]\nk = 'v'\n",
		},
		{
			name: "quoted key stays quoted for a number", src: "[S]\nPort = \"1\"\n",
			section: "S", key: "Port", value: "2", kind: ini.Number, want: "[S]\nPort = \"2\"\n",
		},
		{
			name: "bare key gets quotes when needed", src: "[S]\nk = v\n",
			section: "S", key: "k", value: " padded ", want: "[S]\nk = \" padded \"\n",
		},
		{
			name: "value that looks quoted is quoted", src: "[S]\nk = v\n",
			section: "S", key: "k", value: "'x'", want: "[S]\nk = \"'x'\"\n",
		},
		{
			name: "new string follows bare section style", src: "[S]\na = one\nb = two\n",
			section: "S", key: "c", value: "three", want: "[S]\na = one\nb = two\nc = three\n",
		},
		{
			name: "new string follows quoted section style", src: "[S]\na = \"one\"\nn = 1\n",
			section: "S", key: "c", value: "three", want: "[S]\na = \"one\"\nn = 1\nc = \"three\"\n",
		},
		{
			name: "new string in a section of numbers follows the file", src: "[A]\nx = y\n[S]\nn = 1\n",
			section: "S", key: "c", value: "three", want: "[A]\nx = y\n[S]\nn = 1\nc = three\n",
		},
		{
			name: "new string with no style to follow is quoted", src: "[S]\nn = 1\n",
			section: "S", key: "c", value: "three", want: "[S]\nn = 1\nc = \"three\"\n",
		},
		{
			name: "numbers and bools are bare", src: "[S]\na = \"one\"\n",
			section: "S", key: "b", value: "true", kind: ini.Bool, want: "[S]\na = \"one\"\nb = true\n",
		},
		{
			name: "new key before trailing comments", src: "[S]\na = 1\n; about T\n\n[T]\n",
			section: "S", key: "b", value: "2", kind: ini.Number, want: "[S]\na = 1\nb = 2\n; about T\n\n[T]\n",
		},
		{
			name: "aligned when the section is", src: "[S]\nlong_key = 1\nk        = 2\n",
			section: "S", key: "mid", value: "3", kind: ini.Number, want: "[S]\nlong_key = 1\nk        = 2\nmid      = 3\n",
		},
		{
			name: "longer key than the column", src: "[S]\nab   = 1\n",
			section: "S", key: "abcdefg", value: "3", kind: ini.Number, want: "[S]\nab   = 1\nabcdefg = 3\n",
		},
		{
			name: "compact style", src: "[S]\na=1\n",
			section: "S", key: "b", value: "2", kind: ini.Number, want: "[S]\na=1\nb=2\n",
		},
		{
			name: "indented keys", src: "[S]\n  a = 1\n",
			section: "S", key: "b", value: "2", kind: ini.Number, want: "[S]\n  a = 1\n  b = 2\n",
		},
		{
			name: "new section uses the file's line ending", src: "[S]\r\na = 1\r\n",
			section: "T", key: "b", value: "2", kind: ini.Number, want: "[S]\r\na = 1\r\n\r\n[T]\r\nb = 2\r\n",
		},
		{
			name: "new section before trailing blank lines", src: "[S]\na = 1\n\n\n",
			section: "T", key: "b", value: "2", kind: ini.Number, want: "[S]\na = 1\n\n[T]\nb = 2\n\n\n",
		},
		{
			name: "empty file", src: "",
			section: "S", key: "k", value: "v", want: "[S]\nk = \"v\"\n",
		},
		{
			name: "empty section gets the key after its header", src: "[S]\n; comment\n[T]\n",
			section: "S", key: "k", value: "1", kind: ini.Number, want: "[S]\nk = 1\n; comment\n[T]\n",
		},
		{
			name: "key before the first section", src: "; top\n[S]\n",
			key: "k", value: "1", kind: ini.Number, want: "k = 1\n; top\n[S]\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := ini.Parse([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Set(tc.section, tc.key, tc.value, tc.kind); err != nil {
				t.Fatal(err)
			}
			if got := string(doc.Bytes()); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestSetRefuses(t *testing.T) {
	tests := []struct{ name, section, key, value string }{
		{"newline in value", "S", "k", "a\nb"},
		{"carriage return in value", "S", "k", "a\rb"},
		{"equals in key", "S", "a=b", "v"},
		{"empty key", "S", "", "v"},
		{"comment key", "S", ";k", "v"},
		{"bracket in section", "S]", "k", "v"},
		{"blank around key", "S", " k", "v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := ini.Parse([]byte("[S]\nk = v\n"))
			if err := doc.Set(tc.section, tc.key, tc.value, ini.String); err == nil {
				t.Errorf("Set(%q, %q, %q) succeeded, want an error", tc.section, tc.key, tc.value)
			}
			if got := string(doc.Bytes()); got != "[S]\nk = v\n" {
				t.Errorf("a refused Set changed the document: %q", got)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	doc, _ := ini.Parse([]byte("[S]\nk = 1\nK = 2\nj = 3\n[s]\nk = 4\n[T]\nk = 5\n"))
	if !doc.Delete("S", "k") {
		t.Fatal("Delete found nothing")
	}
	if got, want := string(doc.Bytes()), "[S]\nj = 3\n[s]\n[T]\nk = 5\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if doc.Delete("S", "k") {
		t.Error("second Delete found something")
	}
}

func TestRemoveEmptySection(t *testing.T) {
	doc, _ := ini.Parse([]byte("[S]\nk = 1\n\n[T]\n; keep\n"))
	if doc.RemoveEmptySection("T") {
		t.Error("removed a section holding a comment")
	}
	doc, _ = ini.Parse([]byte("[S]\nk = 1\n\n[T]\n\n"))
	if !doc.RemoveEmptySection("t") {
		t.Fatal("did not remove an empty section")
	}
	if got, want := string(doc.Bytes()), "[S]\nk = 1\n\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantLine int
	}{
		{"NUL byte", "[S]\nk = v\nx\x00y\n", 3},
		{"UTF-16 without BOM", "[\x00S\x00]\x00", 1},
		{"control character", "a = 1\n\x01\x02\x03\n", 2},
		{"odd UTF-16", "\xFF\xFE[\x00S\x00]\x00\n\x00x", 2},
		{"unpaired surrogate", "\xFF\xFEa\x00\n\x00b\x00\n\x00\x00\xD8c\x00", 3},
		{"NUL in UTF-16", "\xFF\xFEa\x00\n\x00\x00\x00", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ini.Parse([]byte(tc.data))
			var pe *ini.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.Line != tc.wantLine {
				t.Errorf("line %d, want %d (%v)", pe.Line, tc.wantLine, err)
			}
		})
	}
}

func TestParseKeepsOddLines(t *testing.T) {
	const src = "not a key\n[unterminated\n=nokey\n\x1a"
	doc, err := ini.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if string(doc.Bytes()) != src {
		t.Errorf("got %q", doc.Bytes())
	}
}
