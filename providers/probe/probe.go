package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults, documented with `certform probe` and the endpoint block.
const (
	// DefaultTimeout bounds connecting and the handshake of one probe. A
	// TLS server on a LAN answers within milliseconds; five seconds leaves
	// room for a slow VPN without making a dead host stall a plan.
	DefaultTimeout = 5 * time.Second
	// ExpiryWarning: a served certificate with fewer days left is a
	// warning. 30 days is the renew_before certform and Let's Encrypt
	// clients use (seed 002: renew when 30 days or less remain).
	ExpiryWarning = 30 * 24 * time.Hour
)

// Options say how to probe. The zero value probes the URL's host and port,
// sends the URL's host as SNI and verifies against the system roots.
type Options struct {
	// Address is the host:port to connect to instead of the URL's, as
	// curl --resolve does: the URL's host is still sent as SNI and
	// matched against the certificate.
	Address string
	// ServerName replaces the URL's host as SNI and as the name the
	// certificate must hold (openssl s_client -servername).
	ServerName string
	// Roots are the certificates the chain must lead to; nil means the
	// system roots.
	Roots []*x509.Certificate
	// RootsName names Roots in messages: "trust_chain.company",
	// "ca.pem". Empty means "the given roots" (or "the system roots").
	RootsName string
	// Intermediates are CA certificates the caller knows belong to the
	// chain (a trust chain's intermediates). They are never used to
	// verify; they only let the probe say for sure that the server sent
	// no intermediate.
	Intermediates []*x509.Certificate
	// Timeout bounds connecting and the handshake; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Now is the time certificates are checked at; zero means time.Now.
	Now time.Time
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

func (o Options) rootsName() string {
	switch {
	case o.Roots == nil:
		return "the system roots"
	case o.RootsName == "":
		return "the given roots"
	}
	return o.RootsName
}

// Severity says whether a problem breaks clients (Error) or will (Warning).
type Severity string

// The severities, as JSON writes them.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem codes, stable for scripts (`certform probe -json`).
const (
	CodeURL            = "url"         // the URL cannot be read
	CodeDNS            = "dns"         // the host name does not resolve
	CodeRefused        = "refused"     // nothing listens on the port
	CodeTimeout        = "timeout"     // no TCP answer in time
	CodeUnreachable    = "unreachable" // no route to the host
	CodeConnect        = "connect"     // any other connection error
	CodePlainText      = "plain-text"  // the server answered without TLS
	CodeHandshakeTime  = "handshake-timeout"
	CodeClosed         = "closed"          // the server hung up during the handshake
	CodeAlert          = "alert"           // the server refused the handshake
	CodeHandshake      = "handshake"       // any other handshake error
	CodeNoIntermediate = "no-intermediate" // the chain misses an intermediate
	CodeSelfSigned     = "self-signed"     // a self-signed certificate
	CodeUntrusted      = "untrusted"       // the chain leads to no trusted root
	CodeInvalid        = "invalid"         // the chain is broken otherwise
	CodeHostname       = "hostname-mismatch"
	CodeExpired        = "expired"
	CodeNotYetValid    = "not-yet-valid"
	CodeExpiring       = "expiring"
	CodeOldProtocol    = "old-protocol"
	CodeWeakKey        = "weak-key"
)

// Problem is one thing wrong with what a server serves, in words.
type Problem struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// Certificate describes one certificate of a served chain.
type Certificate struct {
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	DNSNames           []string  `json:"dns_names"`
	IPAddresses        []string  `json:"ip_addresses"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	Key                string    `json:"key"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	FingerprintSHA256  string    `json:"fingerprint_sha256"`
	IsCA               bool      `json:"is_ca"`
	SelfSigned         bool      `json:"self_signed"`

	// X509 is the parsed certificate.
	X509 *x509.Certificate `json:"-"`
}

// Result is what one probe found. Fields after the handshake are zero when
// it failed; Problems then says why.
type Result struct {
	// Name is the caller's label ("endpoint.ies"); empty for a URL.
	Name       string `json:"name,omitempty"`
	URL        string `json:"url"`
	Address    string `json:"address"`
	ServerName string `json:"server_name"`
	// Connected is set once TCP connected, Handshake once TLS completed.
	Connected bool   `json:"connected"`
	Handshake bool   `json:"handshake"`
	Protocol  string `json:"protocol,omitempty"`
	Cipher    string `json:"cipher,omitempty"`
	// Chain is what the server sent, its own certificate first.
	Chain []Certificate `json:"chain"`
	// Verified reports whether the chain leads to one of VerifiedAgainst.
	Verified        bool   `json:"verified"`
	VerifiedAgainst string `json:"verified_against"`
	HostnameMatch   bool   `json:"hostname_match"`
	// DaysLeft is the whole days until the server's certificate expires,
	// negative once it has.
	DaysLeft int       `json:"days_left"`
	Problems []Problem `json:"problems"`
	Elapsed  string    `json:"elapsed"`

	transient bool
}

// OK reports whether the probe found nothing wrong.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

// HasErrors reports whether a problem is an error.
func (r *Result) HasErrors() bool {
	for _, p := range r.Problems {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// Fingerprint is the SHA-256 fingerprint (lowercase hex) of the server's
// own certificate, "" when the handshake failed.
func (r *Result) Fingerprint() string {
	if len(r.Chain) == 0 {
		return ""
	}
	return r.Chain[0].FingerprintSHA256
}

// Transient reports whether the probe failed in a way that a moment later
// may not: the port refused, timed out or hung up, as a restarting service
// does. A host that does not resolve, or a server that answers in plain
// text, is not transient.
func (r *Result) Transient() bool { return r.transient }

// Problem returns the first problem with the code, or nil.
func (r *Result) Problem(code string) *Problem {
	for i := range r.Problems {
		if r.Problems[i].Code == code {
			return &r.Problems[i]
		}
	}
	return nil
}

// Summary is the first problem's message, or "ok".
func (r *Result) Summary() string {
	if len(r.Problems) == 0 {
		return "ok"
	}
	return r.Problems[0].Message
}

func (r *Result) add(code string, sev Severity, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// Target is a URL split into what a probe needs.
type Target struct {
	Scheme string // lowercase; "" for the plain host:port form
	Host   string // lowercase; an IPv6 address without brackets
	Port   int
}

// defaultPorts are the ports of TLS schemes that have one. The products'
// own schemes (iwfms) have none, so their URLs name the port.
var defaultPorts = map[string]int{
	"https": 443, "wss": 443, "ldaps": 636, "imaps": 993, "pop3s": 995,
	"smtps": 465, "ftps": 990,
}

// ParseTarget reads "scheme://host[:port][/path]" or the plain form
// "host:port" that seed 000's components use before iwfms:// is added.
func ParseTarget(raw string) (Target, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return Target{}, fmt.Errorf("%q is neither a URL (scheme://host:port) nor host:port", raw)
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || host == "" {
			return Target{}, fmt.Errorf("%q has no valid host and port", raw)
		}
		return Target{Host: strings.ToLower(host), Port: n}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("%q cannot be read as a URL", raw)
	}
	t := Target{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Hostname())}
	if t.Host == "" {
		return Target{}, fmt.Errorf("%q has no host", raw)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Target{}, fmt.Errorf("%q has port %q; a port is a number from 1 to 65535", raw, p)
		}
		t.Port = n
		return t, nil
	}
	n, ok := defaultPorts[t.Scheme]
	if !ok {
		return Target{}, fmt.Errorf("%q has no port, and %s:// has no default port", raw, t.Scheme)
	}
	t.Port = n
	return t, nil
}

// Probe connects to the server behind rawURL, completes a TLS handshake
// and reports what it served. It returns a Result in every case; failures
// are Problems. It is safe for concurrent use.
func Probe(ctx context.Context, rawURL string, opts Options) *Result {
	start := time.Now()
	r := &Result{URL: rawURL, Chain: []Certificate{}, Problems: []Problem{}, VerifiedAgainst: opts.rootsName()}
	defer func() { r.Elapsed = time.Since(start).Round(time.Millisecond).String() }()
	t, err := ParseTarget(rawURL)
	if err != nil {
		r.add(CodeURL, Error, "%s", err)
		return r
	}
	r.Address = opts.Address
	if r.Address == "" {
		r.Address = net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	}
	r.ServerName = opts.ServerName
	if r.ServerName == "" {
		r.ServerName = t.Host
	}
	timeout := opts.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", r.Address)
	if err != nil {
		r.dialProblem(err, timeout)
		return r
	}
	defer conn.Close()
	r.Connected = true
	rec := &recorder{Conn: conn}
	tc := tls.Client(rec, &tls.Config{
		// Everything is accepted so that everything can be reported;
		// the chain is verified below, by the rules of Options.
		InsecureSkipVerify: true, //nolint:gosec // see above
		ServerName:         r.ServerName,
		MinVersion:         tls.VersionTLS10,
		CipherSuites:       allCipherSuites(),
	})
	if err := tc.HandshakeContext(ctx); err != nil {
		r.handshakeProblem(err, t.Scheme, timeout, rec)
		return r
	}
	r.Handshake = true
	st := tc.ConnectionState()
	r.Protocol = tls.VersionName(st.Version)
	r.Cipher = tls.CipherSuiteName(st.CipherSuite)
	for _, c := range st.PeerCertificates {
		r.Chain = append(r.Chain, describe(c))
	}
	if len(st.PeerCertificates) == 0 {
		r.add(CodeHandshake, Error, "the server sent no certificate")
		return r
	}
	if st.Version < tls.VersionTLS12 {
		r.add(CodeOldProtocol, Warning, "the server speaks at most %s, which RFC 8996 deprecates and current clients refuse; enable TLS 1.2 (SSLProtocols = \"TLS12\")", r.Protocol)
	}
	r.checkChain(st.PeerCertificates, opts)
	return r
}

// allCipherSuites offers every suite Go implements, the insecure ones
// too, so that an old server still completes a handshake and can be
// described; the connection carries no data.
var allCipherSuites = sync.OnceValue(func() []uint16 {
	var out []uint16
	for _, s := range tls.CipherSuites() {
		out = append(out, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		out = append(out, s.ID)
	}
	return out
})

func (r *Result) dialProblem(err error, timeout time.Duration) {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		why := "no such host"
		if !dnsErr.IsNotFound {
			why = dnsErr.Err
			r.transient = dnsErr.IsTimeout || dnsErr.IsTemporary
		}
		r.add(CodeDNS, Error, "cannot resolve %s: %s (is the name right, and is this host in the endpoint's network?)", dnsErr.Name, why)
	case errors.Is(err, syscall.ECONNREFUSED):
		r.transient = true
		r.add(CodeRefused, Error, "connection refused: nothing listens on %s (is the service running, and is the port right?)", r.Address)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		r.transient = true
		r.add(CodeTimeout, Error, "connection timeout: %s did not answer within %s (a firewall may drop the connection, or the host is down)", r.Address, timeout)
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		r.add(CodeUnreachable, Error, "no route to %s: %v", r.Address, unwrapOp(err))
	default:
		r.transient = true
		r.add(CodeConnect, Error, "cannot connect to %s: %v", r.Address, unwrapOp(err))
	}
}

func (r *Result) handshakeProblem(err error, scheme string, timeout time.Duration, rec *recorder) {
	var rhe tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &rhe):
		said := plainText(rec)
		hint := "is ServerPort still open / did you forget iwfms://?"
		switch scheme {
		case "https", "wss":
			hint = "is this the plain HTTP port (HTTPPort) rather than the HTTPS one / did you forget https://?"
		case "", "iwfms":
		default:
			hint = fmt.Sprintf("is this the plain port of the service / did you forget %s://?", scheme)
		}
		r.add(CodePlainText, Error, "the server answered in plain text%s: %s", said, hint)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		r.transient = true
		r.add(CodeHandshakeTime, Error, "handshake timeout: %s accepted the connection but sent no TLS answer within %s (is this a TLS port? a plain-text service that waits for the client looks like this)", r.Address, timeout)
	case errors.As(err, &alert):
		r.add(CodeAlert, Error, "the server refused the handshake (%v): it accepts none of the protocol versions and cipher suites offered (TLS 1.0 to 1.3), wants a client certificate, or does not know the name %q sent as SNI", err, r.ServerName)
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF):
		r.transient = true
		r.add(CodeClosed, Error, "the server closed the connection during the handshake: it may not speak TLS on this port, may be restarting, or accepts no protocol or cipher offered (compare SSLProtocols and SSLAlgorithms)")
	default:
		r.add(CodeHandshake, Error, "handshake failed: %v", err)
	}
}

