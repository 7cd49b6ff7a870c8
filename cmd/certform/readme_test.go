package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeFirstConfiguration: the configuration README.md starts with
// validates, and plans against the isps.cfg files it names without an
// error or a warning, so that a newcomer who copies it sees it work.
func TestReadmeFirstConfiguration(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## A first configuration\n\n```hcl\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no first configuration")
	}
	dir := t.TempDir()
	files := map[string]string{
		"main.hcl":              string(m[1]),
		"server/isps.cfg":       "[InVision Enterprise Server]\nServerPort = 45054\n",
		"jobprocessor/isps.cfg": "[InVision JobProcessor]\nUrl = \"ies.example.test:45054\"\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"validate", "plan"} {
		var out, errOut bytes.Buffer
		code := run([]string{"-chdir", dir, cmd}, &streams{out: &out, err: &errOut, width: 78})
		if code != 0 || errOut.Len() > 0 {
			t.Errorf("certform %s: exit code %d\n%s", cmd, code, errOut.String())
		}
		if cmd == "plan" && !strings.Contains(out.String(), "Plan: 7 to add") {
			t.Errorf("certform plan:\n%s", out.String())
		}
	}
}
