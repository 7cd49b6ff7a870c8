package cert

import (
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Validate implements providers.Validator. It checks the key, the
// durations, the addresses, the usages and the issuer; values still unknown
// are accepted.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	if isImport(config) {
		return validateImport(address, config)
	}
	if r, kind, iss, ok := p.remoteFor(config); ok {
		return p.validateRemote(address, r, kind, iss, config)
	}
	_, diags := parseIssuer(address, attr(config, "issuer"), p.issuers)
	diags = append(diags, p.checkLocal(address, config)...)
	return append(diags, checkAttrs(address, desiredAttrs(config))...)
}

// checkAttrs reports every problem in the desired attributes (see
// desiredAttrs), skipping those that are unknown.
func checkAttrs(address string, a map[string]cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	diags = append(diags, checkKey(address, a["key"])...)

	validity, vdiags := checkDuration(address, "validity", a["validity"])
	renew, rdiags := checkDuration(address, "renew_before", a["renew_before"])
	diags = append(diags, vdiags...)
	diags = append(diags, rdiags...)
	if validity == 0 && known(a["validity"]) && len(vdiags) == 0 {
		diags = append(diags, errorf(address, "Invalid validity", "validity must be longer than zero, such as \"397d\"."))
	}
	if validity > 0 && renew >= validity {
		diags = append(diags, errorf(address, "renew_before is not shorter than validity",
			"renew_before (%s) must be shorter than validity (%s), or the certificate would be renewed on every run. Set renew_before to a fraction of validity, such as \"30d\" for \"397d\".",
			providers.FormatDuration(renew), providers.FormatDuration(validity)))
	}

	for _, s := range knownStrings(a["ip_addresses"]) {
		if _, err := netip.ParseAddr(s); err != nil {
			diags = append(diags, errorf(address, "Invalid IP address",
				"ip_addresses holds %q, which is not an IPv4 or IPv6 address such as \"192.0.2.10\" or \"2001:db8::10\". Host names belong in dns_names.", s))
		}
	}
	for _, s := range knownStrings(a["dns_names"]) {
		if err := checkDNSName(s); err != nil {
			diags = append(diags, errorf(address, "Invalid DNS name", "dns_names holds %q: %s.", s, err))
		}
	}
	for _, s := range knownStrings(a["key_usages"]) {
		if _, ok := keyUsage(s); !ok {
			diags = append(diags, errorf(address, "Unknown key usage",
				"key_usages holds %q; allowed are %s.", s, strings.Join(keyUsageNames(), ", ")))
		}
	}
	for _, s := range knownStrings(a["ext_key_usages"]) {
		if _, ok := extKeyUsage(s); !ok {
			diags = append(diags, errorf(address, "Unknown extended key usage",
				"ext_key_usages holds %q; allowed are %s.", s, strings.Join(extKeyUsageNames(), ", ")))
		}
	}
	alg := a["key"]
	if known(alg) {
		alg = alg.GetAttr("algorithm")
	}
	if known(alg) && alg.AsString() == "ECDSA" && slices.Contains(knownStrings(a["key_usages"]), "key_encipherment") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "key_encipherment does not fit an ECDSA key",
			Detail:   address + ": an ECDSA key can sign but not encrypt; some TLS stacks (Windows Schannel, error 0x80090331) refuse such a certificate. Use key_usages = [\"digital_signature\"].",
		})
	}
	diags = append(diags, checkNames(address, a)...)
	return diags
}

