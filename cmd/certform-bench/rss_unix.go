//go:build unix

package main

import (
	"os"
	"syscall"
)

// peakRSS returns the maximum resident set size of a finished process in
// KB (Linux reports ru_maxrss in kilobytes).
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
