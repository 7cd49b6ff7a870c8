// Package acmetest runs Pebble, Let's Encrypt's ACME test server, with
// pebble-challtestsrv as its DNS server, for tests that obtain real
// certificates over real ACME: Pebble really connects to the address
// certform answers HTTP-01 and TLS-ALPN-01 challenges on, and really looks
// up DNS-01 TXT records, all on 127.0.0.1.
//
// Both programs are the `tool` dependencies of go.mod (go tool pebble, go
// tool pebble-challtestsrv), built once into the Go build cache, so tests
// need nothing but Go. Pebble runs without its validation sleep
// (PEBBLE_VA_NOSLEEP=1), without nonce rejections and without reusing
// authorizations, so a certificate takes a few milliseconds and an order is
// validated again: all but one in a hundred, since Pebble still reuses a
// valid authorization when rand.Intn(100) is 0.
//
// challtestsrv answers only for the names a test adds with AddA. DNS-01
// records are set through its management API by TXTHook, which a test
// binary runs as the command of dns01 { provider = "exec" } (see TXTHook):
// that works on a bare Debian with Go, without curl.
package acmetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certform/certform/providers/internal/testport"
)

// Server is a running Pebble with its DNS server. Its fields are what a
// configuration needs to use it.
type Server struct {
	// Directory is Pebble's ACME directory URL.
	Directory string
	// Roots is the PEM of the root of Pebble's own TLS certificate, for
	// ca_roots; RootsFile holds it too.
	Roots     string
	RootsFile string
	// HTTPPort and TLSPort are the ports on 127.0.0.1 where Pebble looks
	// for HTTP-01 and TLS-ALPN-01 answers: listen = "127.0.0.1:PORT".
	HTTPPort, TLSPort int
	// DNS is the address of the DNS server Pebble resolves names with,
	// for dns01 resolvers.
	DNS string
	// ChallSrv is the URL of challtestsrv's management API (TXTHook uses
	// it through the environment variable ChallSrvEnv).
	ChallSrv string

	management string
	client     *http.Client
	pebbleLog  *syncWriter
}

// TB is what the helpers need of a test: *testing.T and *testing.B have
// it, and a testscript command can adapt its TestScript to it.
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
	Failed() bool
	Cleanup(func())
	TempDir() string
}

// Options configure Start.
type Options struct {
	// EAB, when set, makes Pebble require external account binding, with
	// these MAC keys (key id -> base64url HMAC key).
	EAB map[string]string
	// HTTPPort and TLSPort are where Pebble validates HTTP-01 and
	// TLS-ALPN-01; free ports when zero.
	HTTPPort, TLSPort int
	// Validity is the lifetime of the certificates Pebble issues; 90 days
	// (as Let's Encrypt's) when zero.
	Validity time.Duration
	// AlternateRoots is how many chains to other roots Pebble offers
	// besides its default one, for preferred_chain (see Root).
	AlternateRoots int
}

// ChallSrvEnv is the environment variable TXTHook reads the management
// API URL of challtestsrv from.
const ChallSrvEnv = "ACMETEST_CHALLTESTSRV"

var (
	toolsOnce sync.Once
	toolsErr  error
	tools     struct{ pebble, challtestsrv, moduleDir string }
)

