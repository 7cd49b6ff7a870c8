package pemcert_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/certform/certform/providers/pemcert"
)

// Fingerprints of the fixtures, from
// openssl x509 -noout -fingerprint -sha256 -in testdata/NAME.pem.
const (
	rootFP = "c422a7897e9da016c4ae76a4d7a1aa2018611c79b1b4173ad2921fbf4150f18d"
	leafFP = "e4b5b4589e7abdb448a6de73847c9e66f8dab098c40d4169a202168e9307f219"
)

// broken is a CERTIFICATE block that is not a certificate.
const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keyPEM returns a PKCS #8 private key in PEM, made for the test.
func keyPEM(t testing.TB) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func fingerprints(certs []*x509.Certificate) []string {
	var out []string
	for _, c := range certs {
		out = append(out, pemcert.Fingerprint(c))
	}
	return out
}

type parseCase struct {
	name string
	text string
	// all is what Parse returns, as fingerprints.
	all []string
	// first is what First returns, as a fingerprint, or its error.
	first, err string
}

func parseCases(t testing.TB) []parseCase {
	root, leaf, key := fixture(t, "root.pem"), fixture(t, "leaf.pem"), keyPEM(t)
	const noCert = "no PEM CERTIFICATE block found"
	return []parseCase{
		{name: "empty", text: "", err: noCert},
		{name: "not PEM", text: "hello", err: noCert},
		{name: "key only", text: key, err: noCert},
		{name: "one", text: root, all: []string{rootFP}, first: rootFP},
		{name: "chain", text: leaf + root, all: []string{leafFP, rootFP}, first: leafFP},
		{name: "no final newline", text: strings.TrimSuffix(root, "\n"), all: []string{rootFP}, first: rootFP},
		{name: "text around blocks", text: "subject=CN = leaf\n" + leaf + "\nissuer\n" + root + "end\n", all: []string{leafFP, rootFP}, first: leafFP},
		{name: "key first", text: key + leaf, all: []string{leafFP}, first: leafFP},
		{name: "key between", text: leaf + key + root, all: []string{leafFP, rootFP}, first: leafFP},
		{name: "broken", text: broken, err: "parsing certificate: "},
		{name: "broken first", text: broken + root, all: []string{rootFP}, err: "parsing certificate: "},
		{name: "broken last", text: root + broken, all: []string{rootFP}, first: rootFP},
	}
}

// checkParse runs a case through the given Parse and First.
func checkParse(t *testing.T, tc parseCase, parse func(string) []*x509.Certificate, first func(string) (*x509.Certificate, error)) {
	t.Helper()
	if got := fingerprints(parse(tc.text)); strings.Join(got, ",") != strings.Join(tc.all, ",") {
		t.Errorf("Parse = %q, want %q", got, tc.all)
	}
	c, err := first(tc.text)
	switch {
	case tc.err == "" && err != nil:
		t.Errorf("First: %v, want %s", err, tc.first)
	case tc.err == "" && pemcert.Fingerprint(c) != tc.first:
		t.Errorf("First = %s, want %s", pemcert.Fingerprint(c), tc.first)
	case tc.err != "" && (err == nil || c != nil):
		t.Errorf("First = %v, %v; want error %q", c, err, tc.err)
	case tc.err != "" && !strings.HasPrefix(err.Error(), tc.err):
		// Diagnostics show this text, and scripts may match it.
		t.Errorf("First: %q, want %q", err, tc.err)
	}
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			checkParse(t, tc, pemcert.Parse, pemcert.First)
		})
	}
}

// TestCacheParse checks that a Cache, zero, made by NewCache or nil,
// answers as the package functions do, the first time and from what it
// kept.
func TestCacheParse(t *testing.T) {
	caches := []struct {
		name  string
		cache *pemcert.Cache
	}{
		{"nil", nil},
		{"zero", &pemcert.Cache{}},
		{"NewCache", pemcert.NewCache(0)},
		{"tiny", pemcert.NewCache(1)},
	}
	for _, cc := range caches {
		for _, tc := range parseCases(t) {
			t.Run(cc.name+"/"+tc.name, func(t *testing.T) {
				for range 2 {
					checkParse(t, tc, cc.cache.Parse, cc.cache.First)
				}
			})
		}
	}
}

// TestFirstWraps checks that First's error wraps the one of
// x509.ParseCertificate, as parsing the block directly gives.
func TestFirstWraps(t *testing.T) {
	b, _ := pem.Decode([]byte(broken))
	_, want := x509.ParseCertificate(b.Bytes)
	for name, first := range map[string]func(string) (*x509.Certificate, error){
		"First":       pemcert.First,
		"Cache.First": (&pemcert.Cache{}).First,
	} {
		_, err := first(broken)
		if err == nil || err.Error() != "parsing certificate: "+want.Error() {
			t.Errorf("%s: %v, want parsing certificate: %v", name, err, want)
		}
	}
}

