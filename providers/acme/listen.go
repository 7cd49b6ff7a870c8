package acme

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-acme/lego/v4/challenge/http01"
	"github.com/go-acme/lego/v4/challenge/tlsalpn01"
)

// serverSet holds the challenge listeners of a Remote, by challenge type
// and address. Certificates applied in parallel share a listener when
// their issuers listen on the same address; the last one to finish
// closes it.
type serverSet struct {
	mu sync.Mutex
	m  map[string]*challengeServer
}

// challengeServer answers HTTP-01 requests (tokens) or TLS-ALPN-01
// handshakes (certs) on one address while orders are pending.
type challengeServer struct {
	key  string
	refs int // guarded by serverSet.mu
	ln   net.Listener
	http *http.Server

	mu     sync.Mutex
	tokens map[string]string           // HTTP-01: token -> key authorization
	certs  map[string]*tls.Certificate // TLS-ALPN-01: lower-case name -> certificate
}

// acquire returns the listener for a challenge type on addr, starting it
// if needed. Each acquire needs a release.
func (s *serverSet) acquire(typ, addr string) (*challengeServer, error) {
	key := typ + " " + addr
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.m[key]; cs != nil {
		cs.refs++
		return cs, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &listenError{challenge: typ, addr: addr, err: err}
	}
	cs := &challengeServer{key: key, refs: 1, ln: ln, tokens: map[string]string{}, certs: map[string]*tls.Certificate{}}
	switch typ {
	case typeHTTP01:
		cs.http = &http.Server{Handler: cs, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = cs.http.Serve(ln) }()
	case typeTLSALPN01:
		go cs.serveTLS()
	}
	s.m[key] = cs
	return cs, nil
}

// release gives back a listener; the last release closes it.
func (s *serverSet) release(cs *challengeServer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs.refs--
	if cs.refs > 0 {
		return
	}
	delete(s.m, cs.key)
	if cs.http != nil {
		_ = cs.http.Close()
	} else {
		_ = cs.ln.Close()
	}
}

func (cs *challengeServer) addToken(token, keyAuth string) {
	cs.mu.Lock()
	cs.tokens[token] = keyAuth
	cs.mu.Unlock()
}

func (cs *challengeServer) removeToken(token string) {
	cs.mu.Lock()
	delete(cs.tokens, token)
	cs.mu.Unlock()
}

// ServeHTTP answers /.well-known/acme-challenge/TOKEN with the key
// authorization of a pending challenge, and 404 to anything else.
func (cs *challengeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.URL.Path, http01.PathPrefix)
	cs.mu.Lock()
	keyAuth, found := cs.tokens[token]
	cs.mu.Unlock()
	if !ok || !found || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(keyAuth))
}

func (cs *challengeServer) addCert(name string, c *tls.Certificate) {
	cs.mu.Lock()
	cs.certs[strings.ToLower(name)] = c
	cs.mu.Unlock()
}

func (cs *challengeServer) removeCert(name string) {
	cs.mu.Lock()
	delete(cs.certs, strings.ToLower(name))
	cs.mu.Unlock()
}

// serveTLS completes TLS-ALPN-01 handshakes (RFC 8737): the validation
// certificate for the name the client asks for, with the acme-tls/1
// protocol, and nothing else.
func (cs *challengeServer) serveTLS() {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{tlsalpn01.ACMETLS1Protocol},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			cs.mu.Lock()
			defer cs.mu.Unlock()
			if c := cs.certs[strings.ToLower(hello.ServerName)]; c != nil {
				return c, nil
			}
			return nil, errNoChallenge
		},
	}
	for {
		conn, err := cs.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			_ = tls.Server(conn, cfg).Handshake()
		}()
	}
}

type noChallengeError struct{}

func (noChallengeError) Error() string { return "no pending TLS-ALPN-01 challenge for this name" }

var errNoChallenge error = noChallengeError{}
