package jks

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"

	"github.com/certform/certform/providers/internal/pfx"
	"github.com/certform/certform/providers/internal/pki"
)

// Keystore types, as the type argument writes them.
const (
	typeJKS    = "JKS"
	typePKCS12 = "PKCS12"
)

const (
	jksMagic   = 0xFEEDFEED
	jceksMagic = 0xCECECECE
)

// errWrongPassword is wrapped when the store password does not open a
// keystore.
var errWrongPassword = errors.New("wrong password")

// info describes one entry as the value records it.
type info struct {
	trusted bool
	// fp is the SHA-256 fingerprint of the entry's certificate (the leaf
	// of a key entry).
	fp      string
	subject string
	chain   []string // fingerprints of a key entry's chain, leaf excluded
	keyID   string   // "" when not known (the key has its own password)
}

func (i info) equal(o info) bool {
	return i.trusted == o.trusted && i.fp == o.fp && i.subject == o.subject && i.keyID == o.keyID &&
		strings.Join(i.chain, ",") == strings.Join(o.chain, ",")
}

// entry is an entry certform wants in the keystore.
type entry struct {
	alias   string
	trusted bool
	certs   []*x509.Certificate // the certificate, then a key entry's chain
	key     []byte              // PKCS#8, key entries only
	keyID   string
}

func (e entry) info() info {
	i := info{trusted: e.trusted, fp: pki.Fingerprint(e.certs[0]), subject: e.certs[0].Subject.String(), keyID: e.keyID}
	for _, c := range e.certs[1:] {
		i.chain = append(i.chain, pki.Fingerprint(c))
	}
	return i
}

// file is a keystore read from disk.
type file struct {
	kind string
	data []byte
	// entries lists every alias (lowercase) with what it holds.
	entries map[string]info
	jks     *keystore.KeyStore
	p12     *pfx.File
}

// detect names a keystore's type by its first bytes.
func detect(data []byte) (string, error) {
	if len(data) >= 4 {
		switch binary.BigEndian.Uint32(data) {
		case jksMagic:
			return typeJKS, nil
		case jceksMagic:
			return "", errors.New("it is a JCEKS keystore, which certform does not write; convert it with keytool -importkeystore -deststoretype PKCS12")
		}
	}
	if len(data) > 0 && data[0] == 0x30 {
		return typePKCS12, nil
	}
	return "", errors.New("it is neither a JKS nor a PKCS12 keystore (truncated, or another format)")
}

// open reads a keystore with the store password.
func open(data []byte, password string) (*file, error) {
	kind, err := detect(data)
	if err != nil {
		return nil, err
	}
	f := &file{kind: kind, data: data, entries: map[string]info{}}
	if kind == typeJKS {
		ks := keystore.New(keystore.WithOrderedAliases())
		if err := ks.Load(bytes.NewReader(data), []byte(password)); err != nil {
			if strings.Contains(err.Error(), "invalid digest") {
				return nil, fmt.Errorf("the keystore's integrity check fails: %w", errWrongPassword)
			}
			return nil, fmt.Errorf("reading the JKS keystore (truncated or damaged?): %w", err)
		}
		f.jks = &ks
		for _, alias := range ks.Aliases() {
			if ks.IsTrustedCertificateEntry(alias) {
				e, _ := ks.GetTrustedCertificateEntry(alias)
				c, err := x509.ParseCertificate(e.Certificate.Content)
				if err != nil {
					return nil, fmt.Errorf("alias %s: %w", alias, err)
				}
				f.entries[strings.ToLower(alias)] = info{trusted: true, fp: pki.Fingerprint(c), subject: c.Subject.String()}
				continue
			}
			chain, err := ks.GetPrivateKeyEntryCertificateChain(alias)
			if err != nil || len(chain) == 0 {
				return nil, fmt.Errorf("alias %s: a key entry without certificates", alias)
			}
			var i info
			for n, cc := range chain {
				c, err := x509.ParseCertificate(cc.Content)
				if err != nil {
					return nil, fmt.Errorf("alias %s: %w", alias, err)
				}
				if n == 0 {
					i.fp, i.subject = pki.Fingerprint(c), c.Subject.String()
				} else {
					i.chain = append(i.chain, pki.Fingerprint(c))
				}
			}
			if e, err := ks.GetPrivateKeyEntry(alias, []byte(password)); err == nil {
				i.keyID, _ = keyIDOf(e.PrivateKey)
			}
			f.entries[strings.ToLower(alias)] = i
		}
		return f, nil
	}

	p, err := pfx.Decode(data, password)
	if err != nil {
		if errors.Is(err, pfx.ErrWrongPassword) {
			return nil, fmt.Errorf("the keystore's integrity check fails: %w", errWrongPassword)
		}
		return nil, fmt.Errorf("reading the PKCS12 keystore: %w", err)
	}
	f.p12 = p
	certs := map[string]*x509.Certificate{} // by fingerprint
	var all []*x509.Certificate
	for _, b := range p.Bags {
		if b.IsKey() {
			continue
		}
		c, err := x509.ParseCertificate(b.Cert)
		if err != nil {
			return nil, fmt.Errorf("a certificate in the keystore: %w", err)
		}
		if fp := pki.Fingerprint(c); certs[fp] == nil {
			certs[fp] = c
			all = append(all, c)
		}
		if b.Trusted && b.FriendlyName != "" {
			f.entries[strings.ToLower(b.FriendlyName)] = info{trusted: true, fp: pki.Fingerprint(c), subject: c.Subject.String()}
		}
	}
	for _, b := range p.Bags {
		if !b.IsKey() || b.FriendlyName == "" {
			continue
		}
		leaf := leafOf(p.Bags, b)
		if leaf == nil {
			continue
		}
		i := info{fp: pki.Fingerprint(leaf), subject: leaf.Subject.String()}
		for _, c := range buildChain(leaf, all) {
			i.chain = append(i.chain, pki.Fingerprint(c))
		}
		i.keyID, _ = keyIDOf(b.Key)
		f.entries[strings.ToLower(b.FriendlyName)] = i
	}
	return f, nil
}

