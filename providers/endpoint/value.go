package endpoint

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// defaultPort returns the port a scheme implies when the URL names none.
// Only https has one here: the products' own schemes (iwfms, ...) have no
// registered port, so their URLs must say it.
func defaultPort(scheme string) (int, bool) {
	if scheme == "https" {
		return 443, true
	}
	return 0, false
}

// value builds the endpoint's value from the configuration.
func value(address string, config cty.Value) (cty.Value, hcl.Diagnostics) {
	u := providers.Attr(config, "url")
	tlsOnly := providers.Attr(config, "tls_only")
	switch {
	case tlsOnly.IsNull():
		tlsOnly = cty.False
	case !tlsOnly.IsKnown():
		tlsOnly = cty.UnknownVal(cty.Bool)
	}
	fp, cert, diags := certificate(address, providers.Attr(config, "certificate"))
	v := map[string]cty.Value{
		"url":                     cty.UnknownVal(cty.String),
		"scheme":                  cty.UnknownVal(cty.String),
		"host":                    cty.UnknownVal(cty.String),
		"port":                    cty.UnknownVal(cty.Number),
		"tls_only":                tlsOnly,
		"certificate_fingerprint": fp,
	}
	if !u.IsKnown() {
		return cty.ObjectVal(v), diags
	}
	if u.IsNull() {
		return cty.ObjectVal(v), append(diags, errorf(address, "Missing url",
			"Set url to the address clients use, such as \"iwfms://ies.example.test:45054\"."))
	}
	parsed, err := parseURL(u.AsString())
	if err != nil {
		return cty.ObjectVal(v), append(diags, errorf(address, "Invalid URL",
			fmt.Sprintf("url %q %s. Write scheme://host:port, such as \"iwfms://ies.example.test:45054\" or \"https://crm.example.test\" (port 443).", redact(u.AsString()), err)))
	}
	v["url"], v["scheme"], v["host"], v["port"] = u, cty.StringVal(parsed.scheme), cty.StringVal(parsed.host), cty.NumberIntVal(int64(parsed.port))

	if tlsOnly.IsKnown() && tlsOnly.True() && parsed.scheme == "http" {
		diags = append(diags, errorf(address, "Plain-text URL on a tls_only endpoint",
			fmt.Sprintf("url %q uses http, but the endpoint accepts TLS only (tls_only = true); clients would fail the handshake (Schannel 0x80090308). Use https.", u.AsString())))
	}
	if cert != nil {
		diags = append(diags, checkHost(address, parsed.host, cert)...)
	}
	return cty.ObjectVal(v), diags
}

// parsedURL is the part of a URL an endpoint records.
type parsedURL struct {
	scheme string
	host   string // lowercase; an IPv6 address without brackets
	port   int
}

// parseURL reads scheme://host[:port][/path]. The error completes the
// sentence "url X ...".
func parseURL(s string) (parsedURL, error) {
	if !strings.Contains(s, "://") {
		return parsedURL{}, fmt.Errorf("has no scheme")
	}
	u, err := url.Parse(s)
	if err != nil {
		return parsedURL{}, fmt.Errorf("cannot be read (%v)", unwrapURLError(err))
	}
	out := parsedURL{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname())}
	switch {
	case out.scheme == "":
		return parsedURL{}, fmt.Errorf("has no scheme")
	case out.host == "":
		return parsedURL{}, fmt.Errorf("has no host")
	case u.User != nil:
		return parsedURL{}, fmt.Errorf("holds a user name or password, which do not belong in configuration")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return parsedURL{}, fmt.Errorf("has port %q; a port is a number from 1 to 65535", p)
		}
		out.port = n
		return out, nil
	}
	n, ok := defaultPort(out.scheme)
	if !ok {
		return parsedURL{}, fmt.Errorf("has no port, and scheme %s has no default port", out.scheme)
	}
	out.port = n
	return out, nil
}

// redact hides the password of a URL, so that messages never show it.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// certInfo is what an endpoint checks in its certificate.
type certInfo struct {
	dnsNames []string
	ips      []string
}

// certificate reads the optional certificate: its fingerprint (null when
// there is none, unknown while it is being issued) and, when known, its
// names.
func certificate(address string, c cty.Value) (cty.Value, *certInfo, hcl.Diagnostics) {
	switch {
	case c == cty.NilVal || c.IsNull():
		return cty.NullVal(cty.String), nil, nil
	case !c.IsKnown():
		return cty.UnknownVal(cty.String), nil, nil
	case !c.Type().IsObjectType() && !c.Type().IsMapType():
		return cty.NullVal(cty.String), nil, hcl.Diagnostics{errorf(address, "Invalid certificate",
			fmt.Sprintf("certificate must be a certificate block, such as certificate.ies, but it is a %s.", c.Type().FriendlyName()))}
	}
	fp := providers.Attr(c, "fingerprint_sha256")
	switch {
	case !fp.IsKnown():
		fp = cty.UnknownVal(cty.String)
	case fp.IsNull() || fp.Type() != cty.String:
		return cty.NullVal(cty.String), nil, hcl.Diagnostics{errorf(address, "Invalid certificate",
			"certificate has no fingerprint_sha256; use a certificate block, such as certificate.ies.")}
	}
	dns, ips := providers.Attr(c, "dns_names"), providers.Attr(c, "ip_addresses")
	if !dns.IsWhollyKnown() || !ips.IsWhollyKnown() {
		return fp, nil, nil
	}
	return fp, &certInfo{
		dnsNames: providers.Strings(c, "dns_names"),
		ips:      providers.Strings(c, "ip_addresses"),
	}, nil
}

// checkHost warns when the URL's host is not a subject alternative name of
// the certificate: TLS clients match the host against dns_names (with
// wildcards) and ip_addresses and ignore the common name.
func checkHost(address, host string, c *certInfo) hcl.Diagnostics {
	if addr, err := netip.ParseAddr(host); err == nil {
		for _, s := range c.ips {
			if ip, err := netip.ParseAddr(s); err == nil && ip.Unmap() == addr.Unmap() {
				return nil
			}
		}
	} else {
		for _, n := range c.dnsNames {
			if matchHost(strings.ToLower(strings.TrimSuffix(n, ".")), strings.TrimSuffix(host, ".")) {
				return nil
			}
		}
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagWarning,
		Summary:  "Host not in certificate",
		Detail: fmt.Sprintf("%s: clients connect to %q, which is not among the certificate's dns_names %q or ip_addresses %q; they will reject it (name mismatch). Add %q to the certificate's %s.",
			address, host, c.dnsNames, c.ips, host, hostList(host)),
	}}
}

func hostList(host string) string {
	if net.ParseIP(host) != nil {
		return "ip_addresses"
	}
	return "dns_names"
}

// matchHost matches a host against a DNS name that may start with "*.",
// which stands for exactly one label.
func matchHost(pattern, host string) bool {
	if pattern == host {
		return true
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok {
		return false
	}
	_, hostRest, found := strings.Cut(host, ".")
	return found && hostRest == rest
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}
