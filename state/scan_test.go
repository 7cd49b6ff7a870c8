package state

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// scanCases are documents scanDocument must read as decodeDocument does,
// and documents it must leave to decodeDocument (scanned false).
var scanCases = []struct {
	name    string
	data    string
	scanned bool
}{
	{"minimal", `{"format_version": 1, "lineage": "x"}`, true},
	{"escapes", `{"format_version":1,"lineage":"x","outputs":{"s":"a\"b\\c\/d\n\r\t\b\f","u":"caf\u00e9 \ud83d\ude00","p":"C:\\dir\\f.pem"}}`, true},
	{"numbers", `{"format_version":1,"lineage":"x","outputs":{"a":0,"b":-1.5,"c":2.5e3,"d":1E-7,"e":12345678901234567890123}}`, true},
	{"nesting", `{"format_version":1,"lineage":"x","outputs":{"o":{"a":[{},[],{"b":[true,false,null]}],"c":{}}}}`, true},
	{"nulls", `{"format_version":1,"serial":null,"lineage":"x","certform_version":null,"outputs":null,"resources":null}`, true},
	{"resource nulls", `{"format_version":1,"lineage":"x","resources":[{"address":"a.b","kind":"a","attributes":null,"dependencies":null,"files":null,"created_at":null}]}`, true},
	{"resource lists", `{"format_version":1,"lineage":"x","resources":[{"address":"a.b","kind":"a","dependencies":["x.y",null],"files":{"f":"sha256:0","g":null}}]}`, true},
	{"unknown fields", `{"future":{"x":[1,{"y":null}]},"format_version":1,"lineage":"x","resources":[{"address":"a.b","kind":"a","extra":"e"}]}`, true},
	{"duplicate value keys", `{"format_version":1,"lineage":"x","outputs":{"o":{"a":1,"a":"two"}}}`, true},
	{"white space", " \n\t{ \"format_version\" : 1 , \"lineage\" : \"x\" } \r\n", true},
	{"unicode text", `{"format_version":1,"lineage":"x","outputs":{"s":"größe ☃"}}`, true},

	{"field in other case", `{"format_version":1,"Lineage":"x"}`, false},
	{"duplicate field", `{"format_version":1,"lineage":"x","lineage":"y"}`, false},
	{"duplicate resource field", `{"format_version":1,"lineage":"x","resources":[{"address":"a.b","kind":"a","kind":"b"}]}`, false},
	{"invalid UTF-8", "{\"format_version\":1,\"lineage\":\"x\",\"outputs\":{\"s\":\"\xff\"}}", false},
	{"invalid UTF-8 escaped", "{\"format_version\":1,\"lineage\":\"x\",\"outputs\":{\"s\":\"\\n\xff\"}}", false},
	{"fractional version", `{"format_version":1.0,"lineage":"x"}`, false},
	{"negative serial", `{"format_version":1,"serial":-1,"lineage":"x"}`, false},
	{"trailing data", `{"format_version":1,"lineage":"x"} {}`, false},
	{"truncated", `{"format_version":1,"lineage":"x"`, false},
	{"leading zero", `{"format_version":01,"lineage":"x"}`, false},
	{"control character", "{\"format_version\":1,\"lineage\":\"a\tb\"}", false},
	{"bad escape", `{"format_version":1,"lineage":"a\qb"}`, false},
	{"wrong type", `{"format_version":1,"serial":"seven","lineage":"x"}`, false},
	{"not an object", `["format_version", 1]`, false},
	{"empty", ``, false},
}

func TestScanDocument(t *testing.T) {
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := scanDocument([]byte(tc.data))
			if ok != tc.scanned {
				t.Fatalf("scanned = %v, want %v", ok, tc.scanned)
			}
			if ok {
				checkSameDocument(t, []byte(tc.data), got)
			}
		})
	}
}

// TestScanDocumentFiles scans every state file in testdata.
func TestScanDocumentFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("testdata/roundtrip/*.json")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := scanDocument(data)
		if !ok {
			t.Errorf("%s: not scanned", name)
			continue
		}
		checkSameDocument(t, data, got)
	}
}

func FuzzScanDocument(f *testing.F) {
	for _, tc := range scanCases {
		f.Add([]byte(tc.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, ok := scanDocument(data); ok {
			checkSameDocument(t, data, got)
		}
	})
}

// checkSameDocument fails unless decodeDocument reads data as got.
func checkSameDocument(t *testing.T, data []byte, got *fileJSON[cty.Value]) {
	t.Helper()
	want, err := decodeDocument(data, "state.json")
	if err != nil {
		t.Fatalf("scanned, but decodeDocument fails: %v", err)
	}
	if !sameValues(got.Outputs, want.Outputs) {
		t.Errorf("outputs = %#v, want %#v", got.Outputs, want.Outputs)
	}
	gotRes, wantRes := got.Resources, want.Resources
	if len(gotRes) != len(wantRes) {
		t.Fatalf("%d resources, want %d", len(gotRes), len(wantRes))
	}
	for i := range gotRes {
		g, w := gotRes[i], wantRes[i]
		if !g.Attributes.RawEquals(w.Attributes) {
			t.Errorf("resource %d attributes = %#v, want %#v", i, g.Attributes, w.Attributes)
		}
		g.Attributes, w.Attributes = cty.NilVal, cty.NilVal
		if !reflect.DeepEqual(g, w) {
			t.Errorf("resource %d = %#v, want %#v", i, g, w)
		}
	}
	got.Outputs, want.Outputs, got.Resources, want.Resources = nil, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("document = %#v, want %#v", got, want)
	}
}

func sameValues(a, b map[string]cty.Value) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !v.RawEquals(w) {
			return false
		}
	}
	return true
}
