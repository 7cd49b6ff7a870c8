package ini_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/certform/certform/providers/ini"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// utf16Source is the content of the generated UTF-16LE corpus file, a
// client's isps.cfg as Windows Notepad saves it in "Unicode" mode.
const utf16Source = "; Report-Server – Verbindung zum Enterprise-Server\r\n" +
	"[IES System Local]\r\n" +
	"Url = \"ies.example.test:45054\"\r\n" +
	"Timeout = 30\r\n" +
	"\r\n" +
	"[Report Server]\r\n" +
	"OutputDir = \"C:\\Reports\\Größe\"\r\n"

// corpus returns the named corpus file; "utf16le.cfg" is generated from
// utf16Source.
func corpus(t testing.TB, name string) []byte {
	t.Helper()
	if name == "utf16le.cfg" {
		return encodeUTF16LE(t, utf16Source)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func encodeUTF16LE(t testing.TB, s string) []byte {
	t.Helper()
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusNames lists every corpus file, the generated one included.
func corpusNames(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"utf16le.cfg"}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestCorpusUnchanged(t *testing.T) {
	for _, name := range corpusNames(t) {
		t.Run(name, func(t *testing.T) {
			data := corpus(t, name)
			doc, err := ini.Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := doc.Bytes(); !bytes.Equal(got, data) {
				t.Fatalf("Bytes differ from the input:\n got: %q\nwant: %q", got, data)
			}
		})
	}
}

func TestCorpusEdits(t *testing.T) {
	tests := []struct {
		name         string
		file         string
		section, key string
		value        string
		kind         ini.ValueKind
		newSection   bool
		wantOld      []string // lines (with endings) the edit replaces
		wantNew      []string // lines it writes instead
	}{
		{
			name: "isps-change-quoted", file: "isps.cfg",
			section: "InVision Enterprise Server", key: "SSLProtocols", value: "TLS12",
			wantOld: []string{"SSLProtocols                = \"TLS11, TLS12\"\r\n"},
			wantNew: []string{"SSLProtocols                = \"TLS12\"\r\n"},
		},
		{
			name: "isps-change-case-insensitive", file: "isps.cfg",
			section: "invision http server", key: "httpsport", value: "45055", kind: ini.Number,
			wantOld: []string{"HTTPSPort                   = 443\r\n"},
			wantNew: []string{"HTTPSPort                   = 45055\r\n"},
		},
		{
			name: "isps-add-number", file: "isps.cfg",
			section: "InVision Enterprise Server", key: "SSLMaxCipherLength", value: "0", kind: ini.Number,
			wantNew: []string{"SSLMaxCipherLength          = 0\r\n"},
		},
		{
			name: "isps-add-string", file: "isps.cfg",
			section: "IES System Local", key: "Timeout", value: "thirty",
			wantNew: []string{"Timeout = \"thirty\"\r\n"},
		},
		{
			name: "isps-add-section", file: "isps.cfg",
			section: "InVision Xlink", key: "Url", value: "iwfms://ies.example.test:45054", newSection: true,
			wantNew: []string{"\r\n", "[InVision Xlink]\r\n", "Url = \"iwfms://ies.example.test:45054\"\r\n"},
		},
		{
			name: "cp1252-change", file: "xlink-cp1252.cfg",
			section: "IES System Local", key: "Url", value: "iwfms://ies.example.test:45054",
			wantOld: []string{"Url = \"ies.example.test:45054\"\r\n"},
			wantNew: []string{"Url = \"iwfms://ies.example.test:45054\"\r\n"},
		},
		{
			name: "php-change-bare", file: "php.ini",
			section: "PHP", key: "memory_limit", value: "256M",
			wantOld: []string{"memory_limit = 128M\n"},
			wantNew: []string{"memory_limit = 256M\n"},
		},
		{
			name: "php-add-to-empty-section", file: "php.ini",
			section: "openssl", key: "openssl.cafile", value: "/etc/ssl/certs/ca.pem",
			wantNew: []string{"openssl.cafile = /etc/ssl/certs/ca.pem\n"},
		},
		{
			name: "bom-change", file: "crlf-bom.cfg",
			section: "InVision Enterprise Server", key: "SSLProtocols", value: "TLS12, TLS13",
			wantOld: []string{"SSLProtocols = \"TLS12\"\r\n"},
			wantNew: []string{"SSLProtocols = \"TLS12, TLS13\"\r\n"},
		},
		{
			name: "bom-add", file: "crlf-bom.cfg",
			section: "IES System Local", key: "Timeout", value: "30", kind: ini.Number,
			wantNew: []string{"Timeout = 30\r\n"},
		},
		{
			name: "utf16-change", file: "utf16le.cfg",
			section: "IES System Local", key: "Url", value: "iwfms://ies.example.test:45054",
			wantOld: []string{"Url = \"ies.example.test:45054\"\r\n"},
			wantNew: []string{"Url = \"iwfms://ies.example.test:45054\"\r\n"},
		},
		{
			name: "utf16-add", file: "utf16le.cfg",
			section: "Report Server", key: "Title", value: "Übersicht",
			wantNew: []string{"Title = \"Übersicht\"\r\n"},
		},
		{
			name: "odd-change-keeps-spacing", file: "odd-spacing.ini",
			section: "Spaced Section", key: "key3", value: "new",
			wantOld: []string{"key3=   value3   \n"},
			wantNew: []string{"key3=   new   \n"},
		},
		{
			name: "odd-change-single-quotes", file: "odd-spacing.ini",
			section: "spaced section", key: "SINGLE", value: "still quoted",
			wantOld: []string{"single = 'quoted'\n"},
			wantNew: []string{"single = 'still quoted'\n"},
		},
		{
			name: "odd-add-tabs", file: "odd-spacing.ini",
			section: "Tabbed", key: "gamma", value: "3", kind: ini.Number,
			wantNew: []string{"gamma\t\t= 3\n"},
		},
		{
			name: "duplicates-change-last", file: "duplicates.ini",
			section: "SERVER", key: "port", value: "4", kind: ini.Number,
			wantOld: []string{"Port = 3\n"},
			wantNew: []string{"Port = 4\n"},
		},
		{
			name: "duplicates-add-to-last-occurrence", file: "duplicates.ini",
			section: "Client", key: "Timeout", value: "fast",
			wantNew: []string{"Timeout = \"fast\"\n"},
		},
		{
			name: "preamble-change", file: "preamble-no-eol.ini",
			key: "LogLevel", value: "4", kind: ini.Number,
			wantOld: []string{"LogLevel = 3\n"},
			wantNew: []string{"LogLevel = 4\n"},
		},
		{
			name: "preamble-add", file: "preamble-no-eol.ini",
			key: "LogMaxSize", value: "10", kind: ini.Number,
			wantNew: []string{"LogMaxSize = 10\n"},
		},
		{
			name: "no-eol-add-at-end", file: "preamble-no-eol.ini",
			section: "InVision Enterprise Server", key: "SSLPort", value: "45054", kind: ini.Number,
			wantOld: []string{"ServerPort = 0"},
			wantNew: []string{"ServerPort = 0\n", "SSLPort = 45054"},
		},
		{
			name: "mixed-eol-add", file: "mixed-eol.ini",
			section: "A", key: "w", value: "true", kind: ini.Bool,
			wantNew: []string{"w = true\r\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := corpus(t, tc.file)
			doc, err := ini.Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			old, had := doc.Get(tc.section, tc.key)
			if err := doc.Set(tc.section, tc.key, tc.value, tc.kind); err != nil {
				t.Fatalf("Set: %v", err)
			}
			got := doc.Bytes()
			golden(t, filepath.Join("testdata", "golden", tc.name+".golden"), got)

			gotOld, gotNew := lineDiff(lines(t, data), lines(t, got))
			if !slices.Equal(gotOld, tc.wantOld) || !slices.Equal(gotNew, tc.wantNew) {
				t.Errorf("edit changed\n%q\ninto\n%q\nwant\n%q\ninto\n%q", gotOld, gotNew, tc.wantOld, tc.wantNew)
			}
			if enc, wantEnc := prefix(got), prefix(data); enc != wantEnc {
				t.Errorf("byte order mark %q, want %q", enc, wantEnc)
			}

			back, err := ini.Parse(got)
			if err != nil {
				t.Fatalf("Parse of the edited file: %v", err)
			}
			if v, ok := back.Get(tc.section, tc.key); !ok || v != tc.value {
				t.Errorf("Get after Set = %q, %v; want %q", v, ok, tc.value)
			}

			// Undoing the edit gives back the original bytes.
			if had {
				err = doc.Set(tc.section, tc.key, old, tc.kind)
			} else {
				err = doc.Restore(tc.section, tc.key, nil, !tc.newSection)
			}
			if err != nil {
				t.Fatal(err)
			}
			if undone := doc.Bytes(); !bytes.Equal(undone, data) {
				t.Errorf("undoing the edit gives\n%q\nwant\n%q", undone, data)
			}
		})
	}
}

// golden compares got with a golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n got: %q\nwant: %q", path, got, want)
	}
}

// prefix returns the byte order mark data starts with, if any.
func prefix(data []byte) string {
	for _, bom := range []string{"\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF"} {
		if bytes.HasPrefix(data, []byte(bom)) {
			return bom
		}
	}
	return ""
}

// lines decodes a file and splits it into lines that keep their endings.
func lines(t *testing.T, data []byte) []string {
	t.Helper()
	text := string(data)
	switch prefix(data) {
	case "\xEF\xBB\xBF":
		text = text[3:]
	case "\xFF\xFE":
		dec, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
		text = string(dec)
	}
	return strings.SplitAfter(text, "\n")
}

// lineDiff strips the common head and tail of two line lists and returns
// what is left of each.
func lineDiff(a, b []string) (oldLines, newLines []string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	j := 0
	for j < len(a)-i && j < len(b)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	return a[i : len(a)-j], b[i : len(b)-j]
}
