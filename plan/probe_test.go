package plan_test

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/probe/probetest"
	"github.com/certform/certform/state"
)

// probeConfig issues a certificate, writes it with its chain and key as
// PEM files, and declares the endpoint that serves them with probe =
// true. The test's TLS server plays the service: it serves what the files
// hold, unless the test makes it serve something else.
const probeConfig = `
variable "addr" {
  type = string
}

certificate "root" {
  issuer      = self_signed
  is_ca       = true
  common_name = "Probe Test Root CA"
  key {
    algorithm = "ECDSA"
  }
}

issuer "ca" "root" {
  certificate = certificate.root
}

certificate "ies" {
  issuer      = issuer.ca.root
  common_name = "ies.example.test"
  dns_names   = ["ies.example.test"]
  key {
    algorithm = "ECDSA"
  }
}

store "pem_files" "ies" {
  certificate = certificate.ies
  fullchain   = "tls/fullchain.pem"
  key         = "tls/key.pem"
  on_change   = [hook.restart]
}

endpoint "ies" {
  url           = "iwfms://ies.example.test:45054"
  certificate   = certificate.ies
  tls_only      = true
  probe         = true
  probe_address = var.addr
  probe_wait    = "2s"
}

hook "restart" {
  command = ["true"]
}
`

// service is a TLS server that serves the PEM files certform writes, as a
// service does after a restart, or a fixed certificate (stale) when the
// test sets one.
type service struct {
	*probetest.Server
	stale atomic.Pointer[tls.Certificate]
}

func startService(t *testing.T, dir string) *service {
	s := &service{}
	s.Server = probetest.StartTLSFunc(t, func() (*tls.Certificate, error) {
		if c := s.stale.Load(); c != nil {
			return c, nil
		}
		c, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls/fullchain.pem"), filepath.Join(dir, "tls/key.pem"))
		return &c, err
	})
	return s
}

type probeWorkspace struct {
	t   *testing.T
	dir string
	st  *state.File
	srv *service
}

func (w *probeWorkspace) engine() *plan.Engine {
	w.t.Helper()
	cfg, diags := lang.Load(w.dir, kinds())
	if diags.HasErrors() {
		w.t.Fatal(diags.Error())
	}
	vars, diags := cfg.VariableValues(lang.VarInputs{Flags: []string{"addr=" + w.srv.Addr}})
	if diags.HasErrors() {
		w.t.Fatal(diags.Error())
	}
	return &plan.Engine{Config: cfg, Kinds: kinds(), Vars: vars, Checker: checks.Checker{}, Env: &providers.Env{
		FS:      providers.NewDirFS(w.dir),
		Secrets: providers.DirSecrets{Dir: filepath.Join(w.dir, ".certform", "keys")},
		Now:     time.Now().UTC(),
	}}
}

func (w *probeWorkspace) plan() (*plan.Plan, hcl.Diagnostics) {
	w.t.Helper()
	p, diags := w.engine().Plan(context.Background(), w.st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		w.t.Fatalf("plan: %s", diags.Error())
	}
	return p, diags
}

func (w *probeWorkspace) apply() hcl.Diagnostics {
	w.t.Helper()
	e := w.engine()
	p, diags := e.Plan(context.Background(), w.st, plan.Options{Refresh: true})
	if diags.HasErrors() {
		w.t.Fatalf("plan: %s", diags.Error())
	}
	return e.Apply(context.Background(), p, w.st, func(*state.File) error { return nil })
}

