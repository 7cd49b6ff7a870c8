package acme

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
)

// Kind is the kind attribute of every issuer "acme" value; providers/cert
// hands certificates whose issuer has this kind to [Remote].
const Kind = "acme"

// Challenge types, as ACME names them.
const (
	typeHTTP01    = "http-01"
	typeTLSALPN01 = "tls-alpn-01"
	typeDNS01     = "dns-01"
)

// Defaults, documented with the block in docs/language.md.
const (
	// defaultKeyType is the account key: ECDSA P-256 is what current ACME
	// clients use; its signatures are small and quick.
	defaultKeyType = "P256"
	// defaultPropagationTimeout bounds the wait for a DNS-01 TXT record to
	// appear at the name servers; lego's providers default to one or two
	// minutes.
	defaultPropagationTimeout = 2 * time.Minute
)

// keyTypes are the account key types account_key_type accepts.
func keyTypes() []string { return []string{"P256", "P384", "RSA2048", "RSA3072", "RSA4096"} }

// settings is an issuer "acme" block, or its value, with every attribute
// known. The EAB HMAC is only ever in a block's settings: values never
// carry it.
type settings struct {
	directory      string
	email          string
	keyType        string
	preferredChain string
	caRoots        string
	eabKID         string
	eabHMAC        string
	challenge      challengeSettings
	// accountURI and accountKeyID are known once the account exists.
	accountURI   string
	accountKeyID string
}

// challengeSettings is the one challenge block of an issuer.
type challengeSettings struct {
	typ                string // typeHTTP01, typeTLSALPN01 or typeDNS01
	listen             string // http-01 and tls-alpn-01 served by certform
	webroot            string // http-01 through another web server
	provider           string // dns-01: "exec" or a lego DNS provider
	command            []string
	env                map[string]string
	resolvers          []string
	propagationTimeout time.Duration // 0: the default
}

// describe names the challenge the way the configuration sets it up, for
// messages: "http-01 on :8080".
func (c challengeSettings) describe() string {
	switch {
	case c.typ == typeDNS01 && c.provider == "exec":
		return "dns-01 through " + strings.Join(c.command, " ")
	case c.typ == typeDNS01:
		return "dns-01 through the " + c.provider + " DNS provider"
	case c.webroot != "":
		return "http-01 through the web root " + c.webroot
	}
	return c.typ + " on " + c.listen
}

// schema is the body of an issuer "acme" block.
func schema() hcldec.Spec {
	str := func(name string, required bool) hcldec.Spec {
		return &hcldec.AttrSpec{Name: name, Type: cty.String, Required: required}
	}
	return hcldec.ObjectSpec{
		"directory":        str("directory", true),
		"email":            str("email", false),
		"account_key_type": str("account_key_type", false),
		"preferred_chain":  str("preferred_chain", false),
		"ca_roots":         str("ca_roots", false),
		"eab": &hcldec.BlockSpec{TypeName: "eab", Nested: hcldec.ObjectSpec{
			"kid":  str("kid", true),
			"hmac": str("hmac", true),
		}},
		"http01": &hcldec.BlockSpec{TypeName: "http01", Nested: hcldec.ObjectSpec{
			"listen":  str("listen", false),
			"webroot": str("webroot", false),
		}},
		"tls_alpn01": &hcldec.BlockSpec{TypeName: "tls_alpn01", Nested: hcldec.ObjectSpec{
			"listen": str("listen", true),
		}},
		"dns01": &hcldec.BlockSpec{TypeName: "dns01", Nested: hcldec.ObjectSpec{
			"provider":            str("provider", true),
			"command":             &hcldec.AttrSpec{Name: "command", Type: cty.List(cty.String)},
			"env":                 &hcldec.AttrSpec{Name: "env", Type: cty.Map(cty.String)},
			"resolvers":           &hcldec.AttrSpec{Name: "resolvers", Type: cty.List(cty.String)},
			"propagation_timeout": str("propagation_timeout", false),
		}},
	}
}

