package cert

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	keystore "github.com/pavlo-v-chernykh/keystore-go/v4"
	"github.com/zclconf/go-cty/cty"
	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pfx"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/pemcert"
)

// kindImport is the issuer_kind of an imported certificate: certform did
// not issue it and cannot renew it.
const kindImport = "import"

var _ providers.SecretFreeReasons = (*Provider)(nil)

// SecretFreeReasons implements providers.SecretFreeReasons. A certificate's
// plan reasons, for issued and imported ones alike, name attributes,
// serials and durations, never a value, so the import block's sensitive
// password does not hide why a certificate is replaced.
func (p *Provider) SecretFreeReasons() {}

// importSpec is the schema of a certificate's import block: a certificate
// bought from a public CA or handed over by a company PKI, with its key,
// either as PKCS#12 (pfx, also a Java keystore of type PKCS12), as a Java
// keystore (keystore: JKS or PKCS12), or as PEM texts.
func importSpec() hcldec.Spec {
	str := func(n string) hcldec.Spec { return &hcldec.AttrSpec{Name: n, Type: cty.String} }
	return &hcldec.BlockSpec{TypeName: "import", Nested: hcldec.ObjectSpec{
		"pfx":       str("pfx"),
		"keystore":  str("keystore"),
		"password":  str("password"),
		"alias":     str("alias"),
		"cert_pem":  str("cert_pem"),
		"key_pem":   str("key_pem"),
		"chain_pem": str("chain_pem"),
	}}
}

// importBlock returns the import block of a configuration, null when there
// is none.
func importBlock(config cty.Value) cty.Value {
	if config == cty.NilVal || !config.IsKnown() || config.IsNull() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return attr(config, "import")
}

// isImport reports whether a certificate block imports its certificate.
func isImport(config cty.Value) bool {
	b := importBlock(config)
	return b == cty.NilVal || !b.IsKnown() || !b.IsNull()
}

// importArgs are the arguments that may stand next to an import block;
// everything else describes a certificate to issue.
var importArgs = map[string]bool{"import": true, "renew_before": true}

// imported is a certificate read from an import block.
type imported struct {
	leaf *x509.Certificate
	// chain is the path from the leaf's issuer upwards, as far as the
	// given certificates reach.
	chain []*x509.Certificate
	key   crypto.Signer
	from  string // "pfx", "keystore" or "pem", for messages
	// missing is set when the leaf's own issuer was not given.
	missing string
	// extra are given certificates that are not on the leaf's path.
	extra []*x509.Certificate
}

// validateImport checks the shape of a certificate block with an import
// block, without reading what it imports.
func validateImport(address string, config cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if config.Type().IsObjectType() {
		for name := range config.Type().AttributeTypes() {
			if v := config.GetAttr(name); !importArgs[name] && !v.IsNull() {
				diags = append(diags, errorf(address, "Argument not allowed with import",
					"%s comes from the imported certificate and cannot be set; remove it (only renew_before may stand next to import).", name))
			}
		}
	}
	b := importBlock(config)
	if !b.IsWhollyKnown() {
		return diags
	}
	set := func(n string) bool { return !attr(b, n).IsNull() }
	sources := 0
	for _, n := range []string{"pfx", "keystore", "cert_pem"} {
		if set(n) {
			sources++
		}
	}
	switch {
	case sources != 1:
		diags = append(diags, errorf(address, "Invalid import",
			"Import from exactly one source: pfx = filebase64(\"server.pfx\") with password, keystore = filebase64(\"keystore.jks\") with password, or cert_pem = file(...) with key_pem = file(...) (and chain_pem)."))
	case set("cert_pem") && !set("key_pem"):
		diags = append(diags, errorf(address, "Missing key_pem",
			"An imported certificate needs its private key: set key_pem = file(\"server.key\")."))
	case !set("cert_pem") && (set("key_pem") || set("chain_pem")):
		diags = append(diags, errorf(address, "Invalid import",
			"key_pem and chain_pem go with cert_pem; a .pfx or keystore holds its key and chain itself."))
	case (set("pfx") || set("keystore")) && !set("password"):
		diags = append(diags, errorf(address, "Missing password",
			"A PKCS#12 file or keystore is protected with a password; set password, from a sensitive variable."))
	case set("cert_pem") && (set("password") || set("alias")):
		diags = append(diags, errorf(address, "Invalid import",
			"password and alias go with pfx or keystore; PEM files are read as they are (decrypt an encrypted key with openssl pkey first)."))
	}
	if v := attr(config, "renew_before"); known(v) {
		if _, err := providers.ParseDuration(v.AsString()); err != nil {
			diags = append(diags, errorf(address, "Invalid renew_before", "renew_before: %s.", err))
		}
	}
	return diags
}

