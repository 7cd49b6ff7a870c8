package pemcert

import (
	"crypto/x509"
	"slices"
	"strings"
	"sync"
)

// DefaultMaxBytes bounds a Cache made without another bound: 16 MiB of PEM
// text. A certificate's PEM is 0.6 KB (ECDSA P-256) to 1.9 KB (RSA 4096),
// so that is some 9,000 to 26,000 certificates, several times the 2,500 of
// a configuration of 10,000 resources. A parsed certificate takes 2.5 to 5
// times its PEM text on the heap (3.1 KB for P-256, 3.7 KB for RSA 2048,
// 4.4 KB for RSA 4096, measured with Go 1.26), so a full Cache holds some
// 60 to 100 MB with its copies of the texts.
const DefaultMaxBytes = 16 << 20

// Cache holds the certificates parsed from PEM texts, by text, so that
// each text is parsed once however many times it is asked for: the issuer's
// certificate for each certificate it signs, the same chain_pem in every
// certificate of a CA, a certificate's pem in the provider and again in
// the checks.
//
// A Cache is meant to live for one run (one plan or apply), and to hold
// every certificate of the configuration for all of it: it never forgets
// a text. That is the point, since the checks ask for every certificate
// again at the end of the plan, but it means the memory grows with the
// configuration, 4 to 6 KB for each certificate, and is given back only
// when the Cache is dropped. So that a run cannot grow it without end, it
// keeps texts up to a total size (DefaultMaxBytes, or what NewCache was
// given); past that it parses what is asked for without keeping it, which
// is slower but correct. Do not keep a Cache beyond a run, where it would
// only grow.
//
// A Cache keeps only texts whose every PEM block is a CERTIFICATE, which
// are public: a text with a private key, or with no certificate at all, is
// parsed every time and neither it nor what it held is kept.
//
// The zero Cache is ready to use, bounded by DefaultMaxBytes. A nil *Cache
// is valid too: it keeps nothing and parses on every call, as the package
// functions do. A Cache is safe for concurrent use; callers asking at once
// for the same text wait for one parse. Certificates it returns are shared
// between callers and must not be changed, nor the slices that hold them.
type Cache struct {
	mu sync.RWMutex
	// m holds the texts kept, and size their total length.
	m    map[string]*entry
	size int
	// max bounds size; 0 means DefaultMaxBytes.
	max int
}

// entry is what a Cache knows of one text, filled in once by parse.
type entry struct {
	once sync.Once
	// certs is what Parse returns, first and err what First returns.
	certs []*x509.Certificate
	first *x509.Certificate
	err   error
}

func (e *entry) parse(text string) {
	e.once.Do(func() {
		e.certs, e.first, e.err = parseAll(text)
		// A caller that appends to the slice must get a copy, not
		// write into what other callers share.
		e.certs = slices.Clip(e.certs)
	})
}

// NewCache returns an empty Cache that keeps at most maxBytes of PEM text
// (see Cache); maxBytes <= 0 means DefaultMaxBytes.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes}
}

// Parse is the package function Parse, parsing text only the first time it
// is asked for. The result is shared: it must not be changed.
func (c *Cache) Parse(text string) []*x509.Certificate {
	e := c.entry(text)
	if e == nil {
		return Parse(text)
	}
	e.parse(text)
	return e.certs
}

// First is the package function First, parsing text only the first time
// it is asked for. A text that fails fails the same way every time.
func (c *Cache) First(text string) (*x509.Certificate, error) {
	e := c.entry(text)
	if e == nil {
		return First(text)
	}
	e.parse(text)
	return e.first, e.err
}

// entry returns the entry of text, adding it if c may keep it; nil when c
// is nil, the text is not kept (see certificatesOnly) or c is full.
func (c *Cache) entry(text string) *entry {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e := c.m[text]
	c.mu.RUnlock()
	if e != nil || !certificatesOnly(text) {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[text]; e != nil {
		return e
	}
	limit := c.max
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if c.size+len(text) > limit {
		return nil
	}
	if c.m == nil {
		c.m = map[string]*entry{}
	}
	e = &entry{}
	// A copy, so that a text cut from a larger string (a file with a
	// private key, say) does not keep the rest of it.
	c.m[strings.Clone(text)] = e
	c.size += len(text)
	return e
}

// certificatesOnly reports whether a text has a PEM block and every block
// is a CERTIFICATE. It looks at the block headers only: any "-----BEGIN "
// that does not begin a CERTIFICATE (such as "-----BEGIN PRIVATE KEY-----"
// or "-----BEGIN CERTIFICATE REQUEST-----") rules the text out.
func certificatesOnly(text string) bool {
	const begin, cert = "-----BEGIN ", "-----BEGIN CERTIFICATE-----"
	found := false
	for {
		i := strings.Index(text, begin)
		if i < 0 {
			return found
		}
		text = text[i:]
		if !strings.HasPrefix(text, cert) {
			return false
		}
		found = true
		text = text[len(cert):]
	}
}