// challengeType returns the cty type of the challenge attribute of a value.
func challengeType() cty.Type {
	return cty.Object(map[string]cty.Type{
		"type": cty.String, "listen": cty.String, "webroot": cty.String,
		"provider": cty.String, "command": cty.List(cty.String),
		"env": cty.Map(cty.String), "resolvers": cty.List(cty.String),
		"propagation_timeout": cty.String,
	})
}

// value builds the issuer value from a block: every setting a certificate
// needs, with defaults filled in, and the account reference taken from
// account (a recorded value) or unknown. Settings that are still unknown
// stay unknown. The EAB HMAC is left out.
func value(address string, config, account cty.Value) (cty.Value, hcl.Diagnostics) {
	diags := check(address, config)
	str := func(v cty.Value, def string) cty.Value {
		switch {
		case v == cty.NilVal || v.IsNull():
			return cty.StringVal(def)
		case !v.IsKnown():
			return cty.UnknownVal(cty.String)
		}
		return v
	}
	keyType := str(attr(config, "account_key_type"), defaultKeyType)
	if keyType.IsKnown() {
		keyType = cty.StringVal(normalizeKeyType(keyType.AsString()))
	}
	m := map[string]cty.Value{
		"kind":             cty.StringVal(Kind),
		"directory":        str(attr(config, "directory"), ""),
		"email":            str(attr(config, "email"), ""),
		"account_key_type": keyType,
		"preferred_chain":  str(attr(config, "preferred_chain"), ""),
		"ca_roots":         str(attr(config, "ca_roots"), ""),
		"eab_kid":          str(attr(attr(config, "eab"), "kid"), ""),
		"challenge":        challengeValue(config),
		"account_uri":      cty.UnknownVal(cty.String),
		"account_key_id":   cty.UnknownVal(cty.String),
	}
	if providers.Exists(account) {
		m["account_uri"] = cty.StringVal(providers.String(account, "account_uri"))
		m["account_key_id"] = cty.StringVal(providers.String(account, "account_key_id"))
	}
	return cty.ObjectVal(m), diags
}

// challengeValue is the challenge attribute of the value.
func challengeValue(config cty.Value) cty.Value {
	typ, block := "", providers.Null
	for _, b := range []struct{ name, typ string }{{"http01", typeHTTP01}, {"tls_alpn01", typeTLSALPN01}, {"dns01", typeDNS01}} {
		v := attr(config, b.name)
		if v != cty.NilVal && !v.IsKnown() {
			return cty.UnknownVal(challengeType())
		}
		if !v.IsNull() && typ == "" {
			typ, block = b.typ, v
		}
	}
	str := func(name string) cty.Value {
		v := attr(block, name)
		switch {
		case v == cty.NilVal || v.IsNull():
			return cty.StringVal("")
		case !v.IsKnown():
			return cty.UnknownVal(cty.String)
		}
		return v
	}
	list := func(name string) cty.Value {
		v := attr(block, name)
		switch {
		case v == cty.NilVal || v.IsNull():
			return cty.ListValEmpty(cty.String)
		case !v.IsWhollyKnown():
			return cty.UnknownVal(cty.List(cty.String))
		}
		return providers.StringList(providers.Strings(block, name))
	}
	env := attr(block, "env")
	switch {
	case env == cty.NilVal || env.IsNull() || (env.IsKnown() && env.LengthInt() == 0):
		env = cty.MapValEmpty(cty.String)
	case !env.IsWhollyKnown():
		env = cty.UnknownVal(cty.Map(cty.String))
	}
	timeout := str("propagation_timeout")
	if timeout.IsKnown() && timeout.AsString() != "" {
		if d, err := providers.ParseDuration(timeout.AsString()); err == nil {
			timeout = cty.StringVal(providers.FormatDuration(d))
		}
	}
	return cty.ObjectVal(map[string]cty.Value{
		"type":                cty.StringVal(typ),
		"listen":              str("listen"),
		"webroot":             str("webroot"),
		"provider":            str("provider"),
		"command":             list("command"),
		"env":                 env,
		"resolvers":           list("resolvers"),
		"propagation_timeout": timeout,
	})
}

