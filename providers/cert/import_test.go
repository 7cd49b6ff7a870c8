package cert_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

// bought is what a CA hands over: a server certificate, its key, and the
// intermediate and root that issued it, as PEM files in dir.
type bought struct {
	dir                        string
	root, inter, leaf          *x509.Certificate
	leafKeyPEM, otherKeyPEM    []byte
	rootPEM, interPEM, leafPEM string
}

func mkcert(t *testing.T, tmpl *x509.Certificate, parent *x509.Certificate, pub, signer any) *x509.Certificate {
	t.Helper()
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

// buy makes a PKI whose server certificate is valid from notBefore to
// notAfter, and writes it to files in a new directory.
func buy(t *testing.T, notBefore, notAfter time.Time) *bought {
	t.Helper()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	interKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	ca := func(cn string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: cn, Organization: []string{"Example Trust Services"}},
			NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(10, 0, 0), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	}
	root := mkcert(t, ca("Example Trust Root CA"), nil, rootKey.Public(), rootKey)
	inter := mkcert(t, ca("Example Trust TLS CA 2026"), root, interKey.Public(), rootKey)
	leaf := mkcert(t, &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano() + 1), Subject: pkix.Name{CommonName: "api.example.test", Organization: []string{"Example Estates"}},
		DNSNames: []string{"api.example.test", "mobile.example.test"}, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, inter, leafKey.Public(), interKey)
	p8, _ := x509.MarshalPKCS8PrivateKey(leafKey)
	o8, _ := x509.MarshalPKCS8PrivateKey(otherKey)
	b := &bought{
		dir: t.TempDir(), root: root, inter: inter, leaf: leaf,
		leafKeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		otherKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: o8}),
		rootPEM:     pemOf(root), interPEM: pemOf(inter), leafPEM: pemOf(leaf),
	}
	b.write(t, "server.crt", b.leafPEM)
	b.write(t, "server.key", string(b.leafKeyPEM))
	b.write(t, "chain.pem", b.interPEM+b.rootPEM)
	return b
}

