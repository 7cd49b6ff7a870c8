package hook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/providers"
)

// maxOutput caps the output kept from a hook, so a chatty command cannot
// exhaust memory; the end of the output is what explains a failure, so the
// last bytes are kept.
const maxOutput = 1 << 20

// waitDelay is how long Run waits for a killed command's output pipes to
// close (a grandchild may hold them) before giving up on them.
const waitDelay = 2 * time.Second

// Run implements providers.Runner. It runs the command and returns its
// combined standard output and error.
func (h *Hook) Run(ctx context.Context, req providers.RunRequest) providers.RunResponse {
	if !req.Config.IsWhollyKnown() {
		return providers.RunResponse{Diagnostics: hcl.Diagnostics{errorf(req.Address, "Hook not known",
			"The hook's settings are still unknown when it should run.")}}
	}
	s, diags := parse(req.Address, req.Config)
	if diags.HasErrors() {
		return providers.RunResponse{Diagnostics: diags}
	}
	dir := req.Dir
	if s.workingDir != "" {
		dir = s.workingDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(req.Dir, dir)
		}
	}

	runCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, s.argv[0], s.argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), s.env...)
	out := &tailBuffer{max: maxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = waitDelay
	killGroupOnCancel(cmd)

	err := cmd.Run()
	resp := providers.RunResponse{Output: out.Bytes()}
	if err == nil {
		return resp
	}
	detail := func(what string) string {
		d := fmt.Sprintf("%s\nCommand: %s\nDirectory: %s", what, quote(s.argv), dir)
		if o := strings.TrimRight(string(resp.Output), "\n"); o != "" {
			d += "\nOutput:\n" + o
		}
		return d
	}
	var exitErr *exec.ExitError
	var what string
	switch {
	case ctx.Err() != nil:
		resp.Failure = "was cancelled"
		what = "The run was interrupted while the hook was running; it was stopped."
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		resp.Failure = "timed out after " + providers.FormatDuration(s.timeout)
		what = fmt.Sprintf("The command did not finish within its timeout of %s and was killed. Raise timeout if it needs longer.", providers.FormatDuration(s.timeout))
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		resp.ExitCode = exitErr.ExitCode()
		resp.Failure = fmt.Sprintf("failed with exit code %d", resp.ExitCode)
		what = "The command exited with an error."
	case errors.As(err, &exitErr):
		resp.Failure = fmt.Sprintf("failed: %s", exitErr.ProcessState)
		what = "The command was stopped by a signal."
	default:
		resp.Failure = "could not run"
		what = fmt.Sprintf("Starting the command failed: %s.", err)
	}
	resp.Diagnostics = hcl.Diagnostics{diag(req.Address+" "+resp.Failure, detail(what))}
	return resp
}

func diag(summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

// quote writes argv the way a reader would type it.
func quote(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\"'\\$") {
			a = fmt.Sprintf("%q", a)
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}
