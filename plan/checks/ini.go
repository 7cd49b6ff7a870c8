package checks

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
)

// iniSection is one section block of an ini_file, with what each key is
// set to and refers to.
type iniSection struct {
	name string
	keys []iniKey
}

type iniKey struct {
	name  string
	value string
	known bool
	refs  []lang.Address
}

// key returns the key with the name, ignoring case as INI files do.
func (s iniSection) key(name string) (iniKey, bool) {
	for _, k := range s.keys {
		if strings.EqualFold(k.name, name) {
			return k, true
		}
	}
	return iniKey{}, false
}

// sections reads the section blocks of an ini_file: the references from
// the source, the values from the planned value (or, in validate, the
// decoded block).
func (m *model) sections(r *res) []iniSection {
	if s, ok := m.secs[r]; ok {
		return s
	}
	s := m.readSections(r)
	m.secs[r] = s
	return s
}

func (m *model) readSections(r *res) []iniSection {
	body, ok := r.r.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var out []iniSection
	for _, b := range body.Blocks {
		if b.Type != "section" || len(b.Labels) != 1 {
			continue
		}
		s := iniSection{name: b.Labels[0]}
		vals := m.sectionValues(r, s.name)
		var attrs []*hclsyntax.Attribute
		for _, a := range b.Body.Attributes {
			attrs = append(attrs, a)
		}
		sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
		for _, a := range attrs {
			k := iniKey{name: a.Name}
			k.refs, _ = m.traversalRefs(a.Expr.Variables())
			if v, ok := vals[strings.ToLower(a.Name)]; ok {
				k.value, k.known = iniString(v)
			}
			s.keys = append(s.keys, k)
		}
		out = append(out, s)
	}
	return out
}

// sectionValues returns a section's key values by lowercase key.
func (m *model) sectionValues(r *res, section string) map[string]cty.Value {
	out := map[string]cty.Value{}
	collect := func(obj cty.Value) {
		if !obj.IsKnown() || obj.IsNull() || !obj.CanIterateElements() {
			return
		}
		for it := obj.ElementIterator(); it.Next(); {
			k, v := it.Element()
			out[strings.ToLower(k.AsString())] = v
		}
	}
	if m.planned {
		keys := attr(r.value, "keys")
		if !keys.IsKnown() || keys.IsNull() || !keys.CanIterateElements() {
			return out
		}
		for it := keys.ElementIterator(); it.Next(); {
			k, v := it.Element()
			if strings.EqualFold(k.AsString(), section) {
				collect(v)
			}
		}
		return out
	}
	secs := attr(r.value, "sections")
	if !secs.IsKnown() || secs.IsNull() || !secs.CanIterateElements() {
		return out
	}
	for it := secs.ElementIterator(); it.Next(); {
		_, s := it.Element()
		if n, ok := knownString(s, "name"); ok && strings.EqualFold(n, section) {
			collect(attr(s, "keys"))
		}
	}
	return out
}