func (b *bought) write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(b.dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (b *bought) read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tool runs openssl or keytool in the directory; CI installs both (make
// tools).
func (b *bought) tool(t *testing.T, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is needed for this test; install it (make tools)", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = b.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// pfx makes server.pfx with openssl (-legacy: RC2 and 3DES, as OpenSSL 1.1
// and Windows exports used to).
func (b *bought) pfx(t *testing.T, name, password string, legacy bool) []byte {
	args := []string{"pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", "chain.pem", "-name", "api", "-passout", "pass:" + password, "-out", name}
	if legacy {
		args = append(args, "-legacy")
	}
	b.tool(t, "openssl", args...)
	return b.read(t, name)
}

// keystore makes a Java keystore with keytool from server.pfx.
func (b *bought) keystore(t *testing.T, name, typ, password string) []byte {
	b.pfx(t, "for-keytool.pfx", password, false)
	b.tool(t, "keytool", "-importkeystore", "-noprompt", "-srckeystore", "for-keytool.pfx", "-srcstoretype", "PKCS12", "-srcstorepass", password,
		"-destkeystore", name, "-deststoretype", typ, "-deststorepass", password, "-destkeypass", password)
	return b.read(t, name)
}

func b64(data []byte) cty.Value { return cty.StringVal(base64.StdEncoding.EncodeToString(data)) }

func TestImportContract(t *testing.T) {
	now := time.Now()
	b := buy(t, now.Add(-24*time.Hour), now.AddDate(0, 0, 397))
	fp := func(c *x509.Certificate) string {
		sum := sha256.Sum256(c.Raw)
		return hex.EncodeToString(sum[:])
	}
	check := func(from string) func(t *testing.T, dir string, v cty.Value) {
		return func(t *testing.T, dir string, v cty.Value) {
			for n, want := range map[string]string{
				"common_name": "api.example.test", "organization": "Example Estates", "fingerprint_sha256": fp(b.leaf),
				"issuer_fingerprint": fp(b.inter), "chain_pem": b.interPEM + b.rootPEM, "pem": b.leafPEM, "issuer_kind": "import",
				"renew_before": "30d", "validity": "398d", "subject": "CN=api.example.test,O=Example Estates",
			} {
				if got := providers.String(v, n); got != want {
					t.Errorf("%s = %q, want %q", n, got, want)
				}
			}
			if got := providers.Strings(v, "dns_names"); strings.Join(got, " ") != "api.example.test mobile.example.test" {
				t.Errorf("dns_names = %q", got)
			}
			if got := providers.String(providers.Attr(v, "key"), "algorithm"); got != "RSA" || providers.Int(providers.Attr(v, "key"), "bits") != 2048 {
				t.Errorf("key = %#v", providers.Attr(v, "key"))
			}
			// The key went into secrets, and nowhere else.
			keyPEM, err := os.ReadFile(filepath.Join(dir, ".certform", "keys", strings.ReplaceAll(providers.String(v, "key_id"), ":", "-")+".pem"))
			if err != nil || !strings.Contains(string(keyPEM), "PRIVATE KEY") {
				t.Errorf("key not in secrets: %v", err)
			}
			if js := jsonOf(t, v); strings.Contains(js, "PRIVATE KEY") || strings.Contains(js, "Geheim") {
				t.Errorf("value holds a secret: %s", js)
			}
			// It carries every attribute an issued certificate has, so
			// stores take it.
			for _, n := range issuedAttributes(t) {
				if !v.Type().HasAttribute(n) {
					t.Errorf("attribute %s missing", n)
				}
			}
		}
	}
	vars := map[string]cty.Value{
		"cert": cty.StringVal(b.leafPEM), "key": cty.StringVal(string(b.leafKeyPEM)), "chain": cty.StringVal(b.interPEM + b.rootPEM),
		"full": cty.StringVal(b.leafPEM + b.interPEM),
		"pfx":  b64(b.pfx(t, "modern.pfx", "Geheim-1", false)), "legacy": b64(b.pfx(t, "legacy.pfx", "Geheim-1", true)),
		"jks": b64(b.keystore(t, "keystore.jks", "JKS", "Geheim-1")), "p12": b64(b.keystore(t, "keystore.p12", "PKCS12", "Geheim-1")),
		"password": cty.StringVal("Geheim-1"),
	}
	providertest.Run(t, cert.New(), []providertest.Case{
		{Name: "PEM files", HCL: "import {\ncert_pem = var.cert\nkey_pem = var.key\nchain_pem = var.chain\n}", Vars: vars, Check: check("pem")},
		{Name: "PEM with the chain in cert_pem", HCL: "import {\ncert_pem = var.full\nkey_pem = var.key\nchain_pem = var.chain\n}", Vars: vars, Check: check("pem")},
		{Name: "pfx from openssl", HCL: "import {\npfx = var.pfx\npassword = var.password\n}", Vars: vars, Check: check("pfx")},
		{Name: "legacy pfx from openssl (RC2)", HCL: "import {\npfx = var.legacy\npassword = var.password\n}", Vars: vars, Check: check("pfx")},
		{Name: "JKS from keytool", HCL: "import {\nkeystore = var.jks\npassword = var.password\n}", Vars: vars, Check: check("keystore")},
		{Name: "PKCS12 keystore from keytool", HCL: "import {\npfx = var.p12\npassword = var.password\nalias = \"api\"\n}", Vars: vars, Check: check("pfx")},
	})
}

// issuedAttributes lists the attributes of an issued certificate's value.
func issuedAttributes(t *testing.T) []string {
	t.Helper()
	env, _ := providertest.NewEnv(t)
	p := cert.New()
	cfg := providertest.Decode(t, p, "issuer = var.i\ncommon_name = \"x.example.test\"\nkey {\nalgorithm = \"ECDSA\"\n}",
		map[string]cty.Value{"i": cty.ObjectVal(map[string]cty.Value{"kind": cty.StringVal("self_signed")})})
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: "certificate.x", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	var names []string
	for n := range pl.Planned.Type().AttributeTypes() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type importRun struct {
	env *providers.Env
	dir string
}

func planImport(t *testing.T, src string, vars map[string]cty.Value, now time.Time) (providers.PlanResponse, *importRun) {
	t.Helper()
	env, dir := providertest.NewEnv(t)
	env.Now = now
	p := cert.New()
	cfg := providertest.Decode(t, p, src, vars)
	if d := p.Validate("certificate.api", cfg); d.HasErrors() {
		return providers.PlanResponse{Diagnostics: d}, &importRun{env, dir}
	}
	return p.Plan(context.Background(), providers.PlanRequest{Address: "certificate.api", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env}), &importRun{env, dir}
}

func diagWith(diags hcl.Diagnostics, sev hcl.DiagnosticSeverity, summary string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Severity == sev && d.Summary == summary {
			return d
		}
	}
	return nil
}

func TestImportErrors(t *testing.T) {
	now := time.Now()
	b := buy(t, now.Add(-24*time.Hour), now.AddDate(0, 0, 397))
	pfx := b.pfx(t, "server.pfx", "right-password", false)
	vars := map[string]cty.Value{
		"cert": cty.StringVal(b.leafPEM), "key": cty.StringVal(string(b.leafKeyPEM)), "chain": cty.StringVal(b.interPEM + b.rootPEM),
		"other_key": cty.StringVal(string(b.otherKeyPEM)), "pfx": b64(pfx), "truncated": b64(pfx[:len(pfx)-200]),
		"jks": b64(b.keystore(t, "k.jks", "JKS", "right-password")),
	}
	for _, tc := range []struct {
		name, hcl, summary, detail string
	}{
		{"wrong pfx password", "import {\npfx = var.pfx\npassword = \"wrong\"\n}", "Wrong password for pfx", "cannot be opened with the configured password"},
		{"wrong keystore password", "import {\nkeystore = var.jks\npassword = \"wrong-one\"\n}", "Wrong password for keystore", "cannot be opened"},
		{"truncated pfx", "import {\npfx = var.truncated\npassword = \"right-password\"\n}", "Cannot read pfx", "truncated"},
		{"pfx not base64", "import {\npfx = var.cert\npassword = \"right-password\"\n}", "Invalid pfx", "filebase64"},
		{"key does not match", "import {\ncert_pem = var.cert\nkey_pem = var.other_key\n}", "Private key does not match the certificate", "belongs to none of the certificates"},
		{"key in cert_pem", "import {\ncert_pem = \"${var.cert}${var.key}\"\nkey_pem = var.key\n}", "Cannot read cert_pem", "private key"},
		{"two sources", "import {\ncert_pem = var.cert\nkey_pem = var.key\npfx = var.pfx\n}", "Invalid import", "exactly one source"},
		{"issuer next to import", "issuer = var.cert\nimport {\ncert_pem = var.cert\nkey_pem = var.key\n}", "Argument not allowed with import", "issuer comes from the imported certificate"},
		{"no key", "import {\ncert_pem = var.cert\n}", "Missing key_pem", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, r := planImport(t, tc.hcl, vars, now)
			d := diagWith(pl.Diagnostics, hcl.DiagError, tc.summary)
			if d == nil || !strings.Contains(d.Detail, tc.detail) {
				t.Fatalf("got %v, want error %q mentioning %q", pl.Diagnostics, tc.summary, tc.detail)
			}
			if entries, _ := os.ReadDir(filepath.Join(r.dir, ".certform", "keys")); len(entries) > 0 {
				t.Error("a key was stored")
			}
		})
	}
}

func TestImportValidity(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name                string
		notBefore, notAfter time.Time
		chain               string // "full", "root only"
		sev                 hcl.DiagnosticSeverity
		summary, detail     string
	}{
		{"expired", now.AddDate(-1, 0, 0), now.Add(-48 * time.Hour), "full", hcl.DiagError, "Imported certificate expired", "expired 2 days ago"},
		{"not yet valid", now.Add(72 * time.Hour), now.AddDate(1, 0, 0), "full", hcl.DiagError, "Imported certificate not yet valid", "in 3 days"},
		// Within renew_before is the plan check expiring-unrenewable
		// (plan/checks), reported once: the provider says nothing.
		{"inside renew_before", now.AddDate(-1, 0, 0), now.AddDate(0, 0, 20), "full", 0, "", ""},
		{"missing intermediate", now.Add(-time.Hour), now.AddDate(0, 0, 90), "root only", hcl.DiagWarning, "Incomplete certificate chain", `was issued by "CN=Example Trust TLS CA 2026,O=Example Trust Services", which is not in the imported chain`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := buy(t, tc.notBefore, tc.notAfter)
			chain := b.interPEM + b.rootPEM
			if tc.chain == "root only" {
				chain = b.rootPEM
			}
			vars := map[string]cty.Value{"cert": cty.StringVal(b.leafPEM), "key": cty.StringVal(string(b.leafKeyPEM)), "chain": cty.StringVal(chain)}
			pl, _ := planImport(t, "import {\ncert_pem = var.cert\nkey_pem = var.key\nchain_pem = var.chain\n}", vars, now)
			if tc.summary == "" {
				if len(pl.Diagnostics) > 0 {
					t.Fatalf("got %v, want no diagnostics", pl.Diagnostics)
				}
				return
			}
			d := diagWith(pl.Diagnostics, tc.sev, tc.summary)
			if d == nil || !strings.Contains(d.Detail, tc.detail) {
				t.Fatalf("got %v, want %q mentioning %q", pl.Diagnostics, tc.summary, tc.detail)
			}
		})
	}
}

