package ini_test

import (
	"bytes"
	"testing"

	"github.com/certform/certform/providers/ini"
)

// FuzzRoundTrip checks that any input Parse accepts comes back byte for
// byte, and that adding a key and deleting it again does too.
func FuzzRoundTrip(f *testing.F) {
	for _, name := range corpusNames(f) {
		f.Add(corpus(f, name))
	}
	for _, s := range []string{"", "\n", "a=1", "[S]\r\nk = \"v\"", "\xEF\xBB\xBF[S]", "\xFF\xFE", "\xFE\xFF\x00[\x00]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ini.Parse(data)
		if err != nil {
			return
		}
		if got := doc.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("round trip:\n got: %q\nwant: %q", got, data)
		}
		for _, section := range []string{"", "Fuzz Section"} {
			doc, _ := ini.Parse(data)
			const key, value = "FuzzKey", "fuzz value"
			if _, ok := doc.Get(section, key); ok {
				continue
			}
			existed := doc.HasSection(section)
			if err := doc.Set(section, key, value, ini.String); err != nil {
				t.Fatalf("Set: %v", err)
			}
			edited := doc.Bytes()
			back, err := ini.Parse(edited)
			if err != nil {
				t.Fatalf("Parse after Set: %v\n%q", err, edited)
			}
			if v, ok := back.Get(section, key); !ok || v != value {
				t.Fatalf("Get after Set = %q, %v\n%q", v, ok, edited)
			}
			if err := doc.Restore(section, key, nil, existed); err != nil {
				t.Fatal(err)
			}
			if got := doc.Bytes(); !bytes.Equal(got, data) {
				t.Fatalf("Set then Restore:\n got: %q\nwant: %q", got, data)
			}
		}
	})
}
