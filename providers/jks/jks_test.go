package jks_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/testpki"
	"github.com/certform/certform/providers/jks"
	"github.com/certform/certform/providers/providertest"
)

const (
	addr     = "store.java_keystore.app"
	password = "changeit-123"
)

// keytool runs keytool in dir and returns its output. CI installs it
// (openjdk-17-jre-headless, make tools).
func keytool(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := tryKeytool(dir, args...)
	if err != nil {
		t.Fatalf("keytool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func tryKeytool(dir string, args ...string) (string, error) {
	if _, err := exec.LookPath("keytool"); err != nil {
		return "", err
	}
	cmd := exec.Command("keytool", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LANG=C", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func needKeytool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("keytool"); err != nil {
		t.Fatal("keytool is needed to check keystores; install openjdk-17-jre-headless (make tools)")
	}
}

// aliases lists the aliases keytool -list shows, sorted.
func aliases(t *testing.T, dir, file string) []string {
	t.Helper()
	out := keytool(t, dir, "-list", "-keystore", file, "-storepass", password)
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^([^,\s][^,\n]*), [^\n]*, (PrivateKeyEntry|trustedCertEntry),`).FindAllStringSubmatch(out, -1) {
		got = append(got, m[1]+":"+m[2])
	}
	sort.Strings(got)
	return got
}

func vars(k *testpki.PKI) map[string]cty.Value {
	return map[string]cty.Value{"cert": k.Leaf, "company": k.Chain(), "password": cty.StringVal(password)}
}

func TestContract(t *testing.T) {
	needKeytool(t)
	k := testpki.New(t, "")
	want := []string{"ies:PrivateKeyEntry", "test-intermediate-ca:trustedCertEntry", "test-root-ca:trustedCertEntry"}
	var cases []providertest.Case
	for _, typ := range []string{"JKS", "PKCS12"} {
		cases = append(cases,
			providertest.Case{
				Name: typ + " key entry and trusted entries",
				HCL: `type        = "` + typ + `"
				      path        = "conf/keystore.` + strings.ToLower(typ) + `"
				      password    = var.password
				      certificate = var.cert
				      alias       = "ies"
				      trust       = [var.company, var.company]`,
				Vars:  vars(k),
				Setup: k.Install,
				Check: func(t *testing.T, dir string, v cty.Value) {
					file := "conf/keystore." + strings.ToLower(typ)
					if got := aliases(t, dir, file); strings.Join(got, " ") != strings.Join(want, " ") {
						t.Errorf("keytool lists %q, want %q", got, want)
					}
					out := keytool(t, dir, "-list", "-v", "-keystore", file, "-storepass", password, "-alias", "ies")
					if !strings.Contains(out, "Certificate chain length: 3") {
						t.Errorf("keytool -list -v:\n%s", out)
					}
					if out := keytool(t, dir, "-list", "-keystore", file, "-storepass", password); !strings.Contains(out, "Keystore type: "+typ) {
						t.Errorf("keytool -list:\n%s", out)
					}
					if fi, _ := os.Stat(filepath.Join(dir, file)); fi.Mode().Perm() != 0o600 {
						t.Errorf("mode %v, want 0600", fi.Mode().Perm())
					}
					if got := testpki.Str(v, "certificate_fingerprint"); got != testpki.Str(k.Leaf, "fingerprint_sha256") {
						t.Errorf("certificate_fingerprint %q", got)
					}
				},
			},
			providertest.Case{
				Name: typ + " truststore",
				HCL: `type     = "` + typ + `"
				      path     = "truststore"
				      password = var.password
				      trust    = [var.company]
				      alias_prefix = "company-"`,
				Vars: vars(k),
				Check: func(t *testing.T, dir string, v cty.Value) {
					got := aliases(t, dir, "truststore")
					if strings.Join(got, " ") != "company-test-intermediate-ca:trustedCertEntry company-test-root-ca:trustedCertEntry" {
						t.Errorf("keytool lists %q", got)
					}
					if fi, _ := os.Stat(filepath.Join(dir, "truststore")); fi.Mode().Perm() != 0o644 {
						t.Errorf("mode %v, want 0644", fi.Mode().Perm())
					}
				},
			})
	}
	providertest.Run(t, jks.New(), cases)
}

// run is one configuration directory with a keystore store.
type run struct {
	t    *testing.T
	p    *jks.Provider
	dir  string
	env  *providers.Env
	cfg  cty.Value
	last cty.Value
}

func newRun(t *testing.T, k *testpki.PKI, hcl string) *run {
	env, dir := providertest.NewEnv(t)
	k.Install(t, dir)
	r := &run{t: t, p: jks.New(), dir: dir, env: env, last: providers.Null}
	r.cfg = providertest.Decode(t, r.p, hcl, vars(k))
	return r
}

func (r *run) plan() (cty.Value, providers.PlanResponse) {
	r.t.Helper()
	e := *r.env
	e.FS = providers.NewDirFS(r.dir)
	r.env = &e
	rd := r.p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: r.cfg, Prior: r.last, Env: r.env})
	if rd.Diagnostics.HasErrors() {
		r.t.Fatal(rd.Diagnostics.Error())
	}
	return rd.Live, r.p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: r.cfg, Prior: r.last, Live: rd.Live, Env: r.env})
}

func (r *run) apply(planned cty.Value) hcl.Diagnostics {
	r.t.Helper()
	ap := r.p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: r.cfg, Prior: r.last, Planned: planned, Env: r.env})
	if ap.Diagnostics.HasErrors() {
		r.t.Fatal(ap.Diagnostics.Error())
	}
	r.last = ap.New
	return ap.Diagnostics
}

func (r *run) planApply() providers.PlanResponse {
	r.t.Helper()
	_, pl := r.plan()
	if pl.Diagnostics.HasErrors() {
		r.t.Fatal(pl.Diagnostics.Error())
	}
	r.apply(pl.Planned)
	return pl
}

func (r *run) noop() {
	r.t.Helper()
	live, pl := r.plan()
	if pl.Diagnostics.HasErrors() || !providers.Equal(pl.Planned, live) || len(pl.Files) > 0 || len(pl.Reasons) > 0 {
		r.t.Fatalf("not a no-op: %v, reasons %q, files %d", pl.Diagnostics, pl.Reasons, len(pl.Files))
	}
}

func (r *run) read(name string) []byte {
	data, err := os.ReadFile(filepath.Join(r.dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	return data
}

func hasReason(pl providers.PlanResponse, want string) bool {
	for _, r := range pl.Reasons {
		if strings.Contains(r, want) {
			return true
		}
	}
	return false
}

func errorSummary(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return d.Summary
		}
	}
	return ""
}

// writePEM puts a certificate value's PEM into the directory for keytool.
func writePEM(t *testing.T, dir, name string, cert cty.Value) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(testpki.Str(cert, "pem")), 0o644); err != nil {
		t.Fatal(err)
	}
}

func truststoreHCL(typ string) string {
	return `type = "` + typ + `"
	        path = "truststore"
	        password = var.password
	        trust = [var.company]`
}

func TestKeytoolChangesShowAsDrift(t *testing.T) {
	needKeytool(t)
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	for _, typ := range []string{"JKS", "PKCS12"} {
		t.Run(typ, func(t *testing.T) {
			r := newRun(t, k, truststoreHCL(typ))
			r.planApply()
			r.noop()

			// An alias added with keytool stays, and is not drift.
			writePEM(t, r.dir, "partner.pem", partner.Root)
			keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storepass", password, "-alias", "partner-root", "-file", "partner.pem")
			r.noop()

			// A managed alias deleted with keytool is drift, and is put back.
			keytool(t, r.dir, "-delete", "-keystore", "truststore", "-storepass", password, "-alias", "test-root-ca")
			live, pl := r.plan()
			if providers.Equal(live, r.last) {
				t.Error("Read does not see the deleted alias")
			}
			if !hasReason(pl, "alias test-root-ca is missing from truststore (deleted outside certform)") || !hasReason(pl, "keeps 1 alias(es) certform does not manage: partner-root") {
				t.Errorf("reasons %q", pl.Reasons)
			}
			if len(pl.Files) != 1 || !pl.Files[0].Sensitive {
				t.Errorf("files %+v", pl.Files)
			}
			r.apply(pl.Planned)
			r.noop()
			want := "partner-root:trustedCertEntry test-intermediate-ca:trustedCertEntry test-root-ca:trustedCertEntry"
			if got := aliases(t, r.dir, "truststore"); strings.Join(got, " ") != want {
				t.Errorf("keytool lists %q, want %q", got, want)
			}

			// A managed alias replaced with keytool is drift too.
			keytool(t, r.dir, "-delete", "-keystore", "truststore", "-storepass", password, "-alias", "test-intermediate-ca")
			keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storepass", password, "-alias", "test-intermediate-ca", "-file", "partner.pem")
			_, pl = r.plan()
			if !hasReason(pl, "alias test-intermediate-ca changed outside certform (now trustedCertEntry CN=Partner Test Root CA") {
				t.Errorf("reasons %q", pl.Reasons)
			}
			r.apply(pl.Planned)
			r.noop()

			// Destroy takes certform's aliases out and keeps the rest.
			r.plan() // the refresh a destroy runs
			ap := r.p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: providers.Null, Prior: r.last, Planned: providers.Null, Env: r.env})
			if ap.Diagnostics.HasErrors() || !ap.New.IsNull() {
				t.Fatalf("delete: %v", ap.Diagnostics)
			}
			if got := aliases(t, r.dir, "truststore"); strings.Join(got, " ") != "partner-root:trustedCertEntry" {
				t.Errorf("after destroy keytool lists %q", got)
			}
		})
	}
}

func TestKeytoolKeystoreKeepsItsEntries(t *testing.T) {
	needKeytool(t)
	k := testpki.New(t, "")
	for _, typ := range []string{"JKS", "PKCS12"} {
		t.Run(typ, func(t *testing.T) {
			r := newRun(t, k, truststoreHCL(typ)+"\ncertificate = var.cert\nalias = \"tomcat\"")
			keytool(t, r.dir, "-genkeypair", "-keystore", "truststore", "-storetype", typ, "-storepass", password, "-keypass", password,
				"-alias", "legacy-app", "-keyalg", "EC", "-dname", "CN=legacy.example.test", "-validity", "30")
			before := keytool(t, r.dir, "-list", "-v", "-keystore", "truststore", "-storepass", password, "-alias", "legacy-app")
			pl := r.planApply()
			if !hasReason(pl, "adds alias tomcat") || !hasReason(pl, "keeps 1 alias(es) certform does not manage: legacy-app") {
				t.Errorf("reasons %q", pl.Reasons)
			}
			r.noop()
			after := keytool(t, r.dir, "-list", "-v", "-keystore", "truststore", "-storepass", password, "-alias", "legacy-app")
			if before != after {
				t.Errorf("legacy-app changed:\n%s\n---\n%s", before, after)
			}
			want := "legacy-app:PrivateKeyEntry test-intermediate-ca:trustedCertEntry test-root-ca:trustedCertEntry tomcat:PrivateKeyEntry"
			if got := aliases(t, r.dir, "truststore"); strings.Join(got, " ") != want {
				t.Errorf("keytool lists %q, want %q", got, want)
			}
		})
	}
}

func TestTypeChangeConverts(t *testing.T) {
	needKeytool(t)
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	r := newRun(t, k, truststoreHCL("JKS"))
	r.planApply()
	writePEM(t, r.dir, "partner.pem", partner.Root)
	keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storepass", password, "-alias", "partner-root", "-file", "partner.pem")
	r.cfg = providertest.Decode(t, r.p, truststoreHCL("PKCS12"), vars(k))
	_, pl := r.plan()
	if !hasReason(pl, "truststore is a JKS keystore; it will be converted to PKCS12") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	r.apply(pl.Planned)
	r.noop()
	out := keytool(t, r.dir, "-list", "-keystore", "truststore", "-storepass", password)
	if !strings.Contains(out, "Keystore type: PKCS12") || !strings.Contains(out, "partner-root") {
		t.Errorf("keytool -list:\n%s", out)
	}
}

func TestUnreadableKeystoreIsNotRewritten(t *testing.T) {
	needKeytool(t)
	k := testpki.New(t, "")
	other := testpki.New(t, "Other ")
	for _, tc := range []struct {
		name    string
		typ     string
		prepare func(t *testing.T, r *run)
		summary string
	}{
		{"wrong password JKS", "JKS", func(t *testing.T, r *run) {
			writePEM(t, r.dir, "x.pem", other.Root)
			keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storetype", "JKS", "-storepass", "another-pw", "-alias", "x", "-file", "x.pem")
		}, "Wrong keystore password"},
		{"wrong password PKCS12", "PKCS12", func(t *testing.T, r *run) {
			writePEM(t, r.dir, "x.pem", other.Root)
			keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storetype", "PKCS12", "-storepass", "another-pw", "-alias", "x", "-file", "x.pem")
		}, "Wrong keystore password"},
		{"truncated JKS", "JKS", func(t *testing.T, r *run) {
			r.planApply()
			data := r.read("truststore")
			os.WriteFile(filepath.Join(r.dir, "truststore"), data[:len(data)/2], 0o644)
		}, "Unreadable keystore"},
		{"truncated PKCS12", "PKCS12", func(t *testing.T, r *run) {
			r.planApply()
			data := r.read("truststore")
			os.WriteFile(filepath.Join(r.dir, "truststore"), data[:len(data)/2], 0o644)
		}, "Unreadable keystore"},
		{"alias taken by another certificate", "PKCS12", func(t *testing.T, r *run) {
			writePEM(t, r.dir, "x.pem", other.Root)
			keytool(t, r.dir, "-importcert", "-noprompt", "-keystore", "truststore", "-storetype", "PKCS12", "-storepass", password, "-alias", "test-root-ca", "-file", "x.pem")
		}, "Alias already in use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRun(t, k, truststoreHCL(tc.typ))
			tc.prepare(t, r)
			before := r.read("truststore")
			_, pl := r.plan()
			if got := errorSummary(pl.Diagnostics); got != tc.summary {
				t.Fatalf("error %q, want %q (%v)", got, tc.summary, pl.Diagnostics)
			}
			if !bytes.Equal(before, r.read("truststore")) {
				t.Error("the keystore changed")
			}
		})
	}
}

func TestDeleteWithoutPassword(t *testing.T) {
	k := testpki.New(t, "")
	r := newRun(t, k, truststoreHCL("PKCS12"))
	r.planApply()
	// A fresh provider has seen no password: the file is exactly what
	// certform wrote, so it goes.
	ap := jks.New().Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: providers.Null, Prior: r.last, Planned: providers.Null, Env: r.env})
	if ap.Diagnostics.HasErrors() || !ap.New.IsNull() {
		t.Fatalf("delete: %v", ap.Diagnostics)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "truststore")); !os.IsNotExist(err) {
		t.Errorf("truststore still there (%v)", err)
	}
}

func TestValidate(t *testing.T) {
	k := testpki.New(t, "")
	p := jks.New()
	for _, tc := range []struct{ name, hcl, want string }{
		{"nothing", "path = \"a\"\npassword = var.password", "Nothing to store"},
		{"bad type", truststoreHCL("JCEKS"), "Invalid type"},
		{"alias without certificate", truststoreHCL("JKS") + "\nalias = \"x\"", "alias without certificate"},
		{"short password", "path = \"a\"\npassword = \"abc\"\ntrust = [var.company]", "Password too short"},
		{"valid", truststoreHCL("JKS"), ""},
		// A keystore with a private key, like a PKCS#12 file or a PEM
		// key, may be readable by a group, not by every user
		// (storefile.KeyModeWarning); a truststore holds no secret.
		{"key readable by every user", truststoreHCL("JKS") + "\ncertificate = var.cert\nfile_mode = \"0644\"", "Private key readable by every user"},
		{"key readable by a group", truststoreHCL("JKS") + "\ncertificate = var.cert\nfile_mode = \"0640\"", ""},
		{"truststore readable by every user", truststoreHCL("JKS") + "\nfile_mode = \"0644\"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := p.Validate(addr, providertest.Decode(t, p, tc.hcl, vars(k)))
			if tc.want == "" {
				if len(diags) > 0 {
					t.Fatal(diags.Error())
				}
				return
			}
			for _, d := range diags {
				if d.Summary == tc.want {
					return
				}
			}
			t.Errorf("got %v, want %q", diags, tc.want)
		})
	}
}
