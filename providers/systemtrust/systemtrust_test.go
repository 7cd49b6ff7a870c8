package systemtrust_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/testpki"
	"github.com/certform/certform/providers/providertest"
	"github.com/certform/certform/providers/systemtrust"
)

const addr = "store.system_trust.company"

// debianHCL points update-ca-certificates at root/ below the configuration
// directory: it takes every directory it uses as an option, so the real
// /etc is never touched.
const debianHCL = `
trust = [var.company, var.partner]
style = "debian"
root  = "root"
`

// makeRoot lays out the directories update-ca-certificates expects.
func makeRoot(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("update-ca-certificates"); err != nil && !exists("/usr/sbin/update-ca-certificates") {
		t.Fatal("update-ca-certificates is needed; install the ca-certificates package (make tools)")
	}
	for _, d := range []string{"root/etc/ssl/certs", "root/usr/share/ca-certificates"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	providertest.WriteFile(t, dir, "root/etc/ca-certificates.conf", "")
}

// realBundle guards the host: its bundle must not change in these tests.
func realBundle(t *testing.T) func() {
	t.Helper()
	fi, err := os.Stat("/etc/ssl/certs/ca-certificates.crt")
	return func() {
		fi2, err2 := os.Stat("/etc/ssl/certs/ca-certificates.crt")
		if (err == nil) != (err2 == nil) || err == nil && !fi.ModTime().Equal(fi2.ModTime()) {
			t.Fatal("the host's /etc/ssl/certs/ca-certificates.crt changed")
		}
	}
}

func vars(k, partner *testpki.PKI) map[string]cty.Value {
	return map[string]cty.Value{"company": k.Chain(), "partner": testpki.TrustChain(testpki.Str(partner.Root, "pem"), testpki.Str(k.Root, "pem"))}
}

func TestContract(t *testing.T) {
	defer realBundle(t)()
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	providertest.Run(t, systemtrust.New(), []providertest.Case{{
		Name:  "debian layout in a temporary root",
		HCL:   debianHCL,
		Vars:  vars(k, partner),
		Setup: makeRoot,
		Check: func(t *testing.T, dir string, v cty.Value) {
			want := []string{
				"certform-case-partner-test-root-ca.crt",
				"certform-case-test-intermediate-ca.crt",
				"certform-case-test-root-ca.crt",
			}
			got, _ := filepath.Glob(filepath.Join(dir, "root/usr/local/share/ca-certificates/*.crt"))
			for i := range got {
				got[i] = filepath.Base(got[i])
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("anchors %q, want %q (each CA once)", got, want)
			}
			bundle, err := os.ReadFile(filepath.Join(dir, "root/etc/ssl/certs/ca-certificates.crt"))
			if err != nil || !strings.Contains(string(bundle), strings.TrimSpace(testpki.Str(k.Root, "pem"))) {
				t.Errorf("the bundle does not hold the root (%v)", err)
			}
			if link, err := os.Readlink(filepath.Join(dir, "root/etc/ssl/certs/certform-case-test-root-ca.pem")); err != nil || !strings.HasSuffix(link, "certform-case-test-root-ca.crt") {
				t.Errorf("no hash link for the root: %q (%v)", link, err)
			}
			if !providers.Bool(v, "in_bundle") {
				t.Error("in_bundle is false")
			}
		},
	}})
}

type run struct {
	t    *testing.T
	dir  string
	env  *providers.Env
	cfg  cty.Value
	last cty.Value
}

func (r *run) plan() (cty.Value, providers.PlanResponse) {
	r.t.Helper()
	e := *r.env
	e.FS = providers.NewDirFS(r.dir)
	r.env = &e
	p := systemtrust.New()
	rd := p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: r.cfg, Prior: r.last, Env: r.env})
	if rd.Diagnostics.HasErrors() {
		r.t.Fatal(rd.Diagnostics.Error())
	}
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: r.cfg, Prior: r.last, Live: rd.Live, Env: r.env})
	if pl.Diagnostics.HasErrors() {
		r.t.Fatal(pl.Diagnostics.Error())
	}
	return rd.Live, pl
}

func (r *run) apply(pl providers.PlanResponse) {
	r.t.Helper()
	ap := systemtrust.New().Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: r.cfg, Prior: r.last, Planned: pl.Planned, Env: r.env})
	if ap.Diagnostics.HasErrors() {
		r.t.Fatal(ap.Diagnostics.Error())
	}
	r.last = ap.New
}

