package plan

import "github.com/hashicorp/hcl/v2"

// appendNew appends to diags those of more that it does not hold yet, so
// that a warning both a provider's Validate and its Plan find (a key file
// readable by every user) is shown once.
func appendNew(diags, more hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range more {
		if !hasDiag(diags, d) {
			diags = append(diags, d)
		}
	}
	return diags
}

func hasDiag(diags hcl.Diagnostics, d *hcl.Diagnostic) bool {
	for _, o := range diags {
		if o.Severity == d.Severity && o.Summary == d.Summary && o.Detail == d.Detail && sameRange(o.Subject, d.Subject) {
			return true
		}
	}
	return false
}

func sameRange(a, b *hcl.Range) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
