package main

import (
	"time"

	"github.com/spf13/pflag"
)

// options are the parsed flags of one invocation.
type options struct {
	chdir       string
	vars        []string
	varFiles    []string
	statePath   string
	noColor     bool
	color       bool
	lock        bool
	lockTimeout time.Duration
	parallelism int
	targets     []string
	refresh     bool

	out              string
	detailedExitcode bool
	destroy          bool
	autoApprove      bool
	json             bool
	check            bool
	diff             bool
	markdown         bool
	through          string
	by               string

	probe probeOptions
}

func fmtFlags(fs *pflag.FlagSet, o *options) {
	fs.BoolVar(&o.check, "check", false, "only list the files that are not formatted (exit code 3 if any)")
	fs.BoolVar(&o.diff, "diff", false, "show the changes as unified diffs")
}

func configFlags(fs *pflag.FlagSet, o *options) {
	fs.BoolVar(&o.noColor, "no-color", false, "write no colors (also: the NO_COLOR environment variable)")
	fs.BoolVar(&o.json, "json", false, "write the result as JSON")
}

func stateFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.statePath, "state", "", "path of the state file (default: certform.state.json in the configuration directory)")
	fs.BoolVar(&o.lock, "lock", true, "lock the state file while working")
	fs.DurationVar(&o.lockTimeout, "lock-timeout", 0, "how long to wait for a lock held by another run, e.g. 30s")
	fs.BoolVar(&o.noColor, "no-color", false, "write no colors (also: the NO_COLOR environment variable)")
}

func runFlags(fs *pflag.FlagSet, o *options) {
	stateFlags(fs, o)
	fs.StringArrayVar(&o.vars, "var", nil, "set a variable: --var NAME=VALUE (repeatable)")
	fs.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL file of NAME = VALUE lines (repeatable)")
	fs.IntVar(&o.parallelism, "parallelism", 10, "how many resources to read or change at once")
	fs.StringArrayVar(&o.targets, "target", nil, "limit to this resource and what it depends on, e.g. certificate.ies (repeatable)")
	fs.BoolVar(&o.refresh, "refresh", true, "read recorded objects to find changes made outside certform (--refresh=false skips that; files a block edits are still read for its diff)")
}

func planFlags(fs *pflag.FlagSet, o *options) {
	runFlags(fs, o)
	fs.StringVar(&o.out, "out", "", "save the plan to this file, for certform apply FILE")
	fs.BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 0 when nothing changes, 1 on errors, 2 when there are changes")
	fs.BoolVar(&o.destroy, "destroy", false, "plan to destroy everything certform manages")
	fs.BoolVar(&o.json, "json", false, "write the plan as JSON (see docs/json-format.md)")
	fs.BoolVar(&o.markdown, "markdown", false, "write the plan as markdown, for a pull request or change ticket")
}

func applyFlags(fs *pflag.FlagSet, o *options) {
	runFlags(fs, o)
	fs.BoolVar(&o.autoApprove, "auto-approve", false, "apply without asking (needed when not run from a terminal)")
	fs.StringVar(&o.through, "through", "", "advance rotations stage after stage, as long as their gates hold, up to and including this stage (default: at most one stage per apply)")
}

func rotationFlags(fs *pflag.FlagSet, o *options) {
	runFlags(fs, o)
	fs.BoolVar(&o.json, "json", false, "write the status as JSON (see docs/json-format.md)")
	fs.StringVar(&o.by, "by", "", "who confirms or abandons, as recorded in the state (default: $USER)")
}

func showFlags(fs *pflag.FlagSet, o *options) {
	runFlags(fs, o)
	fs.BoolVar(&o.json, "json", false, "write JSON (see docs/json-format.md)")
	fs.BoolVar(&o.markdown, "markdown", false, "write a saved plan as markdown, for a pull request or change ticket")
}
