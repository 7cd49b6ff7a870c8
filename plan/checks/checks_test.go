package checks_test

import (
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/providers/probe/probetest"
)

// pki is a root, an intermediate and a server certificate for
// ies.example.test, with ECDSA keys (fast to make in plan tests).
const pki = `
certificate "root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Example Root CA"
  key {
    algorithm = "ECDSA"
  }
}

issuer "ca" "root" {
  certificate = certificate.root
}

certificate "inter" {
  issuer      = issuer.ca.root
  is_ca       = true
  common_name = "Example Intermediate CA"
  key {
    algorithm = "ECDSA"
  }
}

issuer "ca" "inter" {
  certificate = certificate.inter
}

certificate "ies" {
  issuer      = issuer.ca.inter
  common_name = "ies.example.test"
  dns_names   = ["ies.example.test"]
  key {
    algorithm = "ECDSA"
  }
}
`

// isps is an InVision server configuration file (seed 000).
const isps = "[InVision Enterprise Server]\nServerPort = 45054\n\n[IES System Local]\nUrl = \"ies.example.test:45054\"\n"

func endpointWith(url, extra string) string {
	return fmt.Sprintf("\nendpoint \"ies\" {\n  url         = %q\n  certificate = certificate.ies\n  tls_only    = true\n%s}\n", url, extra)
}

func componentWith(url string) string {
	u := ""
	if url != "" {
		u = fmt.Sprintf("  url      = %q\n", url)
	}
	if url == "trusting" {
		u = "  trusts   = [store.pem_files.ca]\n"
	}
	return fmt.Sprintf(`
component "xlink" {
  endpoint = endpoint.ies
%s  url_in {
    file    = "isps.cfg"
    section = "IES System Local"
    key     = "Url"
  }
}
`, u)
}

func iniWith(keys string) string {
	return fmt.Sprintf(`
ini_file "isps" {
  path = "isps.cfg"
  section "InVision Enterprise Server" {
    SSLPort = endpoint.ies.port
%s  }
}
`, keys)
}

// checkCase is a configuration that triggers a check and one that does
// not.
type checkCase struct {
	name    string
	id      string
	trigger string
	pass    string
	want    []string // "severity address ...", sorted
	message string   // in the trigger's message
	// plan runs the checks over a plan instead of validate; applied
	// applies first, so that certificates are issued.
	plan, applied bool
}

