package acme_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/acme"
)

const letsEncrypt = `directory = "https://acme-v02.api.letsencrypt.org/directory"
`

// TestValidateIssuer checks issuer "acme" blocks without any server.
func TestValidateIssuer(t *testing.T) {
	for _, tc := range []struct {
		name, hcl, want string // want: the summary of the first error, "" for none
	}{
		{name: "http-01 on a port", hcl: letsEncrypt + "http01 {\nlisten = \":8080\"\n}"},
		{name: "everything", hcl: letsEncrypt + `
			email            = "admin@example.com"
			account_key_type = "ec-384"
			preferred_chain  = "ISRG Root X1"
			eab {
				kid  = "kid-1"
				hmac = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
			}
			dns01 {
				provider            = "rfc2136"
				env                 = { RFC2136_NAMESERVER = "192.0.2.53" }
				resolvers           = ["192.0.2.53"]
				propagation_timeout = "5m"
			}`},
		{name: "no challenge", hcl: letsEncrypt, want: "Missing challenge"},
		{name: "two challenges", hcl: letsEncrypt + "http01 {\nlisten = \":8080\"\n}\ntls_alpn01 {\nlisten = \":8443\"\n}", want: "Several challenges"},
		{name: "http-01 with both", hcl: letsEncrypt + "http01 {\nlisten = \":8080\"\nwebroot = \"/var/www\"\n}", want: "http01 needs listen or webroot"},
		{name: "http-01 with neither", hcl: letsEncrypt + "http01 {\n}", want: "http01 needs listen or webroot"},
		{name: "port without colon", hcl: letsEncrypt + "http01 {\nlisten = \"8080\"\n}", want: "Invalid listen address"},
		{name: "plain HTTP", hcl: "directory = \"http://acme.example.test/dir\"\nhttp01 {\nlisten = \":8080\"\n}", want: "ACME needs HTTPS"},
		{name: "not a URL", hcl: "directory = \"letsencrypt\"\nhttp01 {\nlisten = \":8080\"\n}", want: "Invalid directory"},
		{name: "mailto", hcl: letsEncrypt + "email = \"mailto:a@example.com\"\nhttp01 {\nlisten = \":8080\"\n}", want: "Invalid email"},
		{name: "key type", hcl: letsEncrypt + "account_key_type = \"DSA\"\nhttp01 {\nlisten = \":8080\"\n}", want: "Unsupported account key type"},
		{name: "roots", hcl: letsEncrypt + "ca_roots = \"not PEM\"\nhttp01 {\nlisten = \":8080\"\n}", want: "Invalid ca_roots"},
		{name: "hmac", hcl: letsEncrypt + "eab {\nkid = \"k\"\nhmac = \"!!\"\n}\nhttp01 {\nlisten = \":8080\"\n}", want: "Invalid eab hmac"},
		{name: "short hmac", hcl: letsEncrypt + "eab {\nkid = \"k\"\nhmac = \"c2VjcmV0\"\n}\nhttp01 {\nlisten = \":8080\"\n}", want: "Invalid eab hmac"},
		{name: "hmac in standard base64", hcl: letsEncrypt + "eab {\nkid = \"k\"\nhmac = \"+//7//v/+//7//v/+//7//v/+//7//v/+//7//v/+//7//v/+//7/w==\"\n}\nhttp01 {\nlisten = \":8080\"\n}"},
		{name: "unknown DNS provider", hcl: letsEncrypt + "dns01 {\nprovider = \"cloudflar\"\n}", want: "Unknown DNS provider"},
		{name: "exec without command", hcl: letsEncrypt + "dns01 {\nprovider = \"exec\"\n}", want: "exec needs a command"},
		{name: "command for a lego provider", hcl: letsEncrypt + "dns01 {\nprovider = \"cloudflare\"\ncommand = [\"x\"]\n}", want: "command needs provider exec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := acme.New()
			diags := p.Validate("issuer.acme.test", decode(t, p, tc.hcl, nil))
			got := ""
			if diags.HasErrors() {
				got = diags[0].Summary
				if !strings.HasPrefix(diags[0].Detail, "issuer.acme.test: ") {
					t.Errorf("detail does not start with the address: %s", diags[0].Detail)
				}
			}
			if got != tc.want {
				t.Errorf("got %q (%v), want %q", got, diags, tc.want)
			}
		})
	}
	p := acme.New()
	diags := p.Validate("issuer.acme.test", decode(t, p, letsEncrypt+"dns01 {\nprovider = \"cloudflar\"\n}", nil))
	if !strings.Contains(diags.Error(), `Did you mean "cloudflare"?`) {
		t.Errorf("no suggestion for a typo: %v", diags)
	}
}

