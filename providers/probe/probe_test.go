package probe_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/certform/certform/providers/probe"
	"github.com/certform/certform/providers/probe/probetest"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want probe.Target
		err  bool
	}{
		{in: "iwfms://IES.example.test:45054", want: probe.Target{Scheme: "iwfms", Host: "ies.example.test", Port: 45054}},
		{in: "https://crm.example.test/app", want: probe.Target{Scheme: "https", Host: "crm.example.test", Port: 443}},
		{in: "ldaps://[2001:db8::1]", want: probe.Target{Scheme: "ldaps", Host: "2001:db8::1", Port: 636}},
		{in: "ies.example.test:45054", want: probe.Target{Host: "ies.example.test", Port: 45054}},
		{in: "iwfms://ies.example.test", err: true},
		{in: "ies.example.test", err: true},
		{in: "https://h:99999", err: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := probe.ParseTarget(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if !tc.err && got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestServers probes the servers an administrator meets, each started
// here on 127.0.0.1, and checks what the probe says about them.
func TestServers(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	wrongSAN := pki.NewLeaf(t, probetest.Options{CommonName: "other.example.test", DNSNames: []string{"other.example.test"}})
	expired := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"},
		NotBefore: time.Now().Add(-100 * 24 * time.Hour), NotAfter: time.Now().Add(-10 * 24 * time.Hour)})
	self := probetest.New(t, nil, false, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}})
	weak := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}, RSABits: 1024})
	expiring := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}, NotAfter: time.Now().Add(10 * 24 * time.Hour)})
	roots := []*x509.Certificate{pki.Root.X509}

	for _, tc := range []struct {
		name      string
		addr      func(t *testing.T) string
		url       string // default iwfms://ies.example.test:PORT
		roots     []*x509.Certificate
		verified  bool
		handshake bool
		codes     []string // problem codes, in order
		message   string   // in the first problem's message
		timeout   time.Duration
	}{
		{
			name:      "good chain",
			addr:      tlsServer(probetest.Chain(pki.Leaf, pki.Inter)),
			roots:     roots,
			verified:  true,
			handshake: true,
		},
		{
			name:      "good chain, system roots",
			addr:      tlsServer(probetest.Chain(pki.Leaf, pki.Inter)),
			handshake: true,
			codes:     []string{probe.CodeUntrusted},
			message:   `the chain ends at "CN=Probe Intermediate CA", issued by "CN=Probe Root CA", which is neither among the system roots`,
		},
		{
			name:      "missing intermediate",
			addr:      tlsServer(probetest.Chain(pki.Leaf)),
			roots:     roots,
			handshake: true,
			codes:     []string{probe.CodeNoIntermediate},
			message:   "the server sent no intermediate",
		},
		{
			name:      "wrong SAN",
			addr:      tlsServer(probetest.Chain(wrongSAN, pki.Inter)),
			roots:     roots,
			verified:  true,
			handshake: true,
			codes:     []string{probe.CodeHostname},
			message:   "the certificate does not name ies.example.test: it holds other.example.test",
		},
		{
			name:      "expired",
			addr:      tlsServer(probetest.Chain(expired, pki.Inter)),
			roots:     roots,
			handshake: true,
			codes:     []string{probe.CodeExpired},
			message:   "the certificate expired on",
		},
		{
			name:      "expiring soon",
			addr:      tlsServer(probetest.Chain(expiring, pki.Inter)),
			roots:     roots,
			verified:  true,
			handshake: true,
			codes:     []string{probe.CodeExpiring},
			message:   "the certificate expires in 9 days",
		},
		{
			name:      "self-signed",
			addr:      tlsServer(probetest.Chain(self)),
			handshake: true,
			codes:     []string{probe.CodeSelfSigned},
			message:   "the server sent a self-signed certificate",
		},
		{
			name:      "weak key",
			addr:      tlsServer(probetest.Chain(weak, pki.Inter)),
			roots:     roots,
			handshake: true,
			codes:     []string{probe.CodeWeakKey},
			verified:  true,
			message:   "has a 1024-bit RSA key",
		},
		{
			name:      "TLS 1.0 only",
			addr:      tlsServer(probetest.Chain(pki.Leaf, pki.Inter), probetest.TLSOptions{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}),
			roots:     roots,
			verified:  true,
			handshake: true,
			codes:     []string{probe.CodeOldProtocol},
			message:   "the server speaks at most TLS 1.0, which RFC 8996 deprecates",
		},
		{
			name:    "plain text",
			addr:    func(t *testing.T) string { return probetest.StartPlain(t).Addr },
			codes:   []string{probe.CodePlainText},
			message: `the server answered in plain text ("HTTP/1.1 400 Bad Request"): is ServerPort still open / did you forget iwfms://?`,
		},
		{
			name:    "closed port",
			addr:    func(t *testing.T) string { return probetest.ClosedPort(t) },
			codes:   []string{probe.CodeRefused},
			message: "connection refused: nothing listens on 127.0.0.1:",
		},
		{
			name:    "silent server",
			addr:    func(t *testing.T) string { return probetest.StartSilent(t, 0).Addr },
			timeout: 300 * time.Millisecond,
			codes:   []string{probe.CodeHandshakeTime},
			message: "handshake timeout: 127.0.0.1:",
		},
		{
			name: "unknown host",
			addr: func(t *testing.T) string { return "" },
			// A label longer than 63 bytes is no DNS name: Go's
			// resolver says "no such host" without asking a name
			// server, so the test stays on this host.
			url:     "iwfms://" + strings.Repeat("x", 64) + ".example.test:45054",
			codes:   []string{probe.CodeDNS},
			message: "cannot resolve xxxxxxxx",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.addr(t)
			url := tc.url
			if url == "" {
				_, port, _ := net.SplitHostPort(addr)
				url = "iwfms://ies.example.test:" + port
			}
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 3 * time.Second
			}
			opts := probe.Options{Roots: tc.roots, RootsName: "root.pem", Timeout: timeout}
			if tc.url == "" {
				opts.Address = addr
			}
			r := probe.Probe(context.Background(), url, opts)
			var codes []string
			for _, p := range r.Problems {
				codes = append(codes, p.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("problems %q, want %q:\n%+v", codes, tc.codes, r.Problems)
			}
			if tc.message != "" && !strings.Contains(r.Problems[0].Message, tc.message) {
				t.Errorf("message %q\nwant it to contain %q", r.Problems[0].Message, tc.message)
			}
			if r.Verified != tc.verified || r.Handshake != tc.handshake {
				t.Errorf("verified %v handshake %v, want %v %v", r.Verified, r.Handshake, tc.verified, tc.handshake)
			}
			if tc.handshake && r.Fingerprint() == "" {
				t.Error("no fingerprint after a handshake")
			}
		})
	}
}

