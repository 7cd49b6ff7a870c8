//go:build !unix

package hook

import "os/exec"

// killGroupOnCancel keeps exec's default on platforms without process
// groups: the command itself is killed.
func killGroupOnCancel(cmd *exec.Cmd) {}
