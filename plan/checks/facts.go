package checks

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// Issuer kinds, as certificate values carry them in issuer_kind.
const (
	kindSelfSigned = "self_signed"
	kindCA         = "ca"
	kindACME       = "acme"
	kindImport     = "import"
)

// Defaults of the certificate block (docs/language.md), for blocks that
// leave them out.
const (
	defaultLeafValidity = "397d"
	defaultCAValidity   = "3650d"
	defaultRenewBefore  = "30d"
)

// certInfo is what the checks know about a certificate block.
type certInfo struct {
	r *res
	// dns and ips are the subject alternative names; namesKnown is false
	// while they are unknown.
	dns, ips   []string
	namesKnown bool
	isCA       bool
	isCAKnown  bool
	// notServer is true when ext_key_usages is set and names neither
	// server_auth nor any: the certificate cannot serve TLS (seed 001's
	// pair that encrypts a configuration file).
	notServer bool
	// validity is what the block asks for (or its default); zero when
	// unknown or decided by a remote CA.
	validity time.Duration
	renew    time.Duration
	// key is the key block: algorithm "RSA" or "ECDSA", bits, curve.
	keyAlg   string
	keyBits  int
	keyCurve string
	keyKnown bool
	// issuerKind is "self_signed", "ca", "acme" or another kind; "" when
	// unknown. issuer is the issuer block, nil for self_signed.
	issuerKind string
	issuer     *res
	// x509 and chain are the issued certificate and its chain_pem, once
	// known (in a plan, after the first apply).
	x509  *x509.Certificate
	chain []*x509.Certificate
	// replaced is the certificate refresh read while the plan replaces
	// it: for a remote CA (ACME), which decides the validity itself, it
	// tells how long the CA's certificates live.
	replaced *x509.Certificate
}

// cert returns what is known about a certificate block; nil for another
// kind.
func (m *model) cert(r *res) *certInfo {
	if r == nil || r.kind() != "certificate" {
		return nil
	}
	if c, ok := m.certs[r]; ok {
		return c
	}
	c := m.readCert(r)
	m.certs[r] = c
	return c
}

// readCert works out what cert returns. It changes nothing shared but the
// reference cache of r, so that prefetch can read several at once.
func (m *model) readCert(r *res) *certInfo {
	c := &certInfo{r: r}
	v := r.value
	c.dns, c.namesKnown = stringsOf(v, "dns_names")
	var ipsKnown bool
	c.ips, ipsKnown = stringsOf(v, "ip_addresses")
	c.namesKnown = c.namesKnown && ipsKnown
	c.isCA, c.isCAKnown = boolOr(v, "is_ca", false)
	if ekus, ok := stringsOf(v, "ext_key_usages"); ok && ekus != nil {
		c.notServer = !slices.Contains(ekus, "server_auth") && !slices.Contains(ekus, "any")
	}

	addrs, roots := r.refs("issuer")
	for _, root := range roots {
		if root == "self_signed" {
			c.issuerKind = kindSelfSigned
		}
	}
	for _, a := range addrs {
		if strings.HasPrefix(a.Kind, "issuer.") {
			c.issuerKind = strings.TrimPrefix(a.Kind, "issuer.")
			c.issuer = m.res[a]
		}
	}
	if c.issuerKind == "" {
		c.issuerKind, _ = knownString(v, "issuer_kind")
	}

	if c.isCAKnown && (c.issuerKind == kindSelfSigned || c.issuerKind == kindCA) {
		def := defaultLeafValidity
		if c.isCA {
			def = defaultCAValidity
		}
		c.validity, _ = duration(v, "validity", def)
	}
	c.renew, _ = duration(v, "renew_before", defaultRenewBefore)

	if key := attr(v, "key"); key.IsKnown() {
		alg, okA := stringOr(key, "algorithm", "RSA")
		alg = strings.ToUpper(strings.TrimSpace(alg))
		if alg == "EC" {
			alg = "ECDSA"
		}
		c.keyAlg, c.keyKnown = alg, okA
		switch alg {
		case "RSA":
			bits := attr(key, "bits")
			switch {
			case !bits.IsKnown():
				c.keyKnown = false
			case bits.IsNull():
				c.keyBits = 2048
			case bits.Type() == cty.Number:
				n, _ := bits.AsBigFloat().Int64()
				c.keyBits = int(n)
			}
		case "ECDSA":
			curve, ok := stringOr(key, "curve", "P256")
			c.keyCurve = strings.ReplaceAll(strings.ToUpper(curve), "-", "")
			c.keyKnown = c.keyKnown && ok
		}
	}

	if s, ok := knownString(v, "pem"); ok {
		if certs := m.pems.Parse(s); len(certs) > 0 {
			c.x509 = certs[0]
		}
	}
	if s, ok := knownString(v, "chain_pem"); ok {
		c.chain = m.pems.Parse(s)
	}
	if s, ok := knownString(r.live, "pem"); ok && c.x509 == nil {
		if certs := m.pems.Parse(s); len(certs) > 0 {
			c.replaced = certs[0]
		}
	}
	return c
}