// readImport reads the certificate, key and chain of an import block.
// known is false while any of its arguments is unknown.
func readImport(address string, config cty.Value) (*imported, bool, hcl.Diagnostics) {
	b := importBlock(config)
	if !b.IsWhollyKnown() {
		return nil, false, nil
	}
	if diags := validateImport(address, config); diags.HasErrors() {
		return nil, true, diags
	}
	str := func(n string) string { return stringOf(attr(b, n)) }
	var leafs, others []*x509.Certificate
	var key crypto.Signer
	imp := &imported{}
	switch {
	case str("cert_pem") != "":
		imp.from = "pem"
		certs, err := pki.ParseCertificates([]byte(str("cert_pem")))
		if err == nil && len(certs) == 0 {
			err = errors.New("no PEM CERTIFICATE block found")
		}
		if err != nil {
			return nil, true, hcl.Diagnostics{errorf(address, "Cannot read cert_pem", "%s. cert_pem must hold the certificate in PEM form (-----BEGIN CERTIFICATE-----).", err)}
		}
		leafs = certs
		if key, err = pki.ParsePrivateKey([]byte(str("key_pem"))); err != nil {
			return nil, true, hcl.Diagnostics{errorf(address, "Cannot read key_pem", "%s.", err)}
		}
		if c := str("chain_pem"); c != "" {
			chain, err := pki.ParseCertificates([]byte(c))
			if err != nil {
				return nil, true, hcl.Diagnostics{errorf(address, "Cannot read chain_pem", "%s.", err)}
			}
			others = chain
		}
	default:
		name, data := "pfx", str("pfx")
		if data == "" {
			name, data = "keystore", str("keystore")
		}
		imp.from = name
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(data))
		if err != nil {
			return nil, true, hcl.Diagnostics{errorf(address, "Invalid "+name,
				"%s must be the file's content in base64: write %s = filebase64(\"FILE\") (%s).", name, name, err)}
		}
		var d hcl.Diagnostics
		key, leafs, others, d = readContainer(address, name, raw, str("password"), str("alias"))
		if d.HasErrors() {
			return nil, true, d
		}
	}

	// The certificate is the one the key belongs to.
	for _, c := range leafs {
		if imp.leaf == nil && pki.SamePublicKey(key, c) {
			imp.leaf = c
			continue
		}
		others = append(others, c)
	}
	if imp.leaf == nil {
		keyID, _ := pki.KeyID(key.Public())
		var names []string
		for _, c := range leafs {
			names = append(names, fmt.Sprintf("%q", c.Subject.String()))
		}
		return nil, true, hcl.Diagnostics{errorf(address, "Private key does not match the certificate",
			"The imported private key (public key %s) belongs to none of the certificates given (%s). Import the key that was made with the certificate request; the CA never sees it, so it comes from whoever made the request.",
			keyID, strings.Join(names, ", "))}
	}
	imp.key = key
	imp.chain, imp.missing, imp.extra = buildPath(imp.leaf, others)
	return imp, true, nil
}

