// Package checks holds certform's domain checks: the rules of the vendor
// documents in ../shared/seeds (which URL names a certificate must hold,
// which stores a client must trust, how long a certificate may be valid,
// which algorithm isps.cfg may name, ...), each with an id, a severity,
// the resources involved, the rule's source, a message and a fix. They
// turn what administrators learn today from a Schannel code in a log file
// into a finding at plan time. docs/checks.md lists them.
//
// Checks read a model of the configuration (package lang) with values:
// [Validate] decodes every block with unknown variables, for
// `certform validate`, and runs the checks that need only the
// configuration; [Checker] implements plan.Checker and runs every check
// over a finished plan, whose changes carry the planned values and what
// refresh read (an endpoint's served certificate). Values still unknown
// are skipped, never guessed.
//
// Users accept a warning knowingly with a `checks` block or a resource's
// ignore_checks, each with a reason (accept.go). Errors cannot be
// accepted.
package checks