func tlsServer(cert tls.Certificate, o ...probetest.TLSOptions) func(t *testing.T) string {
	return func(t *testing.T) string { return probetest.StartTLS(t, cert, o...).Addr }
}

func TestResultDetails(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	s := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
	r := probe.Probe(context.Background(), "https://ies.example.test/", probe.Options{Address: s.Addr, Roots: []*x509.Certificate{pki.Root.X509}})
	if !r.OK() {
		t.Fatalf("problems: %+v", r.Problems)
	}
	if r.Protocol != "TLS 1.3" || r.Cipher == "" || !r.HostnameMatch || r.DaysLeft < 88 || r.DaysLeft > 90 {
		t.Errorf("protocol %q cipher %q hostname %v days %d", r.Protocol, r.Cipher, r.HostnameMatch, r.DaysLeft)
	}
	if len(r.Chain) != 2 || r.Chain[0].Subject != "CN=ies.example.test" || r.Chain[0].Key != "ECDSA P-256" ||
		r.Chain[0].SignatureAlgorithm != "ECDSA-SHA256" || r.Chain[1].Subject != "CN=Probe Intermediate CA" {
		t.Errorf("chain: %+v", r.Chain)
	}
	if r.Fingerprint() != pki.Leaf.Fingerprint() || r.ServerName != "ies.example.test" || r.Address != s.Addr {
		t.Errorf("fingerprint %s server name %s address %s", r.Fingerprint(), r.ServerName, r.Address)
	}
	if r.VerifiedAgainst != "the given roots" {
		t.Errorf("verified against %q", r.VerifiedAgainst)
	}
}

// TestSwap checks that a probe sees a new certificate as soon as the
// server serves it: the drift and after-apply checks rely on it.
func TestSwap(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	s := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
	other := pki.NewLeaf(t, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}})
	url := "iwfms://ies.example.test:45054"
	if got := probe.Probe(context.Background(), url, probe.Options{Address: s.Addr}).Fingerprint(); got != pki.Leaf.Fingerprint() {
		t.Fatalf("fingerprint %s, want the first leaf", got)
	}
	s.Swap(probetest.Chain(other, pki.Inter))
	if got := probe.Probe(context.Background(), url, probe.Options{Address: s.Addr}).Fingerprint(); got != other.Fingerprint() {
		t.Fatalf("fingerprint %s, want the swapped leaf", got)
	}
}

