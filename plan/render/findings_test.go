package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
)

func findingsPlan() *plan.Plan {
	p := &plan.Plan{Outputs: map[string]plan.Output{}}
	p.Findings = []*plan.Finding{
		{Check: "san-covers-urls", Severity: hcl.DiagError, Addresses: []string{"endpoint.ies", "certificate.ies"},
			Summary: "Host not in the certificate", Message: "Clients of endpoint.ies connect to a|b.", Fix: "Add it.", Rule: "seed 004",
			Subject: &hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 3, Column: 1}, End: hcl.Pos{Line: 3, Column: 16}}},
		{Check: "url-uses-dns-name", Severity: hcl.DiagWarning, Addresses: []string{"endpoint.lab"},
			Summary: "IP address in a URL", Message: "m", Fix: "f", Rule: "seed 004", Accepted: "The lab has no DNS."},
	}
	return p
}

func TestFindings(t *testing.T) {
	p := findingsPlan()

	var text bytes.Buffer
	render.Text(&text, p, false)
	if !strings.Contains(text.String(), "Accepted check warnings:\n  ~ [url-uses-dns-name] endpoint.lab: The lab has no DNS.\n") {
		t.Errorf("text:\n%s", text.String())
	}

	var js bytes.Buffer
	if err := render.JSON(&js, p); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []render.JSONFinding `json:"findings"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := []render.JSONFinding{
		{Check: "san-covers-urls", Severity: "error", Addresses: []string{"endpoint.ies", "certificate.ies"}, Summary: "Host not in the certificate",
			Message: "Clients of endpoint.ies connect to a|b.", Fix: "Add it.", Rule: "seed 004", Range: "main.hcl:3,1-16"},
		{Check: "url-uses-dns-name", Severity: "warning", Addresses: []string{"endpoint.lab"}, Summary: "IP address in a URL",
			Message: "m", Fix: "f", Rule: "seed 004", Accepted: true, AcceptedReason: "The lab has no DNS."},
	}
	got, _ := json.Marshal(doc.Findings)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("json findings:\n got %s\nwant %s", got, exp)
	}

	var md bytes.Buffer
	render.Markdown(&md, p)
	for _, line := range []string{
		"| `san-covers-urls` | error | `endpoint.ies`, `certificate.ies` | Host not in the certificate |",
		"| `url-uses-dns-name` | accepted | `endpoint.lab` | IP address in a URL: The lab has no DNS. |",
	} {
		if !strings.Contains(md.String(), line) {
			t.Errorf("markdown lacks %q:\n%s", line, md.String())
		}
	}
}
