package state_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, path string, got []byte) {
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
	if string(got) != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, diff.Diff(path, want, "got", got))
	}
}

var (
	created = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	updated = time.Date(2026, 11, 23, 18, 0, 0, 0, time.FixedZone("CET", 3600))
)

// sample returns a File with one resource of each shape state meets.
func sample() *state.File {
	f := state.New()
	f.Lineage = "5b0c6f3e-2f43-4c8e-9a51-7d1e2c3b4a50"
	f.Serial = 7
	f.CertformVersion = "0.1.0"
	f.Set(&state.Resource{
		Address: "certificate.ies",
		Kind:    "certificate",
		Attributes: cty.ObjectVal(map[string]cty.Value{
			"common_name": cty.StringVal("ies.example.internal"),
			"dns_names":   cty.ListVal([]cty.Value{cty.StringVal("ies.example.internal"), cty.StringVal("ies")}),
			"key_id":      cty.StringVal("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
			"not_after":   cty.StringVal("2027-12-24T09:30:00Z"),
			"validity":    cty.StringVal("397d"),
			"serial":      cty.NumberIntVal(4711),
			"is_ca":       cty.False,
			"url":         cty.StringVal("https://ies.example.internal/?a=1&b=<2>"),
		}),
		Dependencies: []string{"issuer.ca.root"},
		CreatedAt:    created,
		UpdatedAt:    updated,
	})
	f.Set(&state.Resource{
		Address: "store.pem_files.ca",
		Kind:    "store.pem_files",
		Attributes: cty.ObjectVal(map[string]cty.Value{
			"cert_path": cty.StringVal("certs/ca.pem"),
			"chain":     cty.NullVal(cty.String),
		}),
		Dependencies: []string{"issuer.ca.root"},
		Files:        map[string]string{"certs/ca.pem": state.FileHash([]byte("-----BEGIN CERTIFICATE-----\n"))},
		CreatedAt:    created,
	})
	f.Set(&state.Resource{
		Address: "ini_file.isps",
		Kind:    "ini_file",
		Attributes: cty.ObjectVal(map[string]cty.Value{
			"path": cty.StringVal("conf/isps.cfg"),
			"sections": cty.MapVal(map[string]cty.Value{
				"server": cty.MapVal(map[string]cty.Value{"url": cty.StringVal("iwfms://ies.example.internal:4443")}),
				"tls":    cty.MapVal(map[string]cty.Value{"cert": cty.StringVal("certs/ies.pem")}),
			}),
		}),
		Dependencies: []string{"store.pem_files.ca", "certificate.ies", "store.pem_files.ca"},
		Files:        map[string]string{"conf/isps.cfg": state.FileHash([]byte("[server]\n")), "conf/b.cfg": state.FileHash(nil)},
	})
	f.Set(&state.Resource{Address: "hook.reload", Kind: "hook"})
	f.SetOutputs(map[string]cty.Value{
		"ies_url":   cty.StringVal("https://ies.example.internal"),
		"dns_names": cty.TupleVal([]cty.Value{cty.StringVal("ies"), cty.StringVal("ies.example.internal")}),
	})
	return f
}

func TestMarshalGolden(t *testing.T) {
	f := sample()
	got, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/sample.golden.json", got)

	// Marshal is deterministic and reading the result back gives it again.
	again, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(got) {
		t.Errorf("second Marshal differs:\n%s", diff.Diff("first", got, "second", again))
	}
	parsed, err := state.Parse(got, "sample.json")
	if err != nil {
		t.Fatal(err)
	}
	back, err := state.Marshal(parsed)
	if err != nil {
		t.Fatal(err)
	}
	if string(back) != string(got) {
		t.Errorf("Marshal(Parse(out)) differs from out:\n%s", diff.Diff("out", got, "again", back))
	}
}

// TestRoundTrip reads every testdata/roundtrip/*.in.json, writes it again
// and compares with the matching *.out.json.
func TestRoundTrip(t *testing.T) {
	ins, err := filepath.Glob("testdata/roundtrip/*.in.json")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no round trip cases: %v", err)
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := state.Parse(data, in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := state.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(in, ".in.json")+".out.json", got)
		})
	}
}