// check reports every problem in a block, skipping unknown values.
func check(address string, config cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if d := attr(config, "directory"); known(d) {
		diags = append(diags, checkDirectory(address, d.AsString())...)
	}
	if e := attr(config, "email"); known(e) && e.AsString() != "" {
		s := e.AsString()
		if !strings.Contains(s, "@") || strings.ContainsAny(s, " \t,;<>") || strings.HasPrefix(s, "mailto:") {
			diags = append(diags, errorf(address, "Invalid email",
				"email is %q; write one plain address such as \"admin@example.com\" (without mailto:). The CA may write to it about the account.", s))
		}
	}
	if k := attr(config, "account_key_type"); known(k) {
		if n := normalizeKeyType(k.AsString()); !contains(keyTypes(), n) {
			diags = append(diags, errorf(address, "Unsupported account key type",
				"account_key_type is %q; use one of %s (default %s).", k.AsString(), strings.Join(keyTypes(), ", "), defaultKeyType))
		}
	}
	if r := attr(config, "ca_roots"); known(r) && r.AsString() != "" {
		if _, err := pemcert.All(r.AsString()); err != nil {
			diags = append(diags, errorf(address, "Invalid ca_roots",
				"ca_roots must be the PEM text of the ACME server's TLS root certificates, such as ca_roots = file(\"roots.pem\"): %s.", err))
		}
	}
	if eab := attr(config, "eab"); known(eab) {
		for _, n := range []string{"kid", "hmac"} {
			if v := attr(eab, n); known(v) && strings.TrimSpace(v.AsString()) == "" {
				diags = append(diags, errorf(address, "Empty eab "+n,
					"eab needs the key identifier (kid) and the HMAC key (hmac) the CA gave you for this account."))
			}
		}
		if h := attr(eab, "hmac"); known(h) && strings.TrimSpace(h.AsString()) != "" {
			if _, err := decodeHMAC(h.AsString()); err != nil {
				diags = append(diags, errorf(address, "Invalid eab hmac",
					"eab hmac must be the base64url HMAC key as the CA shows it: %s. Copy it whole, without quotes or spaces.", err))
			}
		}
	}
	diags = append(diags, checkChallenge(address, config)...)
	return diags
}

// checkDirectory checks the directory URL.
func checkDirectory(address, dir string) hcl.Diagnostics {
	u, err := url.Parse(dir)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return hcl.Diagnostics{errorf(address, "Invalid directory",
			"directory is %q; it must be the ACME server's directory URL, such as \"https://acme-v02.api.letsencrypt.org/directory\" (Let's Encrypt) or \"https://acme-staging-v02.api.letsencrypt.org/directory\" (its staging server, for tests).", dir)}
	case u.Scheme == "http":
		return hcl.Diagnostics{errorf(address, "ACME needs HTTPS",
			"directory is %q; ACME servers are reached over HTTPS only (RFC 8555). Write https://.", dir)}
	}
	return nil
}

