package probetest

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certform/certform/providers/internal/testport"
)

// TB is what the helpers need of a test: testing.TB has it, and so can a
// testscript command.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// Cert is a certificate with its private key.
type Cert struct {
	X509 *x509.Certificate
	Key  crypto.Signer
}

// PEM is the certificate in PEM form.
func (c *Cert) PEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.X509.Raw}))
}

// KeyPEM is the private key in PKCS#8 PEM form.
func (c *Cert) KeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// Fingerprint is the lowercase hex SHA-256 of the DER.
func (c *Cert) Fingerprint() string {
	sum := sha256.Sum256(c.X509.Raw)
	return hex.EncodeToString(sum[:])
}

// Options shape a certificate. Zero values give a certificate valid from
// an hour ago for 90 days with an ECDSA P-256 key.
type Options struct {
	CommonName string
	DNSNames   []string
	IPs        []string
	NotBefore  time.Time
	NotAfter   time.Time
	// RSABits makes an RSA key of that size instead of ECDSA.
	RSABits int
}

var serial atomic.Int64

func (o Options) template(isCA bool) *x509.Certificate {
	nb, na := o.NotBefore, o.NotAfter
	if nb.IsZero() {
		nb = time.Now().Add(-time.Hour)
	}
	if na.IsZero() {
		na = nb.Add(90 * 24 * time.Hour)
	}
	tpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1) + time.Now().UnixNano()%1e9),
		Subject:               pkix.Name{CommonName: o.CommonName},
		NotBefore:             nb,
		NotAfter:              na,
		DNSNames:              o.DNSNames,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	for _, ip := range o.IPs {
		tpl.IPAddresses = append(tpl.IPAddresses, net.ParseIP(ip))
	}
	if isCA {
		tpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	return tpl
}

func (o Options) key(t TB) crypto.Signer {
	if o.RSABits > 0 {
		k, err := rsa.GenerateKey(rand.Reader, o.RSABits)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// New makes a certificate issued by parent, or self-signed when parent is
// nil. isCA makes it a CA certificate.
func New(t TB, parent *Cert, isCA bool, o Options) *Cert {
	t.Helper()
	key := o.key(t)
	tpl := o.template(isCA)
	issuer, signer := tpl, key
	if parent != nil {
		issuer, signer = parent.X509, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{X509: c, Key: key}
}

// PKI is a root, an intermediate it issued, and a server certificate for
// ies.example.test (and 127.0.0.1) the intermediate issued.
type PKI struct {
	Root, Inter, Leaf *Cert
}

// NewPKI makes a PKI; prefix goes before each CA's common name.
func NewPKI(t TB, prefix string) *PKI {
	t.Helper()
	root := New(t, nil, true, Options{CommonName: prefix + "Probe Root CA", NotAfter: time.Now().Add(3650 * 24 * time.Hour)})
	inter := New(t, root, true, Options{CommonName: prefix + "Probe Intermediate CA", NotAfter: time.Now().Add(1825 * 24 * time.Hour)})
	leaf := New(t, inter, false, Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}, IPs: []string{"127.0.0.1"}})
	return &PKI{Root: root, Inter: inter, Leaf: leaf}
}

// Leaf makes another server certificate from the intermediate.
func (p *PKI) NewLeaf(t TB, o Options) *Cert {
	t.Helper()
	return New(t, p.Inter, false, o)
}

// Chain is a TLS identity: leaf with the chain certificates to send.
func Chain(leaf *Cert, chain ...*Cert) tls.Certificate {
	tc := tls.Certificate{Certificate: [][]byte{leaf.X509.Raw}, PrivateKey: leaf.Key, Leaf: leaf.X509}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.X509.Raw)
	}
	return tc
}

