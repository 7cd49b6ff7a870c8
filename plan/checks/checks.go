package checks

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers/pemcert"
)

// Needs says what a check reads, and so which command runs it.
type Needs string

// What checks need.
const (
	// Configuration checks run in `certform validate` and again in plan,
	// where variables and planned values make more of them known.
	Configuration Needs = "configuration"
	// Planned checks need values known once planned or applied, such as
	// a certificate's dates.
	Planned Needs = "plan"
	// Live checks need what refresh read from the live systems.
	Live Needs = "live"
)

// Check describes one domain check.
type Check struct {
	// ID is stable; users name it in ignore_checks.
	ID string
	// Title is a short name.
	Title string
	// Severities are the severities its findings may have: "error",
	// "warning" or both. A check that only errs cannot be accepted.
	Severities []string
	// Rule is the source: the seed and what it says.
	Rule string
	// Fix says in general what resolves it.
	Fix   string
	Needs Needs

	run func(m *model, c *Check)
}

// warns reports whether the check can produce warnings, which users may
// accept.
func (c *Check) warns() bool {
	for _, s := range c.Severities {
		if s == "warning" {
			return true
		}
	}
	return false
}

// All returns every check, in the order docs/checks.md lists them.
func All() []*Check { return append([]*Check(nil), registry...) }

// ByID returns the check with the id, or nil.
func ByID(id string) *Check {
	for _, c := range registry {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Validate runs the checks that need only the configuration, with every
// variable unknown, for `certform validate`. The diagnostics report a
// malformed checks block or ignore_checks.
func Validate(cfg *lang.Config) ([]*plan.Finding, hcl.Diagnostics) {
	m := newValidateModel(cfg)
	for _, c := range registry {
		if c.Needs == Configuration {
			c.run(m, c)
		}
	}
	return m.finish()
}

// Checker runs every check over a finished plan. It implements
// plan.Checker and holds no state; it is safe for concurrent use.
type Checker struct{}

var _ plan.Checker = Checker{}

// Check implements plan.Checker. It reads certificates through req.Certs,
// where the providers left the ones they parsed, or through a cache of its
// own when the request has none.
func (Checker) Check(_ context.Context, req plan.CheckRequest) ([]*plan.Finding, hcl.Diagnostics) {
	certs := req.Certs
	if certs == nil {
		certs = &pemcert.Cache{}
	}
	m := newPlanModel(req.Config, req.Vars, req.Plan, certs)
	m.prefetch()
	for _, c := range registry {
		c.run(m, c)
	}
	return m.finish()
}

// finish applies the users' acceptances and sorts the findings: errors
// first, then by check and address.
func (m *model) finish() ([]*plan.Finding, hcl.Diagnostics) {
	acc, diags := m.acceptances()
	for _, f := range m.findings {
		if f.Severity == hcl.DiagWarning {
			f.Accepted = acc.reason(f)
		}
	}
	sort.SliceStable(m.findings, func(i, j int) bool {
		a, b := m.findings[i], m.findings[j]
		if a.Severity != b.Severity {
			return a.Severity == hcl.DiagError
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return strings.Join(a.Addresses, " ") < strings.Join(b.Addresses, " ")
	})
	return m.findings, diags
}

// Diagnostics returns the findings not accepted as diagnostics, for a
// command to print.
func Diagnostics(fs []*plan.Finding) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, f := range fs {
		if f.Accepted == "" {
			out = append(out, f.Diagnostic())
		}
	}
	return out
}
