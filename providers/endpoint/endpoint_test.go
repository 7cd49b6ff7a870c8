package endpoint_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/providertest"
)

// certificate is a certificate value as the cert provider records it.
func certificate(fp string, dns ...string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"common_name":        cty.StringVal("ies.example.test"),
		"dns_names":          providers.StringList(dns),
		"ip_addresses":       providers.StringList([]string{"192.0.2.10"}),
		"fingerprint_sha256": cty.StringVal(fp),
	})
}

func TestContract(t *testing.T) {
	vars := map[string]cty.Value{
		"host": cty.StringVal("ies.example.test"),
		"cert": certificate("ab12", "ies.example.test"),
	}
	providertest.Run(t, endpoint.New(), []providertest.Case{
		{
			Name: "iwfms with certificate, TLS only",
			HCL: `
				url         = "iwfms://${var.host}:45054"
				certificate = var.cert
				tls_only    = true`,
			Vars: vars,
			Check: func(t *testing.T, _ string, v cty.Value) {
				want := `{"certificate_fingerprint":"ab12","host":"ies.example.test","port":45054,"scheme":"iwfms","served_fingerprint":null,"tls_only":true,"url":"iwfms://ies.example.test:45054"}`
				if got := jsonOf(t, v); got != want {
					t.Errorf("value:\n got %s\nwant %s", got, want)
				}
			},
		},
		{
			Name: "https without port or certificate",
			HCL:  `url = "https://crm.example.test/app"`,
			Check: func(t *testing.T, _ string, v cty.Value) {
				want := `{"certificate_fingerprint":null,"host":"crm.example.test","port":443,"scheme":"https","served_fingerprint":null,"tls_only":false,"url":"https://crm.example.test/app"}`
				if got := jsonOf(t, v); got != want {
					t.Errorf("value:\n got %s\nwant %s", got, want)
				}
			},
		},
	})
}

func plan(t *testing.T, src string, vars map[string]cty.Value) providers.PlanResponse {
	t.Helper()
	p := endpoint.New()
	env, _ := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, src, vars)
	return p.Plan(context.Background(), providers.PlanRequest{Address: "endpoint.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct {
		url   string
		host  string
		port  int64
		error string // summary; "" when valid
	}{
		{url: "iwfms://ies.example.test:45054", host: "ies.example.test", port: 45054},
		{url: "HTTPS://IES.example.test", host: "ies.example.test", port: 443},
		{url: "https://[2001:db8::10]:8443", host: "2001:db8::10", port: 8443},
		{url: "ldaps://192.0.2.10:636", host: "192.0.2.10", port: 636},
		{url: "ies.example.test:45054", error: "Invalid URL"},
		{url: "iwfms://ies.example.test", error: "Invalid URL"},
		{url: "iwfms://:45054", error: "Invalid URL"},
		{url: "iwfms://ies.example.test:99999", error: "Invalid URL"},
		{url: "iwfms://ies.example.test:port", error: "Invalid URL"},
		{url: "https://admin:secret@ies.example.test", error: "Invalid URL"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			pl := plan(t, `url = var.url`, map[string]cty.Value{"url": cty.StringVal(tc.url)})
			if tc.error != "" {
				if !pl.Diagnostics.HasErrors() || pl.Diagnostics[0].Summary != tc.error {
					t.Fatalf("got %v, want %q", pl.Diagnostics, tc.error)
				}
				if strings.Contains(pl.Diagnostics[0].Detail, "secret") {
					t.Errorf("diagnostic repeats the password: %s", pl.Diagnostics[0].Detail)
				}
				return
			}
			if pl.Diagnostics.HasErrors() {
				t.Fatal(pl.Diagnostics.Error())
			}
			if got := providers.String(pl.Planned, "host"); got != tc.host {
				t.Errorf("host = %q, want %q", got, tc.host)
			}
			if got := providers.Int(pl.Planned, "port"); got != tc.port {
				t.Errorf("port = %d, want %d", got, tc.port)
			}
		})
	}
}

// TestCertificate: whether the certificate names the URL's host, and
// whether a tls_only endpoint is reached with TLS, are checks in
// plan/checks (san-covers-urls, tls-only-reached-by-tls); the provider
// only refuses what is not a certificate.
func TestCertificate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		hcl      string
		cert     cty.Value
		severity hcl.DiagnosticSeverity
		summary  string
	}{
		{"host is a SAN", `url = "https://ies.example.test"`, certificate("ab", "ies.example.test"), 0, ""},
		{"host is not a SAN (a check)", `url = "https://a.ies.example.test"`, certificate("ab", "*.example.test"), 0, ""},
		{"http on tls_only (a check)", "url = \"http://ies.example.test:80\"\ntls_only = true", certificate("ab", "ies.example.test"), 0, ""},
		{"not a certificate", `url = "https://ies.example.test"`, cty.StringVal("ies"), hcl.DiagError, "Invalid certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl := plan(t, tc.hcl+"\ncertificate = var.cert", map[string]cty.Value{"cert": tc.cert})
			if tc.severity == 0 {
				if len(pl.Diagnostics) > 0 {
					t.Fatalf("unexpected diagnostics: %v", pl.Diagnostics)
				}
				return
			}
			if len(pl.Diagnostics) != 1 || pl.Diagnostics[0].Severity != tc.severity || pl.Diagnostics[0].Summary != tc.summary {
				t.Fatalf("got %v, want %q", pl.Diagnostics, tc.summary)
			}
		})
	}
}

func TestUnknownCertificate(t *testing.T) {
	pending := cty.ObjectVal(map[string]cty.Value{
		"dns_names":          providers.StringList([]string{"ies.example.test"}),
		"ip_addresses":       cty.ListValEmpty(cty.String),
		"fingerprint_sha256": cty.UnknownVal(cty.String),
	})
	pl := plan(t, "url = \"https://ies.example.test\"\ncertificate = var.cert", map[string]cty.Value{"cert": pending})
	if len(pl.Diagnostics) > 0 {
		t.Fatal(pl.Diagnostics.Error())
	}
	if pl.Planned.GetAttr("certificate_fingerprint").IsKnown() {
		t.Error("certificate_fingerprint is known before the certificate is issued")
	}
	if !pl.Planned.GetAttr("port").Equals(cty.NumberVal(big.NewFloat(443))).True() {
		t.Errorf("port = %#v", pl.Planned.GetAttr("port"))
	}
}
