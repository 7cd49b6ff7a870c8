package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers/pemcert"
)

// Finding is what a domain check (package plan/checks) found: a rule of
// the vendor documents behind certform that the configuration, the planned
// values or the live endpoints break. Errors stop the plan; warnings are
// shown and kept in the plan, unless a user accepted them knowingly (a
// `checks` block or ignore_checks), which Accepted records.
type Finding struct {
	// Check is the check's id, such as "san-covers-urls" (docs/checks.md).
	Check string
	// Severity is hcl.DiagError or hcl.DiagWarning.
	Severity hcl.DiagnosticSeverity
	// Addresses are the resources involved, the one to change first.
	Addresses []string
	// Rule names the source: which seed document says so.
	Rule string
	// Summary is a short title; Message says what is wrong, in sentences;
	// Fix says what to do.
	Summary string
	Message string
	Fix     string
	// Subject is the source range of the first address's block.
	Subject *hcl.Range
	// Accepted is the reason a user gave for accepting this warning; empty
	// when it is not accepted.
	Accepted string
}

// Diagnostic returns the finding as a diagnostic, the way certform shows
// problems: the summary with the check's id, then message, fix and rule.
func (f *Finding) Diagnostic() *hcl.Diagnostic {
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Fix != "" {
		fmt.Fprintf(&b, "\n\nFix: %s", f.Fix)
	}
	if f.Rule != "" {
		fmt.Fprintf(&b, "\n\nRule: %s.", strings.TrimSuffix(f.Rule, "."))
	}
	if f.Severity == hcl.DiagWarning && len(f.Addresses) > 0 {
		fmt.Fprintf(&b, "\n\nTo accept this knowingly, add ignore_checks = [{ check = %q, reason = \"...\" }] to %s.", f.Check, f.Addresses[0])
	}
	return &hcl.Diagnostic{
		Severity: f.Severity,
		Summary:  fmt.Sprintf("%s [%s]", f.Summary, f.Check),
		Detail:   b.String(),
		Subject:  f.Subject,
	}
}

// Checker runs domain checks over a finished plan. Package plan/checks
// implements it; Engine.Plan calls it when Engine.Checker is set.
type Checker interface {
	// Check returns what the checks found, and diagnostics for the
	// configuration of the checks themselves (a malformed ignore_checks).
	Check(ctx context.Context, req CheckRequest) ([]*Finding, hcl.Diagnostics)
}

// CheckRequest is what a Checker sees: the configuration, the variable
// values and the plan, whose changes hold the planned values (After) and
// what refresh read (Before).
type CheckRequest struct {
	Config *lang.Config
	Vars   map[string]cty.Value
	Plan   *Plan
	// Certs holds the certificates the providers parsed during the run
	// (Env.Certs), for the checks to read the same PEM texts without
	// parsing them again; nil when the run has none.
	Certs *pemcert.Cache
}