// findTools locates (building if needed) pebble and pebble-challtestsrv
// and Pebble's module directory, which holds its test certificates.
func findTools() error {
	toolsOnce.Do(func() {
		// go test puts its own toolchain first on PATH.
		goCmd, err := exec.LookPath("go")
		if err != nil {
			goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		run := func(args ...string) (string, error) {
			out, err := exec.Command(goCmd, args...).Output()
			if err != nil {
				if ee, ok := err.(*exec.ExitError); ok {
					err = fmt.Errorf("%v: %s", err, ee.Stderr)
				}
				return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
			}
			return strings.TrimSpace(string(out)), nil
		}
		if tools.pebble, toolsErr = run("tool", "-n", "pebble"); toolsErr != nil {
			return
		}
		if tools.challtestsrv, toolsErr = run("tool", "-n", "pebble-challtestsrv"); toolsErr != nil {
			return
		}
		tools.moduleDir, toolsErr = run("list", "-m", "-f", "{{.Dir}}", "github.com/letsencrypt/pebble/v2")
	})
	return toolsErr
}

// Start runs Pebble and challtestsrv on free loopback ports until the test
// ends. The ports are held for them (FreePort), but challtestsrv's DNS
// server also takes the UDP port of the same number, which nothing holds:
// a start that fails with "address already in use" is tried again on new
// ports.
func Start(t TB, opts Options) *Server {
	t.Helper()
	if err := findTools(); err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	dir := t.TempDir()
	certs := filepath.Join(tools.moduleDir, "test", "certs")
	roots, err := os.ReadFile(filepath.Join(certs, "pebble.minica.pem"))
	if err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	rootsFile := filepath.Join(dir, "pebble-roots.pem")
	writeFile(t, rootsFile, roots)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(roots)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	const attempts = 3
	for attempt := 1; ; attempt++ {
		s := &Server{Roots: string(roots), RootsFile: rootsFile, client: client}
		procs, err := s.launch(t, dir, certs, opts)
		if err == nil {
			return s
		}
		inUse := false
		for _, p := range procs {
			p.stop()
			inUse = inUse || strings.Contains(p.out.String(), "address already in use")
		}
		if !inUse || attempt == attempts {
			for _, p := range procs {
				t.Logf("%s output:\n%s", p.name, tail(p.out.String(), 6000))
			}
			t.Fatalf("acmetest: Pebble did not start: %v", err)
		}
		t.Logf("acmetest: a port was taken before Pebble bound it (%v); trying new ports", err)
	}
}

// launch picks free ports for s, starts challtestsrv and Pebble on them
// and waits until both answer. The processes are returned even on error,
// for their output.
func (s *Server) launch(t TB, dir, certs string, opts Options) ([]*process, error) {
	t.Helper()
	s.HTTPPort, s.TLSPort = opts.HTTPPort, opts.TLSPort
	if s.HTTPPort == 0 {
		s.HTTPPort = FreePort(t)
	}
	if s.TLSPort == 0 {
		s.TLSPort = FreePort(t)
	}
	s.DNS = fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	s.ChallSrv = fmt.Sprintf("http://127.0.0.1:%d", FreePort(t))
	listen := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	mgmt := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	s.Directory = "https://" + listen + "/dir"
	s.management = "https://" + mgmt

	validity := opts.Validity
	if validity == 0 {
		validity = 90 * 24 * time.Hour
	}
	var cfg struct {
		Pebble map[string]any `json:"pebble"`
	}
	cfg.Pebble = map[string]any{
		"listenAddress":                  listen,
		"managementListenAddress":        mgmt,
		"certificate":                    filepath.Join(certs, "localhost", "cert.pem"),
		"privateKey":                     filepath.Join(certs, "localhost", "key.pem"),
		"httpPort":                       s.HTTPPort,
		"tlsPort":                        s.TLSPort,
		"externalAccountBindingRequired": len(opts.EAB) > 0,
		"externalAccountMACKeys":         opts.EAB,
		"retryAfter":                     map[string]int{"authz": 0, "order": 0},
		"keyAlgorithm":                   "ecdsa",
		"profiles": map[string]any{
			"default": map[string]any{"description": "acmetest", "validityPeriod": int(validity / time.Second)},
		},
	}
	data, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "pebble-config.json")
	writeFile(t, cfgFile, data)

	var procs []*process
	challsrv, err := startProcess(t, "pebble-challtestsrv", tools.challtestsrv, nil,
		"-http01", "", "-https01", "", "-doh", "", "-tlsalpn01", "",
		"-dnsserver", s.DNS, "-management", strings.TrimPrefix(s.ChallSrv, "http://"),
		"-defaultIPv4", "", "-defaultIPv6", "")
	if err != nil {
		return procs, err
	}
	procs = append(procs, challsrv)
	pebble, err := startProcess(t, "pebble", tools.pebble,
		[]string{"PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0",
			"PEBBLE_ALTERNATE_ROOTS=" + strconv.Itoa(opts.AlternateRoots)},
		"-config", cfgFile, "-dnsserver", s.DNS)
	if err != nil {
		return procs, err
	}
	procs = append(procs, pebble)
	s.pebbleLog = pebble.out

	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := s.client.Get(s.Directory)
		if err == nil {
			resp.Body.Close()
		}
		cresp, cerr := http.Get(s.ChallSrv + "/")
		if cerr == nil {
			cresp.Body.Close()
		}
		if err == nil && resp.StatusCode == http.StatusOK && cerr == nil {
			return procs, nil
		}
		if challsrv.exited() || pebble.exited() || time.Now().After(deadline) {
			return procs, fmt.Errorf("%s: %v; %s: %v", s.Directory, err, s.ChallSrv, cerr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// process is a program a test runs until it ends.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *syncWriter
	done chan struct{}
	once sync.Once
}

// startProcess runs a program until the test ends, its output in the
// returned process's out, which is logged when the test fails.
func startProcess(t TB, name, path string, env []string, args ...string) (*process, error) {
	t.Helper()
	p := &process{name: name, out: &syncWriter{w: &bytes.Buffer{}}, done: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if p.stop() && t.Failed() {
			t.Logf("%s output:\n%s", name, tail(p.out.String(), 6000))
		}
	})
	return p, nil
}

// exited reports whether the program has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop kills the program and waits for it to end; it reports whether this
// call stopped it, so its output is logged once.
func (p *process) stop() bool {
	first := false
	p.once.Do(func() {
		first = true
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return first
}

// syncWriter is a buffer several goroutines write to.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.String()
}

// Accounts returns how many ACME accounts Pebble holds, as it logs it.
func (s *Server) Accounts() int { return s.lastCount("There are now %d accounts in memory") }

// Orders returns how many orders Pebble holds, as it logs it.
func (s *Server) Orders() int { return s.lastCount("There are now %d orders in the db") }

func (s *Server) lastCount(format string) int {
	prefix, suffix, _ := strings.Cut(format, "%d")
	n := 0
	for _, line := range strings.Split(s.pebbleLog.String(), "\n") {
		_, rest, ok := strings.Cut(line, prefix)
		if count, end, ok2 := strings.Cut(rest, " "); ok && ok2 && " "+end == suffix {
			n, _ = strconv.Atoi(count)
		}
	}
	return n
}

// CertStatus returns what Pebble knows of a certificate, by its serial
// number in hex: "Valid", "Revoked", or "" when unknown.
func (s *Server) CertStatus(t TB, serialHex string) string {
	t.Helper()
	resp, err := s.client.Get(s.management + "/cert-status-by-serial/" + serialHex)
	if err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return ""
	}
	var st struct{ Status string }
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("acmetest: certificate status: %v", err)
	}
	return st.Status
}

