package render_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
)

var update = flag.Bool("update", false, "rewrite golden files")

// secretValues appear in the sample plan only where they must be hidden.
var secretValues = []string{"old-s3cret", "new-s3cret", "drift-s3cret", "hunter2-output", "BEGIN EC PRIVATE KEY"}

func obj(m map[string]cty.Value) cty.Value { return cty.ObjectVal(m) }

func str(s string) cty.Value { return cty.StringVal(s) }

var unknownString = cty.UnknownVal(cty.String)

func iniValue(port, password cty.Value) cty.Value {
	return obj(map[string]cty.Value{
		"path":   str("secret.ini"),
		"create": cty.False,
		"keys": obj(map[string]cty.Value{"tls": obj(map[string]cty.Value{
			"password": password,
			"port":     port,
		})}),
	})
}

var passwordPath = cty.GetAttrPath("keys").GetAttr("tls").GetAttr("password")

// samplePlan is a plan with one of everything, with fixed values.
func samplePlan() *plan.Plan {
	webBefore := obj(map[string]cty.Value{
		"common_name": str("web.example.test"),
		"dns_names":   cty.ListVal([]cty.Value{str("web.example.test")}),
		"serial":      str("0a1b2c"),
		"not_after":   str("2027-12-25T10:00:00Z"),
		"key":         obj(map[string]cty.Value{"algorithm": str("ECDSA"), "curve": str("P256")}),
	})
	webAfter := obj(map[string]cty.Value{
		"common_name": str("web.example.test"),
		"dns_names":   cty.ListVal([]cty.Value{str("web.example.test")}),
		"serial":      unknownString,
		"not_after":   unknownString,
		"key":         obj(map[string]cty.Value{"algorithm": str("ECDSA"), "curve": str("P256")}),
	})
	appBefore := obj(map[string]cty.Value{
		"path": str("app.ini"),
		"keys": obj(map[string]cty.Value{"tls": obj(map[string]cty.Value{
			"port":       str("9999"),
			"cert_file":  str("tls/web.pem"),
			"thumbprint": str("AA11"),
		})}),
	})
	appAfter := obj(map[string]cty.Value{
		"path": str("app.ini"),
		"keys": obj(map[string]cty.Value{"tls": obj(map[string]cty.Value{
			"port":       str("8443"),
			"cert_file":  str("tls/web.pem"),
			"thumbprint": unknownString,
		})}),
	})
	appRecorded := obj(map[string]cty.Value{
		"path": str("app.ini"),
		"keys": obj(map[string]cty.Value{"tls": obj(map[string]cty.Value{
			"port":       str("8443"),
			"cert_file":  str("tls/web.pem"),
			"thumbprint": str("AA11"),
		})}),
	})
	appINI := "; Application settings\n[general]\nname = demo\n\n[tls]\nport = 9999\ncert_file = tls/web.pem\nthumbprint = AA11\n"
	appINIAfter := strings.Replace(appINI, "port = 9999", "port = 8443", 1)

	warnRange := hcl.Range{Filename: "pki.hcl", Start: hcl.Pos{Line: 3, Column: 1, Byte: 20}, End: hcl.Pos{Line: 3, Column: 12, Byte: 31}}
	return &plan.Plan{
		CreatedAt:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Lineage:    "6f1d1a6e-2f4b-4c3e-9a51-0d7c2b9e8f10",
		Serial:     7,
		ConfigHash: "sha256:0000000000000000000000000000000000000000000000000000000000000001",
		Drift: []*plan.Drift{
			{
				Address:  "ini_file.app",
				Recorded: appRecorded,
				Live:     appBefore,
			},
			{
				Address:   "ini_file.secret",
				Recorded:  iniValue(str("1"), cty.NullVal(cty.String)),
				Live:      iniValue(str("2"), str("drift-s3cret")),
				Sensitive: []cty.Path{passwordPath},
			},
			{
				Address:  "store.pem_files.ca",
				Recorded: obj(map[string]cty.Value{"bundle": str("ca.pem")}),
				Live:     providers.Null,
			},
		},
		Changes: []*plan.Change{
			{
				Address:      "certificate.api",
				Kind:         "certificate",
				Action:       plan.Create,
				Before:       providers.Null,
				After:        obj(map[string]cty.Value{"common_name": str("api.example.test"), "organization": cty.NullVal(cty.String), "serial": unknownString, "is_ca": cty.False, "validity": str("397d")}),
				Dependencies: []string{"issuer.ca.company"},
			},
			{
				Address:      "certificate.root",
				Kind:         "certificate",
				Action:       plan.NoOp,
				Before:       obj(map[string]cty.Value{"common_name": str("Test Root CA")}),
				After:        obj(map[string]cty.Value{"common_name": str("Test Root CA")}),
				Dependencies: []string{},
			},
			{
				Address:             "certificate.web",
				Kind:                "certificate",
				Action:              plan.Replace,
				CreateBeforeDestroy: true,
				Reasons:             []string{"expires in 17 days, renew_before is 30d"},
				Before:              webBefore,
				After:               webAfter,
				Dependencies:        []string{"issuer.ca.company"},
			},
			{
				Address: "ini_file.app",
				Kind:    "ini_file",
				Action:  plan.Update,
				Reasons: []string{"[tls] port changed"},
				Before:  appBefore,
				After:   appAfter,
				Files: []providers.FileChange{
					{Path: "app.ini", Before: []byte(appINI), After: []byte(appINIAfter)},
				},
				Dependencies: []string{"certificate.web", "endpoint.web"},
				Triggers:     []string{"hook.reload"},
			},
			{
				Address:   "ini_file.secret",
				Kind:      "ini_file",
				Action:    plan.Update,
				Reasons:   []string{"a sensitive value changed (details hidden)"},
				Before:    iniValue(str("2"), str("old-s3cret")),
				After:     iniValue(str("1"), str("new-s3cret")),
				Sensitive: []cty.Path{passwordPath},
				Files: []providers.FileChange{{
					Path:      "secret.ini",
					Before:    []byte("[tls]\nport = 2\npassword = old-s3cret\n"),
					After:     []byte("[tls]\nport = 1\npassword = new-s3cret\n"),
					Sensitive: true,
				}},
			},
			{
				Address: "store.pem_files.old",
				Kind:    "store.pem_files",
				Action:  plan.Delete,
				Reasons: []string{"no longer in the configuration"},
				Before:  obj(map[string]cty.Value{"cert": str("old/cert.pem"), "key": str("old/key.pem")}),
				After:   providers.Null,
				Files: []providers.FileChange{
					{Path: "old/cert.pem", Before: []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")},
					{Path: "old/key.pem", Before: []byte("-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"), Sensitive: true},
				},
			},
			{
				Address: "store.pem_files.web",
				Kind:    "store.pem_files",
				Action:  plan.Update,
				Reasons: []string{"tls/web.pem will be rewritten", "tls/web.key will be rewritten"},
				Before: obj(map[string]cty.Value{
					"files": obj(map[string]cty.Value{"tls/web.pem": str("sha256:01"), "tls/web.key": str("sha256:02")}),
				}),
				After: obj(map[string]cty.Value{
					"files": obj(map[string]cty.Value{"tls/web.pem": unknownString, "tls/web.key": unknownString}),
				}),
				Files: []providers.FileChange{
					{Path: "tls/web.pem", Before: []byte("old cert\n"), AfterUnknown: true},
					{Path: "tls/web.key", Before: []byte("-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"), AfterUnknown: true, Sensitive: true},
				},
				Dependencies: []string{"certificate.web"},
				Triggers:     []string{"hook.reload"},
			},
		},
		Hooks: []*plan.HookRun{{
			Address:     "hook.reload",
			TriggeredBy: []string{"ini_file.app", "store.pem_files.web"},
			Command:     []string{"systemctl", "reload", "web"},
		}, {
			// Failed in the last apply, so it runs again, although nothing
			// it watches changes.
			Address:     "hook.restart_api",
			TriggeredBy: []string{},
			Command:     []string{"systemctl", "restart", "api"},
			Retry:       "failed in the last apply with exit code 7",
		}},
		Outputs: map[string]plan.Output{
			"fingerprint": {Value: unknownString},
			"host":        {Value: str("web.example.test")},
			"password":    {Value: str("hunter2-output").Mark("sensitive"), Sensitive: true},
			"ports":       {Value: cty.ListVal([]cty.Value{cty.NumberIntVal(443), cty.NumberIntVal(8443)})},
		},
		Warnings: hcl.Diagnostics{{
			Severity: hcl.DiagWarning,
			Summary:  "Certificate would outlive its issuer",
			Detail:   "certificate.api: validity 397d reaches past 2026-06-01T00:00:00Z.",
			Subject:  &warnRange,
		}},
	}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
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
		t.Errorf("%s differs from the golden file (go test -update rewrites it; read the diff first):\n%s",
			name, render.UnifiedDiff(path, want, got))
	}
}

func checkNoSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range secretValues {
		if strings.Contains(out, s) {
			t.Errorf("%s shows the secret %q:\n%s", what, s, out)
		}
	}
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		color  bool
		golden string
	}{
		{"plain", false, "plan.txt.golden"},
		{"color", true, "plan_color.txt.golden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			render.Text(&buf, samplePlan(), tc.color)
			out := buf.String()
			checkGolden(t, tc.golden, buf.Bytes())
			checkNoSecrets(t, "the text plan", out)
			if hasEscape := strings.Contains(out, "\x1b["); hasEscape != tc.color {
				t.Errorf("color %v, but ANSI escapes present: %v", tc.color, hasEscape)
			}
			for _, want := range []string{
				render.SensitiveValue,
				render.KnownAfterApply,
				"expires in 17 days, renew_before is 30d",
				"1 to add, 3 to change, 1 to replace, 1 to destroy.",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the text plan lacks %q", want)
				}
			}
			if strings.Contains(out, "certificate.root") {
				t.Error("the text plan shows a no-op")
			}
		})
	}
}

func TestTextNoChanges(t *testing.T) {
	p := &plan.Plan{
		Changes: []*plan.Change{{Address: "certificate.root", Kind: "certificate", Action: plan.NoOp,
			Before: obj(map[string]cty.Value{"a": str("b")}), After: obj(map[string]cty.Value{"a": str("b")})}},
		Outputs: map[string]plan.Output{
			"host":     {Value: str("web.example.test")},
			"password": {Value: str("hunter2-output"), Sensitive: true},
		},
	}
	var buf bytes.Buffer
	render.Text(&buf, p, false)
	checkGolden(t, "nochanges.txt.golden", buf.Bytes())
	checkNoSecrets(t, "the text plan", buf.String())
}

func TestJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := render.JSON(&buf, samplePlan()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "plan.json.golden", buf.Bytes())
	checkNoSecrets(t, "the JSON plan", buf.String())

	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the JSON plan is not valid JSON: %v", err)
	}
	if doc["format_version"] != "1.0" || render.JSONFormatVersion != "1.0" {
		t.Errorf("format_version = %v", doc["format_version"])
	}
	var p render.JSONPlan
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if s := p.Summary; s.Add != 1 || s.Change != 3 || s.Replace != 1 || s.Destroy != 1 {
		t.Errorf("summary = %+v", s)
	}
	byAddr := map[string]render.JSONChange{}
	for _, c := range p.Changes {
		byAddr[c.Address] = c
	}
	if c := byAddr["certificate.api"]; len(c.AfterUnknown) != 1 || c.AfterUnknown[0] != "serial" {
		t.Errorf("certificate.api after_unknown = %v, want [serial]", c.AfterUnknown)
	}
	if c := byAddr["ini_file.secret"]; len(c.AfterSensitive) != 1 || c.AfterSensitive[0] != "keys.tls.password" {
		t.Errorf("ini_file.secret after_sensitive = %v", c.AfterSensitive)
	}
	files := byAddr["ini_file.app"].Files
	if len(files) != 1 || files[0].Action != "update" || !strings.Contains(files[0].Diff, "-port = 9999\n+port = 8443\n") {
		t.Errorf("ini_file.app files = %+v", files)
	}
	for _, f := range append(byAddr["ini_file.secret"].Files, byAddr["store.pem_files.web"].Files...) {
		if f.Diff != "" {
			t.Errorf("%s: a diff of a secret or unknown file: %q", f.Path, f.Diff)
		}
	}
	if o := p.Outputs["password"].(map[string]any); o["sensitive"] != true || o["value"] != nil {
		t.Errorf("output password = %v", o)
	}
	if h := p.Hooks[1]; h.Address != "hook.restart_api" || h.Retry != "failed in the last apply with exit code 7" || h.TriggeredBy == nil {
		t.Errorf("hooks[1] = %+v, want hook.restart_api with its retry reason", h)
	}
	if p.Hooks[0].Retry != "" {
		t.Errorf("hooks[0] = %+v, want no retry reason", p.Hooks[0])
	}
	if p.Warnings[0].Range != "pki.hcl:3,1-12" {
		t.Errorf("warning range = %q", p.Warnings[0].Range)
	}
}

// TestEmptyPlanJSON: every list is [] rather than null, for scripts.
func TestEmptyPlanJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := render.JSON(&buf, &plan.Plan{}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"drift", "resource_changes", "hooks", "warnings"} {
		if !strings.Contains(buf.String(), `"`+key+`": []`) {
			t.Errorf("%s is not an empty list:\n%s", key, buf.String())
		}
	}
	if !strings.Contains(buf.String(), `"outputs": {}`) {
		t.Errorf("outputs is not an empty object:\n%s", buf.String())
	}
}

