package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/plan"
)

// Text writes the human view of a plan: drift first, then every change
// with its reasons, attribute changes and file diffs, the hooks that will
// run, the outputs and a summary line. With color false it writes no ANSI
// escapes.
func Text(w io.Writer, p *plan.Plan, color bool) {
	// A plan of thousands of resources is hundreds of thousands of small
	// writes, each a system call on an unbuffered os.Stdout.
	bw := bufio.NewWriterSize(w, 64<<10)
	defer bw.Flush()
	t := textView{w: bw, color: color}
	t.plan(p)
	t.acceptedText(p)
}

type textView struct {
	w     io.Writer
	color bool
}

const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

func (t textView) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + reset
}

func (t textView) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

func (t textView) plan(p *plan.Plan) {
	if len(p.Drift) > 0 {
		t.printf("%s\n\n", t.paint(bold, "Changes made outside certform since the last apply:"))
		for _, d := range p.Drift {
			if d.Live.IsNull() {
				t.printf("  %s %s is gone\n", t.paint(red, "-"), d.Address)
			} else {
				t.printf("  %s %s changed\n", t.paint(yellow, "~"), d.Address)
				t.attrDiff(markPaths(d.Recorded, d.Sensitive), markPaths(d.Live, d.Sensitive), nil)
			}
		}
		t.printf("\n")
	}
	t.rotations(p)
	if !p.HasChanges() {
		t.printf("%s Your files and certificates match the configuration.\n", t.paint(green, "No changes."))
		t.outputs(p)
		return
	}
	t.printf("certform will perform the following actions:\n\n")
	for _, c := range p.Changes {
		if c.Action == plan.NoOp {
			continue
		}
		t.change(c)
	}
	for _, h := range p.Hooks {
		t.printf("  %s %s will run %s\n", t.paint(cyan, "!"), h.Address, formatCommand(h.Command))
		if len(h.TriggeredBy) > 0 {
			t.printf("      after changes to %s\n", strings.Join(h.TriggeredBy, ", "))
		}
		if h.Retry != "" {
			t.printf("      # %s\n", h.Retry)
		}
		t.printf("\n")
	}
	a, c, r, d := p.Counts()
	t.printf("%s %d to add, %d to change, %d to replace, %d to destroy.\n", t.paint(bold, "Plan:"), a, c, r, d)
	t.outputs(p)
}

// replaceSymbol returns how a plan draws a replace, as Terraform does:
// "+/-" when the new object is made before the old is removed
// (create-before-destroy, as for certificates), "-/+" when the old one is
// removed first.
func replaceSymbol(c *plan.Change) string {
	if c.CreateBeforeDestroy {
		return "+/-"
	}
	return "-/+"
}

func formatCommand(argv []string) string {
	if len(argv) == 0 {
		return "its command"
	}
	return "`" + strings.Join(argv, " ") + "`"
}

func (t textView) change(c *plan.Change) {
	switch c.Action {
	case plan.Create:
		t.printf("  %s %s will be created\n", t.paint(green, "+"), t.paint(bold, c.Address))
	case plan.Update:
		t.printf("  %s %s will be updated in place\n", t.paint(yellow, "~"), t.paint(bold, c.Address))
	case plan.Replace:
		t.printf("%s %s must be replaced\n", t.paint(yellow, replaceSymbol(c)), t.paint(bold, c.Address))
	case plan.Delete:
		t.printf("  %s %s will be destroyed\n", t.paint(red, "-"), t.paint(bold, c.Address))
	}
	for _, r := range c.Reasons {
		t.printf("      # %s\n", r)
	}
	after := markPaths(c.After, c.Sensitive)
	switch c.Action {
	case plan.Create:
		names, m := attributes(after)
		for _, n := range names {
			if !m[n].IsNull() {
				t.printf("      %s %s = %s\n", t.paint(green, "+"), n, formatValue(m[n]))
			}
		}
	case plan.Update, plan.Replace:
		t.attrDiff(markPaths(c.Before, c.Sensitive), after, c.Sensitive)
	}
	for _, f := range c.Files {
		t.file(f.Path, f.Before, f.After, f.AfterUnknown, f.Sensitive)
	}
	t.printf("\n")
}