// checkKey checks the algorithm and its size: RSA with 2048, 3072 or 4096
// bits, or ECDSA on P256 or P384. Smaller RSA keys are refused by current
// TLS clients; larger ones are slow and buy little (NIST SP 800-57).
func checkKey(address string, key cty.Value) hcl.Diagnostics {
	if !known(key) {
		return nil
	}
	alg, bits, curve := key.GetAttr("algorithm"), key.GetAttr("bits"), key.GetAttr("curve")
	if !known(alg) {
		return nil
	}
	switch alg.AsString() {
	case "RSA":
		var diags hcl.Diagnostics
		if known(bits) {
			if n, ok := intValue(bits); !ok || (n != 2048 && n != 3072 && n != 4096) {
				diags = append(diags, errorf(address, "Unsupported RSA key size",
					"key bits is %s; RSA keys must have 2048, 3072 or 4096 bits.", bits.AsBigFloat().Text('f', -1)))
			}
		}
		if !curve.IsNull() {
			diags = append(diags, errorf(address, "curve set for an RSA key",
				"curve applies to ECDSA keys only. Remove it, or set algorithm = \"ECDSA\"."))
		}
		return diags
	case "ECDSA":
		var diags hcl.Diagnostics
		if known(curve) && curve.AsString() != "P256" && curve.AsString() != "P384" {
			diags = append(diags, errorf(address, "Unsupported ECDSA curve",
				"key curve is %q; ECDSA keys must use curve \"P256\" or \"P384\".", curve.AsString()))
		}
		if !bits.IsNull() {
			diags = append(diags, errorf(address, "bits set for an ECDSA key",
				"bits applies to RSA keys only; an ECDSA key's size follows from its curve (P256 or P384). Remove bits."))
		}
		return diags
	}
	return hcl.Diagnostics{errorf(address, "Unsupported key algorithm",
		"key algorithm is %q; use \"RSA\" (with bits = 2048, 3072 or 4096) or \"ECDSA\" (with curve = \"P256\" or \"P384\").", alg.AsString())}
}

// checkDuration parses a duration attribute.
func checkDuration(address, name string, v cty.Value) (time.Duration, hcl.Diagnostics) {
	if !known(v) {
		return 0, nil
	}
	d, err := providers.ParseDuration(v.AsString())
	if err != nil {
		return 0, hcl.Diagnostics{errorf(address, "Invalid "+name, "%s: %s.", name, err)}
	}
	return d, nil
}

// checkNames requires a certificate to name something: a CA needs a
// subject (common_name or organization), since it is printed as the issuer
// of everything it signs; a leaf needs a common_name, a DNS name or an IP
// address.
func checkNames(address string, a map[string]cty.Value) hcl.Diagnostics {
	for _, n := range []string{"is_ca", "common_name", "organization", "dns_names", "ip_addresses"} {
		if !a[n].IsWhollyKnown() {
			return nil
		}
	}
	cn, org := a["common_name"].AsString(), a["organization"].AsString()
	if a["is_ca"].True() {
		if cn == "" && org == "" {
			return hcl.Diagnostics{errorf(address, "CA certificate without a name",
				"A CA certificate needs a common_name (or an organization): it names the issuer of every certificate the CA signs.")}
		}
		return nil
	}
	if cn == "" && a["dns_names"].LengthInt() == 0 && a["ip_addresses"].LengthInt() == 0 {
		return hcl.Diagnostics{errorf(address, "Certificate without a name",
			"Set dns_names (and usually common_name) to the host names clients use, or ip_addresses for clients that connect by address.")}
	}
	return nil
}

// checkDNSName accepts host names and a wildcard as the whole leftmost
// label ("*.example.test").
func checkDNSName(s string) error {
	if s == "" {
		return fmt.Errorf("a DNS name must not be empty")
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, ":/ ") {
		return fmt.Errorf("write the bare host name, without scheme, port, path or spaces")
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return fmt.Errorf("this is an IP address; put it in ip_addresses")
	}
	for i, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		switch {
		case label == "":
			return fmt.Errorf("a DNS name has no empty labels")
		case label == "*" && i == 0:
			continue
		case strings.Contains(label, "*"):
			return fmt.Errorf("a wildcard must be the whole leftmost label, as in \"*.example.test\"")
		case len(label) > 63:
			return fmt.Errorf("a DNS label has at most 63 characters")
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return fmt.Errorf("a DNS name holds only letters, digits, hyphens and dots")
			}
		}
	}
	return nil
}

func errorf(address, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   address + ": " + fmt.Sprintf(format, args...),
	}
}

func known(v cty.Value) bool { return providers.Exists(v) }

// knownStrings returns the known string elements of a list value.
func knownStrings(v cty.Value) []string {
	if !known(v) || !v.CanIterateElements() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if known(e) && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}

// intValue returns a whole number that fits an int.
func intValue(v cty.Value) (int, bool) {
	f := v.AsBigFloat()
	if !f.IsInt() {
		return 0, false
	}
	i, acc := f.Int64()
	if acc != big.Exact || i > 1<<31 || i < -1<<31 {
		return 0, false
	}
	return int(i), true
}