func TestChecks(t *testing.T) {
	root := pki + endpointWith("iwfms://ies.example.test:45054", "")
	for _, tc := range []checkCase{
		{
			name:    "endpoint URL not a SAN",
			id:      "san-covers-urls",
			trigger: pki + endpointWith("iwfms://ies.example.com:45054", ""),
			pass:    root,
			want:    []string{"error endpoint.ies certificate.ies"},
			message: `Clients of endpoint.ies connect to "ies.example.com" (url "iwfms://ies.example.com:45054"), which is not among the dns_names of certificate.ies, ["ies.example.test"]`,
		},
		{
			name:    "component URL with a short name",
			id:      "san-covers-urls",
			trigger: root + componentWith("iwfms://ies:45054"),
			pass:    root + componentWith("iwfms://ies.example.test:45054"),
			want:    []string{"error component.xlink endpoint.ies certificate.ies"},
		},
		{
			name:    "wildcard covers one label only",
			id:      "san-covers-urls",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("iwfms://a.ies.example.test:45054", ""),
			pass:    strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("iwfms://ies.example.test:45054", ""),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "IP in the URL and not in the certificate",
			id:      "san-covers-urls",
			trigger: pki + endpointWith("iwfms://192.0.2.10:45054", ""),
			pass:    strings.Replace(pki, `dns_names   = ["ies.example.test"]`, "dns_names   = [\"ies.example.test\"]\n  ip_addresses = [\"192.0.2.10\"]", 1) + endpointWith("iwfms://192.0.2.10:45054", ""),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "IP in a URL",
			id:      "url-uses-dns-name",
			trigger: strings.Replace(pki, `dns_names   = ["ies.example.test"]`, "dns_names   = [\"ies.example.test\"]\n  ip_addresses = [\"192.0.2.10\"]", 1) + endpointWith("iwfms://192.0.2.10:45054", ""),
			pass:    root,
			want:    []string{"warning endpoint.ies certificate.ies"},
			message: "Seed 004 recommends DNS names",
		},
		{
			name:    "wildcard does not cover the bare domain",
			id:      "san-covers-urls",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("iwfms://example.test:45054", ""),
			pass:    strings.Replace(pki, `["ies.example.test"]`, `["*.example.test", "example.test"]`, 1) + endpointWith("iwfms://example.test:45054", ""),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "component without scheme",
			id:      "tls-only-reached-by-tls",
			trigger: root + componentWith("ies.example.test:45054"),
			pass:    root + componentWith(""),
			want:    []string{"error component.xlink endpoint.ies"},
			message: `"unable to finish SSL handshake (code 0x80090308)"`,
		},
		{
			name:    "component with http",
			id:      "tls-only-reached-by-tls",
			trigger: root + componentWith("http://ies.example.test:45054"),
			pass:    root + componentWith("iwfms://ies.example.test:45054"),
			want:    []string{"error component.xlink endpoint.ies"},
		},
		{
			name:    "http URL on a tls_only endpoint",
			id:      "tls-only-reached-by-tls",
			trigger: pki + endpointWith("http://ies.example.test:80", ""),
			pass:    pki + endpointWith("https://ies.example.test", ""),
			want:    []string{"error endpoint.ies"},
		},
		{
			name:    "component with another scheme than the endpoint's",
			id:      "tls-only-reached-by-tls",
			trigger: pki + endpointWith("ies://ies.example.test:45054", "") + componentWith("abc://ies.example.test:45054"),
			pass:    pki + endpointWith("ies://ies.example.test:45054", "") + componentWith("ies://ies.example.test:45054"),
			want:    []string{"error component.xlink endpoint.ies"},
			message: "which is neither a TLS scheme nor the endpoint's own",
		},
		{
			name: "truststore without the intermediate",
			id:   "trust-covers-chain",
			trigger: root + componentWith("trusting") + `
trust_chain "company" {
  roots = [certificate.root]
}
store "pem_files" "ca" {
  trust  = [trust_chain.company]
  bundle = "ca.pem"
}
`,
			pass: root + componentWith("trusting") + `
trust_chain "company" {
  roots         = [certificate.root]
  intermediates = [certificate.inter]
}
store "pem_files" "ca" {
  trust  = [trust_chain.company]
  bundle = "ca.pem"
}
`,
			want: []string{"warning component.xlink store.pem_files.ca endpoint.ies certificate.ies certificate.inter"},
		},
		{
			name: "truststore without the root",
			id:   "trust-covers-chain",
			trigger: root + componentWith("trusting") + `
trust_chain "company" {
  roots = [certificate.inter]
}
store "pem_files" "ca" {
  trust  = [trust_chain.company]
  bundle = "ca.pem"
}
`,
			pass: root + componentWith("trusting") + `
trust_chain "company" {
  roots         = [certificate.root, certificate.inter]
}
store "pem_files" "ca" {
  trust  = [trust_chain.company]
  bundle = "ca.pem"
}
`,
			want:    []string{"error component.xlink store.pem_files.ca endpoint.ies certificate.ies certificate.root"},
			message: `whose certificate certificate.ies chains to certificate.root ("Example Root CA")`,
		},
		{
			name:    "company certificate over 825 days",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"900d\"", 1),
			pass:    pki,
			want:    []string{"warning certificate.ies"},
			message: "Apple platforms",
		},
		{
			name:    "company certificate of 826 days",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"826d\"", 1),
			pass:    strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"397d\"", 1),
			want:    []string{"warning certificate.ies"},
			message: "certificate.ies is a server certificate valid for 826 days. Apple platforms",
		},
		{
			name:    "company certificate of 825 days",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"825d\"", 1),
			pass:    pki,
			want:    []string{"warning certificate.ies"},
			message: "certificate.ies is a server certificate valid for 825 days. Seed 004: certificates issued after 2020-09-01 may be valid for at most 398 days",
		},
		{
			name:    "company certificate of 399 days",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"399d\"", 1),
			pass:    strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"398d\"", 1),
			want:    []string{"warning certificate.ies"},
			message: "valid for 399 days",
		},
		{
			name:    "a CA certificate may live long",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"900d\"", 1),
			pass:    strings.Replace(pki, `common_name = "Example Root CA"`, "common_name = \"Example Root CA\"\n  validity = \"7300d\"", 1),
			want:    []string{"warning certificate.ies"},
		},
		{
			name:    "a certificate that cannot serve TLS has no schedule",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"1095d\"\n  ext_key_usages = [\"server_auth\", \"email_protection\"]", 1),
			pass:    strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"1095d\"\n  ext_key_usages = [\"email_protection\"]", 1),
			want:    []string{"warning certificate.ies"},
		},
		{
			name:    "company certificate over 398 days",
			id:      "validity-schedule",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"500d\"", 1),
			pass:    strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"398d\"", 1),
			want:    []string{"warning certificate.ies"},
		},
		{
			name:    "SSLAlgorithms SHA1",
			id:      "algorithm-matches-certificate",
			trigger: root + iniWith("    SSLAlgorithms = \"SHA1\"\n    SSLCertificate = certificate.ies.common_name\n"),
			pass:    root + iniWith("    SSLAlgorithms = \"SHA256\"\n    SSLCertificate = certificate.ies.common_name\n"),
			want:    []string{"error ini_file.isps certificate.ies"},
			message: `sets SSLAlgorithms = "SHA1", but certificate.ies is signed with SHA256 (ECDSA key)`,
		},
		{
			name:    "SSLAlgorithms after issue",
			id:      "algorithm-matches-certificate",
			trigger: root + iniWith("    SSLAlgorithms = \"SHA384\"\n"),
			pass:    root + iniWith("    SSLAlgorithms = \"SHA256, SHA384\"\n"),
			want:    []string{"error ini_file.isps certificate.ies"},
			plan:    true, applied: true,
		},
		{
			name:    "SSLAlgorithms left out: the server uses SHA1",
			id:      "algorithm-matches-certificate",
			trigger: root + iniWith("    SSLCertificate = certificate.ies.common_name\n"),
			pass:    root + iniWith("    SSLCertificate = certificate.ies.common_name\n    SSLAlgorithms = \"SHA256\"\n"),
			want:    []string{"warning ini_file.isps certificate.ies"},
			message: `ini_file.isps [InVision Enterprise Server] loads certificate.ies (SSLCertificate) but does not set SSLAlgorithms. Seed 000: the server then uses SHA1, and certificate.ies is signed with SHA256 (ECDSA key)`,
		},
		{
			name:    "SSLAlgorithms left out, after issue",
			id:      "algorithm-matches-certificate",
			trigger: root + iniWith("    SSLCertificate = \"ies.example.test\"\n"),
			pass:    root + iniWith("    SSLCertificate = \"ies.example.test\"\n    SSLAlgorithms = \"SHA-256\"\n"),
			want:    []string{"warning ini_file.isps certificate.ies"},
			plan:    true, applied: true,
		},
		{
			name:    "Windows store fed PEM files",
			id:      "windows-store-pkcs12",
			trigger: root + iniWith("    SSLCertificateStore = \"MY\"\n") + "\nstore \"pem_files\" \"ies\" {\n  certificate = certificate.ies\n  cert = \"ies.pem\"\n}\n",
			pass:    root + iniWith("    SSLCertificateStore = \"MY\"\n") + "\nstore \"pkcs12\" \"ies\" {\n  certificate = certificate.ies\n  path = \"ies.pfx\"\n  password = \"secret\"\n}\n",
			want:    []string{"warning certificate.ies ini_file.isps store.pem_files.ies"},
			message: `"unable to load credentials (code 0x8009030e)"`,
		},
		{
			name:    "SSLCertificate names another certificate",
			id:      "certificate-name-in-store",
			trigger: root + iniWith("    SSLCertificate = \"myTestCertificate\"\n"),
			pass:    root + iniWith("    SSLCertificate = \"ies.example.test\"\n"),
			want:    []string{"error ini_file.isps certificate.ies"},
			message: `The server logs "unable to find certificate named "myTestCertificate" in the store"`,
		},
		{
			name:    "SSLCertificate is the friendly name",
			id:      "certificate-name-in-store",
			trigger: root + iniWith("    SSLCertificate = \"IES 2026\"\n") + "\nstore \"pkcs12\" \"ies\" {\n  certificate = certificate.ies\n  path = \"ies.pfx\"\n  password = \"secret\"\n}\n",
			pass:    root + iniWith("    SSLCertificate = \"IES 2026\"\n") + "\nstore \"pkcs12\" \"ies\" {\n  certificate = certificate.ies\n  path = \"ies.pfx\"\n  password = \"secret\"\n  friendly_name = \"IES 2026\"\n}\n",
			want:    []string{"error ini_file.isps certificate.ies store.pkcs12.ies"},
		},
		{
			name:    "SSLCertificateStore not where the certificate is",
			id:      "certificate-name-in-store",
			trigger: root + iniWith("    SSLCertificateStore = \"ROOT\"\n") + "\nstore \"windows\" \"ies\" {\n  certificate = certificate.ies\n  store = \"MY\"\n}\n",
			pass:    root + iniWith("    SSLCertificateStore = \"my\"\n") + "\nstore \"windows\" \"ies\" {\n  certificate = certificate.ies\n  store = \"MY\"\n}\n",
			want:    []string{"error ini_file.isps certificate.ies store.windows.ies"},
		},
		{
			name:    "TLS 1.0 in SSLProtocols",
			id:      "tls-protocol-versions",
			trigger: root + iniWith("    SSLProtocols = \"TLS1, TLS12\"\n"),
			pass:    root + iniWith("    SSLProtocols = \"TLS12\"\n"),
			want:    []string{"warning ini_file.isps"},
			message: `[InVision Enterprise Server] SSLProtocols = "TLS1, TLS12" enables TLS1. RFC 8996`,
		},
		{
			name:    "seed 000's TLS11 in SSLProtocols",
			id:      "tls-protocol-versions",
			trigger: root + iniWith("    SSLProtocols = \"TLS11, TLS12\"\n"),
			pass:    root + iniWith("    SSLProtocols = \"TLS12, TLS13\"\n"),
			want:    []string{"warning ini_file.isps"},
			message: "enables TLS11.",
		},
		{
			name:    "SSL 3.0 in SSLProtocols",
			id:      "tls-protocol-versions",
			trigger: root + iniWith("    SSLProtocols = \"SSLv3 TLS12\"\n"),
			pass:    root + iniWith("    SSLProtocols = \"TLS 1.2\"\n"),
			want:    []string{"error ini_file.isps"},
		},
		{
			name: "self-signed certificate for browsers",
			id:   "self-signed-for-browsers",
			trigger: `
certificate "web" {
  issuer      = self_signed
  common_name = "web.example.test"
  dns_names   = ["web.example.test"]
}
endpoint "web" {
  url         = "https://web.example.test"
  certificate = certificate.web
}
`,
			pass: pki + `
endpoint "web" {
  url         = "https://ies.example.test"
  certificate = certificate.ies
}
`,
			want:    []string{"warning endpoint.web certificate.web"},
			message: "Seed 003",
		},
		{
			name:    "HTTP-01 with an IP address",
			id:      "acme-http01-names",
			trigger: acmeCert(`listen = ":80"`, `["shop.example.test"]`, `["192.0.2.10"]`),
			pass:    acmeCert(`listen = ":80"`, `["shop.example.test"]`, `[]`),
			want:    []string{"error certificate.shop issuer.acme.le"},
			message: "the IP alone is not enough",
		},
		{
			name:    "HTTP-01 with a wildcard",
			id:      "acme-http01-names",
			trigger: acmeCert(`listen = ":80"`, `["*.example.test"]`, `[]`),
			pass:    acmeCert(`listen = ":80"`, `["shop.example.test", "www.example.test"]`, `[]`),
			want:    []string{"error certificate.shop issuer.acme.le"},
			message: "ACME validates wildcard names with DNS-01 only",
		},
		{
			name:    "HTTP-01 without a domain",
			id:      "acme-http01-names",
			trigger: acmeCert(`listen = ":80"`, `[]`, `[]`),
			pass:    acmeCert(`listen = ":80"`, `["shop.example.test"]`, `[]`),
			want:    []string{"error certificate.shop issuer.acme.le"},
			message: "certificate.shop has no dns_names",
		},
		{
			name:    "HTTP-01 on a port other than 80",
			id:      "acme-http01-listener",
			trigger: acmeCert(`listen = ":8080"`, `["shop.example.test"]`, `[]`),
			pass:    acmeCert(`webroot = "/var/www/html"`, `["shop.example.test"]`, `[]`),
			want:    []string{"warning certificate.shop issuer.acme.le"},
			message: "Unless port 80 is forwarded to 8080",
		},
		{
			name:    "HTTP-01 on loopback",
			id:      "acme-http01-listener",
			trigger: acmeCert(`listen = "127.0.0.1:80"`, `["shop.example.test"]`, `[]`),
			pass:    acmeCert(`listen = "0.0.0.0:80"`, `["shop.example.test"]`, `[]`),
			want:    []string{"error certificate.shop issuer.acme.le"},
		},
		{
			name:    "renew_before as long as the validity",
			id:      "renew-before-validity",
			trigger: strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"30d\"", 1),
			pass:    strings.Replace(pki, `common_name = "ies.example.test"`, "common_name = \"ies.example.test\"\n  validity = \"30d\"\n  renew_before = \"10d\"", 1),
			want:    []string{"error certificate.ies"},
			message: "certificate.ies is valid for 30 days and renew_before is 30 days",
		},
		{
			name:    "single IP, wildcard and HTTP/2",
			id:      "ip-wildcard-http2",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n"),
			pass:    strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n  dedicated_ip = true\n"),
			want:    []string{"error endpoint.ies certificate.ies"},
			message: "only two of the three are allowed",
		},
		{
			name:    "wildcard and HTTP/2 behind a proxy, names listed instead",
			id:      "ip-wildcard-http2",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n"),
			pass:    pki + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n"),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "wildcard behind a proxy, without HTTP/2",
			id:      "ip-wildcard-http2",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n"),
			pass:    strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = false\n  behind_proxy = true\n"),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "wildcard and HTTP/2, TLS terminated",
			id:      "ip-wildcard-http2",
			trigger: strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n  behind_proxy = true\n"),
			pass:    strings.Replace(pki, `["ies.example.test"]`, `["*.example.test"]`, 1) + endpointWith("https://ies.example.test", "  http2 = true\n"),
			want:    []string{"error endpoint.ies certificate.ies"},
		},
		{
			name:    "RSA 1024",
			id:      "key-strength",
			trigger: strings.Replace(pki, "common_name = \"ies.example.test\"\n  dns_names   = [\"ies.example.test\"]\n  key {\n    algorithm = \"ECDSA\"\n  }", "common_name = \"ies.example.test\"\n  dns_names   = [\"ies.example.test\"]\n  key {\n    algorithm = \"RSA\"\n    bits = 1024\n  }", 1),
			pass:    strings.Replace(pki, "common_name = \"ies.example.test\"\n  dns_names   = [\"ies.example.test\"]\n  key {\n    algorithm = \"ECDSA\"\n  }", "common_name = \"ies.example.test\"\n  dns_names   = [\"ies.example.test\"]\n  key {\n    algorithm = \"RSA\"\n  }", 1),
			want:    []string{"error certificate.ies"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(src string) ([]string, string) {
				files := map[string]string{"main.hcl": src, "isps.cfg": isps}
				if !tc.plan {
					fs := validateFindings(t, files)
					return describe(fs, tc.id), messages(fs, tc.id)
				}
				e := newEngine(t, write(t, files))
				if tc.applied {
					e.apply()
				}
				fs := e.findings()
				return describe(fs, tc.id), messages(fs, tc.id)
			}
			got, msg := run(tc.trigger)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("trigger: got\n  %s\nwant\n  %s\nmessages:\n%s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "), msg)
			}
			if !strings.Contains(msg, tc.message) {
				t.Errorf("message:\n%s\nwant it to contain\n%s", msg, tc.message)
			}
			if got, msg := run(tc.pass); len(got) > 0 {
				t.Errorf("pass: got %q\n%s", got, msg)
			}
		})
	}
}