// FreePort returns a TCP port on 127.0.0.1 that nothing listens on, held
// for the test until it ends (testport.Reserve), so no other program is
// given it meanwhile.
func FreePort(t TB) int {
	t.Helper()
	port, err := testport.Reserve(t)
	if err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	return port
}

func (s *Server) AddA(t TB, names ...string) {
	t.Helper()
	for _, n := range names {
		s.AddAddress(t, n, "127.0.0.1")
	}
}

// AddAddress makes name resolve to the IPv4 address ip for Pebble: another
// loopback address such as 127.0.0.2, where nothing answers, stands for a
// domain whose port 80 is not forwarded to certform.
func (s *Server) AddAddress(t TB, name, ip string) {
	t.Helper()
	s.challsrv(t, "/add-a", map[string]any{"host": name, "addresses": []string{ip}})
}

// SetRenewalInfo makes Pebble suggest the renewal window [start, end] for
// a certificate (PEM), through its management API.
func (s *Server) SetRenewalInfo(t TB, certPEM string, start, end time.Time) {
	t.Helper()
	window, _ := json.Marshal(map[string]any{"suggestedWindow": map[string]string{
		"start": start.UTC().Format(time.RFC3339), "end": end.UTC().Format(time.RFC3339),
	}})
	body, _ := json.Marshal(map[string]string{"Certificate": certPEM, "ARIResponse": string(window)})
	resp, err := s.client.Post(s.management+"/set-renewal-info/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("acmetest: setting renewal info: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("acmetest: setting renewal info: %s: %s", resp.Status, msg)
	}
}

