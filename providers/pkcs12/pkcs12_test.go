package pkcs12_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/testpki"
	"github.com/certform/certform/providers/pkcs12"
	"github.com/certform/certform/providers/providertest"
)

const addr = "store.pkcs12.app"

// openssl runs openssl in dir and returns its output; the test fails when
// it fails (CI installs openssl: make tools).
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("openssl is needed to check PKCS#12 files; install it (make tools)")
	}
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func vars(k *testpki.PKI, password string) map[string]cty.Value {
	return map[string]cty.Value{"cert": k.Leaf, "password": cty.StringVal(password)}
}

func TestContract(t *testing.T) {
	k := testpki.New(t, "")
	leafFP := testpki.Str(k.Leaf, "fingerprint_sha256")
	providertest.Run(t, pkcs12.New(), []providertest.Case{
		{
			Name:  "modern",
			HCL:   "certificate = var.cert\npath = \"tls/app.pfx\"\npassword = var.password",
			Vars:  vars(k, "Geheim-123"),
			Setup: k.Install,
			Check: func(t *testing.T, dir string, v cty.Value) {
				out := openssl(t, dir, "pkcs12", "-info", "-noout", "-passin", "pass:Geheim-123", "-in", "tls/app.pfx")
				if !strings.Contains(out, "PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256") || !strings.Contains(out, "MAC: sha256") {
					t.Errorf("openssl reports other algorithms:\n%s", out)
				}
				fi, err := os.Stat(filepath.Join(dir, "tls/app.pfx"))
				if err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
				}
				if got := testpki.Str(v, "certificate_fingerprint"); got != leafFP {
					t.Errorf("certificate_fingerprint = %q, want %q", got, leafFP)
				}
				if got := testpki.Str(v, "friendly_name"); got != "ies.example.test" {
					t.Errorf("friendly_name = %q, want the common name", got)
				}
				if got := providers.Strings(v, "chain"); len(got) != 2 {
					t.Errorf("chain = %q, want intermediate and root", got)
				}
				data, _ := os.ReadFile(filepath.Join(dir, "tls/app.pfx"))
				key, c, cas, err := gopkcs12.DecodeChain(data, "Geheim-123")
				if err != nil || testpki.Str(k.Leaf, "pem") != string(pemOf(c.Raw)) || len(cas) != 2 {
					t.Errorf("go-pkcs12 reads %v, %d CAs (%v)", c.Subject, len(cas), err)
				}
				if _, ok := key.(*ecdsa.PrivateKey); !ok {
					t.Errorf("key is %T", key)
				}
			},
		},
		{
			Name: "legacy with a friendly name",
			HCL: `certificate   = var.cert
			      path          = "ies.pfx"
			      password      = var.password
			      encryption    = "legacy"
			      friendly_name = "myTestCertificate"`,
			Vars:  vars(k, "pw"),
			Setup: k.Install,
			Check: func(t *testing.T, dir string, v cty.Value) {
				out := openssl(t, dir, "pkcs12", "-info", "-noout", "-legacy", "-passin", "pass:pw", "-in", "ies.pfx")
				if !strings.Contains(out, "pbeWithSHA1And3-KeyTripleDES-CBC") || !strings.Contains(out, "MAC: sha1") {
					t.Errorf("openssl reports other algorithms:\n%s", out)
				}
				out = openssl(t, dir, "pkcs12", "-in", "ies.pfx", "-nokeys", "-legacy", "-passin", "pass:pw")
				if !strings.Contains(out, "friendlyName: myTestCertificate") {
					t.Errorf("friendly name not in the file:\n%s", out)
				}
				if testpki.Str(v, "encryption") != "legacy" {
					t.Errorf("encryption = %q", testpki.Str(v, "encryption"))
				}
			},
		},
	})
}

func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func jsonOf(v cty.Value) string {
	data, _ := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	return string(data)
}

// run is one configuration directory with a store applied.
type run struct {
	t    *testing.T
	k    *testpki.PKI
	dir  string
	env  *providers.Env
	cfg  cty.Value
	last cty.Value // the value in state
}

const storeHCL = "certificate = var.cert\npath = \"app.pfx\"\npassword = var.password"

func newRun(t *testing.T, k *testpki.PKI, password string) *run {
	env, dir := providertest.NewEnv(t)
	k.Install(t, dir)
	r := &run{t: t, k: k, dir: dir, env: env, last: providers.Null}
	r.configure(password)
	return r
}

func (r *run) configure(password string) {
	r.cfg = providertest.Decode(r.t, pkcs12.New(), storeHCL, vars(r.k, password))
}