// recorder keeps the first bytes a connection read, so that a plain-text
// answer can be quoted.
type recorder struct {
	net.Conn
	first []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	if room := 80 - len(r.first); room > 0 {
		r.first = append(r.first, p[:min(n, room)]...)
	}
	return n, err
}

// plainText shows the start of what a plain-text server said, for the
// message: ` ("HTTP/1.1 400 Bad Request")`.
func plainText(rec *recorder) string {
	buf := rec.first
	if len(buf) < 20 {
		// Only the record header was read: wait a moment for the rest.
		_ = rec.Conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		more := make([]byte, 60)
		n, _ := io.ReadAtLeast(rec.Conn, more, 1)
		buf = append(buf, more[:n]...)
	}
	line, _, _ := strings.Cut(string(buf), "\n")
	line = strings.TrimSpace(line)
	printable := line != ""
	for _, c := range line {
		if c < 0x20 || c > 0x7e {
			printable = false
			break
		}
	}
	if !printable {
		return ""
	}
	return fmt.Sprintf(" (%q)", line)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func unwrapOp(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

// checkChain verifies the served chain and notes what is wrong with it.
func (r *Result) checkChain(chain []*x509.Certificate, opts Options) {
	now := opts.now()
	leaf := chain[0]
	r.DaysLeft = int(leaf.NotAfter.Sub(now).Hours() / 24)
	if leaf.NotAfter.Before(now) {
		r.DaysLeft = -int(now.Sub(leaf.NotAfter).Hours() / 24)
	}
	r.HostnameMatch = leaf.VerifyHostname(r.ServerName) == nil
	if !r.HostnameMatch {
		r.add(CodeHostname, Error, "the certificate does not name %s: it holds %s (browsers: NET::ERR_CERT_COMMON_NAME_INVALID; add the name to dns_names)", r.ServerName, namesOf(leaf))
	}
	for _, c := range chain {
		switch {
		case now.After(c.NotAfter):
			r.add(CodeExpired, Error, "%s expired on %s, %d days ago", who(c, leaf), c.NotAfter.UTC().Format("2006-01-02"), int(now.Sub(c.NotAfter).Hours()/24))
		case now.Before(c.NotBefore):
			r.add(CodeNotYetValid, Error, "%s is valid only from %s (is a clock wrong?)", who(c, leaf), c.NotBefore.UTC().Format("2006-01-02 15:04 MST"))
		case c == leaf && c.NotAfter.Sub(now) < ExpiryWarning:
			r.add(CodeExpiring, Warning, "the certificate expires in %d days, on %s", r.DaysLeft, c.NotAfter.UTC().Format("2006-01-02"))
		}
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < 2048 {
			r.add(CodeWeakKey, Error, "%s has a %d-bit RSA key; clients refuse keys below 2048 bits", who(c, leaf), k.N.BitLen())
		}
	}

	// Verify at a moment all certificates are valid, so that an expired
	// certificate (reported above) does not hide whether the chain is
	// trusted.
	at := now
	for _, c := range chain {
		if at.After(c.NotAfter) {
			at = c.NotAfter.Add(-time.Second)
		}
		if at.Before(c.NotBefore) {
			at = c.NotBefore.Add(time.Second)
		}
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	vo := x509.VerifyOptions{Intermediates: inter, CurrentTime: at}
	if opts.Roots != nil {
		vo.Roots = x509.NewCertPool()
		for _, c := range opts.Roots {
			vo.Roots.AddCert(c)
		}
	}
	_, err := leaf.Verify(vo)
	if err == nil {
		r.Verified = true
		return
	}
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		r.untrusted(chain, opts)
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		// Reported above.
	default:
		r.add(CodeInvalid, Error, "the chain does not verify: %v", err)
	}
}

// untrusted explains a chain that leads to no trusted root.
func (r *Result) untrusted(chain []*x509.Certificate, opts Options) {
	leaf, top := chain[0], chain[len(chain)-1]
	roots := opts.rootsName()
	switch {
	case len(chain) == 1 && selfSigned(leaf):
		r.add(CodeSelfSigned, Error, "the server sent a self-signed certificate (%s): it encrypts but proves no identity, so browsers warn and other clients refuse it unless they trust exactly this certificate (seed 003)", leaf.Subject)
	case len(chain) == 1 && knowsIntermediate(leaf, opts):
		r.add(CodeNoIntermediate, Error, "the server sent no intermediate: it sent only its own certificate, issued by %q, which is not among %s; configure the server with the full chain (its certificate followed by the intermediates)", leaf.Issuer.String(), roots)
	case len(chain) == 1:
		r.add(CodeUntrusted, Error, "not trusted by %s: the server sent only its own certificate, issued by %q. If that is an intermediate CA, the server sent no intermediate: serve the full chain. If it is your company's root, check against it with --trust trust_chain.NAME or --ca-file FILE", roots, leaf.Issuer.String())
	case selfSigned(top):
		r.add(CodeUntrusted, Error, "the chain ends at the root %q, which is not among %s: clients must be given that root (company PKI: seed 004)", top.Subject.String(), roots)
	default:
		r.add(CodeUntrusted, Error, "the chain ends at %q, issued by %q, which is neither among %s nor sent by the server", top.Subject.String(), top.Issuer.String(), roots)
	}
}

// knowsIntermediate reports whether the probe can tell for sure that the
// leaf's issuer is an intermediate the server should have sent: the caller
// named it as one, or the given roots do not hold it.
func knowsIntermediate(leaf *x509.Certificate, opts Options) bool {
	for _, c := range opts.Intermediates {
		if leaf.CheckSignatureFrom(c) == nil {
			return true
		}
	}
	if opts.Roots == nil {
		return false
	}
	for _, c := range opts.Roots {
		if leaf.CheckSignatureFrom(c) == nil {
			return false
		}
	}
	return true
}

// selfSigned reports whether c signed itself. CheckSignatureFrom is not
// used: it refuses a parent that is not a CA, and a self-signed server
// certificate often is not one.
func selfSigned(c *x509.Certificate) bool {
	return c.Subject.String() == c.Issuer.String() && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

func who(c, leaf *x509.Certificate) string {
	if c == leaf {
		return "the certificate"
	}
	return fmt.Sprintf("the chain certificate %q", c.Subject.String())
}

func namesOf(c *x509.Certificate) string {
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		if c.Subject.CommonName != "" {
			return fmt.Sprintf("no subject alternative name, only the common name %q, which clients ignore", c.Subject.CommonName)
		}
		return "no names"
	}
	return strings.Join(names, ", ")
}

// describe summarises a certificate for the result.
func describe(c *x509.Certificate) Certificate {
	sum := sha256.Sum256(c.Raw)
	out := Certificate{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		DNSNames:           append([]string{}, c.DNSNames...),
		IPAddresses:        []string{},
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		Key:                KeyDescription(c.PublicKey),
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		FingerprintSHA256:  hex.EncodeToString(sum[:]),
		IsCA:               c.IsCA,
		SelfSigned:         selfSigned(c),
		X509:               c,
	}
	for _, ip := range c.IPAddresses {
		out.IPAddresses = append(out.IPAddresses, ip.String())
	}
	return out
}

// KeyDescription names a public key the way people compare them:
// "RSA 2048", "ECDSA P-256", "Ed25519".
func KeyDescription(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// Request is one probe of All.
type Request struct {
	// Name labels the result ("endpoint.ies"); it may be empty.
	Name    string
	URL     string
	Options Options
}

// All probes every request, at most parallelism at once (at least one),
// and returns the results in the order of reqs.
func All(ctx context.Context, reqs []Request, parallelism int) []*Result {
	if parallelism < 1 {
		parallelism = 1
	}
	out := make([]*Result, len(reqs))
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			res := Probe(ctx, req.URL, req.Options)
			res.Name = req.Name
			out[i] = res
		}()
	}
	wg.Wait()
	return out
}
