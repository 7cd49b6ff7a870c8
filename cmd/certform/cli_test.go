package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestConfirmOnTerminal drives apply as if from a terminal: only "yes"
// applies.
func TestConfirmOnTerminal(t *testing.T) {
	tests := []struct {
		name     string
		answer   string
		wantCode int
		wantOut  string
		applied  bool
	}{
		{"yes applies", "yes\n", 0, "Apply complete!", true},
		{"no cancels", "no\n", 1, "Apply cancelled.", false},
		{"empty cancels", "", 1, "Apply cancelled.", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := "endpoint \"x\" {\n  url = \"https://x.example.test:443\"\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			s := &streams{in: strings.NewReader(tc.answer), out: &out, err: &errOut, interactive: true, width: 78}
			code := run([]string{"-chdir", dir, "apply"}, s)
			if code != tc.wantCode {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), "Do you want to perform these actions?") {
				t.Errorf("no question asked:\n%s", out.String())
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out.String())
			}
			_, err := os.Stat(filepath.Join(dir, "certform.state.json"))
			if applied := err == nil; applied != tc.applied {
				t.Errorf("state written: %v, want %v", applied, tc.applied)
			}
		})
	}
}

func TestSingleDash(t *testing.T) {
	fs := newTestFlagSet()
	got := singleDash(fs, []string{"-auto-approve", "-out=p.plan", "-var", "a=b", "-h", "--", "-auto-approve", "file"})
	want := []string{"--auto-approve", "--out=p.plan", "--var", "a=b", "-h", "--", "-auto-approve", "file"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func newTestFlagSet() *pflag.FlagSet {
	var o options
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	applyFlags(fs, &o)
	planFlags(pflag.NewFlagSet("x", pflag.ContinueOnError), &o)
	fs.StringVar(&o.out, "out", "", "")
	fs.BoolP("help", "h", false, "")
	return fs
}