// TestProbeDrift: apply, then the service serves another certificate (not
// restarted, a load balancer with an old one): the next plan shows drift
// with both fingerprints and the hook that restarts it, and apply fails
// clearly until the service serves the right certificate again.
func TestProbeDrift(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(probeConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &probeWorkspace{t: t, dir: dir, st: state.New()}
	w.srv = startService(t, dir)

	// The first apply writes the files; the service serves them, and the
	// check after apply passes.
	if d := w.apply(); d.HasErrors() {
		t.Fatalf("first apply: %s", d.Error())
	}
	served := w.st.Resource("endpoint.ies").Attributes
	issued := w.st.Resource("certificate.ies").Attributes
	if got, want := attr(served, "served_fingerprint"), attr(issued, "fingerprint_sha256"); got == "" || got != want {
		t.Fatalf("served_fingerprint %q, want the certificate's %q", got, want)
	}
	if p, _ := w.plan(); p.HasChanges() || len(p.Drift) > 0 {
		t.Fatalf("second plan is not a no-op: %v, drift %v", actions(p), driftAddresses(p))
	}

	// The service now serves an old certificate.
	pki := probetest.NewPKI(t, "Old ")
	old := probetest.Chain(pki.Leaf, pki.Inter)
	w.srv.stale.Store(&old)
	p, diags := w.plan()
	if got := driftAddresses(p); len(got) != 1 || got[0] != "endpoint.ies" {
		t.Fatalf("drift %v, want endpoint.ies", got)
	}
	d := p.Drift[0]
	if attr(d.Recorded, "served_fingerprint") != attr(issued, "fingerprint_sha256") || attr(d.Live, "served_fingerprint") != pki.Leaf.Fingerprint() {
		t.Errorf("drift: recorded %s, live %s", attr(d.Recorded, "served_fingerprint"), attr(d.Live, "served_fingerprint"))
	}
	if c := change(t, p, "endpoint.ies"); c.Action != plan.Update || !hasReason(c, "the endpoint serves certificate sha256:"+pki.Leaf.Fingerprint()[:16]) {
		t.Errorf("endpoint.ies: %s %q", c.Action, c.Reasons)
	}
	var found *plan.Finding
	for _, f := range p.Findings {
		if f.Check == "endpoint-serves-certificate" {
			found = f
		}
	}
	if found == nil || strings.Join(found.Addresses, " ") != "endpoint.ies certificate.ies hook.restart" {
		t.Fatalf("findings %+v", p.Findings)
	}
	if !strings.Contains(found.Message, "hook.restart restarts it") {
		t.Errorf("message: %s", found.Message)
	}
	warned := false
	for _, d := range diags {
		warned = warned || strings.Contains(d.Summary, "[endpoint-serves-certificate]")
	}
	if !warned {
		t.Errorf("no warning among %v", diags)
	}

	// Apply updates the endpoint, but the service still serves the old
	// certificate: apply fails, saying so.
	start := time.Now()
	diags = w.apply()
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "New certificate not served") || !strings.Contains(diags.Error(), "still serves certificate sha256:"+pki.Leaf.Fingerprint()[:16]) {
		t.Fatalf("apply: %v", diags)
	}
	if time.Since(start) < 2*time.Second {
		t.Errorf("apply gave up after %s, before probe_wait", time.Since(start))
	}

	// Restarted, the service serves the files again: the plan is clean.
	w.srv.stale.Store(nil)
	if p, _ := w.plan(); p.HasChanges() || len(p.Drift) > 0 {
		t.Fatalf("plan after restart: %v, drift %v", actions(p), driftAddresses(p))
	}
}

// TestProbeAfterRenewal: a replaced certificate is checked after apply;
// the service picks the new files up while apply waits.
func TestProbeAfterRenewal(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(probeConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	w := &probeWorkspace{t: t, dir: dir, st: state.New()}
	w.srv = startService(t, dir)
	if d := w.apply(); d.HasErrors() {
		t.Fatal(d.Error())
	}
	// The service keeps serving what it loaded until it is "restarted"
	// a second after the files changed.
	c, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls/fullchain.pem"), filepath.Join(dir, "tls/key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	w.srv.stale.Store(&c)
	cfg := strings.Replace(probeConfig, `dns_names   = ["ies.example.test"]`, `dns_names   = ["ies.example.test", "ies2.example.test"]`, 1)
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(700*time.Millisecond, func() { w.srv.stale.Store(nil) })
	if d := w.apply(); d.HasErrors() {
		t.Fatalf("apply: %s", d.Error())
	}
	if got, want := attr(w.st.Resource("endpoint.ies").Attributes, "served_fingerprint"), attr(w.st.Resource("certificate.ies").Attributes, "fingerprint_sha256"); got != want {
		t.Errorf("served %s, want %s", got, want)
	}
}
