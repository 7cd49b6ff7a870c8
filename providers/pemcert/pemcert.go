package pemcert

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"iter"
)

// errNoCertificate is what First returns for a text without a CERTIFICATE
// block. Its text is part of diagnostics users see ("The issuer's pem
// cannot be read: no PEM CERTIFICATE block found.").
var errNoCertificate = errors.New("no PEM CERTIFICATE block found")

// Parse returns every certificate of a PEM text, in order. It skips blocks
// of other types (a private key, say) and CERTIFICATE blocks that do not
// parse, and returns nil when none is left.
func Parse(text string) []*x509.Certificate {
	var out []*x509.Certificate
	for der := range certificateBlocks(text) {
		if c, err := x509.ParseCertificate(der); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// All returns every certificate of a PEM text, in order, skipping blocks of
// other types. Unlike Parse it fails when a CERTIFICATE block does not
// parse ("parsing certificate: " and the error of [x509.ParseCertificate])
// and when there is none ("no PEM CERTIFICATE block found").
func All(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for der := range certificateBlocks(text) {
		c, err := parseDER(der)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errNoCertificate
	}
	return out, nil
}

// First returns the certificate of the first CERTIFICATE block of a PEM
// text, skipping blocks of other types before it. It fails when there is
// no such block ("no PEM CERTIFICATE block found") and when that block does
// not parse ("parsing certificate: " and the error of
// [x509.ParseCertificate], which the returned error wraps); it never looks
// past the first CERTIFICATE block.
func First(text string) (*x509.Certificate, error) {
	for der := range certificateBlocks(text) {
		return parseDER(der)
	}
	return nil, errNoCertificate
}

// parseAll reads a PEM text once for both Parse and First: certs is what
// Parse returns, and first and err what First returns.
func parseAll(text string) (certs []*x509.Certificate, first *x509.Certificate, err error) {
	err = errNoCertificate
	seen := false
	for der := range certificateBlocks(text) {
		c, perr := parseDER(der)
		if !seen {
			seen = true
			first, err = c, perr
		}
		if perr == nil {
			certs = append(certs, c)
		}
	}
	return certs, first, err
}

// certificateBlocks yields the DER of every CERTIFICATE block of a PEM
// text, in order, skipping blocks of other types.
func certificateBlocks(text string) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		rest := []byte(text)
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil || b.Type == "CERTIFICATE" && !yield(b.Bytes) {
				return
			}
		}
	}
}

// parseDER parses one certificate, with the error First and All give.
func parseDER(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate: %w", err)
	}
	return c, nil
}

// Fingerprint returns the SHA-256 fingerprint of a certificate as
// certificate values carry it (fingerprint_sha256): the lowercase hex
// SHA-256 of its DER encoding, without separators.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