func TestUnifiedDiffEdges(t *testing.T) {
	tests := []struct {
		name          string
		before, after []byte
		want          string
	}{
		{"file created", nil, []byte("a\nb\n"),
			"--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"file removed", []byte("a\nb\n"), nil,
			"--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"},
		{"one-line file created", nil, []byte("x\n"),
			"--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n"},
		{"CRLF shows as LF", []byte("[s]\r\na = 1\r\nb = 2\r\n"), []byte("[s]\r\na = 9\r\nb = 2\r\n"),
			"--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n [s]\n-a = 1\n+a = 9\n b = 2\n"},
		{"BOM kept out of the diff", []byte("\ufeff[s]\na = 1\n"), []byte("\ufeff[s]\na = 2\n"),
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n [s]\n-a = 1\n+a = 2\n"},
		{"equal CRLF", []byte("a\r\n"), []byte("a\r\n"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render.UnifiedDiff("f", tc.before, tc.after); got != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

// TestUnifiedDiffNoFinalNewline: a last line without a newline is marked
// as diff(1) and git mark it; otherwise adding the final newline shows as
// "-b +b", a change a reviewer cannot see, and patch(1) cannot apply the
// diff faithfully.
func TestUnifiedDiffNoFinalNewline(t *testing.T) {
	const marker = "\\ No newline at end of file\n"
	tests := []struct {
		name          string
		before, after string
		want          string
	}{
		{"last line changed", "a\nb", "a\nc",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n" + marker + "+c\n" + marker},
		{"final newline added", "a\nb", "a\nb\n",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n" + marker + "+b\n"},
		{"final newline removed", "a\nb\n", "a\nb",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n" + marker},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render.UnifiedDiff("f", []byte(tc.before), []byte(tc.after)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestUnifiedDiffAppliesWithPatch checks diffs of random small files the
// way a reviewer's tools read them: patch(1) must turn before into after.
func TestUnifiedDiffAppliesWithPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch(1) is not installed")
	}
	r := rand.New(rand.NewSource(1))
	gen := func() string {
		var b strings.Builder
		n := 1 + r.Intn(10)
		for i := range n {
			b.WriteByte(byte('a' + r.Intn(4)))
			if i < n-1 || r.Intn(2) == 0 {
				b.WriteByte('\n')
			}
		}
		return b.String()
	}
	dir := t.TempDir()
	file, diffFile := filepath.Join(dir, "f"), filepath.Join(dir, "f.diff")
	for range 100 {
		before, after := gen(), gen()
		d := render.UnifiedDiff("f", []byte(before), []byte(after))
		if d == "" {
			continue
		}
		if err := os.WriteFile(file, []byte(before), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(diffFile, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(patch, "-s", "-r", "-", file, diffFile).CombinedOutput()
		got, _ := os.ReadFile(file)
		if err != nil || string(got) != after {
			t.Fatalf("patch does not turn %q into %q with\n%s\npatch: %v %s\ngot %q", before, after, d, err, out, got)
		}
	}
}

// TestMarkdownHooks: each hook row says why it runs, a retried one why it
// runs again.
func TestMarkdownHooks(t *testing.T) {
	var buf bytes.Buffer
	render.Markdown(&buf, samplePlan())
	for _, want := range []string{
		"| run | `hook.reload` | after ini_file.app, store.pem_files.web |\n",
		"| run | `hook.restart_api` | failed in the last apply with exit code 7 |\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the markdown plan lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestReplaceOrder: a replace that makes the new object first is drawn +/-,
// one that removes the old first -/+, as Terraform draws them, and the JSON
// lists the steps in order.
func TestReplaceOrder(t *testing.T) {
	v := obj(map[string]cty.Value{"path": str("a.ini")})
	p := &plan.Plan{Changes: []*plan.Change{
		{Address: "certificate.web", Kind: "certificate", Action: plan.Replace, CreateBeforeDestroy: true, Before: v, After: v},
		{Address: "ini_file.app", Kind: "ini_file", Action: plan.Replace, Before: v, After: v},
		{Address: "ini_file.new", Kind: "ini_file", Action: plan.Create, Before: cty.NullVal(v.Type()), After: v},
	}}
	var text, md, js bytes.Buffer
	render.Text(&text, p, false)
	render.Markdown(&md, p)
	if err := render.JSON(&js, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n+/- certificate.web must be replaced\n", "\n-/+ ini_file.app must be replaced\n"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text plan lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{"| replace `+/-` | `certificate.web` |", "| replace `-/+` | `ini_file.app` |", "| create | `ini_file.new` |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the markdown plan lacks %q:\n%s", want, md.String())
		}
	}
	var doc render.JSONPlan
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"certificate.web": "replace create,delete", "ini_file.app": "replace delete,create", "ini_file.new": "create create"}
	for _, c := range doc.Changes {
		if got := c.Action + " " + strings.Join(c.Actions, ","); got != want[c.Address] {
			t.Errorf("%s: action and actions %q, want %q", c.Address, got, want[c.Address])
		}
	}
}