// attrDiff lists the attributes that differ, descending into objects and
// maps so that only the changed leaves show: keys.tls.port = "0" -> "8443".
func (t textView) attrDiff(before, after cty.Value, _ []cty.Path) {
	t.leafDiff("", before, after)
}

func (t textView) leafDiff(prefix string, before, after cty.Value) {
	bn, bm := attributes(before)
	an, am := attributes(after)
	seen := map[string]bool{}
	for _, n := range an {
		seen[n] = true
		name := joinPath(prefix, n)
		b, ok := bm[n]
		switch {
		case ok && equalValues(b, am[n]):
		case !ok || b.IsNull():
			if !am[n].IsNull() {
				t.printf("      %s %s = %s\n", t.paint(green, "+"), name, formatValue(am[n]))
			}
		case am[n].IsNull():
			t.printf("      %s %s = %s\n", t.paint(red, "-"), name, formatValue(b))
		case isNested(b) && isNested(am[n]):
			t.leafDiff(name, b, am[n])
		default:
			t.printf("      %s %s = %s -> %s\n", t.paint(yellow, "~"), name, formatValue(b), formatValue(am[n]))
		}
	}
	for _, n := range bn {
		if !seen[n] && !bm[n].IsNull() {
			t.printf("      %s %s = %s\n", t.paint(red, "-"), joinPath(prefix, n), formatValue(bm[n]))
		}
	}
}

func isNested(v cty.Value) bool {
	return v.IsKnown() && !v.IsNull() && !v.IsMarked() && (v.Type().IsObjectType() || v.Type().IsMapType())
}

// joinPath names a nested attribute: keys.tls.port, or files["a/b.pem"]
// when the key is not an identifier.
func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if hclsyntax.ValidIdentifier(name) {
		return prefix + "." + name
	}
	return fmt.Sprintf("%s[%q]", prefix, name)
}

func (t textView) file(path string, before, after []byte, unknown, sensitive bool) {
	switch {
	case sensitive:
		verb := "written"
		if after == nil && !unknown {
			verb = "removed"
		}
		t.printf("      file %s will be %s (content hidden: it holds a secret)\n", path, verb)
	case unknown:
		t.printf("      file %s will be written; its content is %s\n", path, KnownAfterApply)
	case after == nil && before != nil:
		// All of it is certform's: a diff would only repeat it.
		t.printf("      file %s will be removed\n", path)
	default:
		diff := UnifiedDiff(path, before, after)
		if diff == "" {
			return
		}
		for i, l := range strings.Split(strings.TrimSuffix(diff, "\n"), "\n") {
			switch {
			case i < 2: // the --- and +++ header; a removed "-----BEGIN" line is not one
				l = t.paint(bold, l)
			case strings.HasPrefix(l, "+"):
				l = t.paint(green, l)
			case strings.HasPrefix(l, "-"):
				l = t.paint(red, l)
			case strings.HasPrefix(l, "@@"):
				l = t.paint(cyan, l)
			}
			t.printf("      %s\n", l)
		}
	}
}

func (t textView) outputs(p *plan.Plan) {
	names := sortedOutputNames(p)
	if len(names) == 0 {
		return
	}
	t.printf("\nOutputs:\n")
	for _, n := range names {
		o := p.Outputs[n]
		v := formatValue(o.Value)
		if o.Sensitive {
			v = SensitiveValue
		}
		t.printf("  %s = %s\n", n, v)
	}
}

// Diagnostics writes diagnostics with source snippets, as hcl does.
func Diagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, width uint, color bool) {
	dw := hcl.NewDiagnosticTextWriter(w, files, width, color)
	dw.WriteDiagnostics(diags)
}
