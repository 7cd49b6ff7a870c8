package checks_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/probe/probetest"
)

// synthetic runs the checks over a plan made by hand: the configuration
// in src, and for each address its planned value (and, in live, what
// refresh read).
func synthetic(t *testing.T, src string, after, live map[string]cty.Value) []*plan.Finding {
	t.Helper()
	cfg := load(t, write(t, map[string]string{"main.hcl": src}))
	p := &plan.Plan{CreatedAt: time.Now()}
	for addr, v := range after {
		before := providers.Null
		if l, ok := live[addr]; ok {
			before = l
		}
		p.Changes = append(p.Changes, &plan.Change{Address: addr, Action: plan.NoOp, Before: before, After: v})
	}
	fs, diags := checks.Checker{}.Check(context.Background(), plan.CheckRequest{Config: cfg, Vars: map[string]cty.Value{}, Plan: p})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return fs
}

// TestPublicValidity: a publicly trusted certificate (here from a public
// ACME CA) follows the schedule for the date it was issued.
func TestPublicValidity(t *testing.T) {
	src := acmeCert(`listen = ":80"`, `["shop.example.test"]`, `[]`)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name      string
		notBefore time.Time
		days      int
		limit     int // the limit it exceeds; 0 when it passes
	}{
		{"before the schedule, 800 days", date(2020, 8, 31), 800, 0},
		{"2020-09-01, 398 days", date(2020, 9, 1), 398, 0},
		{"2020-09-01, 399 days", date(2020, 9, 1), 399, 398},
		{"2025, 397 days", date(2025, 1, 10), 397, 0},
		{"2026-03-14, 398 days", date(2026, 3, 14), 398, 0},
		{"2026-03-15, 200 days", date(2026, 3, 15), 200, 0},
		{"2026-03-15, 201 days", date(2026, 3, 15), 201, 200},
		{"2027-03-14, 200 days", date(2027, 3, 14), 200, 0},
		{"2027-03-15, 100 days", date(2027, 3, 15), 100, 0},
		{"2027-03-15, 101 days", date(2027, 3, 15), 101, 100},
		{"2029-03-14, 100 days", date(2029, 3, 14), 100, 0},
		{"2029-03-15, 47 days", date(2029, 3, 15), 47, 0},
		{"2029-03-15, 48 days", date(2029, 3, 15), 48, 47},
		{"2025, 400 days", date(2025, 1, 10), 400, 398},
		{"2026-04, 199 days", date(2026, 4, 1), 199, 0},
		{"2026-04, 250 days", date(2026, 4, 1), 250, 200},
		{"2027-06, 100 days", date(2027, 6, 1), 100, 0},
		{"2027-06, 101 days", date(2027, 6, 1), 101, 100},
		{"2029-06, 47 days", date(2029, 6, 1), 47, 0},
		{"2029-06, 90 days", date(2029, 6, 1), 90, 47},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := probetest.New(t, nil, false, probetest.Options{CommonName: "shop.example.test", DNSNames: []string{"shop.example.test"},
				NotBefore: tc.notBefore, NotAfter: tc.notBefore.Add(time.Duration(tc.days) * day)})
			fs := synthetic(t, src, map[string]cty.Value{
				"certificate.shop": cty.ObjectVal(map[string]cty.Value{
					"issuer_kind":  cty.StringVal("acme"),
					"pem":          cty.StringVal(c.PEM()),
					"chain_pem":    cty.StringVal(""),
					"dns_names":    providers.StringList([]string{"shop.example.test"}),
					"ip_addresses": cty.ListValEmpty(cty.String),
					"is_ca":        cty.False,
					"renew_before": cty.StringVal("30d"),
				}),
				"issuer.acme.le": cty.ObjectVal(map[string]cty.Value{
					"kind":     cty.StringVal("acme"),
					"ca_roots": cty.StringVal(""),
					"challenge": cty.ObjectVal(map[string]cty.Value{
						"type": cty.StringVal("http-01"), "listen": cty.StringVal(":80"),
					}),
				}),
			}, nil)
			var want []string
			if tc.limit > 0 {
				want = []string{"error certificate.shop"}
			}
			if got := describe(fs, "validity-schedule"); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("got %q, want %q\n%s", got, want, messages(fs, "validity-schedule"))
			}
			if tc.limit > 0 {
				want := fmt.Sprintf("valid for %d days from %s; certificates issued then may be valid for at most %d days", tc.days, tc.notBefore.Format("2006-01-02"), tc.limit)
				if msg := messages(fs, "validity-schedule"); !strings.Contains(msg, want) {
					t.Errorf("message %q\nlacks %q", msg, want)
				}
			}
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestServed: an endpoint that serves another certificate than the one
// certform installed is a finding that names the hook restarting it.
func TestServed(t *testing.T) {
	src := pki + endpointWith("iwfms://ies.example.test:45054", "  probe = true\n") + `
ini_file "isps" {
  path = "isps.cfg"
  section "InVision Enterprise Server" {
    SSLPort = endpoint.ies.port
  }
  on_change = [hook.restart]
}
hook "restart" {
  command = ["true"]
}
`
	value := func(served string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"url":                     cty.StringVal("iwfms://ies.example.test:45054"),
			"certificate_fingerprint": cty.StringVal("aaaa1111aaaa1111aaaa1111"),
			"served_fingerprint":      cty.StringVal(served),
		})
	}
	fs := synthetic(t, src, map[string]cty.Value{"endpoint.ies": value("aaaa1111aaaa1111aaaa1111")}, map[string]cty.Value{"endpoint.ies": value("bbbb2222bbbb2222bbbb2222")})
	if got := describe(fs, "endpoint-serves-certificate"); strings.Join(got, ",") != "warning endpoint.ies certificate.ies hook.restart" {
		t.Fatalf("got %q", got)
	}
	msg := messages(fs, "endpoint-serves-certificate")
	for _, want := range []string{"endpoint.ies serves the certificate sha256:bbbb2222bbbb2222…, but certform installed certificate.ies (sha256:aaaa1111aaaa1111…)", "hook.restart restarts it"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q\nlacks %q", msg, want)
		}
	}
	fs = synthetic(t, src, map[string]cty.Value{"endpoint.ies": value("aaaa1111aaaa1111aaaa1111")}, map[string]cty.Value{"endpoint.ies": value("aaaa1111aaaa1111aaaa1111")})
	if got := describe(fs, "endpoint-serves-certificate"); len(got) > 0 {
		t.Errorf("serving the right certificate: %q", got)
	}
}

