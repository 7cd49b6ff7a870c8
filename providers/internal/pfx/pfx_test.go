package pfx_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/certform/certform/providers/internal/pfx"
)

type pair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	p8   []byte
}

func newPair(t *testing.T, cn string, parent *pair) pair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IsCA:         parent == nil, BasicConstraintsValid: true,
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	return pair{cert: c, key: key, p8: p8}
}

func bags(ca, leaf pair) []pfx.Bag {
	id := sha1.Sum(leaf.cert.Raw)
	return []pfx.Bag{
		{Key: leaf.p8, FriendlyName: "ies.example.test", LocalKeyID: id[:]},
		{Cert: leaf.cert.Raw, FriendlyName: "ies.example.test", LocalKeyID: id[:]},
		{Cert: ca.cert.Raw},
		{Cert: ca.cert.Raw, FriendlyName: "root-ca", Trusted: true},
	}
}

func TestRoundTrip(t *testing.T) {
	ca := newPair(t, "Root CA", nil)
	leaf := newPair(t, "ies.example.test", &ca)
	for _, enc := range []pfx.Encryption{pfx.Modern, pfx.Legacy} {
		t.Run(string(enc), func(t *testing.T) {
			data, err := pfx.Encode(bags(ca, leaf), "Geheim 123 ü", enc, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			f, err := pfx.Decode(data, "Geheim 123 ü")
			if err != nil {
				t.Fatal(err)
			}
			if f.Encryption != enc {
				t.Errorf("encryption %q, want %q", f.Encryption, enc)
			}
			if len(f.Bags) != 4 {
				t.Fatalf("%d bags, want 4", len(f.Bags))
			}
			// Encode writes certificates first.
			if !bytes.Equal(f.Bags[3].Key, leaf.p8) || f.Bags[3].FriendlyName != "ies.example.test" {
				t.Errorf("key bag: %+v", f.Bags[3])
			}
			if !f.Bags[2].Trusted || f.Bags[2].FriendlyName != "root-ca" || f.Bags[1].Trusted {
				t.Errorf("trusted marks: %+v", f.Bags)
			}

			// go-pkcs12, an independent implementation, reads it too.
			key, cert, cas, err := gopkcs12.DecodeChain(data, "Geheim 123 ü")
			if err != nil {
				t.Fatalf("go-pkcs12: %v", err)
			}
			if !cert.Equal(leaf.cert) || len(cas) != 2 || !key.(*ecdsa.PrivateKey).Equal(leaf.key) {
				t.Errorf("go-pkcs12 read something else")
			}

			if _, err := pfx.Decode(data, "wrong"); !errors.Is(err, pfx.ErrWrongPassword) {
				t.Errorf("wrong password: %v", err)
			}
			if _, err := pfx.Decode(data[:len(data)/2], "Geheim 123 ü"); err == nil || !strings.Contains(err.Error(), "truncated") {
				t.Errorf("truncated: %v", err)
			}
		})
	}
}

func TestOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	ca := newPair(t, "Root CA", nil)
	leaf := newPair(t, "ies.example.test", &ca)
	dir := t.TempDir()
	for _, enc := range []pfx.Encryption{pfx.Modern, pfx.Legacy} {
		data, err := pfx.Encode(bags(ca, leaf), "pw", enc, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, string(enc)+".pfx")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"pkcs12", "-info", "-noout", "-passin", "pass:pw", "-in", p}
		if enc == pfx.Legacy {
			args = append(args, "-legacy")
		}
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		want := "PBES2, PBKDF2, AES-256-CBC"
		if enc == pfx.Legacy {
			want = "pbeWithSHA1And3-KeyTripleDES-CBC"
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("openssl does not report %s:\n%s", want, out)
		}
	}

	// And we read what openssl writes.
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: leaf.p8})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.cert.Raw})
	os.WriteFile(filepath.Join(dir, "k.pem"), keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "c.pem"), certPEM, 0o600)
	out, err := exec.Command("openssl", "pkcs12", "-export", "-in", filepath.Join(dir, "c.pem"), "-inkey", filepath.Join(dir, "k.pem"),
		"-name", "from openssl", "-passout", "pass:pw", "-out", filepath.Join(dir, "o.pfx")).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl export: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "o.pfx"))
	f, err := pfx.Decode(data, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Bags) != 2 || f.Bags[0].FriendlyName != "from openssl" || f.Encryption != pfx.Modern || f.MAC != "SHA-256" {
		t.Errorf("openssl's file read as %+v", f)
	}
}