// checkChallenge requires exactly one challenge block, complete.
func checkChallenge(address string, config cty.Value) hcl.Diagnostics {
	var set []string
	for _, n := range []string{"http01", "tls_alpn01", "dns01"} {
		v := attr(config, n)
		if v == cty.NilVal || !v.IsKnown() {
			return nil
		}
		if !v.IsNull() {
			set = append(set, n)
		}
	}
	switch len(set) {
	case 0:
		return hcl.Diagnostics{errorf(address, "Missing challenge",
			"Say how the ACME server checks that you control the domain: http01 { listen = \":8080\" } (certform answers on that address; forward port 80 to it), http01 { webroot = \"/var/www/html\" } (a web server on port 80 serves that directory), tls_alpn01 { listen = \":8443\" } (forward port 443 to it) or dns01 { provider = \"exec\" command = [...] } (a TXT record).")}
	case 1:
	default:
		return hcl.Diagnostics{errorf(address, "Several challenges",
			"The issuer has %s; keep one. Declare a second issuer \"acme\" block for certificates that need another challenge.", strings.Join(set, " and "))}
	}
	b := attr(config, set[0])
	var diags hcl.Diagnostics
	switch set[0] {
	case "http01":
		listen, webroot := attr(b, "listen"), attr(b, "webroot")
		switch {
		case !listen.IsKnown() || !webroot.IsKnown():
		case listen.IsNull() == webroot.IsNull():
			diags = append(diags, errorf(address, "http01 needs listen or webroot",
				"Set exactly one: listen = \":8080\" to have certform answer the challenge on that address (with port 80 forwarded to it), or webroot = \"/var/www/html\" to drop the answer into the document root of the web server on port 80."))
		case !listen.IsNull():
			diags = append(diags, checkListen(address, "http01", listen.AsString())...)
		case strings.TrimSpace(webroot.AsString()) == "":
			diags = append(diags, errorf(address, "Empty webroot", "webroot must name the document root of the web server on port 80, such as \"/var/www/html\"."))
		}
	case "tls_alpn01":
		if l := attr(b, "listen"); known(l) {
			diags = append(diags, checkListen(address, "tls_alpn01", l.AsString())...)
		}
	case "dns01":
		diags = append(diags, checkDNS01(address, b)...)
	}
	return diags
}

// checkListen checks a listen address: host:port or :port.
func checkListen(address, block, s string) hcl.Diagnostics {
	host, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || strings.ContainsAny(host, "/ ") {
		return hcl.Diagnostics{errorf(address, "Invalid listen address",
			"%s listen is %q; write a port as \":8080\", or an address and port as \"192.0.2.10:8080\".", block, s)}
	}
	return nil
}

// checkDNS01 checks a dns01 block.
func checkDNS01(address string, b cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	p, cmd := attr(b, "provider"), attr(b, "command")
	if known(p) {
		switch name := p.AsString(); {
		case name == "exec":
			if cmd.IsKnown() && (cmd.IsNull() || cmd.LengthInt() == 0) {
				diags = append(diags, errorf(address, "exec needs a command",
					"dns01 provider \"exec\" runs command with \"present\" or \"cleanup\", the record name and its value, such as command = [\"/usr/local/bin/dns-txt\"]."))
			}
		case !contains(dnsProviderNames(), name):
			diags = append(diags, errorf(address, "Unknown DNS provider", "%s", unknownDNSProvider(name)))
		case !cmd.IsNull():
			diags = append(diags, errorf(address, "command needs provider exec",
				"command is run by provider = \"exec\" only; the %s provider is configured through env, with the variables lego documents for it.", name))
		}
	}
	for _, r := range providers.Strings(b, "resolvers") {
		if _, err := resolverAddress(r); err != nil {
			diags = append(diags, errorf(address, "Invalid resolver", "resolvers holds %q; write an address such as \"192.0.2.53\" or \"192.0.2.53:53\".", r))
		}
	}
	if t := attr(b, "propagation_timeout"); known(t) {
		if _, err := providers.ParseDuration(t.AsString()); err != nil {
			diags = append(diags, errorf(address, "Invalid propagation_timeout", "propagation_timeout: %s.", err))
		}
	}
	return diags
}

// fromValue reads the settings of an issuer value, as a certificate sees
// it. ok is false while a setting is unknown.
func fromValue(v cty.Value) (s settings, ok bool) {
	if !v.IsWhollyKnown() || v.IsNull() {
		return s, false
	}
	s = settings{
		directory:      providers.String(v, "directory"),
		email:          providers.String(v, "email"),
		keyType:        providers.String(v, "account_key_type"),
		preferredChain: providers.String(v, "preferred_chain"),
		caRoots:        providers.String(v, "ca_roots"),
		eabKID:         providers.String(v, "eab_kid"),
		accountURI:     providers.String(v, "account_uri"),
		accountKeyID:   providers.String(v, "account_key_id"),
	}
	s.challenge = challengeFrom(providers.Attr(v, "challenge"))
	return s, true
}

