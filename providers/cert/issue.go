package cert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// backdate is how far before the time of issue a certificate becomes
// valid, so that hosts whose clocks run a few minutes late accept it at
// once. not_after is not_before plus validity, so validity stays exact.
const backdate = 5 * time.Minute

// signer is a certificate and key that sign new certificates.
type signer struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// issued is a new certificate with its key.
type issued struct {
	cert   *x509.Certificate
	keyPEM []byte // PKCS#8, "PRIVATE KEY"
	keyID  string
}

// issue generates a key and a certificate for s, signed by parent, or
// self-signed when parent is nil. The certificate ends no later than its
// parent.
func issue(s spec, now time.Time, parent *signer) (issued, error) {
	key, err := generateKey(s)
	if err != nil {
		return issued{}, err
	}
	id, ski, err := keyIdentifiers(key.Public())
	if err != nil {
		return issued{}, err
	}
	serial, err := randomSerial()
	if err != nil {
		return issued{}, err
	}
	notBefore := now.UTC().Truncate(time.Second).Add(-backdate)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject(s),
		DNSNames:              s.dnsNames,
		IPAddresses:           s.ips,
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(s.validity),
		KeyUsage:              s.keyUsage,
		ExtKeyUsage:           s.extKeyUsage,
		BasicConstraintsValid: true,
		IsCA:                  s.isCA,
		SubjectKeyId:          ski,
	}
	parentCert, parentKey := tmpl, crypto.Signer(key)
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
		if tmpl.NotAfter.After(parent.cert.NotAfter) {
			tmpl.NotAfter = parent.cert.NotAfter
		}
		// x509.CreateCertificate copies the parent's SubjectKeyId into
		// AuthorityKeyId; a self-signed certificate gets its own.
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return issued{}, fmt.Errorf("signing certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return issued{}, fmt.Errorf("parsing new certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return issued{}, fmt.Errorf("encoding private key: %w", err)
	}
	return issued{
		cert:   c,
		keyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		keyID:  id,
	}, nil
}

func subject(s spec) pkix.Name {
	n := pkix.Name{CommonName: s.commonName}
	if s.organization != "" {
		n.Organization = []string{s.organization}
	}
	return n
}

// generateKey makes a new private key of the configured kind.
func generateKey(s spec) (crypto.Signer, error) {
	switch s.algorithm {
	case "RSA":
		switch s.bits {
		case 2048, 3072, 4096:
		default:
			return nil, fmt.Errorf("unsupported RSA key size %d", s.bits)
		}
		k, err := rsa.GenerateKey(rand.Reader, s.bits)
		if err != nil {
			return nil, fmt.Errorf("generating RSA key: %w", err)
		}
		return k, nil
	case "ECDSA":
		var curve elliptic.Curve
		switch s.curve {
		case "P256":
			curve = elliptic.P256()
		case "P384":
			curve = elliptic.P384()
		default:
			return nil, fmt.Errorf("unsupported ECDSA curve %q", s.curve)
		}
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating ECDSA key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("unsupported key algorithm %q", s.algorithm)
}

// keyIdentifiers returns the key id ("sha256:" and the hex SHA-256 of the
// DER SubjectPublicKeyInfo) and the subject key identifier: the leftmost
// 160 bits of the SHA-256 of the subjectPublicKey bits (RFC 7093, method 1).
func keyIdentifiers(pub crypto.PublicKey) (id string, ski []byte, err error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", nil, fmt.Errorf("encoding public key: %w", err)
	}
	sum := sha256.Sum256(der)
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return "", nil, fmt.Errorf("decoding public key: %w", err)
	}
	skiSum := sha256.Sum256(info.PublicKey.Bytes)
	return "sha256:" + hex.EncodeToString(sum[:]), skiSum[:20], nil
}

// randomSerial returns a positive random 128-bit serial number; RFC 5280
// allows up to 20 octets, and the CA/Browser Forum asks for at least 64
// random bits.
func randomSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
		if err != nil {
			return nil, fmt.Errorf("generating serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}
