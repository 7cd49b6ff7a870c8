package endpoint

import (
	"errors"
	"fmt"
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
	fp, diags := certificate(address, providers.Attr(config, "certificate"))
	ps, pdiags := probeSettings(address, config)
	diags = append(diags, pdiags...)
	// served_fingerprint is what the endpoint should serve: the
	// certificate's fingerprint when it is probed, null otherwise. Read
	// puts what it does serve there, so that a difference is drift.
	served := cty.NullVal(cty.String)
	switch {
	case !ps.known:
		served = cty.UnknownVal(cty.String)
	case ps.enabled:
		served = fp
	}
	v := map[string]cty.Value{
		"url":                     cty.UnknownVal(cty.String),
		"scheme":                  cty.UnknownVal(cty.String),
		"host":                    cty.UnknownVal(cty.String),
		"port":                    cty.UnknownVal(cty.Number),
		"tls_only":                tlsOnly,
		"certificate_fingerprint": fp,
		"served_fingerprint":      served,
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
	// Whether the certificate names the host, and whether a tls_only
	// endpoint is reached with TLS, are domain checks (plan/checks:
	// san-covers-urls, tls-only-reached-by-tls), which see every URL
	// clients use, not only this one.
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

// certificate reads the optional certificate's fingerprint: null when
// there is none, unknown while it is being issued.
func certificate(address string, c cty.Value) (cty.Value, hcl.Diagnostics) {
	switch {
	case c == cty.NilVal || c.IsNull():
		return cty.NullVal(cty.String), nil
	case !c.IsKnown():
		return cty.UnknownVal(cty.String), nil
	case !c.Type().IsObjectType() && !c.Type().IsMapType():
		return cty.NullVal(cty.String), hcl.Diagnostics{errorf(address, "Invalid certificate",
			fmt.Sprintf("certificate must be a certificate block, such as certificate.ies, but it is a %s.", c.Type().FriendlyName()))}
	}
	fp := providers.Attr(c, "fingerprint_sha256")
	switch {
	case !fp.IsKnown():
		fp = cty.UnknownVal(cty.String)
	case fp.IsNull() || fp.Type() != cty.String:
		return cty.NullVal(cty.String), hcl.Diagnostics{errorf(address, "Invalid certificate",
			"certificate has no fingerprint_sha256; use a certificate block, such as certificate.ies.")}
	}
	return fp, nil
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}