// iniString writes a key's value as the file holds it, without quotes.
func iniString(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	case cty.Bool:
		if v.True() {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

// sectionCert returns the certificate a section configures: the one its
// keys refer to, directly, through an endpoint or through a store. nil
// when there is none or more than one.
func (m *model) sectionCert(s iniSection) *res {
	found := map[*res]bool{}
	var order []*res
	add := func(r *res) {
		if r != nil && !found[r] {
			found[r] = true
			order = append(order, r)
		}
	}
	for _, k := range s.keys {
		for _, a := range k.refs {
			x := m.res[a]
			switch {
			case x == nil:
			case a.Kind == "certificate":
				add(x)
			case a.Kind == "endpoint":
				add(x.ref("certificate", "certificate"))
			case strings.HasPrefix(a.Kind, "store."):
				add(x.ref("certificate", "certificate"))
			}
		}
	}
	if len(order) != 1 {
		return nil
	}
	return order[0]
}

// deliveries returns the store blocks that hold a certificate.
func (m *model) deliveries(cert *res) []*res {
	if m.storesOf == nil {
		m.storesOf = map[*res][]*res{}
		for _, s := range m.kind("store.") {
			if c := s.ref("certificate", "certificate"); c != nil {
				m.storesOf[c] = append(m.storesOf[c], s)
			}
		}
	}
	return m.storesOf[cert]
}

// signature returns the hash and key algorithm a certificate is (or will
// be) signed with: from the issued certificate when known, else from the
// key of whoever signs it (Go, and so certform, signs with SHA-256 for
// RSA and P-256 keys and SHA-384 for P-384).
func (m *model) signature(ci *certInfo) (hash, key string, ok bool) {
	if ci.x509 != nil {
		hash, key = signatureHash(ci.x509.SignatureAlgorithm)
		return hash, key, hash != ""
	}
	signer := ci
	switch ci.issuerKind {
	case kindSelfSigned:
	case kindCA:
		signer = m.cert(m.caCert(ci.issuer))
	default:
		return "", "", false
	}
	if signer == nil || !signer.keyKnown {
		return "", "", false
	}
	switch {
	case signer.keyAlg == "RSA":
		return "SHA256", "RSA", true
	case signer.keyAlg == "ECDSA" && signer.keyCurve == "P384":
		return "SHA384", "ECDSA", true
	case signer.keyAlg == "ECDSA" && signer.keyCurve == "P256":
		return "SHA256", "ECDSA", true
	}
	return "", "", false
}

var (
	hashToken = regexp.MustCompile(`(?i)MD5|SHA-?(?:1|224|256|384|512)\b|SHA-?2\b`)
	keyToken  = regexp.MustCompile(`(?i)\b(?:RSA|ECDSA|EC)\b|RSA|ECDSA`)
)

// defaultAlgorithm is the hash an InVision server uses when its section
// does not set SSLAlgorithms (seed 000: "Standardmäßig verwendet der
// Server den SHA1-Algorithmus").
const defaultAlgorithm = "SHA1"

// checkAlgorithm: SSLAlgorithms fits the certificate's signature algorithm
// (seed 000, 0x80090331). A server section that loads a certificate
// (SSLCertificate) without setting SSLAlgorithms uses SHA1: a warning,
// since the file may set it outside certform.
func checkAlgorithm(m *model, c *Check) {
	for _, r := range m.kind("ini_file") {
		for _, s := range m.sections(r) {
			k, set := s.key("SSLAlgorithms")
			if set && !k.known {
				continue
			}
			if _, server := s.key("SSLCertificate"); !set && !server {
				continue
			}
			cert := m.sectionCert(s)
			ci := m.cert(cert)
			if ci == nil {
				continue
			}
			hash, key, ok := m.signature(ci)
			if !ok {
				continue
			}
			if !set {
				if hash == defaultAlgorithm {
					continue
				}
				m.add(c, hcl.DiagWarning, []*res{r, cert}, "SSLAlgorithms not set: the server uses SHA1",
					fmt.Sprintf("%s [%s] loads %s (SSLCertificate) but does not set SSLAlgorithms. Seed 000: the server then uses SHA1, and %s is signed with %s (%s key), so Schannel ends every handshake with \"unable to finish SSL handshake (code 0x80090331)\" (SEC_E_ALGORITHM_MISMATCH).",
						r.name, s.name, cert.name, cert.name, hash, key),
					fmt.Sprintf("Add SSLAlgorithms = %q to the section, so that certform keeps it in step with the certificate. If isps.cfg already sets it, managing it here costs nothing.", hash))
				continue
			}
			hashes, keys := map[string]bool{}, map[string]bool{}
			for _, h := range hashToken.FindAllString(k.value, -1) {
				h = strings.ToUpper(strings.ReplaceAll(h, "-", ""))
				if h == "SHA2" {
					hashes["SHA256"], hashes["SHA384"], hashes["SHA512"] = true, true, true
					continue
				}
				hashes[h] = true
			}
			for _, kt := range keyToken.FindAllString(k.value, -1) {
				kt = strings.ToUpper(kt)
				if kt == "EC" {
					kt = "ECDSA"
				}
				keys[kt] = true
			}
			var wrong string
			switch {
			case len(hashes) > 0 && !hashes[hash]:
				wrong = "hash"
			case len(keys) > 0 && !keys[key]:
				wrong = "key algorithm"
			default:
				continue
			}
			m.add(c, hcl.DiagError, []*res{r, cert}, "SSLAlgorithms does not fit the certificate",
				fmt.Sprintf("%s [%s] sets %s = %q, but %s is signed with %s (%s key): the %s differs. Schannel then ends every handshake with \"unable to finish SSL handshake (code 0x80090331)\" (SEC_E_ALGORITHM_MISMATCH; seed 000).",
					r.name, s.name, k.name, k.value, cert.name, hash, key, wrong),
				fmt.Sprintf("Set %s = %q (the certificate's algorithm), or issue the certificate with the algorithm the server is configured for.", k.name, hash))
		}
	}
}

// checkWindowsStore: a certificate that a server loads from a Windows
// store (SSLCertificateStore) reaches it as PKCS#12, with its key (seed
// 000, 0x8009030e). One finding per certificate names every section that
// loads it.
func checkWindowsStore(m *model, c *Check) {
	type use struct {
		where []string
		files []*res
	}
	uses := map[*res]*use{}
	var certs []*res
	for _, r := range m.kind("ini_file") {
		for _, s := range m.sections(r) {
			k, ok := s.key("SSLCertificateStore")
			if !ok {
				continue
			}
			cert := m.sectionCert(s)
			if cert == nil {
				continue
			}
			u := uses[cert]
			if u == nil {
				u = &use{}
				uses[cert] = u
				certs = append(certs, cert)
			}
			store := "the Windows certificate store"
			if k.known {
				store = fmt.Sprintf("the Windows store %q", k.value)
			}
			u.where = append(u.where, fmt.Sprintf("%s [%s] (from %s)", r.name, s.name, store))
			if len(u.files) == 0 || u.files[len(u.files)-1] != r {
				u.files = append(u.files, r)
			}
		}
	}
	for _, cert := range certs {
		stores := m.deliveries(cert)
		pfx := false
		for _, st := range stores {
			if st.kind() == "store.pkcs12" || st.kind() == "store.windows" {
				pfx = true
			}
		}
		if pfx {
			continue
		}
		how := "certform does not deliver it to the server at all"
		if len(stores) > 0 {
			how = fmt.Sprintf("certform delivers it only as %s, which a Windows store cannot import together with its private key", names(stores))
		}
		u := uses[cert]
		involved := append([]*res{cert}, u.files...)
		m.add(c, hcl.DiagWarning, append(involved, stores...), "Certificate for a Windows store not delivered as PKCS#12",
			fmt.Sprintf("The server loads %s from a Windows store: %s. But %s. Imported without its key, the certificate cannot be used, and the server logs \"unable to load credentials (code 0x8009030e)\" (SEC_E_NO_CREDENTIALS; seed 000: install the certificate in PKCS#12 format, .pfx).",
				cert.name, strings.Join(u.where, ", "), how),
			fmt.Sprintf("Add store \"windows\" with certificate = %s to import it into the store with its key, or store \"pkcs12\" to write a .pfx for import.", cert.name))
	}
}

// checkCertificateName: SSLCertificate names the certificate as the store
// knows it, and SSLCertificateStore and SSLCertificateStoreLocation name
// the store certform put it in (seed 000, "unable to find certificate").
func checkCertificateName(m *model, c *Check) {
	for _, r := range m.kind("ini_file") {
		for _, s := range m.sections(r) {
			cert := m.sectionCert(s)
			ci := m.cert(cert)
			if ci == nil {
				continue
			}
			stores := m.deliveries(cert)
			var winStores []*res
			for _, st := range stores {
				if st.kind() == "store.windows" {
					winStores = append(winStores, st)
				}
			}
			for _, pair := range [][2]string{{"SSLCertificateStore", "store"}, {"SSLCertificateStoreLocation", "location"}} {
				k, ok := s.key(pair[0])
				if !ok || !k.known || len(winStores) == 0 {
					continue
				}
				var have []string
				match := false
				for _, st := range winStores {
					if v, ok := knownString(st.value, pair[1]); ok {
						have = append(have, v)
						match = match || strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(k.value))
					}
				}
				if len(have) == 0 || match {
					continue
				}
				m.add(c, hcl.DiagError, append([]*res{r, cert}, winStores...), "Certificate store does not match",
					fmt.Sprintf("%s [%s] sets %s = %q, but %s puts %s into %s %s. The server looks in the wrong place and logs \"unable to find certificate named ... in store %q\" (seed 000).",
						r.name, s.name, k.name, k.value, names(winStores), cert.name, pair[1], quoteList(have), k.value),
					fmt.Sprintf("Refer to the store: %s = %s.%s.", k.name, winStores[0].name, map[string]string{"store": "store_name", "location": "location"}[pair[1]]))
			}

			k, ok := s.key("SSLCertificate")
			if !ok || !k.known {
				continue
			}
			accepted, ok := m.certNames(ci, stores)
			if !ok {
				continue
			}
			match := false
			for _, n := range accepted {
				match = match || strings.EqualFold(strings.TrimSpace(n), strings.TrimSpace(k.value))
			}
			if match {
				continue
			}
			store := "the store"
			if sk, ok := s.key("SSLCertificateStore"); ok && sk.known {
				store = fmt.Sprintf("store %q", sk.value)
			}
			m.add(c, hcl.DiagError, append([]*res{r, cert}, stores...), "SSLCertificate does not name the certificate",
				fmt.Sprintf("%s [%s] sets %s = %q, but the store knows %s as %s. The server logs \"unable to find certificate named %q in %s\" (seed 000: use the value of the issued-by field or the friendly name).",
					r.name, s.name, k.name, k.value, cert.name, quoteList(accepted), k.value, store),
				fmt.Sprintf("Refer to the name instead of writing it: %s = %s.common_name, or the friendly_name of the store that imports it.", k.name, cert.name))
		}
	}
}

// certNames lists the names a Windows store finds a certificate by: its
// common name (issued to), its issuer's (issued by, as seed 000 says),
// the friendly names of the stores that import it, and its thumbprint. ok
// is false while the common name is unknown.
func (m *model) certNames(ci *certInfo, stores []*res) ([]string, bool) {
	var out []string
	switch {
	case ci.x509 != nil:
		out = append(out, ci.x509.Subject.CommonName, ci.x509.Issuer.CommonName)
	default:
		cn, ok := stringOr(ci.r.value, "common_name", "")
		if !ok {
			return nil, false
		}
		out = append(out, cn)
		switch ci.issuerKind {
		case kindSelfSigned:
		case kindCA:
			if ca := m.caCert(ci.issuer); ca != nil {
				if icn, ok := knownString(ca.value, "common_name"); ok {
					out = append(out, icn)
				}
			}
		default:
			return nil, false
		}
	}
	if t, ok := knownString(ci.r.value, "thumbprint_sha1"); ok {
		out = append(out, t)
	}
	for _, st := range stores {
		if st.kind() != "store.pkcs12" && st.kind() != "store.windows" {
			continue
		}
		fn := attr(st.value, "friendly_name")
		if !fn.IsKnown() {
			fn = attr(st.cfg(), "friendly_name")
		}
		switch {
		case !fn.IsKnown():
			return nil, false
		case !fn.IsNull() && fn.Type() == cty.String:
			out = append(out, fn.AsString())
		}
	}
	var uniq []string
	seen := map[string]bool{}
	for _, n := range out {
		if n != "" && !seen[n] {
			seen[n] = true
			uniq = append(uniq, n)
		}
	}
	return uniq, len(uniq) > 0
}