// readContainer reads a PKCS#12 file or a JKS keystore: the key, the
// certificates that may be its certificate, and the others.
func readContainer(address, name string, data []byte, password, alias string) (crypto.Signer, []*x509.Certificate, []*x509.Certificate, hcl.Diagnostics) {
	wrongPassword := func(err error) hcl.Diagnostics {
		return hcl.Diagnostics{errorf(address, "Wrong password for "+name,
			"The %s cannot be opened with the configured password (%s). Set password to the one it was exported with.", name, err)}
	}
	unreadable := func(err error) hcl.Diagnostics {
		return hcl.Diagnostics{errorf(address, "Cannot read "+name,
			"The %s cannot be read: %s. Check that it is the whole file (truncated downloads and copies through text editors break it) and that it is a PKCS#12 (.pfx, .p12) or Java keystore.", name, err)}
	}
	if len(data) >= 4 && binary.BigEndian.Uint32(data) == 0xFEEDFEED {
		return readJKS(address, name, data, password, alias, wrongPassword, unreadable)
	}
	f, err := pfx.Decode(data, password)
	var unsupported *pfx.UnsupportedError
	switch {
	case errors.Is(err, pfx.ErrWrongPassword):
		return nil, nil, nil, wrongPassword(err)
	case errors.As(err, &unsupported):
		// RC2 and other old algorithms: go-pkcs12 reads them.
		k, c, cas, gerr := gopkcs12.DecodeChain(data, password)
		if errors.Is(gerr, gopkcs12.ErrIncorrectPassword) {
			return nil, nil, nil, wrongPassword(gerr)
		}
		if gerr != nil {
			return nil, nil, nil, unreadable(gerr)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, nil, nil, unreadable(fmt.Errorf("unsupported key type %T", k))
		}
		return s, []*x509.Certificate{c}, cas, nil
	case err != nil:
		return nil, nil, nil, unreadable(err)
	}

	var keys []pfx.Bag
	for _, b := range f.Bags {
		if b.IsKey() && (alias == "" || strings.EqualFold(b.FriendlyName, alias)) {
			keys = append(keys, b)
		}
	}
	switch {
	case len(keys) == 0 && alias != "":
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "Alias not found", "The %s holds no private key named %q.", name, alias)}
	case len(keys) == 0:
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "No private key in "+name,
			"The %s holds certificates but no private key. Export it again with its private key.", name)}
	case len(keys) > 1:
		var names []string
		for _, k := range keys {
			names = append(names, fmt.Sprintf("%q", k.FriendlyName))
		}
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "Several private keys in "+name,
			"The %s holds %d private keys (%s); set alias to the one to import.", name, len(keys), strings.Join(names, ", "))}
	case keys[0].Key == nil:
		return nil, nil, nil, wrongPassword(errors.New("the key has a password of its own"))
	}
	k, err := x509.ParsePKCS8PrivateKey(keys[0].Key)
	if err != nil {
		return nil, nil, nil, unreadable(err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, nil, unreadable(fmt.Errorf("unsupported key type %T", k))
	}
	var leafs, others []*x509.Certificate
	for _, b := range f.Bags {
		if b.IsKey() {
			continue
		}
		c, err := x509.ParseCertificate(b.Cert)
		if err != nil {
			return nil, nil, nil, unreadable(err)
		}
		if keys[0].LocalKeyID != nil && bytes.Equal(b.LocalKeyID, keys[0].LocalKeyID) {
			leafs = append([]*x509.Certificate{c}, leafs...)
		} else {
			others = append(others, c)
		}
	}
	return s, append(leafs, others...), nil, nil
}

