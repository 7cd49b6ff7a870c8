package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
	"golang.org/x/text/encoding/unicode"
)

// UnifiedDiff returns a unified diff (3 lines of context) from before to
// after, with the file named in the header; "" when they are equal.
func UnifiedDiff(name string, before, after []byte) string {
	if string(before) == string(after) {
		return ""
	}
	dmp := diffmatchpatch.New()
	nb, na := normalize(before), normalize(after)
	a, b, lines := dmp.DiffLinesToChars(nb, na)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)

	// Flatten into one line list with an op per line.
	type line struct {
		op   diffmatchpatch.Operation
		text string
	}
	var all []line
	for _, d := range diffs {
		text := strings.TrimSuffix(d.Text, "\n")
		for _, l := range strings.Split(text, "\n") {
			all = append(all, line{d.Type, l})
		}
	}
	// A last line without a newline is marked as diff(1) marks it.
	oldTotal, newTotal := strings.Count(nb, "\n"), strings.Count(na, "\n")
	oldNoEOL, newNoEOL := nb != "" && !strings.HasSuffix(nb, "\n"), na != "" && !strings.HasSuffix(na, "\n")
	if oldNoEOL {
		oldTotal++
	}
	if newNoEOL {
		newTotal++
	}
	const noEOL = "\\ No newline at end of file\n"
	const context = 3
	var out strings.Builder
	from, to := "a/"+name, "b/"+name
	if before == nil {
		from = "/dev/null"
	}
	if after == nil {
		to = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	oldNo, newNo := 1, 1
	for i := 0; i < len(all); {
		if all[i].op == diffmatchpatch.DiffEqual {
			oldNo++
			newNo++
			i++
			continue
		}
		// A hunk starts context lines before the change and runs until
		// more than 2*context equal lines follow a change.
		start := max(0, i-context)
		end := i
		for end < len(all) {
			if all[end].op != diffmatchpatch.DiffEqual {
				end++
				continue
			}
			run := end
			for run < len(all) && all[run].op == diffmatchpatch.DiffEqual {
				run++
			}
			if run == len(all) || run-end > 2*context {
				end = min(end+context, len(all))
				break
			}
			end = run
		}
		hOld, hNew := oldNo-(i-start), newNo-(i-start)
		var body strings.Builder
		cOld, cNew := 0, 0
		for _, l := range all[start:end] {
			switch l.op {
			case diffmatchpatch.DiffEqual:
				body.WriteString(" " + l.text + "\n")
				cOld++
				cNew++
				if oldNoEOL && hOld+cOld-1 == oldTotal {
					body.WriteString(noEOL)
				}
			case diffmatchpatch.DiffDelete:
				body.WriteString("-" + l.text + "\n")
				cOld++
				if oldNoEOL && hOld+cOld-1 == oldTotal {
					body.WriteString(noEOL)
				}
			case diffmatchpatch.DiffInsert:
				body.WriteString("+" + l.text + "\n")
				cNew++
				if newNoEOL && hNew+cNew-1 == newTotal {
					body.WriteString(noEOL)
				}
			}
		}
		if cOld == 0 {
			hOld--
		}
		if cNew == 0 {
			hNew--
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n%s", hOld, cOld, hNew, cNew, body.String())
		for _, l := range all[i:end] {
			if l.op != diffmatchpatch.DiffInsert {
				oldNo++
			}
			if l.op != diffmatchpatch.DiffDelete {
				newNo++
			}
		}
		i = end
	}
	return out.String()
}

// normalize makes text diffable: UTF-16 with a byte order mark (Windows
// Notepad's "Unicode") is decoded, a byte order mark dropped and CRLF shown
// as LF. The file keeps its own encoding and endings; the diff is for
// reading.
func normalize(b []byte) string {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		if dec, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b); err == nil {
			b = dec
		}
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	return s
}