func acmeCert(challenge, dns, ips string) string {
	return fmt.Sprintf(`
issuer "acme" "le" {
  directory = "https://acme-v02.api.letsencrypt.org/directory"
  email     = "admin@example.test"
  http01 {
    %s
  }
}

certificate "shop" {
  issuer       = issuer.acme.le
  dns_names    = %s
  ip_addresses = %s
}
`, challenge, dns, ips)
}

// TestPlanOnly covers what only a plan knows: the same configuration
// passes validate (variables unknown) and fails plan.
func TestPlanOnly(t *testing.T) {
	src := pki + `
variable "host" {
  default = "ies.example.com"
}
` + endpointWith("iwfms://${var.host}:45054", "")
	files := map[string]string{"main.hcl": src}
	if got := describe(validateFindings(t, files), "san-covers-urls"); len(got) > 0 {
		t.Errorf("validate knows the host: %q", got)
	}
	e := newEngine(t, write(t, files))
	if got := describe(e.findings(), "san-covers-urls"); strings.Join(got, ",") != "error endpoint.ies certificate.ies" {
		t.Errorf("plan: %q", got)
	}
}

// TestImported covers CA certificates given as PEM text, which certform
// cannot renew: expiring soon, and with a weak key.
func TestImported(t *testing.T) {
	root := probetest.New(t, nil, true, probetest.Options{CommonName: "Vendor Root CA", NotAfter: time.Now().Add(3650 * 24 * time.Hour)})
	soon := probetest.New(t, root, true, probetest.Options{CommonName: "Vendor Intermediate CA", NotAfter: time.Now().Add(10 * 24 * time.Hour)})
	later := probetest.New(t, root, true, probetest.Options{CommonName: "Vendor Intermediate CA", NotAfter: time.Now().Add(300 * 24 * time.Hour)})
	weak := probetest.New(t, nil, true, probetest.Options{CommonName: "Old Root CA", RSABits: 1024})
	chain := func(inter string) string {
		if inter == "" {
			return "trust_chain \"vendor\" {\n  roots = [file(\"root.pem\")]\n}\n"
		}
		return "trust_chain \"vendor\" {\n  roots = [file(\"root.pem\")]\n  intermediates = [file(\"inter.pem\")]\n}\n"
	}
	for _, tc := range []struct {
		name, id   string
		root, inte string
		want       []string
		message    string
	}{
		{"expiring", "expiring-unrenewable", root.PEM(), soon.PEM(), []string{"warning trust_chain.vendor"}, `The CA certificate "Vendor Intermediate CA" (trust_chain.vendor) expires in 9 days`},
		{"not expiring", "expiring-unrenewable", root.PEM(), later.PEM(), nil, ""},
		{"weak root", "key-strength", weak.PEM(), "", []string{"error trust_chain.vendor"}, `The CA certificate "Old Root CA" in trust_chain.vendor roots has a RSA 1024 key`},
		{"strong root", "key-strength", root.PEM(), "", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"main.hcl": chain(tc.inte), "root.pem": tc.root, "inter.pem": tc.inte}
			e := newEngine(t, write(t, files))
			fs := e.findings()
			if got := describe(fs, tc.id); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			// validate runs the configuration checks only: key-strength
			// reads the PEM files there too, expiring-unrenewable (a
			// plan check) does not run.
			want := tc.want
			if checks.ByID(tc.id).Needs != checks.Configuration {
				want = nil
			}
			if got := describe(validateFindings(t, files), tc.id); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("validate: got %q, want %q", got, want)
			}
			if msg := messages(fs, tc.id); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q\nwant %q", msg, tc.message)
			}
		})
	}
}

