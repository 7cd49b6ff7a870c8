package hook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/providertest"
)

func run(t *testing.T, src, dir string) providers.RunResponse {
	t.Helper()
	h := hook.New()
	cfg := providertest.Decode(t, h, src, map[string]cty.Value{})
	if diags := h.Validate("hook.test", cfg); diags.HasErrors() {
		t.Fatalf("Validate: %s", diags.Error())
	}
	return h.Run(context.Background(), providers.RunRequest{Address: "hook.test", Config: cfg, Dir: dir})
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "server"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		hcl     string
		summary string // "" for success
		output  string // expected in Output
		exit    int    // expected ExitCode
	}{
		{
			name:   "success with output",
			hcl:    `command = ["sh", "-c", "echo out; echo err >&2"]`,
			output: "out\nerr\n",
		},
		{
			name:   "env and working_dir",
			hcl:    "command = [\"sh\", \"-c\", \"echo $SERVICE in $(basename $PWD)\"]\nenv = { SERVICE = \"ies\" }\nworking_dir = \"server\"",
			output: "ies in server\n",
		},
		{
			name:    "exit code",
			hcl:     `command = ["sh", "-c", "echo cannot restart ies >&2; exit 3"]`,
			summary: "hook.test failed with exit code 3",
			output:  "cannot restart ies\n",
			exit:    3,
		},
		{
			name:    "timeout",
			hcl:     "command = [\"sleep\", \"10\"]\ntimeout = \"200ms\"",
			summary: "hook.test timed out after 200ms",
		},
		{
			name:    "timeout kills the children of a shell",
			hcl:     "command = [\"sh\", \"-c\", \"echo started; sleep 10; echo never\"]\ntimeout = \"300ms\"",
			summary: "hook.test timed out after 300ms",
			output:  "started\n",
		},
		{
			name:    "command not found",
			hcl:     `command = ["certform-no-such-command"]`,
			summary: "hook.test could not run",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			resp := run(t, tc.hcl, dir)
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("Run took %v", elapsed)
			}
			if string(resp.Output) != tc.output {
				t.Errorf("Output = %q, want %q", resp.Output, tc.output)
			}
			if resp.ExitCode != tc.exit {
				t.Errorf("ExitCode = %d, want %d", resp.ExitCode, tc.exit)
			}
			if tc.summary == "" {
				if resp.Diagnostics.HasErrors() || resp.Failure != "" {
					t.Fatalf("Failure %q, diagnostics %v", resp.Failure, resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != tc.summary {
				t.Fatalf("diagnostics %v, want %q", resp.Diagnostics, tc.summary)
			}
			// The engine records Failure in the state, to say why the
			// next plan runs the hook again.
			if want := strings.TrimPrefix(tc.summary, "hook.test "); resp.Failure != want {
				t.Errorf("Failure = %q, want %q", resp.Failure, want)
			}
			if d := resp.Diagnostics[0].Detail; tc.output != "" && !strings.Contains(d, strings.TrimSpace(tc.output)) {
				t.Errorf("detail does not show the output: %s", d)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	h := hook.New()
	for _, tc := range []struct{ name, hcl, want string }{
		{"empty command", `command = []`, "Missing command"},
		{"bad timeout", "command = [\"true\"]\ntimeout = \"soon\"", "Invalid timeout"},
		{"zero timeout", "command = [\"true\"]\ntimeout = \"0s\"", "Invalid timeout"},
		{"bad env name", "command = [\"true\"]\nenv = { \"A=B\" = \"c\" }", "Invalid environment variable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := h.Validate("hook.test", providertest.Decode(t, h, tc.hcl, map[string]cty.Value{}))
			if !diags.HasErrors() || diags[0].Summary != tc.want {
				t.Errorf("got %v, want %q", diags, tc.want)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	h := hook.New()
	cfg := providertest.Decode(t, h, `command = ["sleep", "10"]`, map[string]cty.Value{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	resp := h.Run(ctx, providers.RunRequest{Address: "hook.test", Config: cfg, Dir: t.TempDir()})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "hook.test was cancelled" || resp.Failure != "was cancelled" {
		t.Fatalf("got %v, want cancelled", resp.Diagnostics)
	}
}
