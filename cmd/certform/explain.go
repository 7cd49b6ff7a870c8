package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/plan/explain"
)

func explainFlags(fs *pflag.FlagSet, o *options) {
	fs.BoolVar(&o.json, "json", false, "write the matching entries as JSON")
}

// explainCommand looks an error code or message up in plan/explain and
// prints its cause, how to confirm it, the fix and the checks that catch
// it. Exit code 1 when nothing matches.
func (c *cli) explainCommand(args []string) int {
	query := strings.TrimSpace(strings.Join(args, " "))
	if query == "" {
		return c.errorf("explain needs an error code or message, such as certform explain 0x80090331 or certform explain \"PKIX path building failed\"")
	}
	found := explain.Lookup(query)
	if c.opts.json {
		if found == nil {
			found = []*explain.Entry{}
		}
		enc := json.NewEncoder(c.s.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"query": query, "entries": found})
		if len(found) == 0 {
			return 1
		}
		return 0
	}
	if len(found) == 0 {
		fmt.Fprintf(c.s.err, "Error: certform knows no error matching %q.\n\nIt knows: %s.\nPaste the code (0x80090331) or the part of the message that names the error.\n", query, strings.Join(explain.Known(), ", "))
		return 1
	}
	for i, e := range found {
		if i > 0 {
			fmt.Fprintln(c.s.out)
		}
		writeEntry(c.s.out, e)
	}
	return 0
}

func writeEntry(w io.Writer, e *explain.Entry) {
	fmt.Fprintf(w, "%s\n", e.Title)
	fmt.Fprintf(w, "%s\n", wrap("Reported by: "+strings.TrimSuffix(e.Where, ".")+".", 76, "  "))
	if e.Source != "" {
		fmt.Fprintf(w, "  Source: %s.\n", e.Source)
	}
	fmt.Fprintf(w, "\nCause:\n%s\n", indent(e.Cause))
	fmt.Fprintf(w, "\nHow to confirm:\n")
	for _, s := range e.Confirm {
		fmt.Fprintf(w, "%s\n", bullet(s))
	}
	fmt.Fprintf(w, "\nFix:\n")
	for _, s := range e.Fix {
		fmt.Fprintf(w, "%s\n", bullet(s))
	}
	fmt.Fprintf(w, "\nPrevented by these certform checks (certform plan runs them; docs/checks.md):\n")
	for _, id := range e.Checks {
		title := ""
		if c := checks.ByID(id); c != nil {
			title = ": " + c.Title
		}
		fmt.Fprintf(w, "  - %s%s\n", id, title)
	}
}

// bullet writes a list item wrapped at 78 columns.
func bullet(s string) string {
	return "  - " + strings.TrimPrefix(wrap(s, 74, "    "), "    ")
}

func indent(s string) string { return wrap(s, 76, "  ") }

// wrap breaks text into lines of at most width characters after prefix.
func wrap(s string, width int, prefix string) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(s) {
		switch {
		case i == 0:
			b.WriteString(prefix)
		case line+1+len(word) > width:
			b.WriteString("\n" + prefix)
			line = 0
		default:
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