// leafOf finds the certificate of a key bag: the certificate bag with the
// same local key id.
func leafOf(bags []pfx.Bag, key pfx.Bag) *x509.Certificate {
	for _, b := range bags {
		if !b.IsKey() && key.LocalKeyID != nil && bytes.Equal(b.LocalKeyID, key.LocalKeyID) {
			c, err := x509.ParseCertificate(b.Cert)
			if err == nil {
				return c
			}
		}
	}
	return nil
}

// buildChain follows issuers from leaf through certs, as Java does for a
// PKCS12 key entry.
func buildChain(leaf *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	var chain []*x509.Certificate
	cur := leaf
	seen := map[string]bool{pki.Fingerprint(leaf): true}
	for !bytes.Equal(cur.RawIssuer, cur.RawSubject) {
		var next *x509.Certificate
		for _, c := range certs {
			if !seen[pki.Fingerprint(c)] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		seen[pki.Fingerprint(next)] = true
		chain = append(chain, next)
		cur = next
	}
	return chain
}

func keyIDOf(pkcs8 []byte) (string, error) {
	if pkcs8 == nil {
		return "", errors.New("no key")
	}
	k, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		return "", err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return "", fmt.Errorf("unsupported key type %T", k)
	}
	return pki.KeyID(s.Public())
}

// build writes a keystore of kind holding want, replacing the aliases in
// drop (what certform managed before) and keeping every other alias of
// old (nil when there is no file yet). Salts come from the content, so the
// same content gives the same bytes.
func build(kind, password string, old *file, drop map[string]bool, want []entry) ([]byte, error) {
	remove := map[string]bool{}
	for a := range drop {
		remove[a] = true
	}
	for _, e := range want {
		remove[e.alias] = true
	}
	seed := [][]byte{[]byte("certform keystore"), []byte(kind), []byte(password)}
	for _, e := range want {
		seed = append(seed, []byte(e.alias), e.key)
		for _, c := range e.certs {
			seed = append(seed, c.Raw)
		}
	}
	if old != nil {
		seed = append(seed, old.data)
	}
	rand := pki.NewRand(seed...)
	if kind == typeJKS {
		return buildJKS(password, old, remove, want, rand)
	}
	return buildPKCS12(password, old, remove, want, rand)
}