// readJKS reads a key entry of a JKS keystore.
func readJKS(address, name string, data []byte, password, alias string, wrongPassword, unreadable func(error) hcl.Diagnostics) (crypto.Signer, []*x509.Certificate, []*x509.Certificate, hcl.Diagnostics) {
	ks := keystore.New()
	if err := ks.Load(bytes.NewReader(data), []byte(password)); err != nil {
		if strings.Contains(err.Error(), "invalid digest") {
			return nil, nil, nil, wrongPassword(errors.New("the keystore's integrity check fails"))
		}
		return nil, nil, nil, unreadable(err)
	}
	var aliases []string
	for _, a := range ks.Aliases() {
		if ks.IsPrivateKeyEntry(a) && (alias == "" || strings.EqualFold(a, alias)) {
			aliases = append(aliases, a)
		}
	}
	switch {
	case len(aliases) == 0 && alias != "":
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "Alias not found", "The %s holds no key entry named %q.", name, alias)}
	case len(aliases) == 0:
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "No private key in "+name, "The %s holds no key entry (PrivateKeyEntry).", name)}
	case len(aliases) > 1:
		return nil, nil, nil, hcl.Diagnostics{errorf(address, "Several private keys in "+name,
			"The %s holds %d key entries (%s); set alias to the one to import.", name, len(aliases), strings.Join(aliases, ", "))}
	}
	e, err := ks.GetPrivateKeyEntry(aliases[0], []byte(password))
	if err != nil {
		return nil, nil, nil, wrongPassword(fmt.Errorf("the key of alias %s cannot be decrypted with the store password: %w", aliases[0], err))
	}
	k, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
	if err != nil {
		return nil, nil, nil, unreadable(err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, nil, unreadable(fmt.Errorf("unsupported key type %T", k))
	}
	var certs []*x509.Certificate
	for _, cc := range e.CertificateChain {
		c, err := x509.ParseCertificate(cc.Content)
		if err != nil {
			return nil, nil, nil, unreadable(err)
		}
		certs = append(certs, c)
	}
	return s, certs, nil, nil
}

// buildPath follows issuers from leaf through certs. missing names the
// leaf's issuer when it is not among them (a missing intermediate: clients
// cannot build the chain); a missing issuer further up is the root, which
// clients are expected to hold. extra are the certificates off the path.
func buildPath(leaf *x509.Certificate, certs []*x509.Certificate) (chain []*x509.Certificate, missing string, extra []*x509.Certificate) {
	used := map[string]bool{pemcert.Fingerprint(leaf): true}
	cur := leaf
	for !isSelfSigned(cur) {
		var next *x509.Certificate
		for _, c := range certs {
			if !used[pemcert.Fingerprint(c)] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			if cur == leaf {
				missing = leaf.Issuer.String()
			}
			break
		}
		used[pemcert.Fingerprint(next)] = true
		chain = append(chain, next)
		cur = next
	}
	for _, c := range certs {
		if !used[pemcert.Fingerprint(c)] {
			used[pemcert.Fingerprint(c)] = true
			extra = append(extra, c)
		}
	}
	return chain, missing, extra
}

// isSelfSigned reports whether a certificate names itself as issuer and
// is signed by its own key (CheckSignatureFrom would also insist on a CA).
func isSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// importChecks reports what is wrong with an imported certificate at now:
// expired or not yet valid is an error; a missing intermediate and stray
// certificates are warnings. (One within renew_before of expiring is the
// plan check expiring-unrenewable, in package plan/checks.)
func importChecks(address string, imp *imported, now time.Time) hcl.Diagnostics {
	var diags hcl.Diagnostics
	c := imp.leaf
	name := fmt.Sprintf("%q", c.Subject.String())
	switch {
	case now.Before(c.NotBefore):
		diags = append(diags, errorf(address, "Imported certificate not yet valid",
			"The certificate %s is valid only from %s (in %s); clients would refuse it until then. Import it then, or check the host's clock.",
			name, c.NotBefore.UTC().Format(time.RFC3339), humanDuration(c.NotBefore.Sub(now))))
	case !now.Before(c.NotAfter):
		diags = append(diags, errorf(address, "Imported certificate expired",
			"The certificate %s expired %s ago (%s). Get a new one from the CA that issued it (%q) and import that.",
			name, humanDuration(now.Sub(c.NotAfter)), c.NotAfter.UTC().Format(time.RFC3339), c.Issuer.String()))
	}
	if imp.missing != "" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Incomplete certificate chain",
			Detail: fmt.Sprintf("%s: the certificate %s was issued by %q, which is not in the imported chain. Servers send the chain with their certificate, and clients that do not already hold %q cannot verify it. Add that intermediate CA certificate (from the CA's download page) to %s.",
				address, name, imp.missing, imp.missing, map[string]string{"pem": "chain_pem", "pfx": "the .pfx", "keystore": "the keystore"}[imp.from]),
		})
	}
	for _, ch := range imp.chain {
		if !now.Before(ch.NotAfter) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Expired certificate in the chain",
				Detail:   fmt.Sprintf("%s: the chain's %q expired on %s; replace it with the CA's current intermediate.", address, ch.Subject.String(), ch.NotAfter.UTC().Format("2006-01-02")),
			})
		}
	}
	if imp.from == "pem" {
		for _, x := range imp.extra {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Certificate not in the chain",
				Detail:   fmt.Sprintf("%s: %q was given with the certificate but is not part of its chain; it is left out.", address, x.Subject.String()),
			})
		}
	}
	return diags
}

