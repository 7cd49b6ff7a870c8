// Command certform is TLS configuration as code: it reads *.hcl files that
// describe certificates, issuers, trust chains, stores, endpoints and the
// config files that point at them, plans the changes against a state file
// and the live files, and applies them.
//
// This package only parses flags, wires the providers and picks views;
// lang, plan, state and providers do the work.
package main

import (
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], newStreams()))
}
