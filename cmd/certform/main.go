// Command certform is TLS configuration as code: it reads *.hcl files that
// describe certificates, issuers, trust chains, stores, endpoints and the
// config files that point at them, plans the changes against a state file
// and the live files, and applies them.
//
// This package only parses flags, wires the providers and picks views;
// lang, plan, state and providers do the work.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	stop := profile()
	code := run(os.Args[1:], newStreams())
	stop()
	os.Exit(code)
}

// profile starts the profiles that the environment variables
// CERTFORM_CPUPROFILE and CERTFORM_MEMPROFILE ask for (each names the file
// to write, in pprof format), for measuring certform on large
// configurations (README, Speed). They are meant for developers and are not
// flags. The returned function writes the profiles out.
func profile() (stop func()) {
	cpu, mem := os.Getenv("CERTFORM_CPUPROFILE"), os.Getenv("CERTFORM_MEMPROFILE")
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "Warning: CERTFORM_CPUPROFILE: %v\n", err)
		} else {
			cpuFile = f
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err == nil {
				runtime.GC() // up-to-date statistics
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "Warning: CERTFORM_MEMPROFILE: %v\n", err)
			}
		}
	}
}
