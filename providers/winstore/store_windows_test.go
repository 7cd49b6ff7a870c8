//go:build windows

package winstore_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/winstore"
)

// TestSystemStore works on the real CurrentUser\MY store through
// CryptoAPI (no administrator needed): a certificate goes in with its key
// and friendly name, is renamed, and goes out again. It runs on Windows
// only, and is compiled and vetted everywhere with GOOS=windows.
func TestSystemStore(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  func() (any, any)
	}{
		{"RSA", func() (any, any) { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k, k.Public() }},
		{"ECDSA P-256", func() (any, any) { k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader); return k, k.Public() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, pub := tc.key()
			now := time.Now()
			tmpl := &x509.Certificate{
				SerialNumber: big.NewInt(now.UnixNano()),
				Subject:      pkix.Name{CommonName: "certform winstore test " + tc.name},
				NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
				KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
				ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
			if err != nil {
				t.Fatal(err)
			}
			c, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			p8, err := x509.MarshalPKCS8PrivateKey(key)
			if err != nil {
				t.Fatal(err)
			}
			thumb := pki.Thumbprint(c)
			s := winstore.System()
			t.Cleanup(func() { _ = s.Remove("CurrentUser", "MY", thumb) })

			if _, found, err := s.Find("CurrentUser", "MY", thumb); err != nil || found {
				t.Fatalf("before Add: found %v, %v", found, err)
			}
			if err := s.Add("CurrentUser", "MY", der, p8, "certform test"); err != nil {
				t.Fatal(err)
			}
			e, found, err := s.Find("CurrentUser", "MY", thumb)
			if err != nil || !found || !e.HasKey || e.FriendlyName != "certform test" {
				t.Fatalf("after Add: %+v, found %v, %v", e, found, err)
			}
			// Adding it again replaces it: a new friendly name.
			if err := s.Add("CurrentUser", "MY", der, p8, "certform test renamed"); err != nil {
				t.Fatal(err)
			}
			if e, _, _ := s.Find("CurrentUser", "MY", thumb); e.FriendlyName != "certform test renamed" || !e.HasKey {
				t.Errorf("after a second Add: %+v", e)
			}
			if err := s.Remove("CurrentUser", "MY", thumb); err != nil {
				t.Fatal(err)
			}
			if _, found, err := s.Find("CurrentUser", "MY", thumb); err != nil || found {
				t.Errorf("after Remove: found %v, %v", found, err)
			}
			if err := s.Remove("CurrentUser", "MY", thumb); err != nil {
				t.Errorf("removing a missing certificate: %v", err)
			}
		})
	}
}