// TestAccept: warnings can be accepted with a reason, per resource or in a
// checks block; errors cannot.
func TestAccept(t *testing.T) {
	base := strings.Replace(pki, `dns_names   = ["ies.example.test"]`, "dns_names   = [\"ies.example.test\"]\n  ip_addresses = [\"192.0.2.10\"]", 1)
	ep := func(extra string) string { return endpointWith("iwfms://192.0.2.10:45054", extra) }
	for _, tc := range []struct {
		name     string
		src      string
		accepted string // the reason, "" when the warning stays
		diag     string // a diagnostic summary expected instead
	}{
		{"not accepted", base + ep(""), "", ""},
		{"ignore_checks", base + ep("  ignore_checks = [{ check = \"url-uses-dns-name\", reason = \"The lab has no DNS.\" }]\n"), "The lab has no DNS.", ""},
		{"ignore_checks on the certificate", strings.Replace(base, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  ignore_checks = [{ check = \"url-uses-dns-name\", reason = \"Lab.\" }]", 1) + ep(""), "Lab.", ""},
		{"checks block", base + ep("") + "checks {\n  accept \"url-uses-dns-name\" {\n    reason = \"Nothing here has DNS.\"\n  }\n}\n", "Nothing here has DNS.", ""},
		{"checks block for one resource", base + ep("") + "checks {\n  accept \"url-uses-dns-name\" {\n    resources = [endpoint.ies]\n    reason    = \"Lab.\"\n  }\n}\n", "Lab.", ""},
		{"checks block for another resource", base + ep("") + "checks {\n  accept \"url-uses-dns-name\" {\n    resources = [certificate.root]\n    reason    = \"Lab.\"\n  }\n}\n", "", ""},
		{"no reason", base + ep("  ignore_checks = [{ check = \"url-uses-dns-name\" }]\n"), "", "ignore_checks needs a reason"},
		{"empty reason", base + ep("") + "checks {\n  accept \"url-uses-dns-name\" {\n    reason = \" \"\n  }\n}\n", "", "Accepting a warning needs a reason"},
		{"unknown check", base + ep("  ignore_checks = [{ check = \"url-use-dns-name\", reason = \"x\" }]\n"), "", "Unknown check"},
		{"an error", base + ep("  ignore_checks = [{ check = \"san-covers-urls\", reason = \"x\" }]\n"), "", "Errors cannot be accepted"},
		{"not a list", base + ep("  ignore_checks = \"url-uses-dns-name\"\n"), "", "Invalid ignore_checks"},
		{"unknown resource", base + ep("") + "checks {\n  accept \"url-uses-dns-name\" {\n    resources = [endpoint.nope]\n    reason    = \"Lab.\"\n  }\n}\n", "", "Invalid resource in accept"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, diags := checks.Validate(load(t, write(t, map[string]string{"main.hcl": tc.src})))
			if tc.diag != "" {
				if !diags.HasErrors() || diags[0].Summary != tc.diag {
					t.Fatalf("diagnostics %v, want %q", diags, tc.diag)
				}
				if tc.diag == "Unknown check" && !strings.Contains(diags[0].Detail, `Did you mean "url-uses-dns-name"?`) {
					t.Errorf("no suggestion: %s", diags[0].Detail)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			var f *plan.Finding
			for _, x := range fs {
				if x.Check == "url-uses-dns-name" {
					f = x
				}
			}
			if f == nil {
				t.Fatal("no url-uses-dns-name finding")
			}
			if f.Accepted != tc.accepted {
				t.Errorf("accepted %q, want %q", f.Accepted, tc.accepted)
			}
			shown := checks.Diagnostics(fs)
			warned := false
			for _, d := range shown {
				warned = warned || d.Severity == hcl.DiagWarning && strings.Contains(d.Summary, "[url-uses-dns-name]")
			}
			if warned != (tc.accepted == "") {
				t.Errorf("shown as a warning: %v, want %v", warned, tc.accepted == "")
			}
		})
	}
}

// TestDiagnostic checks how a finding reads as a diagnostic.
func TestDiagnostic(t *testing.T) {
	fs := validateFindings(t, map[string]string{"main.hcl": pki + endpointWith("iwfms://ies.example.test:45054", "") + componentWith("ies.example.test:45054"), "isps.cfg": isps})
	var d *hcl.Diagnostic
	for _, f := range fs {
		if f.Check == "tls-only-reached-by-tls" {
			d = f.Diagnostic()
		}
	}
	if d == nil {
		t.Fatal("no finding")
	}
	if d.Summary != "Component reaches a TLS-only endpoint without TLS [tls-only-reached-by-tls]" || d.Severity != hcl.DiagError {
		t.Errorf("summary %q", d.Summary)
	}
	for _, want := range []string{"component.xlink connects to endpoint.ies", "\n\nFix: Write the URL with iwfms://", "\n\nRule: seed 000: 0x80090308"} {
		if !strings.Contains(d.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail)
		}
	}
	if d.Subject == nil || !strings.HasSuffix(d.Subject.Filename, "main.hcl") {
		t.Errorf("subject %v", d.Subject)
	}
}

// TestAcceptKeepsErrors: accepting a check that reports errors and
// warnings accepts its warnings only.
func TestAcceptKeepsErrors(t *testing.T) {
	src := pki + endpointWith("iwfms://ies.example.test:45054", "") + iniWith("    SSLProtocols = \"SSLv3, TLS1, TLS12\"\n") +
		"checks {\n  accept \"tls-protocol-versions\" {\n    reason = \"The old scanners speak TLS 1.0 only.\"\n  }\n}\n"
	fs, diags := checks.Validate(load(t, write(t, map[string]string{"main.hcl": src})))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var got []string
	for _, f := range fs {
		if f.Check == "tls-protocol-versions" {
			got = append(got, fmt.Sprintf("%s accepted=%q", f.Summary, f.Accepted))
		}
	}
	want := []string{`SSL enabled accepted=""`, `TLS 1.0 or 1.1 enabled accepted="The old scanners speak TLS 1.0 only."`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	shown := checks.Diagnostics(fs)
	if len(shown) != 1 || shown[0].Severity != hcl.DiagError {
		t.Errorf("shown %v, want the error only", shown)
	}
}

// TestACMERenewBefore: an ACME CA decides the validity itself, so
// renew_before is checked against the certificate the plan replaces: at
// least as long as its lifetime, every run would order a new one. It is
// one finding, renew-before-validity, not also a warning of the
// certificate provider.
func TestACMERenewBefore(t *testing.T) {
	src := acmeCert(`listen = ":80"`, `["shop.example.test"]`, `[]`)
	issued := time.Now().Add(-time.Hour)
	c := probetest.New(t, nil, false, probetest.Options{CommonName: "shop.example.test", DNSNames: []string{"shop.example.test"},
		NotBefore: issued, NotAfter: issued.Add(90 * 24 * time.Hour)})
	value := func(renew string, pem cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"issuer_kind":  cty.StringVal("acme"),
			"pem":          pem,
			"chain_pem":    cty.UnknownVal(cty.String),
			"dns_names":    providers.StringList([]string{"shop.example.test"}),
			"ip_addresses": cty.ListValEmpty(cty.String),
			"is_ca":        cty.False,
			"renew_before": cty.StringVal(renew),
		})
	}
	for _, tc := range []struct {
		renew string
		want  []string
	}{
		{"30d", nil},
		{"89d", nil},
		{"90d", []string{"error certificate.shop"}},
		{"120d", []string{"error certificate.shop"}},
	} {
		t.Run(tc.renew, func(t *testing.T) {
			// The plan replaces the certificate: its new pem is unknown,
			// the one refresh read is the CA's last.
			fs := synthetic(t, src,
				map[string]cty.Value{"certificate.shop": value(tc.renew, cty.UnknownVal(cty.String))},
				map[string]cty.Value{"certificate.shop": value("30d", cty.StringVal(c.PEM()))})
			if got := describe(fs, "renew-before-validity"); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %q, want %q\n%s", got, tc.want, messages(fs, "renew-before-validity"))
			}
			if len(tc.want) > 0 {
				want := fmt.Sprintf("certificate.shop comes from a CA that issues certificates valid for 90 days and renew_before is %s", strings.TrimSuffix(tc.renew, "d")+" days")
				if msg := messages(fs, "renew-before-validity"); !strings.Contains(msg, want) {
					t.Errorf("message %q\nlacks %q", msg, want)
				}
			}
		})
	}
}
