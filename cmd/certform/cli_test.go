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

// TestEveryFlag checks, for every command, that `certform CMD --help` and
// `certform help CMD` list each of its flags, and that each long flag also
// works with Terraform's single dash (-name=value).
func TestEveryFlag(t *testing.T) {
	values := map[string]string{"bool": "true", "string": "x", "int": "3", "duration": "2s", "stringArray": "x"}
	for _, cmd := range commands() {
		t.Run(cmd.name, func(t *testing.T) {
			var help, helpCmd bytes.Buffer
			if code := run([]string{cmd.name, "--help"}, &streams{out: &help, err: &help}); code != 0 {
				t.Fatalf("certform %s --help: exit code %d\n%s", cmd.name, code, help.String())
			}
			if code := run([]string{"help", cmd.name}, &streams{out: &helpCmd, err: &helpCmd}); code != 0 || helpCmd.String() != help.String() {
				t.Errorf("certform help %s (exit code %d) differs from certform %s --help:\n%s", cmd.name, code, cmd.name, helpCmd.String())
			}
			var o options
			fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
			cmd.flags(fs, &o)
			fs.StringVar(&o.chdir, "chdir", "", "")
			n := 0
			fs.VisitAll(func(f *pflag.Flag) {
				n++
				if !strings.Contains(help.String(), "--"+f.Name) {
					t.Errorf("--help does not list --%s:\n%s", f.Name, help.String())
				}
				v, ok := values[f.Value.Type()]
				if !ok {
					t.Fatalf("--%s has type %s: add a value for it to this test", f.Name, f.Value.Type())
				}
				args := singleDash(fs, []string{"-" + f.Name + "=" + v})
				if err := fs.Parse(args); err != nil {
					t.Errorf("-%s=%s: %v", f.Name, v, err)
				} else if !fs.Changed(f.Name) {
					t.Errorf("-%s=%s did not set the flag (parsed as %q)", f.Name, v, args)
				}
			})
			if n == 0 && cmd.name != "version" {
				t.Errorf("no flags")
			}
		})
	}
	// The top-level help names every command.
	var out bytes.Buffer
	run([]string{"help"}, &streams{out: &out, err: &out})
	for _, cmd := range commands() {
		if !strings.Contains(out.String(), "\n  "+cmd.name+" ") {
			t.Errorf("certform help does not list %s:\n%s", cmd.name, out.String())
		}
	}
}

// TestColor: plans are colored on a terminal, unless --no-color or a
// non-empty NO_COLOR says otherwise; diagnostics follow the same rule.
func TestColor(t *testing.T) {
	dir := t.TempDir()
	cfg := "endpoint \"x\" {\n  url = \"https://x.example.test:443\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   []string
		color bool
	}{
		{"terminal", nil, nil, true},
		{"--no-color", []string{"--no-color"}, nil, false},
		{"-no-color", []string{"-no-color"}, nil, false},
		{"NO_COLOR", nil, []string{"NO_COLOR=1"}, false},
		{"empty NO_COLOR", nil, []string{"NO_COLOR="}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s := &streams{out: &out, err: &errOut, color: true, env: tc.env, width: 78}
			if code := run(append([]string{"-chdir", dir, "plan"}, tc.args...), s); code != 0 {
				t.Fatalf("exit code %d\n%s%s", code, out.String(), errOut.String())
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tc.color {
				t.Errorf("colored: %v, want %v\n%q", got, tc.color, out.String())
			}
			out.Reset()
			errOut.Reset()
			run(append([]string{"-chdir", dir, "plan", "--var", "nope=1"}, tc.args...), s)
			if got := strings.Contains(errOut.String(), "\x1b["); got != tc.color {
				t.Errorf("colored diagnostics: %v, want %v\n%q", got, tc.color, errOut.String())
			}
		})
	}
}
