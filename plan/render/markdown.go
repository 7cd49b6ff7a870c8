package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/certform/certform/plan"
)

// Markdown writes a plan as a review-ready summary for a pull request or a
// change ticket: a table of actions with their reasons, then each file
// edit as a diff block. Sensitive values and secret files stay hidden, as
// in the text view.
func Markdown(w io.Writer, p *plan.Plan) {
	bw := bufio.NewWriterSize(w, 64<<10) // see Text
	defer bw.Flush()
	w = bw
	a, c, r, d := p.Counts()
	fmt.Fprintf(w, "### certform plan: %d to add, %d to change, %d to replace, %d to destroy\n\n", a, c, r, d)
	if len(p.Drift) > 0 {
		fmt.Fprintf(w, "**Changed outside certform:** %s\n\n", strings.Join(driftAddresses(p), ", "))
	}
	findingsMarkdown(w, p)
	rotationsMarkdown(w, p.Rotations)
	if !p.HasChanges() {
		fmt.Fprintf(w, "No changes.\n")
		return
	}
	fmt.Fprintf(w, "| action | resource | why |\n|---|---|---|\n")
	for _, ch := range p.Changes {
		if ch.Action == plan.NoOp {
			continue
		}
		action := ch.Action.String()
		if ch.Action == plan.Replace {
			action += " `" + replaceSymbol(ch) + "`"
		}
		fmt.Fprintf(w, "| %s | `%s` | %s |\n", action, ch.Address, escapeCell(strings.Join(ch.Reasons, "; ")))
	}
	for _, h := range p.Hooks {
		var why []string
		if len(h.TriggeredBy) > 0 {
			why = append(why, "after "+strings.Join(h.TriggeredBy, ", "))
		}
		if h.Retry != "" {
			why = append(why, h.Retry)
		}
		fmt.Fprintf(w, "| run | `%s` | %s |\n", h.Address, escapeCell(strings.Join(why, "; ")))
	}
	for _, ch := range p.Changes {
		for _, f := range ch.Files {
			switch {
			case f.Sensitive:
				fmt.Fprintf(w, "\n`%s` (%s): content hidden, it holds a secret.\n", f.Path, ch.Address)
			case f.AfterUnknown:
				fmt.Fprintf(w, "\n`%s` (%s): content known after apply.\n", f.Path, ch.Address)
			default:
				if diff := UnifiedDiff(f.Path, f.Before, f.After); diff != "" {
					fmt.Fprintf(w, "\n`%s` (%s):\n\n```diff\n%s```\n", f.Path, ch.Address, diff)
				}
			}
		}
	}
}

func driftAddresses(p *plan.Plan) []string {
	out := make([]string, len(p.Drift))
	for i, d := range p.Drift {
		out[i] = "`" + d.Address + "`"
	}
	return out
}

func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