func TestParseValues(t *testing.T) {
	data, err := os.ReadFile("testdata/sample.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := state.Parse(data, "sample.json")
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if f.Lineage != want.Lineage || f.Serial != want.Serial || f.CertformVersion != want.CertformVersion {
		t.Errorf("header = %q %d %q, want %q %d %q", f.Lineage, f.Serial, f.CertformVersion, want.Lineage, want.Serial, want.CertformVersion)
	}
	r := f.Resource("certificate.ies")
	if r == nil {
		t.Fatal("certificate.ies missing")
	}
	if !r.CreatedAt.Equal(created) || !r.UpdatedAt.Equal(updated) {
		t.Errorf("times = %v, %v; want %v, %v", r.CreatedAt, r.UpdatedAt, created, updated)
	}
	// Attributes come back as plain JSON types: equal in the sense of
	// providers.Equal, not necessarily in type.
	if got := r.Attributes.GetAttr("dns_names"); !got.Type().IsTupleType() || got.LengthInt() != 2 {
		t.Errorf("dns_names = %#v, want a tuple of 2", got)
	}
	if got := r.Attributes.GetAttr("serial"); !got.RawEquals(cty.NumberIntVal(4711)) {
		t.Errorf("serial = %#v, want 4711", got)
	}
	if got := f.Resource("hook.reload").Attributes; !got.IsNull() {
		t.Errorf("hook.reload attributes = %#v, want null", got)
	}
	if got := f.Outputs()["ies_url"]; !got.RawEquals(cty.StringVal("https://ies.example.internal")) {
		t.Errorf("output ies_url = %#v", got)
	}
}

func TestParseErrors(t *testing.T) {
	valid, err := os.ReadFile("testdata/sample.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	const path = "/srv/certform/certform.state.json"
	hint := "restore it from " + path + ".backup or fix it by hand"
	tests := []struct {
		name        string
		data        string
		want        []string // substrings of the message
		wantVersion int      // a *VersionError with this version, when not 0
	}{
		{
			name: "corrupt",
			data: "{\n  \"format_version\": 1,\n  \"serial\": 3 \"lineage\": \"x\"\n}\n",
			want: []string{path, "not valid JSON", "line 3, column", hint},
		},
		{
			name: "truncated",
			data: string(valid[:len(valid)/2]),
			want: []string{path, "not valid JSON", "cut short", "unexpected end of JSON input", hint},
		},
		{
			name: "empty",
			data: "",
			want: []string{path, "is empty", hint},
		},
		{
			name: "not an object",
			data: `["format_version", 1]`,
			want: []string{path, "not a certform state file: array at the top level", "should be an object", hint},
		},
		{
			name: "wrong field type",
			data: `{"format_version": 1, "serial": "seven", "lineage": "x"}`,
			want: []string{path, `string at field "serial"`, "should be a whole number", hint},
		},
		{
			name:        "newer format version",
			data:        `{"format_version": 2, "serial": "changed in v2", "lineage": "x"}`,
			want:        []string{"state file " + path + " has format version 2; this certform understands up to 1: upgrade certform"},
			wantVersion: 2,
		},
		{
			name: "no format version",
			data: `{"serial": 1, "lineage": "x"}`,
			want: []string{path, "no format_version", hint},
		},
		{
			name: "format version zero",
			data: `{"format_version": 0, "serial": 1, "lineage": "x"}`,
			want: []string{path, "format version 0", hint},
		},
		{
			name: "missing lineage",
			data: `{"format_version": 1, "serial": 1, "resources": []}`,
			want: []string{path, "has no lineage", hint},
		},
		{
			name: "resource without address",
			data: `{"format_version": 1, "lineage": "x", "resources": [{"kind": "certificate"}]}`,
			want: []string{path, "resource 1 has no address"},
		},
		{
			name: "resource without kind",
			data: `{"format_version": 1, "lineage": "x", "resources": [{"address": "certificate.a"}]}`,
			want: []string{path, "resource certificate.a has no kind"},
		},
		{
			name: "duplicate resource",
			data: `{"format_version": 1, "lineage": "x", "resources": [{"address": "certificate.a", "kind": "certificate"}, {"address": "certificate.a", "kind": "certificate"}]}`,
			want: []string{path, "certificate.a appears twice"},
		},
		{
			name: "bad time",
			data: `{"format_version": 1, "lineage": "x", "resources": [{"address": "certificate.a", "kind": "certificate", "created_at": "yesterday"}]}`,
			want: []string{path, "certificate.a: created_at", `"yesterday"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := state.Parse([]byte(tc.data), path)
			if err == nil {
				t.Fatalf("Parse succeeded with %d resources, want an error", len(f.Addresses()))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			var ve *state.VersionError
			if got := errors.As(err, &ve); got != (tc.wantVersion != 0) {
				t.Errorf("errors.As(*VersionError) = %v, want %v", got, tc.wantVersion != 0)
			} else if got && (ve.Version != tc.wantVersion || ve.Path != path) {
				t.Errorf("VersionError = %+v, want version %d, path %s", ve, tc.wantVersion, path)
			}
		})
	}
}

func TestMarshalRefuses(t *testing.T) {
	key := "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI...\n-----END EC PRIVATE KEY-----\n"
	tests := []struct {
		name string
		res  *state.Resource
		outs map[string]cty.Value
		want string
	}{
		{
			name: "private key in attribute",
			res: &state.Resource{Address: "store.pem_files.ies", Kind: "store.pem_files", Attributes: cty.ObjectVal(map[string]cty.Value{
				"key_pem": cty.StringVal(key),
			})},
			want: "resource store.pem_files.ies: attributes: key_pem: holds a PEM private key",
		},
		{
			name: "private key deep inside",
			res: &state.Resource{Address: "ini_file.isps", Kind: "ini_file", Attributes: cty.ObjectVal(map[string]cty.Value{
				"sections": cty.MapVal(map[string]cty.Value{"tls": cty.ListVal([]cty.Value{cty.StringVal("ok"), cty.StringVal(key)})}),
			})},
			want: `resource ini_file.isps: attributes: sections["tls"][1]: holds a PEM private key`,
		},
		{
			name: "private key in output",
			outs: map[string]cty.Value{"key": cty.StringVal(key)},
			want: "output key: holds a PEM private key",
		},
		{
			name: "sensitive value",
			res: &state.Resource{Address: "certificate.ies", Kind: "certificate", Attributes: cty.ObjectVal(map[string]cty.Value{
				"password": cty.StringVal("hunter2").Mark("sensitive"),
			})},
			want: "resource certificate.ies: attributes: password: value has marks",
		},
		{
			name: "resource without kind",
			res:  &state.Resource{Address: "certificate.x"},
			want: `resource "certificate.x" has no address or no kind`,
		},
		{
			name: "unknown value",
			res: &state.Resource{Address: "certificate.ies", Kind: "certificate", Attributes: cty.ObjectVal(map[string]cty.Value{
				"serial": cty.UnknownVal(cty.String),
			})},
			want: "resource certificate.ies: attributes: serial: value is not known",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sample()
			if tc.res != nil {
				f.Set(tc.res)
			}
			if tc.outs != nil {
				f.SetOutputs(tc.outs)
			}
			out, err := state.Marshal(f)
			if err == nil {
				t.Fatalf("Marshal succeeded, want an error; wrote:\n%s", out)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tc.want)
			}
		})
	}
}

func TestMarshalNoLineage(t *testing.T) {
	if _, err := state.Marshal(&state.File{}); err == nil {
		t.Error("Marshal of a File without lineage succeeded")
	}
}