// local reports whether certform issues the certificate itself, so that
// its validity comes from the block.
func (c *certInfo) local() bool {
	return c.issuerKind == kindSelfSigned || c.issuerKind == kindCA
}

// lifetime is how long the certificate is valid: from the issued
// certificate when known, else what the block asks for; zero when
// unknown.
func (c *certInfo) lifetime() time.Duration {
	if c.x509 != nil {
		return c.x509.NotAfter.Sub(c.x509.NotBefore)
	}
	return c.validity
}

// caCert returns the certificate block of an issuer "ca" block.
func (m *model) caCert(issuer *res) *res {
	if issuer == nil {
		return nil
	}
	return issuer.ref("certificate", "certificate")
}

// endpointInfo is what the checks know about an endpoint block.
type endpointInfo struct {
	r   *res
	url string
	u   target
	ok  bool // url known and parsed
	// tlsOnly is known when tlsKnown.
	tlsOnly, tlsKnown bool
	cert              *res
}

func (m *model) endpoint(r *res) *endpointInfo {
	e := &endpointInfo{r: r}
	if s, ok := knownString(r.value, "url"); ok {
		e.url = s
		e.u, e.ok = parseTarget(s)
	}
	e.tlsOnly, e.tlsKnown = boolOr(r.value, "tls_only", false)
	e.cert = r.ref("certificate", "certificate")
	return e
}

// componentInfo is what the checks know about a component block.
type componentInfo struct {
	r        *res
	endpoint *res
	// url is the URL the component is given (its own, or the
	// endpoint's); ok when known.
	url string
	ok  bool
}

func (m *model) component(r *res) *componentInfo {
	c := &componentInfo{r: r, endpoint: r.ref("endpoint", "endpoint")}
	if m.planned {
		c.url, c.ok = knownString(r.value, "url")
		return c
	}
	u := attr(r.value, "url")
	switch {
	case !u.IsKnown():
	case !u.IsNull() && u.Type() == cty.String:
		c.url, c.ok = u.AsString(), true
	case u.IsNull() && c.endpoint != nil:
		c.url, c.ok = knownString(c.endpoint.value, "url")
	}
	return c
}

// components returns the components of an endpoint with what they know.
func (m *model) components(ep *res) []*componentInfo {
	if !m.compsBuilt {
		m.compsBuilt = true
		m.compsOf = map[*res][]*componentInfo{}
		for _, r := range m.kind("component") {
			if c := m.component(r); c.endpoint != nil {
				m.compsOf[c.endpoint] = append(m.compsOf[c.endpoint], c)
			}
		}
	}
	return m.compsOf[ep]
}

// target is a URL split into its parts; scheme is "" for the plain form
// host:port.
type target struct {
	scheme, host string
	port         int
}

// parseTarget reads scheme://host[:port][/path] or host:port.
func parseTarget(s string) (target, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		u, err := url.Parse("//" + s)
		if err != nil || u.Hostname() == "" {
			return target{}, false
		}
		p, _ := strconv.Atoi(u.Port())
		return target{host: strings.ToLower(u.Hostname()), port: p}, true
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return target{}, false
	}
	p, _ := strconv.Atoi(u.Port())
	return target{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: p}, true
}

// isIP reports whether a host is an IP address.
func isIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}

// selfSigned reports whether a certificate signed itself.
func selfSigned(c *x509.Certificate) bool {
	return c.Subject.String() == c.Issuer.String() && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// keyStrength describes a public key and reports whether it is too weak:
// RSA below 2048 bits, ECDSA below 256.
func keyStrength(pub any) (string, bool) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA " + strconv.Itoa(k.N.BitLen()), k.N.BitLen() < 2048
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name, k.Curve.Params().BitSize < 256
	}
	return "", false
}

// signatureHash is the hash of a signature algorithm as SSLAlgorithms
// names it ("SHA1", "SHA256"), and its key algorithm ("RSA", "ECDSA").
func signatureHash(a x509.SignatureAlgorithm) (hash, key string) {
	switch a {
	case x509.SHA1WithRSA:
		return "SHA1", "RSA"
	case x509.SHA256WithRSA, x509.SHA256WithRSAPSS:
		return "SHA256", "RSA"
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS:
		return "SHA384", "RSA"
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS:
		return "SHA512", "RSA"
	case x509.MD5WithRSA:
		return "MD5", "RSA"
	case x509.ECDSAWithSHA1:
		return "SHA1", "ECDSA"
	case x509.ECDSAWithSHA256:
		return "SHA256", "ECDSA"
	case x509.ECDSAWithSHA384:
		return "SHA384", "ECDSA"
	case x509.ECDSAWithSHA512:
		return "SHA512", "ECDSA"
	}
	return "", ""
}