// plan reads and plans as a new run would.
func (r *run) plan() (cty.Value, providers.PlanResponse) {
	r.t.Helper()
	e := *r.env
	e.FS = providers.NewDirFS(r.dir)
	r.env = &e
	p := pkcs12.New()
	rd := p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: r.cfg, Prior: r.last, Env: r.env})
	if rd.Diagnostics.HasErrors() {
		r.t.Fatal(rd.Diagnostics.Error())
	}
	return rd.Live, p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: r.cfg, Prior: r.last, Live: rd.Live, Env: r.env})
}

func (r *run) apply(pl providers.PlanResponse) {
	r.t.Helper()
	ap := pkcs12.New().Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: r.cfg, Prior: r.last, Planned: pl.Planned, Env: r.env})
	if ap.Diagnostics.HasErrors() {
		r.t.Fatal(ap.Diagnostics.Error())
	}
	r.last = ap.New
}

func (r *run) file() []byte {
	data, err := os.ReadFile(filepath.Join(r.dir, "app.pfx"))
	if err != nil {
		r.t.Fatal(err)
	}
	return data
}

func (r *run) noop() {
	r.t.Helper()
	live, pl := r.plan()
	if pl.Diagnostics.HasErrors() || !providers.Equal(pl.Planned, live) || len(pl.Files) > 0 {
		r.t.Fatalf("not a no-op: %v, reasons %q, files %d", pl.Diagnostics, pl.Reasons, len(pl.Files))
	}
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

func TestSameContentSameBytes(t *testing.T) {
	k := testpki.New(t, "")
	r := newRun(t, k, "pw")
	_, pl := r.plan()
	r.apply(pl)
	first := r.file()
	if err := os.Remove(filepath.Join(r.dir, "app.pfx")); err != nil {
		t.Fatal(err)
	}
	_, pl = r.plan()
	if !hasReason(pl, "app.pfx is missing") || len(pl.Files) != 1 || !pl.Files[0].Sensitive {
		t.Fatalf("reasons %q, files %+v", pl.Reasons, pl.Files)
	}
	r.apply(pl)
	if !bytes.Equal(first, r.file()) {
		t.Error("the same certificate, key and password gave different bytes")
	}
	r.noop()
}

func TestDriftShowsWhatChanged(t *testing.T) {
	k := testpki.New(t, "")
	other := testpki.New(t, "Other ")
	r := newRun(t, k, "pw")
	_, pl := r.plan()
	r.apply(pl)
	r.noop()

	// Someone puts another certificate there with openssl, same password.
	os.WriteFile(filepath.Join(r.dir, "o.crt"), []byte(testpki.Str(other.Leaf, "pem")), 0o600)
	os.WriteFile(filepath.Join(r.dir, "o.key"), other.Keys[testpki.Str(other.Leaf, "key_id")], 0o600)
	openssl(t, r.dir, "pkcs12", "-export", "-in", "o.crt", "-inkey", "o.key", "-passout", "pass:pw", "-out", "app.pfx")
	live, pl := r.plan()
	if testpki.Str(live, "certificate_fingerprint") != testpki.Str(other.Leaf, "fingerprint_sha256") {
		t.Errorf("Read does not report the certificate on disk: %s", testpki.Str(live, "certificate_fingerprint"))
	}
	fp := func(v cty.Value) string { return "sha256:" + testpki.Str(v, "fingerprint_sha256")[:16] + "…" }
	if !hasReason(pl, "certificate in app.pfx changed outside certform ("+fp(other.Leaf)+" -> "+fp(k.Leaf)+")") ||
		!hasReason(pl, "chain in app.pfx changed outside certform (no chain -> 2 CA certificates)") ||
		!hasReason(pl, "private key in app.pfx changed outside certform (another key)") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	r.apply(pl)
	r.noop()

	// chmod shows as drift too.
	os.Chmod(filepath.Join(r.dir, "app.pfx"), 0o644)
	_, pl = r.plan()
	if !hasReason(pl, "app.pfx has mode 0644, want 0600") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	r.apply(pl)
	r.noop()
}

func TestUnreadableFileIsNotOverwritten(t *testing.T) {
	k := testpki.New(t, "")
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, r *run)
		summary string
	}{
		{
			name: "foreign file, other password",
			prepare: func(t *testing.T, r *run) {
				os.WriteFile(filepath.Join(r.dir, "c.crt"), []byte(testpki.Str(k.Leaf, "pem")), 0o600)
				os.WriteFile(filepath.Join(r.dir, "c.key"), k.Keys[testpki.Str(k.Leaf, "key_id")], 0o600)
				openssl(t, r.dir, "pkcs12", "-export", "-in", "c.crt", "-inkey", "c.key", "-passout", "pass:other", "-out", "app.pfx")
			},
			summary: "Wrong password for PKCS#12 file",
		},
		{
			name: "our file, truncated",
			prepare: func(t *testing.T, r *run) {
				_, pl := r.plan()
				r.apply(pl)
				data := r.file()
				os.WriteFile(filepath.Join(r.dir, "app.pfx"), data[:len(data)-100], 0o600)
			},
			summary: "Unreadable PKCS#12 file",
		},
		{
			name: "not a PKCS#12 file",
			prepare: func(t *testing.T, r *run) {
				os.WriteFile(filepath.Join(r.dir, "app.pfx"), []byte(testpki.Str(k.Leaf, "pem")), 0o600)
			},
			summary: "Unreadable PKCS#12 file",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRun(t, k, "pw")
			tc.prepare(t, r)
			before := r.file()
			_, pl := r.plan()
			if got := errorSummary(pl.Diagnostics); got != tc.summary {
				t.Fatalf("error %q, want %q (%v)", got, tc.summary, pl.Diagnostics)
			}
			if !bytes.Equal(before, r.file()) {
				t.Error("the file changed")
			}
		})
	}
}

