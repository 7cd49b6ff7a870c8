package acme

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/go-acme/lego/v4/acme/api"
	legolog "github.com/go-acme/lego/v4/log"

	"github.com/certform/certform/providers/pemcert"
)

// userAgent names certform to ACME servers, before lego's own.
const userAgent = "certform"

// requestTimeout bounds each HTTP request to the ACME server.
const requestTimeout = time.Minute

var quietLego sync.Once

// silenceLego stops lego from logging to stderr: certform reports progress
// through providers.Env.Report and failures as diagnostics.
func silenceLego() {
	quietLego.Do(func() { legolog.Logger = log.New(io.Discard, "", 0) })
}

// httpClient returns a client for the ACME server that trusts caRoots
// (the system roots when empty) and whose requests end when ctx does.
func httpClient(ctx context.Context, caRoots string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caRoots != "" {
		roots, err := pemcert.All(caRoots)
		if err != nil {
			return nil, fmt.Errorf("ca_roots: %w", err)
		}
		pool := x509.NewCertPool()
		for _, c := range roots {
			pool.AddCert(c)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Timeout: requestTimeout, Transport: ctxTransport{ctx: ctx, rt: tr}}, nil
}

// ctxTransport gives every request the context of the operation it belongs
// to: lego's requests carry none, and a cancelled apply must stop them.
type ctxTransport struct {
	ctx context.Context
	rt  http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.rt.RoundTrip(r.WithContext(t.ctx))
}

// newCore connects to the ACME directory and signs with key: as the
// account kid when it is set, with the embedded public key otherwise
// (registration, and revocation with the certificate's own key).
func newCore(ctx context.Context, directory, caRoots, kid string, key crypto.Signer) (*api.Core, error) {
	silenceLego()
	client, err := httpClient(ctx, caRoots)
	if err != nil {
		return nil, err
	}
	core, err := api.New(client, userAgent, directory, kid, key)
	if err != nil {
		return nil, &directoryError{directory: directory, err: err}
	}
	return core, nil
}

// directoryError is an ACME directory that cannot be fetched.
type directoryError struct {
	directory string
	err       error
}

func (e *directoryError) Error() string {
	return fmt.Sprintf("fetching the ACME directory %s: %v", e.directory, e.err)
}

func (e *directoryError) Unwrap() error { return e.err }

// untrusted reports whether err is a TLS certificate the client could not
// verify.
func untrusted(err error) bool {
	var ua x509.UnknownAuthorityError
	var cv *tls.CertificateVerificationError
	var hn x509.HostnameError
	return errors.As(err, &ua) || errors.As(err, &cv) || errors.As(err, &hn)
}

// urlError reports whether err is a failed HTTP exchange (as opposed to an
// answer from the server).
func urlError(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue)
}

// newAccountKey makes an account key of the given type (see keyTypes).
func newAccountKey(keyType string) (crypto.Signer, error) {
	switch normalizeKeyType(keyType) {
	case "P256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "P384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "RSA2048":
		return rsa.GenerateKey(rand.Reader, 2048)
	case "RSA3072":
		return rsa.GenerateKey(rand.Reader, 3072)
	case "RSA4096":
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("unsupported account key type %q", keyType)
}

// encodeKey returns the PKCS#8 PEM of a key and its id in Secrets:
// "sha256:" and the hex SHA-256 of its DER public key, as certificate keys
// are named.
func encodeKey(key crypto.Signer) (id string, keyPEM []byte, err error) {
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return "", nil, fmt.Errorf("encoding public key: %w", err)
	}
	sum := sha256.Sum256(der)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", nil, fmt.Errorf("encoding private key: %w", err)
	}
	return "sha256:" + hex.EncodeToString(sum[:]), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}

// host is the host of a URL, for short messages.
func host(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}