// TestAll: every certificate, other blocks skipped, and an error for a
// certificate that does not parse or for none at all.
func TestAll(t *testing.T) {
	root, leaf := fixture(t, "root.pem"), fixture(t, "leaf.pem")
	certs, err := pemcert.All(keyPEM(t) + leaf + root)
	if err != nil || len(certs) != 2 || pemcert.Fingerprint(certs[0]) != pemcert.Fingerprint(pemcert.Parse(leaf)[0]) {
		t.Fatalf("All(key, leaf, root) = %d certificates, %v; want leaf and root", len(certs), err)
	}
	if _, err := pemcert.All(leaf + broken); err == nil || !strings.HasPrefix(err.Error(), "parsing certificate: ") {
		t.Errorf("a broken certificate: %v", err)
	}
	if _, err := pemcert.All(keyPEM(t)); err == nil || err.Error() != "no PEM CERTIFICATE block found" {
		t.Errorf("no certificate: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	c, err := pemcert.First(fixture(t, "root.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if got := pemcert.Fingerprint(c); got != rootFP {
		t.Errorf("Fingerprint = %s, want %s", got, rootFP)
	}
}

// TestCacheKeeps checks what a Cache keeps: a text it keeps gives the same
// certificates every time; a text it must not keep, or has no room for,
// is parsed anew on every call.
func TestCacheKeeps(t *testing.T) {
	root, leaf, key := fixture(t, "root.pem"), fixture(t, "leaf.pem"), keyPEM(t)
	tests := []struct {
		name  string
		cache *pemcert.Cache
		// before are texts asked for first, to fill the cache.
		before []string
		text   string
		kept   bool
	}{
		{name: "certificate", cache: &pemcert.Cache{}, text: root, kept: true},
		{name: "chain", cache: &pemcert.Cache{}, text: leaf + root, kept: true},
		{name: "with text around", cache: &pemcert.Cache{}, text: "Bag Attributes\n" + root, kept: true},
		{name: "with a private key", cache: &pemcert.Cache{}, text: leaf + key, kept: false},
		{name: "private key first", cache: &pemcert.Cache{}, text: key + leaf, kept: false},
		{name: "with a request", cache: &pemcert.Cache{}, text: leaf + strings.ReplaceAll(root, "CERTIFICATE", "CERTIFICATE REQUEST"), kept: false},
		{name: "nil", cache: nil, text: root, kept: false},
		{name: "room for exactly it", cache: pemcert.NewCache(len(root)), text: root, kept: true},
		{name: "no room", cache: pemcert.NewCache(len(root) - 1), text: root, kept: false},
		{name: "full", cache: pemcert.NewCache(len(leaf) + len(root) - 1), before: []string{leaf}, text: root, kept: false},
		{name: "already kept when full", cache: pemcert.NewCache(len(leaf)), before: []string{leaf}, text: leaf, kept: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.before {
				tc.cache.Parse(s)
			}
			a, b := tc.cache.Parse(tc.text), tc.cache.Parse(tc.text)
			f, _ := tc.cache.First(tc.text)
			if len(a) == 0 || len(b) == 0 {
				t.Fatalf("Parse found no certificate")
			}
			if kept := a[0] == b[0] && a[0] == f; kept != tc.kept {
				t.Errorf("kept = %v, want %v", kept, tc.kept)
			}
		})
	}
}

// TestCacheAppend checks that callers who append to what Parse returned
// each get their own slice, not one another's.
func TestCacheAppend(t *testing.T) {
	c := &pemcert.Cache{}
	root, leaf := fixture(t, "root.pem"), fixture(t, "leaf.pem")
	r, err := c.First(root)
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.First(leaf)
	if err != nil {
		t.Fatal(err)
	}
	// Three certificates, so that a slice grown by append would have
	// room for a fourth.
	text := leaf + root + leaf
	a := append(c.Parse(text), r)
	b := append(c.Parse(text), l)
	if got, want := fingerprints(a), []string{leafFP, rootFP, leafFP, rootFP}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("first caller's slice = %q, want %q", got, want)
	}
	if got, want := fingerprints(b), []string{leafFP, rootFP, leafFP, leafFP}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("second caller's slice = %q, want %q", got, want)
	}
}

// TestCacheConcurrent asks a Cache for the same texts from many
// goroutines at once, as the plan engine's workers and the checks'
// prefetch do; run it with -race. Every caller must get the certificates
// of the one parse.
func TestCacheConcurrent(t *testing.T) {
	root, leaf, key := fixture(t, "root.pem"), fixture(t, "leaf.pem"), keyPEM(t)
	texts := []string{root, leaf, leaf + root, root + leaf, leaf + key, broken, ""}
	// want is the fingerprint of the first certificate of each text.
	want := []string{rootFP, leafFP, leafFP, rootFP, leafFP, "", ""}
	c := &pemcert.Cache{}
	const workers, rounds = 16, 50
	kept := make([][]*x509.Certificate, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds * len(texts) {
				j := (i + w) % len(texts)
				var certs []*x509.Certificate
				if i%2 == 0 {
					certs = c.Parse(texts[j])
				} else if f, err := c.First(texts[j]); err == nil {
					certs = []*x509.Certificate{f}
				}
				got := ""
				if len(certs) > 0 {
					got = pemcert.Fingerprint(certs[0])
				}
				if got != want[j] {
					t.Errorf("text %d: got %q, want %q", j, got, want[j])
				}
				if j == 2 {
					kept[w] = append(kept[w], certs...)
				}
			}
		}()
	}
	wg.Wait()
	// Every caller got the same certificate for leaf + root: it was
	// parsed once.
	first := kept[0][0]
	for w := range kept {
		for _, c := range kept[w] {
			if pemcert.Fingerprint(c) == leafFP && c != first {
				t.Fatalf("worker %d got another parse of the leaf", w)
			}
		}
	}
}
