package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// command is one certform subcommand.
type command struct {
	name     string
	args     string // positional arguments, for usage
	synopsis string
	flags    func(fs *pflag.FlagSet, o *options)
	run      func(c *cli, args []string) int
}

// cli carries one invocation: its streams and parsed options.
type cli struct {
	s    *streams
	opts options
	// warned holds the warnings printed so far (see diags).
	warned map[warning]bool
}

func commands() []*command {
	return []*command{
		{name: "validate", synopsis: "Check the configuration without reading any live file", flags: configFlags, run: (*cli).validate},
		{name: "plan", synopsis: "Show what apply would change, and why", flags: planFlags, run: (*cli).plan},
		{name: "apply", args: "[PLANFILE]", synopsis: "Make the changes (a saved plan, or a new one after confirmation)", flags: applyFlags, run: (*cli).apply},
		{name: "destroy", synopsis: "Remove everything certform created and restore what it changed", flags: applyFlags, run: (*cli).destroy},
		{name: "show", args: "[PLANFILE]", synopsis: "Show the state, or a saved plan", flags: showFlags, run: (*cli).show},
		{name: "state", args: "list | show ADDR | rm ADDR... | mv FROM TO", synopsis: "Inspect and edit the state file", flags: stateFlags, run: (*cli).state},
		{name: "force-unlock", args: "LOCK_ID", synopsis: "Remove a state lock left by a crashed run", flags: stateFlags, run: (*cli).forceUnlock},
		{name: "rotation", args: "status [NAME] | confirm NAME STAGE | abandon NAME", synopsis: "Show staged rotations, confirm a manual gate, or abandon a rotation", flags: rotationFlags, run: (*cli).rotationCommand},
		{name: "fmt", synopsis: "Rewrite the *.hcl files in the canonical layout", flags: fmtFlags, run: (*cli).fmtCommand},
		{name: "probe", args: "[URL | endpoint.NAME]...", synopsis: "Connect to TLS servers and show what they serve (exit code 3 on problems)", flags: probeFlags, run: (*cli).probeCommand},
		{name: "explain", args: "CODE | MESSAGE", synopsis: "Explain a TLS error code or message: cause, confirmation, fix", flags: explainFlags, run: (*cli).explainCommand},
		{name: "version", synopsis: "Print the certform version", flags: func(*pflag.FlagSet, *options) {}, run: (*cli).version},
	}
}

// run executes certform with its arguments and returns the exit code:
// 0 success, 1 error, 2 changes present (with -detailed-exitcode).
func run(args []string, s *streams) int {
	var global options
	gfs := pflag.NewFlagSet("certform", pflag.ContinueOnError)
	gfs.SetInterspersed(false)
	gfs.SetOutput(io.Discard)
	gfs.StringVar(&global.chdir, "chdir", "", "switch to this directory before doing anything else")
	help := gfs.BoolP("help", "h", false, "show help")
	showVersion := gfs.Bool("version", false, "print the version")
	if err := gfs.Parse(singleDash(gfs, args)); err != nil {
		fmt.Fprintf(s.err, "Error: %v\n\n", err)
		usage(s.err)
		return 1
	}
	rest := gfs.Args()
	switch {
	case *showVersion:
		rest = []string{"version"}
	case *help || len(rest) == 0:
		usage(s.out)
		return 0
	case rest[0] == "help":
		if len(rest) > 1 {
			return run(append(rest[1:2], "--help"), s)
		}
		usage(s.out)
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name != rest[0] {
			continue
		}
		c := &cli{s: s, opts: global}
		fs := pflag.NewFlagSet("certform "+cmd.name, pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.SortFlags = true
		cmd.flags(fs, &c.opts)
		if fs.Lookup("chdir") == nil {
			fs.StringVar(&c.opts.chdir, "chdir", global.chdir, "switch to this directory before doing anything else")
		}
		cmdHelp := fs.BoolP("help", "h", false, "show this help")
		if err := fs.Parse(singleDash(fs, rest[1:])); err != nil {
			fmt.Fprintf(s.err, "Error: %v\n\n", err)
			commandUsage(s.err, cmd, fs)
			return 1
		}
		if *cmdHelp {
			commandUsage(s.out, cmd, fs)
			return 0
		}
		c.opts.color = s.color && !c.opts.noColor && !noColorEnv(s.env)
		return cmd.run(c, fs.Args())
	}
	fmt.Fprintf(s.err, "Error: unknown command %q\n\n", rest[0])
	usage(s.err)
	return 1
}

// singleDash accepts Terraform's single-dash long flags (-auto-approve,
// -out=FILE) by doubling the dash of every argument that names a long flag
// of fs. Arguments after "--" are left alone.
func singleDash(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// noColorEnv reports whether the environment asks for no colors: NO_COLOR
// set and not empty (https://no-color.org).
func noColorEnv(env []string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: certform [--chdir DIR] COMMAND [FLAGS] [ARGS]\n\n")
	fmt.Fprintf(w, "certform manages TLS certificates, trust chains and the config files that\nuse them, from HCL files in the current directory.\n\nCommands:\n")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.synopsis)
	}
	fmt.Fprintf(w, "  %-13s %s\n", "help", "Show this help, or `help COMMAND` for a command's flags")
	fmt.Fprintf(w, "\nGlobal flags:\n  --chdir DIR   switch to this directory before doing anything else\n  --help        show help\n  --version     print the version\n")
	fmt.Fprintf(w, "\nFlags take two dashes (--auto-approve); Terraform's single dash (-auto-approve) works too.\n")
}

func commandUsage(w io.Writer, cmd *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: certform %s [FLAGS] %s\n\n%s.\n\nFlags:\n%s", cmd.name, cmd.args, cmd.synopsis, fs.FlagUsages())
}
