package jks

import (
	"crypto/x509"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// Default modes: a keystore with a private key is readable by its owner
// only; a truststore holds public certificates.
const (
	keyMode   = "0600"
	trustMode = "0644"
)

// Provider manages store "java_keystore" blocks. It is safe for concurrent
// use. It remembers, in memory and for one run only, the password of each
// keystore it read, so that destroy (whose requests carry no
// configuration) can still take its aliases out of a keystore that holds
// others.
type Provider struct {
	mu        sync.Mutex
	passwords map[string]string // address + path -> password
}

var (
	_ providers.Provider          = (*Provider)(nil)
	_ providers.Validator         = (*Provider)(nil)
	_ providers.SecretFreeReasons = (*Provider)(nil)
)

// SecretFreeReasons implements providers.SecretFreeReasons: the plan's
// reasons name aliases, subjects, fingerprints and paths, never the
// password, so they stay visible although password is sensitive.
func (p *Provider) SecretFreeReasons() {}

// New returns the provider for store "java_keystore" blocks.
func New() *Provider { return &Provider{passwords: map[string]string{}} }

func (p *Provider) remember(address, path, password string) {
	p.mu.Lock()
	p.passwords[address+"\x00"+path] = password
	p.mu.Unlock()
}

func (p *Provider) recall(address, path string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pw, ok := p.passwords[address+"\x00"+path]
	return pw, ok
}

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	str := func(name string, required bool) hcldec.Spec {
		return &hcldec.AttrSpec{Name: name, Type: cty.String, Required: required}
	}
	return hcldec.ObjectSpec{
		"path":         str("path", true),
		"type":         str("type", false),
		"password":     str("password", true),
		"certificate":  &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType},
		"alias":        str("alias", false),
		"trust":        &hcldec.AttrSpec{Name: "trust", Type: cty.DynamicPseudoType},
		"alias_prefix": str("alias_prefix", false),
		"file_mode":    str("file_mode", false),
	}
}

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := parseSettings(address, config)
	return pki.DropNotKnown(diags)
}

// settings are the block's arguments, checked.
type settings struct {
	path          string
	kind          string
	password      string
	passwordKnown bool
	alias         string
	prefix        string
	mode          fs.FileMode
	cert, trust   cty.Value
}

func parseSettings(address string, config cty.Value) (settings, hcl.Diagnostics) {
	s := settings{
		kind:  typePKCS12,
		alias: blockName(address),
		cert:  providers.Attr(config, "certificate"),
		trust: providers.Attr(config, "trust"),
	}
	var diags, d hcl.Diagnostics
	s.path, d = storefile.Path(address, "path", providers.Attr(config, "path"))
	diags = append(diags, d...)
	switch t := providers.Attr(config, "type"); {
	case t.IsNull():
	case !t.IsKnown():
		diags = append(diags, pki.NotKnownf(address, "type"))
	case strings.EqualFold(t.AsString(), typeJKS), strings.EqualFold(t.AsString(), typePKCS12):
		s.kind = strings.ToUpper(t.AsString())
	default:
		diags = append(diags, pki.Errorf(address, "Invalid type",
			fmt.Sprintf("type is %q; use \"PKCS12\" (the default, Java 9 and later) or \"JKS\" (older Java).", t.AsString())))
	}
	switch pw := providers.Attr(config, "password"); {
	case pw.IsNull():
		diags = append(diags, pki.Errorf(address, "Missing password",
			"A keystore is protected with a password; set password, from a sensitive variable such as var.keystore_password."))
	case pw.IsKnown():
		s.password, s.passwordKnown = pw.AsString(), true
		if len(s.password) < 6 {
			diags = append(diags, pki.Warnf(address, "Password too short",
				"keytool refuses to create keystores with passwords shorter than 6 characters; use a longer one."))
		}
	}
	if a := providers.Attr(config, "alias"); a.IsKnown() && !a.IsNull() {
		s.alias = a.AsString()
	} else if !a.IsKnown() {
		diags = append(diags, pki.NotKnownf(address, "alias"))
	}
	s.alias = strings.ToLower(s.alias)
	if a := providers.Attr(config, "alias_prefix"); a.IsKnown() && !a.IsNull() {
		s.prefix = strings.ToLower(a.AsString())
	}
	if s.cert.IsNull() && s.trust.IsNull() {
		diags = append(diags, pki.Errorf(address, "Nothing to store",
			"Set certificate (a key entry, with alias) or trust = [trust_chain.NAME] (one trusted entry per CA), or both."))
	}
	if !providers.Attr(config, "alias").IsNull() && s.cert.IsNull() {
		diags = append(diags, pki.Errorf(address, "alias without certificate",
			"alias names the key entry of certificate; trusted entries are named after their CA (with alias_prefix). Set certificate, or remove alias."))
	}
	def := trustMode
	if !s.cert.IsNull() {
		def = keyMode
	}
	s.mode, d = storefile.ParseMode(address, "file_mode", providers.Attr(config, "file_mode"), def)
	diags = append(diags, d...)
	if w := storefile.KeyModeWarning(address, "file_mode", s.mode); w != nil && !d.HasErrors() && !s.cert.IsNull() {
		diags = append(diags, w)
	}
	return s, diags
}

// blockName is the last label of an address, the default alias.
func blockName(address string) string {
	if i := strings.LastIndexByte(address, '.'); i >= 0 {
		return address[i+1:]
	}
	return address
}

// wanted returns the entries the configuration asks for; known is false
// while the certificate or a trust chain is not known yet.
func wanted(address string, s settings, env *providers.Env) (want []entry, known bool, diags hcl.Diagnostics) {
	known = true
	taken := map[string]bool{}
	if !s.cert.IsNull() {
		c, ok, d := pki.ReadCert(address, "certificate", s.cert, env, true)
		diags = append(diags, d...)
		if ok && c != nil {
			want = append(want, entry{alias: s.alias, certs: append([]*x509.Certificate{c.Leaf}, c.Chain...), key: c.KeyDER, keyID: c.KeyID})
			taken[s.alias] = true
		}
		known = known && ok
	}
	cas, ok, d := pki.ReadTrust(address, s.trust)
	diags = append(diags, d...)
	known = known && ok
	for _, c := range cas {
		alias := s.prefix + pki.Slug(pki.Name(c))
		if taken[alias] {
			alias += "-" + pki.Fingerprint(c)[:8]
		}
		taken[alias] = true
		want = append(want, entry{alias: alias, trusted: true, certs: []*x509.Certificate{c}})
	}
	return want, known, diags
}

// entriesValue records entries by alias.
func entriesValue(m map[string]info) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	out := map[string]cty.Value{}
	for alias, i := range m {
		typ, keyID := "PrivateKeyEntry", cty.StringVal(i.keyID)
		if i.trusted {
			typ, keyID = "trustedCertEntry", cty.NullVal(cty.String)
		}
		out[alias] = cty.ObjectVal(map[string]cty.Value{
			"type":               cty.StringVal(typ),
			"fingerprint_sha256": cty.StringVal(i.fp),
			"subject":            cty.StringVal(i.subject),
			"chain":              providers.StringList(i.chain),
			"key_id":             keyID,
		})
	}
	return cty.ObjectVal(out)
}

// aliasesOf lists the aliases of a recorded entries value.
func aliasesOf(v cty.Value) []string {
	if !providers.Exists(v) || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		out = append(out, k.AsString())
	}
	return out
}