func (r *run) noop() {
	r.t.Helper()
	live, pl := r.plan()
	if !providers.Equal(pl.Planned, live) || len(pl.Reasons) > 0 {
		r.t.Fatalf("not a no-op: reasons %q", pl.Reasons)
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

func TestDrift(t *testing.T) {
	defer realBundle(t)()
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	env, dir := providertest.NewEnv(t)
	makeRoot(t, dir)
	r := &run{t: t, dir: dir, env: env, last: providers.Null}
	r.cfg = providertest.Decode(t, systemtrust.New(), debianHCL, vars(k, partner))
	_, pl := r.plan()
	if !hasReason(pl, "installs Test Root CA (root/usr/local/share/ca-certificates/certform-company-test-root-ca.crt)") || !hasReason(pl, "update-ca-certificates will run") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	if len(pl.Files) != 3 || pl.Files[0].Sensitive || !strings.Contains(string(pl.Files[0].After), "BEGIN CERTIFICATE") {
		t.Errorf("files %+v", pl.Files)
	}
	r.apply(pl)
	r.noop()

	// Someone deletes an anchor and rebuilds the bundle without it.
	anchor := filepath.Join(dir, "root/usr/local/share/ca-certificates/certform-company-test-root-ca.crt")
	os.Remove(anchor)
	_, pl = r.plan()
	if !hasReason(pl, "certform-company-test-root-ca.crt is missing") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	root := filepath.Join(dir, "root")
	cmd := exec.Command(updateCommand(), "--fresh", "--certsconf", root+"/etc/ca-certificates.conf", "--certsdir", root+"/usr/share/ca-certificates",
		"--localcertsdir", root+"/usr/local/share/ca-certificates", "--etccertsdir", root+"/etc/ssl/certs", "--hooksdir", root+"/none")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	live, pl := r.plan()
	if providers.Bool(live, "in_bundle") {
		t.Error("in_bundle still true")
	}
	r.apply(pl)
	r.noop()

	// The anchor is back, but the bundle was rebuilt without local CAs.
	os.WriteFile(filepath.Join(dir, "root/etc/ssl/certs/ca-certificates.crt"), nil, 0o644)
	_, pl = r.plan()
	if !hasReason(pl, "root/etc/ssl/certs/ca-certificates.crt does not hold Test Root CA, Test Intermediate CA, Partner Test Root CA") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	r.apply(pl)
	r.noop()

	// An edited anchor is put back.
	os.WriteFile(anchor, []byte(testpki.Str(partner.Inter, "pem")), 0o644)
	_, pl = r.plan()
	if !hasReason(pl, "certform-company-test-root-ca.crt changed outside certform") || len(pl.Files) != 1 {
		t.Errorf("reasons %q, %d files", pl.Reasons, len(pl.Files))
	}
	r.apply(pl)
	r.noop()
}

func TestFailingCommand(t *testing.T) {
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	env, _ := providertest.NewEnv(t)
	p := systemtrust.New()
	cfg := providertest.Decode(t, p, `
		trust   = [var.company, var.partner]
		dir     = "anchors"
		bundle  = ""
		command = ["sh", "-c", "echo no trust store here >&2; exit 3"]`, vars(k, partner))
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if !ap.Diagnostics.HasErrors() || !strings.Contains(ap.Diagnostics.Error(), "no trust store here") || !ap.New.IsNull() {
		t.Errorf("got %v, New %#v", ap.Diagnostics, ap.New)
	}
}

func TestValidate(t *testing.T) {
	k := testpki.New(t, "")
	p := systemtrust.New()
	for _, tc := range []struct{ name, hcl, want string }{
		{"bad style", "trust = [var.company]\nstyle = \"arch\"", "Invalid style"},
		{"empty command", "trust = [var.company]\nstyle = \"rhel\"\ncommand = []", "Empty command"},
		{"valid", "trust = [var.company]\nstyle = \"rhel\"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := p.Validate(addr, providertest.Decode(t, p, tc.hcl, vars(k, k)))
			if tc.want == "" {
				if len(diags) > 0 {
					t.Fatal(diags.Error())
				}
				return
			}
			if len(diags) == 0 || diags[0].Summary != tc.want {
				t.Errorf("got %v, want %q", diags, tc.want)
			}
		})
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func updateCommand() string {
	if p, err := exec.LookPath("update-ca-certificates"); err == nil {
		return p
	}
	return "/usr/sbin/update-ca-certificates"
}

// TestRHELLayout installs the CAs the RHEL way, below a temporary root:
// anchors in etc/pki/ca-trust/source/anchors, and the bundle
// etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem rebuilt by p11-kit's
// `trust extract` with the arguments update-ca-trust gives it (Debian has
// no update-ca-trust; p11-kit is what it runs). p11-kit reads its anchors
// from the module configuration in HOME, which it ignores for root, so as
// root the command runs as nobody (setpriv).
func TestRHELLayout(t *testing.T) {
	defer realBundle(t)()
	if _, err := exec.LookPath("trust"); err != nil {
		t.Fatal("trust (p11-kit) is needed; install the p11-kit package (make tools)")
	}
	k := testpki.New(t, "")
	partner := testpki.New(t, "Partner ")
	env, dir := providertest.NewEnv(t)
	root := filepath.Join(dir, "root")
	bundle := filepath.Join(root, "etc/pki/ca-trust/extracted/pem")
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(bundle, 0o777); err != nil {
		t.Fatal(err)
	}
	providertest.WriteFile(t, home, ".config/pkcs11/modules/p11-kit-trust.module",
		"module: p11-kit-trust.so\ntrust-policy: yes\nx-init-reserved: paths="+filepath.Join(root, "etc/pki/ca-trust/source")+"\n")
	argv := []string{"env", "HOME=" + home, "trust", "extract", "--format=pem-bundle", "--filter=ca-anchors", "--overwrite", "--comment",
		"--purpose", "server-auth", filepath.Join(bundle, "tls-ca-bundle.pem")}
	if os.Geteuid() == 0 {
		// nobody must reach the directory and write the bundle.
		for _, d := range []string{filepath.Dir(dir), dir, home, filepath.Join(home, ".config"), filepath.Join(home, ".config/pkcs11"), filepath.Join(home, ".config/pkcs11/modules")} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []string{bundle, filepath.Dir(bundle)} {
			if err := os.Chmod(d, 0o777); err != nil {
				t.Fatal(err)
			}
		}
		argv = append([]string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"}, argv...)
	}
	vars := vars(k, partner)
	vars["command"] = providers.StringList(argv)
	r := &run{t: t, dir: dir, env: env, last: providers.Null}
	r.cfg = providertest.Decode(t, systemtrust.New(), `
		trust   = [var.company, var.partner]
		style   = "rhel"
		root    = "root"
		command = var.command`, vars)

	_, pl := r.plan()
	if !hasReason(pl, "installs Test Root CA (root/etc/pki/ca-trust/source/anchors/certform-company-test-root-ca.crt)") || !hasReason(pl, argv[0]+" will run") {
		t.Errorf("reasons %q", pl.Reasons)
	}
	r.apply(pl)
	if !providers.Bool(r.last, "in_bundle") || providers.String(r.last, "bundle") != "root/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem" {
		t.Errorf("value %s", r.last.GoString())
	}
	out, err := exec.Command("openssl", "crl2pkcs7", "-nocrl", "-certfile", filepath.Join(bundle, "tls-ca-bundle.pem")).Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("openssl", "pkcs7", "-print_certs", "-noout")
	cmd.Stdin = strings.NewReader(string(out))
	subjects, err := cmd.Output()
	if err != nil || strings.Count(string(subjects), "subject=") != 3 {
		t.Errorf("the bundle holds:\n%s (%v)", subjects, err)
	}
	r.noop()

	// An anchor deleted, and the bundle rebuilt without it.
	os.Remove(filepath.Join(root, "etc/pki/ca-trust/source/anchors/certform-company-test-intermediate-ca.crt"))
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	live, pl := r.plan()
	if providers.Bool(live, "in_bundle") || !hasReason(pl, "certform-company-test-intermediate-ca.crt is missing") {
		t.Errorf("in_bundle %v, reasons %q", providers.Bool(live, "in_bundle"), pl.Reasons)
	}
	r.apply(pl)
	r.noop()

	// Destroy takes the anchors out and rebuilds the bundle without them.
	ap := systemtrust.New().Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: providers.Null, Prior: r.last, Planned: providers.Null, Env: env})
	if ap.Diagnostics.HasErrors() || !ap.New.IsNull() {
		t.Fatalf("delete: %v", ap.Diagnostics)
	}
	if data, err := os.ReadFile(filepath.Join(bundle, "tls-ca-bundle.pem")); err != nil || strings.Contains(string(data), "BEGIN CERTIFICATE") {
		t.Errorf("after destroy the bundle holds:\n%s (%v)", data, err)
	}
}
