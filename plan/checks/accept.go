package checks

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
)

// acceptance is a warning a user accepted: for every resource (resources
// empty) or for the listed ones.
type acceptance struct {
	check     string
	resources map[string]bool
	reason    string
}

type acceptances []acceptance

// reason returns why the user accepted a finding, "" when they did not.
func (as acceptances) reason(f *plan.Finding) string {
	for _, a := range as {
		if a.check != f.Check {
			continue
		}
		if len(a.resources) == 0 {
			return a.reason
		}
		for _, addr := range f.Addresses {
			if a.resources[addr] {
				return a.reason
			}
		}
	}
	return ""
}

var acceptBlockSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "accept", LabelNames: []string{"check"}}}}

var acceptSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "reason", Required: true}, {Name: "resources"}}}

// acceptances decodes the checks blocks and every ignore_checks:
//
//	checks {
//	  accept "url-uses-dns-name" {
//	    resources = [endpoint.lab]   # optional: every resource when left out
//	    reason    = "The lab has no DNS."
//	  }
//	}
//
//	endpoint "lab" {
//	  ...
//	  ignore_checks = [{ check = "url-uses-dns-name", reason = "The lab has no DNS." }]
//	}
func (m *model) acceptances() (acceptances, hcl.Diagnostics) {
	var out acceptances
	var diags hcl.Diagnostics
	for _, b := range m.cfg.Checks {
		content, more := b.Body.Content(acceptBlockSchema)
		diags = append(diags, more...)
		for _, ab := range content.Blocks {
			id := ab.Labels[0]
			if d := checkAcceptable(id, ab.LabelRanges[0]); d != nil {
				diags = append(diags, d)
				continue
			}
			body, more := ab.Body.Content(acceptSchema)
			diags = append(diags, more...)
			if more.HasErrors() {
				continue
			}
			a := acceptance{check: id}
			reason, d := staticReason(body.Attributes["reason"].Expr)
			if d != nil {
				diags = append(diags, d)
				continue
			}
			a.reason = reason
			if ra, ok := body.Attributes["resources"]; ok {
				a.resources = map[string]bool{}
				exprs, more := hcl.ExprList(ra.Expr)
				diags = append(diags, more...)
				for _, e := range exprs {
					addr, d := m.resourceAddress(e)
					if d != nil {
						diags = append(diags, d)
						continue
					}
					a.resources[addr] = true
				}
			}
			out = append(out, a)
		}
	}
	for _, r := range m.sorted {
		a := r.r.IgnoreChecks
		if a == nil {
			continue
		}
		v, more := a.Expr.Value(nil)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		invalid := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid ignore_checks",
			Detail:   fmt.Sprintf("%s: ignore_checks is a list of objects, each naming a check and why its warnings are accepted: ignore_checks = [{ check = \"url-uses-dns-name\", reason = \"The lab has no DNS.\" }].", r.name),
			Subject:  a.Expr.Range().Ptr(),
		}
		if !v.IsKnown() || v.IsNull() || !(v.Type().IsTupleType() || v.Type().IsListType()) {
			diags = append(diags, invalid)
			continue
		}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.Type().IsObjectType() || !e.Type().HasAttribute("check") {
				diags = append(diags, invalid)
				continue
			}
			for name := range e.Type().AttributeTypes() {
				if name != "check" && name != "reason" {
					d := *invalid
					d.Detail = fmt.Sprintf("%s: ignore_checks entries hold check and reason only, not %q.", r.name, name)
					diags = append(diags, &d)
				}
			}
			id, _ := knownString(e, "check")
			if d := checkAcceptable(id, a.Expr.Range()); d != nil {
				diags = append(diags, d)
				continue
			}
			reason, _ := knownString(e, "reason")
			if strings.TrimSpace(reason) == "" {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "ignore_checks needs a reason",
					Detail:   fmt.Sprintf("%s accepts the warnings of %s without a reason. Say why the warning does not apply, for whoever reads the configuration next: { check = %q, reason = \"...\" }.", r.name, id, id),
					Subject:  a.Expr.Range().Ptr(),
				})
				continue
			}
			out = append(out, acceptance{check: id, resources: map[string]bool{r.name: true}, reason: strings.TrimSpace(reason)})
		}
	}
	return out, diags
}

// checkAcceptable refuses unknown ids and checks that only report errors.
func checkAcceptable(id string, rng hcl.Range) *hcl.Diagnostic {
	c := ByID(id)
	if c == nil {
		var ids []string
		best, bestDist := "", 4
		for _, k := range registry {
			ids = append(ids, k.ID)
			if d := levenshtein.Distance(id, k.ID, nil); d < bestDist {
				best, bestDist = k.ID, d
			}
		}
		hint := ""
		if best != "" {
			hint = fmt.Sprintf(" Did you mean %q?", best)
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown check",
			Detail:   fmt.Sprintf("There is no check %q.%s The checks are: %s (docs/checks.md).", id, hint, strings.Join(ids, ", ")),
			Subject:  rng.Ptr(),
		}
	}
	if !c.warns() {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Errors cannot be accepted",
			Detail:   fmt.Sprintf("Check %q reports errors only: what it finds breaks clients, so it cannot be accepted. Fix the configuration instead: %s", id, c.Fix),
			Subject:  rng.Ptr(),
		}
	}
	return nil
}

// staticReason reads a reason, which must be a non-empty literal string.
func staticReason(e hcl.Expression) (string, *hcl.Diagnostic) {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String || strings.TrimSpace(v.AsString()) == "" {
		return "", &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Accepting a warning needs a reason",
			Detail:   "reason must be a non-empty string that says why the warning does not apply here, for whoever reads the configuration next.",
			Subject:  e.Range().Ptr(),
		}
	}
	return strings.TrimSpace(v.AsString()), nil
}

// resourceAddress reads a reference to a resource (endpoint.lab) or its
// address as a string ("endpoint.lab"), which must be declared.
func (m *model) resourceAddress(e hcl.Expression) (string, *hcl.Diagnostic) {
	var addr lang.Address
	var ok bool
	if t, diags := hcl.AbsTraversalForExpr(e); !diags.HasErrors() {
		addr, ok = traversalAddress(t)
	} else if v, diags := e.Value(nil); !diags.HasErrors() && v.IsKnown() && v.Type() == cty.String {
		a, err := lang.ParseAddress(v.AsString())
		addr, ok = a, err == nil
	}
	if !ok || m.res[addr] == nil {
		return "", &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid resource in accept",
			Detail:   "resources lists declared blocks, such as resources = [endpoint.lab, certificate.lab].",
			Subject:  e.Range().Ptr(),
		}
	}
	return addr.String(), nil
}