// fromConfig reads the settings of a block whose values are all known.
func fromConfig(config cty.Value) (settings, bool) {
	v, diags := value("", config, providers.Null)
	if diags.HasErrors() {
		return settings{}, false
	}
	v = setAccount(v, "", "")
	s, ok := fromValue(v)
	if h := attr(attr(config, "eab"), "hmac"); known(h) {
		// lego reads base64url only; CAs that print standard base64 are
		// read here and the key handed on in the form lego takes.
		if key, err := decodeHMAC(h.AsString()); err == nil {
			s.eabHMAC = base64.RawURLEncoding.EncodeToString(key)
		}
	}
	return s, ok
}

// challengeFrom reads the challenge attribute of a value.
func challengeFrom(c cty.Value) challengeSettings {
	ch := challengeSettings{
		typ:       providers.String(c, "type"),
		listen:    providers.String(c, "listen"),
		webroot:   providers.String(c, "webroot"),
		provider:  providers.String(c, "provider"),
		command:   providers.Strings(c, "command"),
		resolvers: providers.Strings(c, "resolvers"),
	}
	if t := providers.String(c, "propagation_timeout"); t != "" {
		ch.propagationTimeout, _ = providers.ParseDuration(t)
	}
	if env := providers.Attr(c, "env"); providers.Exists(env) && env.CanIterateElements() {
		ch.env = map[string]string{}
		for it := env.ElementIterator(); it.Next(); {
			k, v := it.Element()
			if providers.Exists(v) && v.Type() == cty.String {
				ch.env[k.AsString()] = v.AsString()
			}
		}
	}
	return ch
}

// setAccount fills in the account reference of a value.
func setAccount(v cty.Value, uri, keyID string) cty.Value {
	m := v.AsValueMap()
	m["account_uri"] = cty.StringVal(uri)
	m["account_key_id"] = cty.StringVal(keyID)
	return cty.ObjectVal(m)
}

// normalizeKeyType accepts lego's names too ("EC256", "ec-384", "rsa2048").
func normalizeKeyType(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.TrimSpace(s)))
	switch s {
	case "EC256", "ECDSAP256", "P256":
		return "P256"
	case "EC384", "ECDSAP384", "P384":
		return "P384"
	case "RSA", "2048":
		return "RSA2048"
	}
	return s
}

// minHMACBytes is the shortest EAB key lego can sign with: HS256 takes a
// key of at least 256 bits.
const minHMACBytes = 32

// decodeHMAC reads an EAB HMAC key as CAs show it: base64url, with or
// without padding (some CAs print standard base64).
func decodeHMAC(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			if len(b) < minHMACBytes {
				return nil, fmt.Errorf("it holds a key of %d bytes, and EAB keys have at least %d (CAs show them as 43 or more characters)", len(b), minHMACBytes)
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("it is not base64")
}

// resolverAddress adds the DNS port to a resolver without one.
func resolverAddress(s string) (string, error) {
	if _, _, err := net.SplitHostPort(s); err == nil {
		return s, nil
	}
	if net.ParseIP(strings.Trim(s, "[]")) == nil && strings.ContainsAny(s, ":/ ") {
		return "", fmt.Errorf("invalid resolver %q", s)
	}
	return net.JoinHostPort(strings.Trim(s, "[]"), "53"), nil
}

// attr is providers.Attr, except that an attribute of an unknown object is
// unknown rather than null.
func attr(obj cty.Value, name string) cty.Value {
	if obj != cty.NilVal && !obj.IsKnown() {
		return cty.DynamicVal
	}
	return providers.Attr(obj, name)
}

func known(v cty.Value) bool { return providers.Exists(v) && v.IsWhollyKnown() }

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func errorf(address, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   address + ": " + fmt.Sprintf(format, args...),
	}
}

func warningf(address, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   address + ": " + fmt.Sprintf(format, args...),
	}
}

// sortedKeys returns the keys of a map in order.
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
