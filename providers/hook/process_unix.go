//go:build unix

package hook

import (
	"os/exec"
	"syscall"
)

// killGroupOnCancel runs the command in a process group of its own and, on
// timeout or cancellation, kills the whole group, so that the children of a
// shell script stop with it.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