// importValue is the value of an imported certificate: the attributes an
// issued certificate has, taken from the certificate itself.
func importValue(config cty.Value, imp *imported, keyID string) cty.Value {
	c := imp.leaf
	var ips []string
	for _, ip := range c.IPAddresses {
		ips = append(ips, ip.String())
	}
	org := ""
	if len(c.Subject.Organization) > 0 {
		org = c.Subject.Organization[0]
	}
	m := map[string]cty.Value{
		"common_name":    cty.StringVal(c.Subject.CommonName),
		"dns_names":      providers.StringList(c.DNSNames),
		"ip_addresses":   providers.StringList(ips),
		"organization":   cty.StringVal(org),
		"is_ca":          cty.BoolVal(c.IsCA),
		"validity":       cty.StringVal(providers.FormatDuration(c.NotAfter.Sub(c.NotBefore))),
		"renew_before":   normalizeDuration(orDefault(attr(config, "renew_before"), cty.StringVal(defaultRenewBefore))),
		"key":            importedKey(imp.key),
		"key_usages":     providers.StringList(keyUsagesOf(c.KeyUsage)),
		"ext_key_usages": providers.StringList(extKeyUsagesOf(c.ExtKeyUsage)),
		"issuer_kind":    cty.StringVal(kindImport),
	}
	for k, v := range computedAttrs(c, keyID) {
		m[k] = v
	}
	m["issuer_fingerprint"] = cty.NullVal(cty.String)
	var chain []string
	for i, ch := range imp.chain {
		if i == 0 {
			m["issuer_fingerprint"] = cty.StringVal(pemcert.Fingerprint(ch))
		}
		chain = append(chain, string(pki.EncodePEM(ch)))
	}
	m["chain_pem"] = cty.StringVal(joinPEM(chain...))
	return cty.ObjectVal(m)
}

// unknownImportValue is the value while the import block is not known.
func unknownImportValue(config cty.Value) cty.Value {
	m := unknownComputed()
	for _, n := range []string{"common_name", "organization", "validity", "chain_pem", "issuer_fingerprint"} {
		m[n] = cty.UnknownVal(cty.String)
	}
	m["dns_names"] = cty.UnknownVal(cty.List(cty.String))
	m["ip_addresses"] = cty.UnknownVal(cty.List(cty.String))
	m["key_usages"] = cty.UnknownVal(cty.List(cty.String))
	m["ext_key_usages"] = cty.UnknownVal(cty.List(cty.String))
	m["is_ca"] = cty.UnknownVal(cty.Bool)
	m["key"] = cty.UnknownVal(keyType())
	m["renew_before"] = normalizeDuration(orDefault(attr(config, "renew_before"), cty.StringVal(defaultRenewBefore)))
	m["issuer_kind"] = cty.StringVal(kindImport)
	return cty.ObjectVal(m)
}

func importedKey(k crypto.Signer) cty.Value {
	alg, bits, curve := "", cty.NullVal(cty.Number), cty.NullVal(cty.String)
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		alg, bits = "RSA", cty.NumberIntVal(int64(pub.N.BitLen()))
	case *ecdsa.PublicKey:
		alg, curve = "ECDSA", cty.StringVal(strings.ReplaceAll(pub.Curve.Params().Name, "-", ""))
	case ed25519.PublicKey:
		alg = "Ed25519"
	}
	return cty.ObjectVal(map[string]cty.Value{"algorithm": cty.StringVal(alg), "bits": bits, "curve": curve})
}

func keyUsagesOf(u x509.KeyUsage) []string {
	var out []string
	for _, n := range keyUsageNames() {
		if bit, ok := keyUsage(n); ok && u&bit != 0 {
			out = append(out, n)
		}
	}
	return out
}