// TestImportedExpiring: a certificate imported with an import block,
// which certform cannot renew, warns within its renew_before as the check
// expiring-unrenewable, with the days left and what to replace: the PEM
// files or the .pfx it was imported from.
func TestImportedExpiring(t *testing.T) {
	root := probetest.New(t, nil, true, probetest.Options{CommonName: "Vendor Root CA", NotAfter: time.Now().Add(3650 * 24 * time.Hour)})
	inter := probetest.New(t, root, true, probetest.Options{CommonName: "Vendor Issuing CA", NotAfter: time.Now().Add(1000 * 24 * time.Hour)})
	leaf := func(days int) *probetest.Cert {
		return probetest.New(t, inter, false, probetest.Options{CommonName: "web.example.test", DNSNames: []string{"web.example.test"},
			NotBefore: time.Now().Add(-300 * 24 * time.Hour), NotAfter: time.Now().Add(time.Duration(days)*24*time.Hour + time.Hour)})
	}
	const pemImport = `
certificate "web" {
  import {
    cert_pem  = file("web.crt")
    key_pem   = file("web.key")
    chain_pem = file("chain.pem")
  }
  RENEW
}
`
	const pfxImport = `
certificate "web" {
  import {
    pfx      = filebase64("web.pfx")
    password = "Pfx-Geheim-1"
  }
  RENEW
}
`
	for _, tc := range []struct {
		name, src, renew string
		days             int
		want             []string
		replace          string
	}{
		{"PEM, within the default 30 days", pemImport, "", 20, []string{"warning certificate.web"}, "the PEM files (import.cert_pem, key_pem and chain_pem)"},
		{"PEM, later", pemImport, "", 60, nil, ""},
		{"PEM, before its renew_before", pemImport, `renew_before = "10d"`, 20, nil, ""},
		{"PEM, within its renew_before", pemImport, `renew_before = "90d"`, 60, []string{"warning certificate.web"}, "the PEM files"},
		{"pfx, within", pfxImport, "", 20, []string{"warning certificate.web"}, "the .pfx file (import.pfx)"},
		{"pfx, later", pfxImport, "", 60, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := leaf(tc.days)
			pfx, err := pkcs12.Modern.Encode(c.Key, c.X509, []*x509.Certificate{inter.X509}, "Pfx-Geheim-1")
			if err != nil {
				t.Fatal(err)
			}
			dir := write(t, map[string]string{
				"main.hcl":  strings.Replace(tc.src, "RENEW", tc.renew, 1),
				"web.crt":   c.PEM(),
				"web.key":   c.KeyPEM(),
				"chain.pem": inter.PEM(),
				"web.pfx":   string(pfx),
			})
			fs := newEngine(t, dir).findings()
			if got := describe(fs, "expiring-unrenewable"); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %q, want %q\n%s", got, tc.want, messages(fs, "expiring-unrenewable"))
			}
			if tc.want == nil {
				return
			}
			renew := "30 days"
			if tc.renew != "" {
				renew = strings.TrimSuffix(strings.TrimPrefix(tc.renew, `renew_before = "`), `d"`) + " days"
			}
			want := fmt.Sprintf(`The imported certificate "web.example.test" (certificate.web) expires in %d days, on %s (renew_before is %s)`,
				tc.days, c.X509.NotAfter.UTC().Format("2006-01-02"), renew)
			if msg := messages(fs, "expiring-unrenewable"); !strings.Contains(msg, want) {
				t.Errorf("message %q\nlacks %q", msg, want)
			}
			for _, f := range fs {
				if f.Check != "expiring-unrenewable" {
					continue
				}
				if fix := `Obtain a new certificate from "CN=Vendor Issuing CA" and replace ` + tc.replace; !strings.Contains(f.Fix, fix) {
					t.Errorf("fix %q\nlacks %q", f.Fix, fix)
				}
			}
		})
	}
}

// TestRegistry checks that every check is documented and reachable.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks.All() {
		if seen[c.ID] {
			t.Errorf("duplicate id %s", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Rule == "" || c.Fix == "" || len(c.Severities) == 0 || c.Needs == "" {
			t.Errorf("%s is not fully described", c.ID)
		}
		if checks.ByID(c.ID) != c {
			t.Errorf("ByID(%s)", c.ID)
		}
	}
	if len(seen) < 12 {
		t.Errorf("%d checks; the issue asks for at least 12", len(seen))
	}
}

// TestDocumented checks that docs/checks.md describes every check.
func TestDocumented(t *testing.T) {
	data, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks.All() {
		if !strings.Contains(string(data), "| `"+c.ID+"` |") {
			t.Errorf("docs/checks.md has no table row for %s", c.ID)
		}
		if !strings.Contains(string(data), "`"+c.ID+"`") || !strings.Contains(string(data), "### `"+c.ID) && !strings.Contains(string(data), "and `"+c.ID+"`") {
			t.Errorf("docs/checks.md has no section for %s", c.ID)
		}
	}
}
