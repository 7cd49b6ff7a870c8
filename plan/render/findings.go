package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/plan"
)

// JSONFinding is what a domain check found (docs/checks.md). Accepted
// findings are listed too, with the reason the user gave.
type JSONFinding struct {
	Check          string   `json:"check"`
	Severity       string   `json:"severity"`
	Addresses      []string `json:"addresses"`
	Summary        string   `json:"summary"`
	Message        string   `json:"message"`
	Fix            string   `json:"fix"`
	Rule           string   `json:"rule"`
	Range          string   `json:"range,omitempty"`
	Accepted       bool     `json:"accepted"`
	AcceptedReason string   `json:"accepted_reason,omitempty"`
}

// FindingsJSON converts findings to their JSON form, for plans and for
// `certform validate -json`.
func FindingsJSON(fs []*plan.Finding) []JSONFinding {
	out := []JSONFinding{}
	for _, f := range fs {
		jf := JSONFinding{
			Check: f.Check, Severity: severity(f.Severity), Addresses: orEmpty(f.Addresses),
			Summary: f.Summary, Message: f.Message, Fix: f.Fix, Rule: f.Rule,
			Accepted: f.Accepted != "", AcceptedReason: f.Accepted,
		}
		if f.Subject != nil {
			jf.Range = f.Subject.String()
		}
		out = append(out, jf)
	}
	return out
}

func severity(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagError {
		return "error"
	}
	return "warning"
}

// acceptedText lists the check warnings the configuration accepts, so that
// a reviewer sees them; the others are printed as warnings by the command.
func (t textView) acceptedText(p *plan.Plan) {
	var acc []*plan.Finding
	for _, f := range p.Findings {
		if f.Accepted != "" {
			acc = append(acc, f)
		}
	}
	if len(acc) == 0 {
		return
	}
	t.printf("\nAccepted check warnings:\n")
	for _, f := range acc {
		t.printf("  %s [%s] %s: %s\n", t.paint(yellow, "~"), f.Check, strings.Join(f.Addresses, ", "), f.Accepted)
	}
}

// findingsMarkdown lists every finding for a review.
func findingsMarkdown(w io.Writer, p *plan.Plan) {
	if len(p.Findings) == 0 {
		return
	}
	fmt.Fprintf(w, "| check | severity | resources | finding |\n|---|---|---|---|\n")
	for _, f := range p.Findings {
		sev := severity(f.Severity)
		what := f.Summary
		if f.Accepted != "" {
			sev = "accepted"
			what += ": " + f.Accepted
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", f.Check, sev, escapeCell("`"+strings.Join(f.Addresses, "`, `")+"`"), escapeCell(what))
	}
	fmt.Fprintln(w)
}