func extKeyUsagesOf(us []x509.ExtKeyUsage) []string {
	var out []string
	for _, n := range extKeyUsageNames() {
		eku, ok := extKeyUsage(n)
		if !ok {
			continue
		}
		for _, u := range us {
			if u == eku {
				out = append(out, n)
			}
		}
	}
	return out
}

// planImport implements Plan for a certificate with an import block. The
// certificate is known at plan time, so the planned value is complete but
// for key_id while the key is not in Secrets yet. A different certificate
// in the imported file replaces the recorded one.
func (p *Provider) planImport(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	imp, ok, diags := readImport(req.Address, req.Config)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	if !ok {
		return providers.PlanResponse{Planned: unknownImportValue(req.Config), RequiresReplace: providers.Exists(req.Live),
			Reasons: []string{"the imported certificate is known only after apply"}}
	}
	diags = append(diags, importChecks(req.Address, imp, req.Env.Now)...)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	keyID, err := pki.KeyID(imp.key.Public())
	if err != nil {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: append(diags, errorf(req.Address, "Invalid private key", "%s.", err))}
	}
	v := importValue(req.Config, imp, keyID)
	if _, err := req.Env.Secrets.Get(keyID); err != nil {
		// The key reaches Secrets only at apply; until then blocks that
		// need it (stores writing key files) must wait, as they do for a
		// key not yet generated.
		m := v.AsValueMap()
		m["key_id"] = cty.UnknownVal(cty.String)
		v = cty.ObjectVal(m)
	}
	resp := providers.PlanResponse{Planned: v, Diagnostics: diags}
	switch {
	case !providers.Exists(req.Live) && providers.Exists(req.Prior):
		resp.Reasons = []string{"private key missing from .certform/keys; it is imported again"}
	case !providers.Exists(req.Live):
	case providers.String(req.Live, "pem") != providers.String(v, "pem"):
		resp.RequiresReplace = true
		resp.Reasons = []string{fmt.Sprintf("the imported certificate changed (serial %s, now %s)", providers.String(req.Live, "serial"), providers.String(v, "serial"))}
		if providers.String(req.Live, "key_id") != keyID {
			resp.Reasons = append(resp.Reasons, "new private key")
		}
	default:
		for _, n := range []string{"renew_before", "chain_pem"} {
			if !providers.Equal(v.GetAttr(n), providers.Attr(req.Live, n)) {
				resp.Reasons = append(resp.Reasons, n+" changed")
			}
		}
		if len(resp.Reasons) == 0 && !providers.Equal(v, req.Live) {
			resp.Reasons = []string{"recorded attributes changed"}
		}
	}
	return resp
}

// applyImport implements Apply for a certificate with an import block: the
// key goes into Secrets (the key of a certificate it replaces is removed),
// the certificate into the value.
func (p *Provider) applyImport(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	fail := func(diags hcl.Diagnostics) providers.ApplyResponse {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	imp, ok, diags := readImport(req.Address, req.Config)
	if !diags.HasErrors() && !ok {
		diags = append(diags, errorf(req.Address, "Import not known", "The import block is still unknown at apply."))
	}
	if diags.HasErrors() {
		return fail(diags)
	}
	diags = append(diags, importChecks(req.Address, imp, req.Env.Now)...)
	if diags.HasErrors() {
		return fail(diags)
	}
	keyID, err := pki.KeyID(imp.key.Public())
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Invalid private key", "%s.", err)))
	}
	_, keyPEM, err := pki.MarshalPrivateKey(imp.key)
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Invalid private key", "%s.", err)))
	}
	if err := req.Env.Secrets.Put(keyID, keyPEM); err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot store private key", "The imported private key could not be saved: %s.", err)))
	}
	if old := providers.String(prior, "key_id"); old != "" && old != keyID {
		if err := req.Env.Secrets.Delete(old); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Old private key not removed",
				Detail:   fmt.Sprintf("%s: the private key %s of the replaced certificate could not be removed: %s. Delete it by hand.", req.Address, old, err),
			})
		}
	}
	return providers.ApplyResponse{New: importValue(req.Config, imp, keyID), Diagnostics: diags}
}