// TestValidateCertificate checks certificate blocks against the preview
// of their issuer, as certform validate does: a public CA refuses IP
// addresses and bare host names (seed 002: a domain is needed).
func TestValidateCertificate(t *testing.T) {
	public := preview(t, letsEncrypt+"http01 {\nlisten = \":8080\"\n}")
	private := preview(t, "directory = \"https://ca.internal.test/acme/directory\"\nca_roots = var.roots\nhttp01 {\nlisten = \":8080\"\n}")
	dns := preview(t, letsEncrypt+"dns01 {\nprovider = \"exec\"\ncommand = [\"./txt\"]\n}")
	selfSigned := cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")})
	for _, tc := range []struct {
		name   string
		issuer cty.Value
		hcl    string
		want   string
	}{
		{name: "domain", issuer: public, hcl: `dns_names = ["profacto.example.com"]`},
		{name: "IP address", issuer: public, hcl: "dns_names = [\"profacto.example.com\"]\nip_addresses = [\"192.0.2.10\"]", want: "An IP address is not enough"},
		{name: "bare host name", issuer: public, hcl: `dns_names = ["profacto"]`, want: "Not a domain name"},
		{name: "IP address as the domain", issuer: public, hcl: `dns_names = ["192.0.2.10"]`, want: "An IP address is not enough"},
		{name: "IP address at a private CA", issuer: private, hcl: "dns_names = [\"profacto\"]\nip_addresses = [\"192.0.2.10\"]"},
		{name: "wildcard with http-01", issuer: public, hcl: `dns_names = ["*.example.com"]`, want: "Wildcard needs dns01"},
		{name: "wildcard with dns-01", issuer: dns, hcl: `dns_names = ["*.example.com", "example.com"]`},
		{name: "validity", issuer: public, hcl: "dns_names = [\"a.example.com\"]\nvalidity = \"90d\"", want: "validity is up to the CA"},
		{name: "CA", issuer: public, hcl: "dns_names = [\"a.example.com\"]\nis_ca = true", want: "A CA certificate cannot come from this issuer"},
		{name: "no names", issuer: public, hcl: `common_name = ""`, want: "Certificate without a name"},
		{name: "common name elsewhere", issuer: public, hcl: "common_name = \"b.example.com\"\ndns_names = [\"a.example.com\"]", want: "common_name is not among dns_names"},
		{name: "bad key", issuer: public, hcl: "dns_names = [\"a.example.com\"]\nkey {\nalgorithm = \"RSA\"\nbits = 1024\n}", want: "Unsupported RSA key size"},
		{name: "revoke_on_destroy", issuer: public, hcl: "dns_names = [\"a.example.com\"]\nrevoke_on_destroy = true"},
		{name: "revoke_on_destroy of a local certificate", issuer: selfSigned, hcl: "common_name = \"a\"\nrevoke_on_destroy = true", want: "revoke_on_destroy needs an ACME issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := certProvider()
			diags := p.Validate("certificate.test", decode(t, p, "issuer = var.issuer\n"+tc.hcl, map[string]cty.Value{"issuer": tc.issuer}))
			got := ""
			if diags.HasErrors() {
				got = diags[0].Summary
			}
			if got != tc.want {
				t.Errorf("got %q (%v), want %q", got, diags, tc.want)
			}
		})
	}
}

// preview is the value certform validate gives an issuer "acme" block.
func preview(t *testing.T, hcl string) cty.Value {
	t.Helper()
	p := acme.New()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Internal ACME CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	roots := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return p.Preview("issuer.acme.test", decode(t, p, hcl, map[string]cty.Value{"roots": cty.StringVal(roots)}))
}