func TestPasswordChange(t *testing.T) {
	k := testpki.New(t, "")
	r := newRun(t, k, "old-password")
	_, pl := r.plan()
	r.apply(pl)
	r.configure("new-password")
	_, pl = r.plan()
	if pl.Diagnostics.HasErrors() || !hasReason(pl, "the password changed") {
		t.Fatalf("%v, reasons %q", pl.Diagnostics, pl.Reasons)
	}
	for _, reason := range pl.Reasons {
		if strings.Contains(reason, "password") && strings.Contains(reason, "new-password") {
			t.Errorf("a reason shows the password: %q", reason)
		}
	}
	r.apply(pl)
	if _, _, err := gopkcs12.Decode(r.file(), "new-password"); err != nil && !strings.Contains(err.Error(), "two safe bags") {
		t.Errorf("new password does not open the file: %v", err)
	}
	r.noop()
	if js := jsonOf(r.last); strings.Contains(js, "password") && strings.Contains(js, "new-password") {
		t.Errorf("the value holds the password: %s", js)
	}
}

func TestValidate(t *testing.T) {
	k := testpki.New(t, "")
	p := pkcs12.New()
	for _, tc := range []struct{ name, hcl, want string }{
		{"bad encryption", storeHCL + "\nencryption = \"rc2\"", "Invalid encryption"},
		{"bad mode", storeHCL + "\nfile_mode = \"rw\"", "Invalid file_mode"},
		{"readable mode", storeHCL + "\nfile_mode = \"0644\"", "Private key readable by every user"},
		// A group may read it, as pem_files allows (storefile.KeyModeWarning).
		{"group-readable mode", storeHCL + "\nfile_mode = \"0640\"", ""},
		{"empty path", "certificate = var.cert\npath = \"\"\npassword = var.password", "Empty path"},
		{"valid", storeHCL, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := p.Validate(addr, providertest.Decode(t, p, tc.hcl, vars(k, "pw")))
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

// TestHolds: a rotation's gate reads the file itself: nothing when it is
// missing, the certificate and its chain once written, and an error naming
// the file when the password does not open it.
func TestHolds(t *testing.T) {
	k := testpki.New(t, "")
	r := newRun(t, k, "pw")
	holds := func() providers.HoldsResponse {
		return pkcs12.New().Holds(context.Background(), providers.HoldsRequest{Address: addr, Config: r.cfg, Env: &providers.Env{FS: providers.NewDirFS(r.dir)}})
	}
	if got := holds(); len(got.Fingerprints) != 0 || got.Diagnostics.HasErrors() {
		t.Fatalf("before apply: %v, %v; want nothing", got.Fingerprints, got.Diagnostics)
	}
	_, pl := r.plan()
	r.apply(pl)
	got := holds()
	if got.Diagnostics.HasErrors() || len(got.Fingerprints) == 0 || got.Fingerprints[0] != testpki.Str(k.Leaf, "fingerprint_sha256") {
		t.Fatalf("after apply: %v, %v; want the leaf first", got.Fingerprints, got.Diagnostics)
	}
	r.configure("wrong")
	if got := holds(); errorSummary(got.Diagnostics) != "Cannot read store" || !strings.Contains(got.Diagnostics.Error(), "app.pfx") {
		t.Errorf("wrong password: %v; want Cannot read store, naming app.pfx", got.Diagnostics)
	}
}
