package acme_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme"
	"github.com/certform/certform/providers/acme/acmetest"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

// txtHookEnv makes this test binary act as the dns01 exec command (see
// acmetest.TXTHook) instead of running tests.
const txtHookEnv = "ACMETEST_TXTHOOK"

func TestMain(m *testing.M) {
	if os.Getenv(txtHookEnv) == "1" {
		os.Exit(acmetest.TXTHook(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// world is one configuration directory with its Env, as successive runs
// of certform see it, and the progress messages the runs reported.
type world struct {
	t   *testing.T
	dir string
	env *providers.Env

	mu       sync.Mutex
	progress []string
}

func newWorld(t *testing.T) *world {
	env, dir := providertest.NewEnv(t)
	w := &world{t: t, dir: dir, env: env}
	env.Progress = func(addr, msg string) {
		w.mu.Lock()
		w.progress = append(w.progress, addr+": "+msg)
		w.mu.Unlock()
	}
	return w
}

// run returns the Env of a new run (fresh file cache) at now+after.
func (w *world) run(after time.Duration) *providers.Env {
	e := *w.env
	e.FS = providers.NewDirFS(w.dir)
	e.Now = w.env.Now.Add(after)
	return &e
}

func (w *world) said(want string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.progress {
		if strings.Contains(p, want) {
			return true
		}
	}
	return false
}

// resource drives one provider through plan and apply as the engine does:
// Read, Plan, and Apply of what Plan proposed.
type resource struct {
	w     *world
	p     providers.Provider
	addr  string
	state cty.Value // as the state records it (JSON round trip)
}

func (w *world) issuer(name string) *resource {
	return &resource{w: w, p: acme.New(), addr: "issuer.acme." + name, state: providers.Null}
}

func (w *world) cert(name string) *resource {
	return &resource{w: w, p: certProvider(), addr: "certificate." + name, state: providers.Null}
}

func certProvider() *cert.Provider { return cert.New(cert.WithRemote(acme.Kind, acme.NewRemote())) }

// plan reads and plans config at env.
func (r *resource) plan(env *providers.Env, config cty.Value) (providers.PlanResponse, cty.Value) {
	r.w.t.Helper()
	ctx := context.Background()
	live := providers.Null
	if providers.Exists(r.state) {
		rd := r.p.Read(ctx, providers.ReadRequest{Address: r.addr, Config: config, Prior: r.state, Env: env})
		mustOK(r.w.t, "Read", rd.Diagnostics)
		live = rd.Live
	}
	if v, ok := r.p.(providers.Validator); ok {
		if d := v.Validate(r.addr, config); d.HasErrors() {
			return providers.PlanResponse{Planned: live, Diagnostics: d}, live
		}
	}
	return r.p.Plan(ctx, providers.PlanRequest{Address: r.addr, Config: config, Prior: r.state, Live: live, Env: env}), live
}

// apply plans and applies config at env; the state is updated with what
// Apply returned, as the engine records it.
func (r *resource) apply(env *providers.Env, config cty.Value) (providers.PlanResponse, hcl.Diagnostics) {
	r.w.t.Helper()
	pl, _ := r.plan(env, config)
	if pl.Diagnostics.HasErrors() {
		return pl, pl.Diagnostics
	}
	ap := r.p.Apply(context.Background(), providers.ApplyRequest{Address: r.addr, Config: config, Prior: r.state, Planned: pl.Planned, Env: env})
	if ap.New != cty.NilVal && ap.New.IsWhollyKnown() {
		r.state = roundTrip(r.w.t, ap.New)
	}
	return pl, append(pl.Diagnostics, ap.Diagnostics...)
}

// mustApply is apply that fails the test on errors.
func (r *resource) mustApply(env *providers.Env, config cty.Value) providers.PlanResponse {
	r.w.t.Helper()
	pl, diags := r.apply(env, config)
	mustOK(r.w.t, "apply "+r.addr, diags)
	return pl
}

// destroy applies the deletion of the resource.
func (r *resource) destroy(env *providers.Env) hcl.Diagnostics {
	ap := r.p.Apply(context.Background(), providers.ApplyRequest{Address: r.addr, Config: providers.Null, Prior: r.state, Planned: providers.Null, Env: env})
	if !ap.Diagnostics.HasErrors() {
		r.state = providers.Null
	}
	return ap.Diagnostics
}

// decode decodes an HCL body with a provider's schema.
func decode(t *testing.T, p any, src string, vars map[string]cty.Value) cty.Value {
	t.Helper()
	if vars == nil {
		vars = map[string]cty.Value{}
	}
	return providertest.Decode(t, p, src, vars)
}

// issuerConfig is an issuer "acme" block for the server with a challenge
// block (http01 { ... }) and extra lines.
func issuerConfig(t *testing.T, srv *acmetest.Server, body string) cty.Value {
	t.Helper()
	return decode(t, acme.New(), fmt.Sprintf(`
		directory = var.directory
		email     = "admin@example.test"
		ca_roots  = var.roots
		%s`, body), map[string]cty.Value{
		"directory": cty.StringVal(srv.Directory),
		"roots":     cty.StringVal(srv.Roots),
	})
}

// certConfig is a certificate block with the given issuer value.
func certConfig(t *testing.T, issuer cty.Value, body string) cty.Value {
	t.Helper()
	return decode(t, certProvider(), "issuer = var.issuer\n"+body, map[string]cty.Value{"issuer": issuer})
}

func roundTrip(t *testing.T, v cty.Value) cty.Value {
	t.Helper()
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back ctyjson.SimpleJSONValue
	if err := back.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return back.Value
}

func jsonOf(v cty.Value) string {
	if v == cty.NilVal || !v.IsWhollyKnown() {
		return "(unknown)"
	}
	data, _ := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	return string(data)
}

func mustOK(t *testing.T, what string, diags hcl.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("%s: %s", what, diags.Error())
	}
}

func str(v cty.Value, name string) string { return providers.String(v, name) }

// checkIssued checks an issued certificate: its names and key, the chain
// Pebble sent, and that openssl verifies it up to Pebble's root from the
// management API.
func checkIssued(t *testing.T, srv *acmetest.Server, w *world, v cty.Value, names ...string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(str(v, "pem")))
	if b == nil {
		t.Fatalf("no certificate in %s", jsonOf(v))
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	got := append([]string{}, c.DNSNames...)
	sort.Strings(got)
	want := append([]string{}, names...)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("certificate names %v, want %v", got, want)
	}
	keyPEM, err := w.env.Secrets.Get(str(v, "key_id"))
	if err != nil {
		t.Fatalf("the certificate's key is not in Secrets: %v", err)
	}
	if strings.Contains(jsonOf(v), "PRIVATE KEY") {
		t.Errorf("the value holds a private key")
	}

	root, intermediate := srv.IssuerChain(t)
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	leaf := write("cert.pem", str(v, "pem"))
	chain := write("chain.pem", str(v, "chain_pem"))
	rootFile := write("root.pem", root)
	write("key.pem", string(keyPEM))
	if !strings.Contains(str(v, "chain_pem"), strings.TrimSpace(intermediate)) {
		t.Errorf("chain_pem does not hold Pebble's intermediate:\n%s", str(v, "chain_pem"))
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("openssl is needed to check the issued chain; install it (make tools)")
	}
	out, err := exec.Command("openssl", "verify", "-CAfile", rootFile, "-untrusted", chain, leaf).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
	// The key in Secrets belongs to the certificate.
	mod := func(args ...string) string {
		out, err := exec.Command("openssl", args...).Output()
		if err != nil {
			t.Fatalf("openssl %v: %v", args, err)
		}
		return string(out)
	}
	if mod("x509", "-in", leaf, "-noout", "-pubkey") != mod("pkey", "-in", filepath.Join(dir, "key.pem"), "-pubout") {
		t.Errorf("the key in Secrets does not belong to the certificate")
	}
	return c
}

// secretIDs lists the ids of the keys in the world's Secrets directory.
func (w *world) secretIDs() []string {
	entries, _ := os.ReadDir(filepath.Join(w.dir, ".certform", "keys"))
	var out []string
	for _, e := range entries {
		out = append(out, strings.Replace(strings.TrimSuffix(e.Name(), ".pem"), "-", ":", 1))
	}
	sort.Strings(out)
	return out
}

// tree records every file below the world's directory with its mode and
// content, to show that a failed run changed nothing.
func (w *world) tree() string {
	var b strings.Builder
	_ = filepath.Walk(w.dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(w.dir, p)
		data := []byte{}
		if !fi.IsDir() {
			data, _ = os.ReadFile(p)
		}
		fmt.Fprintf(&b, "== %s %s\n%s\n", rel, fi.Mode(), data)
		return nil
	})
	return b.String()
}