// IssuerChain returns the PEM of the root and the intermediate Pebble signs
// with, from its management API.
func (s *Server) IssuerChain(t TB) (root, intermediate string) {
	t.Helper()
	return s.Root(t, 0), s.get(t, s.management+"/intermediates/0")
}

// Root returns the PEM of one of Pebble's roots, from its management API:
// 0 is the root of the default chain, 1 to Options.AlternateRoots those of
// the alternate chains.
func (s *Server) Root(t TB, i int) string {
	t.Helper()
	return s.get(t, fmt.Sprintf("%s/roots/%d", s.management, i))
}

func (s *Server) get(t TB, url string) string {
	t.Helper()
	resp, err := s.client.Get(url)
	if err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("acmetest: GET %s: %s %v", url, resp.Status, err)
	}
	return string(data)
}

func (s *Server) challsrv(t TB, path string, body any) {
	t.Helper()
	if err := post(s.ChallSrv+path, body); err != nil {
		t.Fatalf("acmetest: %v", err)
	}
}

func post(url string, body any) error {
	data, _ := json.Marshal(body)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: %s %s", url, resp.Status, msg)
	}
	return nil
}

// HTTPReq starts an endpoint for lego's httpreq DNS provider, which a
// company points at its own DNS API (HTTPREQ_ENDPOINT=URL), and returns its
// URL. It speaks the provider's default mode: POST /present and /cleanup
// with {"fqdn": ..., "value": ...} set and remove the TXT record in
// challtestsrv, where Pebble looks it up. It runs until the test ends.
func (s *Server) HTTPReq(t TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("acmetest: %v", err)
	}
	mux := http.NewServeMux()
	for _, action := range []struct{ path, challsrv string }{{"/present", "/set-txt"}, {"/cleanup", "/clear-txt"}} {
		mux.HandleFunc("POST "+action.path, func(w http.ResponseWriter, r *http.Request) {
			var msg struct{ FQDN, Value string }
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&msg); err != nil || msg.FQDN == "" {
				http.Error(w, "want {\"fqdn\": ..., \"value\": ...}", http.StatusBadRequest)
				return
			}
			if err := post(s.ChallSrv+action.challsrv, map[string]string{"host": msg.FQDN, "value": msg.Value}); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String()
}

// TXTHook is a dns01 exec command for tests, to be run by a test binary
// (from TestMain, or as a testscript command): with the arguments
// "present NAME VALUE" it sets the TXT record NAME to VALUE in
// challtestsrv, with "cleanup NAME VALUE" it removes it. The management
// API's URL comes from the environment variable ChallSrvEnv. It returns
// the exit code.
func TXTHook(args []string) int {
	url := os.Getenv(ChallSrvEnv)
	if len(args) != 3 || url == "" {
		fmt.Fprintf(os.Stderr, "usage: %s=URL txthook present|cleanup NAME VALUE\n", ChallSrvEnv)
		return 2
	}
	var err error
	switch args[0] {
	case "present":
		err = post(url+"/set-txt", map[string]string{"host": args[1], "value": args[2]})
	case "cleanup":
		err = post(url+"/clear-txt", map[string]string{"host": args[1]})
	default:
		err = fmt.Errorf("unknown action %q", args[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func writeFile(t TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatalf("acmetest: %v", err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
