package cert_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

const openssl = "/usr/bin/openssl"

func parse(t *testing.T, text string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		t.Fatalf("no PEM block in %q", text)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCAIssuedLeafVerifies checks with openssl that a leaf signed by a CA
// certform made verifies against it, for RSA and ECDSA, directly and
// through an intermediate.
func TestCAIssuedLeafVerifies(t *testing.T) {
	if _, err := exec.LookPath(openssl); err != nil {
		t.Skip("openssl not installed")
	}
	for _, tc := range []struct {
		name string
		key  string
	}{
		{"RSA", `key {
			algorithm = "RSA"
			bits      = 2048
		}`},
		{"ECDSA", `key {
			algorithm = "ECDSA"
			curve     = "P256"
		}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, dir := providertest.NewEnv(t)
			root := create(t, env, `
				issuer      = var.self_signed
				is_ca       = true
				common_name = "Test Root CA"
				`+tc.key, nil)
			inter := create(t, env, `
				issuer      = var.root
				is_ca       = true
				common_name = "Test Intermediate CA"
				`+tc.key, map[string]cty.Value{"root": issuerOf(root)})
			direct := create(t, env, `
				issuer       = var.root
				common_name  = "ies.example.test"
				dns_names    = ["ies.example.test"]
				ip_addresses = ["192.0.2.10"]
				`+tc.key, map[string]cty.Value{"root": issuerOf(root)})
			viaInter := create(t, env, `
				issuer      = var.inter
				common_name = "crm.example.test"
				dns_names   = ["crm.example.test"]
				`+tc.key, map[string]cty.Value{"inter": issuerOf(inter)})

			caFile := writePEM(t, dir, "ca.pem", str(root, "pem"))
			verify := func(leaf cty.Value, extra ...string) {
				t.Helper()
				leafFile := writePEM(t, dir, "leaf.pem", str(leaf, "pem"))
				args := append([]string{"verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", caFile}, extra...)
				out, err := exec.Command(openssl, append(args, leafFile)...).CombinedOutput()
				if err != nil || !strings.Contains(string(out), ": OK") {
					t.Fatalf("openssl verify: %v\n%s", err, out)
				}
			}
			verify(direct)
			verify(viaInter, "-untrusted", writePEM(t, dir, "chain.pem", str(viaInter, "chain_pem")))

			if got, want := str(viaInter, "chain_pem"), str(inter, "pem")+str(root, "pem"); got != want {
				t.Errorf("chain_pem of a leaf under an intermediate:\n got %q\nwant intermediate then root %q", got, want)
			}
			if got := str(direct, "issuer_name"); got != "CN=Test Root CA" {
				t.Errorf("issuer_name = %q, want CN=Test Root CA", got)
			}

			c, r := parse(t, str(direct, "pem")), parse(t, str(root, "pem"))
			if string(c.AuthorityKeyId) != string(r.SubjectKeyId) || len(c.SubjectKeyId) == 0 {
				t.Errorf("AuthorityKeyId %x does not match the CA's SubjectKeyId %x", c.AuthorityKeyId, r.SubjectKeyId)
			}
			if c.SerialNumber.BitLen() < 64 || c.SerialNumber.BitLen() > 128 {
				t.Errorf("serial has %d bits, want a random 128-bit number", c.SerialNumber.BitLen())
			}
			if !r.IsCA || r.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign || len(r.ExtKeyUsage) != 0 {
				t.Errorf("CA: IsCA=%v KeyUsage=%v ExtKeyUsage=%v", r.IsCA, r.KeyUsage, r.ExtKeyUsage)
			}
			if c.IsCA || len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth {
				t.Errorf("leaf: IsCA=%v ExtKeyUsage=%v", c.IsCA, c.ExtKeyUsage)
			}
		})
	}
}

// TestComputedAttributes checks the attributes derived from the
// certificate, and that the key is filed under the SHA-256 of the SPKI.
func TestComputedAttributes(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	env.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v := create(t, env, `
		issuer       = var.self_signed
		common_name  = "ies.example.test"
		organization = "Example Corp"
		dns_names    = ["ies.example.test"]
		key {
			algorithm = "ECDSA"
			curve     = "P384"
		}`, nil)
	c := parse(t, str(v, "pem"))

	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	fp := sha256.Sum256(c.Raw)
	for _, tc := range []struct{ name, got, want string }{
		{"key_id", str(v, "key_id"), "sha256:" + hex.EncodeToString(spki[:])},
		{"fingerprint_sha256", str(v, "fingerprint_sha256"), hex.EncodeToString(fp[:])},
		{"serial", str(v, "serial"), c.SerialNumber.Text(16)},
		{"not_before", str(v, "not_before"), "2026-01-02T02:59:05Z"},
		{"not_after", str(v, "not_after"), "2027-02-03T02:59:05Z"},
		{"subject", str(v, "subject"), "CN=ies.example.test,O=Example Corp"},
		{"issuer_name", str(v, "issuer_name"), "CN=ies.example.test,O=Example Corp"},
		{"issuer_kind", str(v, "issuer_kind"), "self_signed"},
		{"chain_pem", str(v, "chain_pem"), ""},
		{"validity", str(v, "validity"), "397d"},
		{"renew_before", str(v, "renew_before"), "30d"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if th := str(v, "thumbprint_sha1"); len(th) != 40 || strings.ToUpper(th) != th {
		t.Errorf("thumbprint_sha1 = %q, want 40 uppercase hex digits", th)
	}
	if pub, ok := c.PublicKey.(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P384() {
		t.Errorf("public key is %T, want ECDSA P-384", c.PublicKey)
	}
	if c.KeyUsage != x509.KeyUsageDigitalSignature {
		t.Errorf("ECDSA leaf KeyUsage = %v, want digital_signature only", c.KeyUsage)
	}
	keyPEM, err := env.Secrets.Get(str(v, "key_id"))
	if err != nil {
		t.Fatalf("key not in secrets under its key_id: %v", err)
	}
	if !strings.Contains(string(keyPEM), "PRIVATE KEY") {
		t.Errorf("secret is not a PEM private key")
	}
}

func TestRSALeafDefaults(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	v := create(t, env, `
		issuer    = var.self_signed
		dns_names = ["ies.example.test"]`, nil)
	c := parse(t, str(v, "pem"))
	if pub, ok := c.PublicKey.(*rsa.PublicKey); !ok || pub.N.BitLen() != 2048 {
		t.Errorf("public key is %T, want RSA 2048", c.PublicKey)
	}
	if want := x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment; c.KeyUsage != want {
		t.Errorf("KeyUsage = %v, want %v", c.KeyUsage, want)
	}
	if c.NotAfter.Sub(c.NotBefore) != 397*24*time.Hour {
		t.Errorf("validity = %v, want 397 days", c.NotAfter.Sub(c.NotBefore))
	}
}

// TestLeafEndsWithItsIssuer checks that a leaf valid longer than its CA is
// announced at plan and capped at apply.
func TestLeafEndsWithItsIssuer(t *testing.T) {
	env, _ := providertest.NewEnv(t)
	ca := create(t, env, `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Short-lived CA"
		validity    = "30d"
		renew_before = "7d"`, nil)
	p := cert.New()
	src := `
		issuer      = var.ca
		common_name = "ies.example.test"
		renew_before = "7d"`
	vs := vars(map[string]cty.Value{"ca": issuerOf(ca)})
	cfg := providertest.Decode(t, p, src, vs)
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "certificate.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if len(pl.Diagnostics) != 1 || pl.Diagnostics[0].Summary != "Certificate would outlive its issuer" {
		t.Errorf("plan diagnostics %v, want an outlive warning", pl.Diagnostics)
	}
	leaf := create(t, env, src, map[string]cty.Value{"ca": issuerOf(ca)})
	if got, want := str(leaf, "not_after"), str(ca, "not_after"); got != want {
		t.Errorf("leaf not_after %s, want the CA's %s", got, want)
	}
}