// WriteFile writes PEM text into dir and returns the path.
func WriteFile(t TB, dir, name string, pems ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	var data []byte
	for _, s := range pems {
		data = append(data, s...)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Server is a TLS server on 127.0.0.1 that completes handshakes and then
// closes the connection. The certificate it serves can be swapped.
type Server struct {
	// Addr is host:port.
	Addr string
	// Port is the port alone.
	Port int
	ln   net.Listener
	cert atomic.Pointer[tls.Certificate]
	wg   sync.WaitGroup
	// open counts the connections being handled, most the highest count
	// seen (MaxOpen).
	open, most atomic.Int64
}

// MaxOpen is the largest number of connections the server handled at
// the same time. A connection counts from Accept until the server closes
// it, so a client that waits for the close before connecting again is
// never counted twice.
func (s *Server) MaxOpen() int { return int(s.most.Load()) }

// TLSOptions restrict a server's protocol versions; zero values leave
// Go's defaults, except that MinVersion 0 allows TLS 1.0 when MaxVersion
// asks for it.
type TLSOptions struct {
	MinVersion, MaxVersion uint16
}

// StartTLS serves cert on a free port of 127.0.0.1.
func StartTLS(t TB, cert tls.Certificate, o ...TLSOptions) *Server {
	t.Helper()
	s := &Server{}
	s.cert.Store(&cert)
	s.startTLS(t, func() (*tls.Certificate, error) { return s.cert.Load(), nil }, o)
	return s
}

// StartTLSFunc serves, on each handshake, the certificate get returns,
// such as one read from the files certform writes.
func StartTLSFunc(t TB, get func() (*tls.Certificate, error), o ...TLSOptions) *Server {
	t.Helper()
	s := &Server{}
	s.startTLS(t, get, o)
	return s
}

func (s *Server) startTLS(t TB, get func() (*tls.Certificate, error), o []TLSOptions) {
	cfg := &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return get() }}
	if len(o) > 0 {
		cfg.MinVersion, cfg.MaxVersion = o[0].MinVersion, o[0].MaxVersion
	}
	s.start(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		_ = tc.SetDeadline(time.Now().Add(5 * time.Second))
		_ = tc.Handshake()
	})
}

// Swap makes the server serve another certificate from the next
// handshake on, as a service restarted with a new one would.
func (s *Server) Swap(cert tls.Certificate) { s.cert.Store(&cert) }

// StartPlain starts a plain-text server that answers whatever it reads
// with an HTTP error, like a web server on its plain port.
func StartPlain(t TB) *Server {
	t.Helper()
	s := &Server{}
	s.start(t, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = bufio.NewReader(c).ReadByte()
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	})
	return s
}

// StartSilent starts a server that accepts connections and never sends a
// byte, like a plain-text service that waits for its client to speak
// first. It holds each connection for hold, then closes it; with hold
// zero, until the client hangs up.
func StartSilent(t TB, hold time.Duration) *Server {
	t.Helper()
	s := &Server{}
	s.start(t, func(c net.Conn) {
		if hold > 0 {
			time.Sleep(hold)
			return
		}
		_, _ = io.Copy(io.Discard, c)
	})
	return s
}

// StartOpenSSL starts `openssl s_server` on a free port of 127.0.0.1,
// serving the PEM files cert and key with the chain certificates in
// chain ("" for none), and returns host:port once it listens. The server
// is stopped when the test ends. The caller checks that openssl exists.
func StartOpenSSL(t TB, cert, key, chain string) string {
	t.Helper()
	addr := ClosedPort(t)
	_, port, _ := net.SplitHostPort(addr)
	args := []string{"s_server", "-accept", "127.0.0.1:" + port, "-cert", cert, "-key", key, "-www", "-quiet"}
	if chain != "" {
		args = append(args, "-cert_chain", chain)
	}
	cmd := exec.Command("openssl", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatal("openssl s_server exited: " + out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("openssl s_server did not listen on " + addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ClosedPort returns an address on 127.0.0.1 where nothing listens, held
// until the test ends (testport.Reserve), so no server of another test
// takes it meanwhile.
func ClosedPort(t TB) string {
	t.Helper()
	port, err := testport.Reserve(t)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", port)
}

// Close stops the server; it is also done when the test ends.
func (s *Server) Close() {
	s.ln.Close()
	s.wg.Wait()
}

func listen(t TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// start listens on a free port of 127.0.0.1 and handles each connection
// in a goroutine of its own until the test ends.
func (s *Server) start(t TB, handle func(net.Conn)) {
	s.ln = listen(t)
	s.Addr = s.ln.Addr().String()
	s.Port = s.ln.Addr().(*net.TCPAddr).Port
	t.Cleanup(s.Close)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer c.Close()
				// Counted down before the close, so that the count
				// never runs ahead of the client's.
				defer s.open.Add(-1)
				n := s.open.Add(1)
				for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
				}
				handle(c)
			}()
		}
	}()
}
