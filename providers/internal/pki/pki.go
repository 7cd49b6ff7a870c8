// Package pki holds what the store providers share about certificates:
// parsing PEM, fingerprints as values carry them, key ids, the
// certificate and trust-chain values other blocks pass in, and a
// deterministic random source for file formats that need salts.
//
// It sits below providers/pkcs12, providers/jks, providers/systemtrust,
// providers/winstore and providers/cert, and imports only the providers
// contract.
package pki

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Fingerprint is the lowercase hex SHA-256 of a certificate's DER, as the
// fingerprint_sha256 attribute of certificate values carries it.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// Thumbprint is the uppercase hex SHA-1 of a certificate's DER, as Windows
// shows it and selects certificates by. SHA-1 serves only as a name here.
func Thumbprint(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// KeyID names a key as providers.Secrets does: "sha256:" and the hex
// SHA-256 of the DER SubjectPublicKeyInfo.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encoding public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// ParseCertificates reads every CERTIFICATE block of a PEM text, in order.
// Any other block is an error: callers pass texts that should hold
// certificates only.
func ParseCertificates(text []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := text
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			if strings.Contains(b.Type, "PRIVATE KEY") {
				return nil, fmt.Errorf("a private key (%s) where certificates were expected", b.Type)
			}
			return nil, fmt.Errorf("unexpected PEM block %q where certificates were expected", b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// EncodePEM writes certificates as PEM, each once.
func EncodePEM(certs ...*x509.Certificate) []byte {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return []byte(b.String())
}

// ParsePrivateKey reads a PEM private key: PKCS#8, or PKCS#1 / SEC 1 as
// older tools write them. An encrypted key is refused with a hint.
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("no PEM private key found")
		}
		var key any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			if b.Headers["Proc-Type"] != "" {
				return nil, errors.New("the private key is encrypted; decrypt it first (openssl pkey -in KEY -out KEY.plain)")
			}
			key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			if b.Headers["Proc-Type"] != "" {
				return nil, errors.New("the private key is encrypted; decrypt it first (openssl pkey -in KEY -out KEY.plain)")
			}
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("the private key is encrypted; decrypt it first (openssl pkey -in KEY -out KEY.plain)")
		default:
			continue // EC PARAMETERS and the like
		}
		if err != nil {
			return nil, fmt.Errorf("parsing private key: %w", err)
		}
		s, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
		return s, nil
	}
}

// MarshalPrivateKey writes a key as PKCS#8 DER and as PEM.
func MarshalPrivateKey(key crypto.Signer) (der, pemBytes []byte, err error) {
	der, err = x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding private key: %w", err)
	}
	return der, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// SamePublicKey reports whether a private key belongs to a certificate.
func SamePublicKey(key crypto.Signer, c *x509.Certificate) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := key.Public().(equaler)
	return ok && pub.Equal(c.PublicKey)
}

// Name is a short human name for a certificate: its common name, or its
// whole subject when it has none.
func Name(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// Slug turns a name into a lowercase alias or file name stem: letters and
// digits kept, runs of anything else become one hyphen.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "cert"
	}
	return out
}

// NewRand returns a deterministic stream of bytes derived from the seed
// parts (HMAC-SHA-256 of a counter, keyed with the SHA-256 of the parts).
// File formats need salts and IVs; drawing them from the content being
// written, password included, makes the same content give the same bytes,
// so a plan can tell "unchanged" by hash and a saved plan still matches
// at apply. Salts stay unique per content and password, which is what
// they are for; they need not be secret.
func NewRand(parts ...[]byte) io.Reader {
	h := sha256.New()
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return &detRand{key: h.Sum(nil)}
}

type detRand struct {
	key []byte
	ctr uint64
	buf []byte
}

func (r *detRand) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.buf) == 0 {
			m := hmac.New(sha256.New, r.key)
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], r.ctr)
			r.ctr++
			m.Write(c[:])
			r.buf = m.Sum(nil)
		}
		k := copy(p[n:], r.buf)
		r.buf = r.buf[k:]
		n += k
	}
	return n, nil
}