func buildJKS(password string, old *file, remove map[string]bool, want []entry, rand io.Reader) ([]byte, error) {
	ks := keystore.New(keystore.WithOrderedAliases(), keystore.WithCustomRandomNumberGenerator(rand))
	switch {
	case old != nil && old.kind == typeJKS:
		if err := ks.Load(bytes.NewReader(old.data), []byte(password)); err != nil {
			return nil, err
		}
		for _, a := range ks.Aliases() {
			if remove[strings.ToLower(a)] {
				ks.DeleteEntry(a)
			}
		}
	case old != nil:
		kept, err := keptPKCS12(old, remove, password)
		if err != nil {
			return nil, err
		}
		want = append(kept, want...)
	}
	for _, e := range want {
		created := e.certs[0].NotBefore
		if e.trusted {
			err := ks.SetTrustedCertificateEntry(e.alias, keystore.TrustedCertificateEntry{
				CreationTime: created, Certificate: keystore.Certificate{Type: "X509", Content: e.certs[0].Raw},
			})
			if err != nil {
				return nil, fmt.Errorf("alias %s: %w", e.alias, err)
			}
			continue
		}
		var chain []keystore.Certificate
		for _, c := range e.certs {
			chain = append(chain, keystore.Certificate{Type: "X509", Content: c.Raw})
		}
		if err := ks.SetPrivateKeyEntry(e.alias, keystore.PrivateKeyEntry{CreationTime: created, PrivateKey: e.key, CertificateChain: chain}, []byte(password)); err != nil {
			return nil, fmt.Errorf("alias %s: %w", e.alias, err)
		}
	}
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte(password)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// keptPKCS12 turns the entries of a PKCS12 keystore that stay into entries
// for a JKS one (a change of type).
func keptPKCS12(old *file, remove map[string]bool, password string) ([]entry, error) {
	var out []entry
	var all []*x509.Certificate
	for _, b := range old.p12.Bags {
		if !b.IsKey() {
			if c, err := x509.ParseCertificate(b.Cert); err == nil {
				all = append(all, c)
			}
		}
	}
	for _, b := range old.p12.Bags {
		alias := strings.ToLower(b.FriendlyName)
		if alias == "" || remove[alias] {
			continue
		}
		switch {
		case b.IsKey():
			if b.Key == nil {
				return nil, fmt.Errorf("alias %s has a key password of its own, so it cannot be converted; convert the keystore with keytool -importkeystore", alias)
			}
			leaf := leafOf(old.p12.Bags, b)
			if leaf == nil {
				continue
			}
			out = append(out, entry{alias: alias, key: b.Key, certs: append([]*x509.Certificate{leaf}, buildChain(leaf, all)...)})
		case b.Trusted:
			c, err := x509.ParseCertificate(b.Cert)
			if err != nil {
				return nil, err
			}
			out = append(out, entry{alias: alias, trusted: true, certs: []*x509.Certificate{c}})
		}
	}
	return out, nil
}

func buildPKCS12(password string, old *file, remove map[string]bool, want []entry, rand io.Reader) ([]byte, error) {
	var bags []pfx.Bag
	switch {
	case old != nil && old.kind == typePKCS12:
		dropIDs := map[string]bool{}
		for _, b := range old.p12.Bags {
			if b.IsKey() && remove[strings.ToLower(b.FriendlyName)] && b.LocalKeyID != nil {
				dropIDs[string(b.LocalKeyID)] = true
			}
		}
		for _, b := range old.p12.Bags {
			switch {
			case b.FriendlyName != "" && remove[strings.ToLower(b.FriendlyName)]:
			case b.LocalKeyID != nil && dropIDs[string(b.LocalKeyID)]:
			default:
				bags = append(bags, b)
			}
		}
	case old != nil:
		ks := keystore.New(keystore.WithOrderedAliases())
		if err := ks.Load(bytes.NewReader(old.data), []byte(password)); err != nil {
			return nil, err
		}
		var kept []entry
		for _, a := range ks.Aliases() {
			alias := strings.ToLower(a)
			if remove[alias] {
				continue
			}
			if ks.IsTrustedCertificateEntry(a) {
				e, _ := ks.GetTrustedCertificateEntry(a)
				c, err := x509.ParseCertificate(e.Certificate.Content)
				if err != nil {
					return nil, err
				}
				kept = append(kept, entry{alias: alias, trusted: true, certs: []*x509.Certificate{c}})
				continue
			}
			e, err := ks.GetPrivateKeyEntry(a, []byte(password))
			if err != nil {
				return nil, fmt.Errorf("alias %s has a key password of its own, so it cannot be converted; convert the keystore with keytool -importkeystore", alias)
			}
			var certs []*x509.Certificate
			for _, cc := range e.CertificateChain {
				c, err := x509.ParseCertificate(cc.Content)
				if err != nil {
					return nil, err
				}
				certs = append(certs, c)
			}
			kept = append(kept, entry{alias: alias, key: e.PrivateKey, certs: certs})
		}
		want = append(kept, want...)
	}
	for _, e := range want {
		if e.trusted {
			bags = append(bags, pfx.Bag{Cert: e.certs[0].Raw, FriendlyName: e.alias, Trusted: true})
			continue
		}
		id := sha1.Sum(e.certs[0].Raw)
		bags = append(bags,
			pfx.Bag{Key: e.key, FriendlyName: e.alias, LocalKeyID: id[:]},
			pfx.Bag{Cert: e.certs[0].Raw, FriendlyName: e.alias, LocalKeyID: id[:]})
		for _, c := range e.certs[1:] {
			bags = append(bags, pfx.Bag{Cert: c.Raw})
		}
	}
	return pfx.Encode(pruneChains(bags), password, pfx.Modern, rand)
}

// pruneChains drops chain certificates (no name, no key id, not trusted)
// that no key entry needs any more, and duplicates among them.
func pruneChains(bags []pfx.Bag) []pfx.Bag {
	var all []*x509.Certificate
	for _, b := range bags {
		if !b.IsKey() {
			if c, err := x509.ParseCertificate(b.Cert); err == nil {
				all = append(all, c)
			}
		}
	}
	needed := map[string]bool{}
	for _, b := range bags {
		if b.IsKey() {
			if leaf := leafOf(bags, b); leaf != nil {
				for _, c := range buildChain(leaf, all) {
					needed[pki.Fingerprint(c)] = true
				}
			}
		}
	}
	var out []pfx.Bag
	seen := map[string]bool{}
	for _, b := range bags {
		if !b.IsKey() && b.FriendlyName == "" && b.LocalKeyID == nil && !b.Trusted {
			c, err := x509.ParseCertificate(b.Cert)
			if err != nil {
				continue
			}
			fp := pki.Fingerprint(c)
			if !needed[fp] || seen[fp] {
				continue
			}
			seen[fp] = true
		}
		out = append(out, b)
	}
	return out
}

// sortedAliases lists the keys of an entries map in order.
func sortedAliases[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
