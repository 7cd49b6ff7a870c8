// Package hook implements `hook NAME` blocks: a command certform runs when
// something it watches changes (on_change = [hook.restart_ies]), such as
// restarting a service after its certificate was replaced.
//
// A hook is a providers.Runner, not a Provider: it keeps no state of its
// own and has no live object. When it fails, the plan engine marks it as
// failed in the state, so that the next plan runs it again.
//
// The command is an argv list, run without a shell, in the configuration
// directory (or working_dir, relative to it), with the environment of
// certform plus env. Its combined output is returned for the
// user to see. A non-zero exit, a command that cannot start and a timeout
// (default 5m) are error diagnostics naming the hook; RunResponse.Failure
// and ExitCode say what happened in a few words for the state.
package hook