func TestTransient(t *testing.T) {
	r := probe.Probe(context.Background(), "iwfms://ies.example.test:1", probe.Options{Address: probetest.ClosedPort(t)})
	if !r.Transient() {
		t.Error("a refused connection is transient: a restarting service refuses for a moment")
	}
	r = probe.Probe(context.Background(), "iwfms://ies.example.test:1", probe.Options{Address: probetest.StartPlain(t).Addr})
	if r.Transient() {
		t.Error("a plain-text answer is not transient")
	}
}

func TestAll(t *testing.T) {
	pki := probetest.NewPKI(t, "")
	good := probetest.StartTLS(t, probetest.Chain(pki.Leaf, pki.Inter))
	var reqs []probe.Request
	for i := range 12 {
		addr := good.Addr
		if i%3 == 0 {
			addr = probetest.ClosedPort(t)
		}
		reqs = append(reqs, probe.Request{Name: addr, URL: "iwfms://ies.example.test:1", Options: probe.Options{Address: addr, Roots: []*x509.Certificate{pki.Root.X509}}})
	}
	res := probe.All(context.Background(), reqs, 3)
	for i, r := range res {
		if r.Name != reqs[i].Name {
			t.Fatalf("result %d is for %s, want %s", i, r.Name, reqs[i].Name)
		}
		if ok := i%3 != 0; r.OK() != ok {
			t.Errorf("result %d ok = %v, want %v: %+v", i, r.OK(), ok, r.Problems)
		}
	}
}

// TestAllBounded: All opens at most parallelism connections at once, and
// more than one; each probe gives up after its own timeout.
func TestAllBounded(t *testing.T) {
	// The server holds every connection 200ms without a word, then
	// closes it: a probe ends only when its connection was closed, so
	// the server's count of open connections is what the probes hold.
	srv := probetest.StartSilent(t, 200*time.Millisecond)
	var reqs []probe.Request
	for range 7 {
		reqs = append(reqs, probe.Request{URL: "iwfms://ies.example.test:1", Options: probe.Options{Address: srv.Addr, Timeout: 5 * time.Second}})
	}
	for _, r := range probe.All(context.Background(), reqs, 3) {
		if r.Problem(probe.CodeClosed) == nil {
			t.Errorf("problems %+v, want %s", r.Problems, probe.CodeClosed)
		}
	}
	if got := srv.MaxOpen(); got > 3 || got < 2 {
		t.Errorf("at most %d connections at once, want 2 or 3 (parallelism 3)", got)
	}

	// A server that never answers costs each probe its own timeout.
	silent := probetest.StartSilent(t, 0)
	reqs = reqs[:0]
	for range 7 {
		reqs = append(reqs, probe.Request{URL: "iwfms://ies.example.test:1", Options: probe.Options{Address: silent.Addr, Timeout: 300 * time.Millisecond}})
	}
	for _, r := range probe.All(context.Background(), reqs, 3) {
		if r.Problem(probe.CodeHandshakeTime) == nil {
			t.Errorf("problems %+v, want %s", r.Problems, probe.CodeHandshakeTime)
		}
	}
}

// TestOpenSSLServer cross-checks the probe against `openssl s_server`
// serving a chain: what OpenSSL serves, the probe must read the same way.
func TestOpenSSLServer(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	pki := probetest.NewPKI(t, "")
	dir := t.TempDir()
	cert := probetest.WriteFile(t, dir, "cert.pem", pki.Leaf.PEM())
	key := probetest.WriteFile(t, dir, "key.pem", pki.Leaf.KeyPEM())
	chain := probetest.WriteFile(t, dir, "chain.pem", pki.Inter.PEM())
	addr := probetest.StartOpenSSL(t, cert, key, chain)
	_, port, _ := net.SplitHostPort(addr)
	r := probe.Probe(context.Background(), "https://ies.example.test:"+port, probe.Options{Address: addr, Roots: []*x509.Certificate{pki.Root.X509}})
	if !r.OK() || !r.Verified {
		t.Fatalf("problems: %+v", r.Problems)
	}
	if len(r.Chain) != 2 || r.Fingerprint() != pki.Leaf.Fingerprint() || r.Chain[1].FingerprintSHA256 != pki.Inter.Fingerprint() {
		t.Errorf("chain read from OpenSSL: %+v", r.Chain)
	}
	if !strings.HasPrefix(r.Protocol, "TLS 1.") {
		t.Errorf("protocol %q", r.Protocol)
	}
}
