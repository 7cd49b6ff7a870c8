package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// jsonDocConfig makes a plan with every part of the JSON document: drift,
// file edits, a hook, an output, a warning and an accepted finding.
const jsonDocConfig = `
certificate "web" {
  issuer      = self_signed
  common_name = "web.example.test"
  dns_names   = ["web.example.test"]
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}
store "pem_files" "web" {
  certificate = certificate.web
  cert        = "web.pem"
  key         = "web.key"
  key_mode    = "0644"
}
endpoint "lab" {
  url           = "https://web.example.test:443"
  certificate   = certificate.web
  ignore_checks = [{ check = "self-signed-for-browsers", reason = "The lab trusts it." }]
}
ini_file "app" {
  path   = "app.ini"
  create = true
  section "s" {
    port = endpoint.lab.port
  }
  on_change = [hook.reload]
}
hook "reload" {
  command = ["true"]
}
output "fp" {
  value = certificate.web.fingerprint_sha256
}
`

// TestJSONMatchesDocs checks `plan -json` and `show PLANFILE -json` against
// docs/json-format.md: every field they write is documented there, and
// every field of the documented example is written (so the document is
// not stale). Values (before, after, ...) are not descended into.
func TestJSONMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/json-format.md")
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile("(?s)```json\n(.*?)```").FindSubmatch(doc)
	if example == nil {
		t.Fatal("docs/json-format.md has no ```json example")
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`"([a-z_]+)"\s*:`).FindAllSubmatch(example[1], -1) {
		documented[string(m[1])] = true
	}
	delete(documented, "app_fingerprint") // the example's output name

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(jsonDocConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(append([]string{"-chdir", dir}, args...), &streams{out: &out, err: &errOut, width: 78}); code != 0 {
			t.Fatalf("certform %s: exit code %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
		}
		return out.String()
	}
	cli("apply", "-auto-approve")
	if err := os.WriteFile(filepath.Join(dir, "app.ini"), []byte("[s]\nport = 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"plan", "-json", "-out", "p.plan"}, {"show", "-json", "p.plan"}} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			var v map[string]any
			if err := json.Unmarshal([]byte(cli(args...)), &v); err != nil {
				t.Fatal(err)
			}
			written := map[string]bool{}
			jsonKeys(v, written)
			for k := range written {
				if !documented[k] && !bytes.Contains(doc, []byte("`"+k+"`")) {
					t.Errorf("field %q is written but not documented in docs/json-format.md", k)
				}
			}
			for k := range documented {
				if !written[k] {
					t.Errorf("field %q of the documented example is not written", k)
				}
			}
			if w, _ := v["warnings"].([]any); len(w) != 1 {
				t.Errorf("%d warnings, want 1 (the key file's mode, once): %v", len(w), w)
			}
			if t.Failed() {
				t.Logf("written: %v", sortedKeys(written))
			}
		})
	}
}

// TestStateJSONMatchesDocs checks `show -json` (the state) against the
// state's description in docs/design.md: every field it writes is named
// there, and every field named there is written.
func TestStateJSONMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/design.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := bytes.Cut(doc, []byte("\n## State\n"))
	if !ok {
		t.Fatal("docs/design.md has no State section")
	}
	section, _, _ = bytes.Cut(section, []byte("\n## "))
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllSubmatch(section, -1) {
		documented[string(m[1])] = true
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(jsonDocConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	for _, args := range [][]string{{"apply", "-auto-approve"}, {"show", "-json"}} {
		out.Reset()
		if code := run(append([]string{"-chdir", dir}, args...), &streams{out: &out, err: &errOut, width: 78}); code != 0 {
			t.Fatalf("certform %s: exit code %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
		}
	}
	var top map[string]any
	if err := json.Unmarshal(out.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	for k := range top {
		written[k] = true
	}
	resources, _ := top["resources"].([]any)
	for _, r := range resources {
		for k := range r.(map[string]any) {
			written[k] = true
		}
	}
	for k := range written {
		if !documented[k] {
			t.Errorf("field %q is written but not named in docs/design.md#state", k)
		}
	}
	for _, k := range []string{"format_version", "serial", "lineage", "certform_version", "outputs", "resources",
		"address", "kind", "attributes", "dependencies", "files", "created_at", "updated_at"} {
		if !documented[k] {
			t.Errorf("docs/design.md#state does not name %q", k)
		}
		if !written[k] {
			t.Errorf("field %q is not written", k)
		}
	}
}

// jsonKeys collects the object keys of a JSON document, not looking into
// values the document carries as data.
func jsonKeys(v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out[k] = true
			switch k {
			case "before", "after", "recorded", "live", "value":
				continue
			case "outputs":
				// Keyed by output name.
				if m, ok := x.(map[string]any); ok {
					for _, o := range m {
						jsonKeys(o, out)
					}
				}
				continue
			}
			jsonKeys(x, out)
		}
	case []any:
		for _, x := range v {
			jsonKeys(x, out)
		}
	}
}