func TestImportReplacedFile(t *testing.T) {
	now := time.Now()
	old := buy(t, now.Add(-time.Hour), now.AddDate(0, 0, 90))
	renewed := buy(t, now.Add(-time.Hour), now.AddDate(0, 0, 397))
	env, _ := providertest.NewEnv(t)
	p := cert.New()
	ctx := context.Background()
	src := "import {\ncert_pem = var.cert\nkey_pem = var.key\nchain_pem = var.chain\n}"
	cfgOf := func(b *bought) cty.Value {
		return providertest.Decode(t, p, src, map[string]cty.Value{"cert": cty.StringVal(b.leafPEM), "key": cty.StringVal(string(b.leafKeyPEM)), "chain": cty.StringVal(b.interPEM)})
	}
	cfg := cfgOf(old)
	pl := p.Plan(ctx, providers.PlanRequest{Address: "certificate.api", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.api", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	oldID := providers.String(ap.New, "key_id")

	cfg = cfgOf(renewed)
	pl = p.Plan(ctx, providers.PlanRequest{Address: "certificate.api", Config: cfg, Prior: ap.New, Live: ap.New, Env: env})
	if !pl.RequiresReplace || len(pl.Reasons) != 2 || !strings.HasPrefix(pl.Reasons[0], "the imported certificate changed (serial ") || pl.Reasons[1] != "new private key" {
		t.Fatalf("replace %v, reasons %q", pl.RequiresReplace, pl.Reasons)
	}
	ap2 := p.Apply(ctx, providers.ApplyRequest{Address: "certificate.api", Config: cfg, Prior: ap.New, Planned: pl.Planned, Env: env})
	if ap2.Diagnostics.HasErrors() {
		t.Fatal(ap2.Diagnostics.Error())
	}
	if _, err := env.Secrets.Get(oldID); err == nil {
		t.Error("the replaced certificate's key is still in secrets")
	}
	if _, err := env.Secrets.Get(providers.String(ap2.New, "key_id")); err != nil {
		t.Errorf("new key not stored: %v", err)
	}
}
