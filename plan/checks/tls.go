package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// tlsSchemes are URL schemes that speak TLS from the first byte.
var tlsSchemes = map[string]bool{
	"https": true, "iwfms": true, "ldaps": true, "wss": true, "ftps": true,
	"imaps": true, "pop3s": true, "smtps": true, "tls": true, "ssl": true,
}

// plainSchemes are URL schemes that speak plain text.
var plainSchemes = map[string]bool{
	"http": true, "ws": true, "ldap": true, "ftp": true, "imap": true,
	"pop3": true, "smtp": true, "telnet": true, "tcp": true,
}

// checkTLSOnly: a tls_only endpoint is reached only through TLS.
func checkTLSOnly(m *model, c *Check) {
	for _, er := range m.kind("endpoint") {
		ep := m.endpoint(er)
		if !ep.tlsKnown || !ep.tlsOnly {
			continue
		}
		if ep.ok && plainSchemes[ep.u.scheme] {
			m.add(c, hcl.DiagError, []*res{er}, "Plain-text URL on a tls_only endpoint",
				fmt.Sprintf("%s accepts TLS only (tls_only = true), but its url %q uses %s://, which is plain text: every client would fail the handshake.", er.name, ep.url, ep.u.scheme),
				fmt.Sprintf("Use the TLS scheme (%s), or set tls_only = false if the plain port stays open.", tlsFor(ep.u.scheme)))
		}
		for _, comp := range m.components(er) {
			if !comp.ok {
				continue
			}
			t, ok := parseTarget(comp.url)
			if !ok {
				continue
			}
			var why string
			switch {
			case t.scheme == "":
				why = "has no scheme (the plain form host:port)"
			case plainSchemes[t.scheme]:
				why = fmt.Sprintf("uses %s://, which is plain text", t.scheme)
			case tlsSchemes[t.scheme] || ep.ok && t.scheme == ep.u.scheme:
				continue
			default:
				why = fmt.Sprintf("uses %s://, which is neither a TLS scheme nor the endpoint's own", t.scheme)
			}
			want := "the endpoint's scheme"
			if ep.ok {
				want = ep.u.scheme + "://"
			}
			m.add(c, hcl.DiagError, []*res{comp.r, er}, "Component reaches a TLS-only endpoint without TLS",
				fmt.Sprintf("%s connects to %s, which accepts TLS only, at %q, which %s. It would talk plain text to the TLS port, and the server logs \"unable to finish SSL handshake (code 0x80090308)\" (Schannel SEC_E_INVALID_TOKEN; seed 000).", comp.r.name, er.name, comp.url, why),
				fmt.Sprintf("Write the URL with %s (seed 000: put iwfms:// before the server name), or leave url out so that the component takes the endpoint's.", want))
		}
	}
}

func tlsFor(plain string) string {
	switch plain {
	case "http":
		return "https://"
	case "ws":
		return "wss://"
	case "ldap":
		return "ldaps://"
	}
	return "the scheme with TLS"
}

// protocolKey matches the INI keys that list TLS protocol versions
// (SSLProtocols in isps.cfg, seed 000).
var protocolKey = regexp.MustCompile(`(?i)protocols?$`)

// protocolToken reads one entry of a protocol list: TLS1, TLS1.0, TLSv1,
// TLS10, TLS 1.1, SSL3, SSLv3, SSL 3.0, ...
var protocolToken = regexp.MustCompile(`(?i)^(ssl|tls)\s*v?\s*(\d)(?:[._]?(\d))?$`)

// checkProtocols: TLS 1.0 and 1.1 in a protocol list are warnings (RFC
// 8996), SSL 2.0 and 3.0 errors.
func checkProtocols(m *model, c *Check) {
	for _, r := range m.kind("ini_file") {
		for _, s := range m.sections(r) {
			for _, k := range s.keys {
				if !protocolKey.MatchString(k.name) || !k.known {
					continue
				}
				var old, broken []string
				for _, tok := range splitList(k.value) {
					p := protocolToken.FindStringSubmatch(strings.TrimSpace(tok))
					if p == nil {
						continue
					}
					family, major, minor := strings.ToUpper(p[1]), p[2], p[3]
					switch {
					case family == "SSL":
						broken = append(broken, tok)
					case major == "1" && (minor == "" || minor == "0" || minor == "1"):
						old = append(old, tok)
					}
				}
				where := fmt.Sprintf("%s [%s] %s = %q", r.name, s.name, k.name, k.value)
				if len(broken) > 0 {
					m.add(c, hcl.DiagError, []*res{r}, "SSL enabled",
						fmt.Sprintf("%s enables %s. SSL 2.0 and 3.0 are broken (RFC 6176, RFC 7568: POODLE), and no current client speaks them.", where, strings.Join(broken, ", ")),
						"Allow TLS 1.2 (and 1.3 where the server has it) only, such as SSLProtocols = \"TLS12\".")
				}
				if len(old) > 0 {
					m.add(c, hcl.DiagWarning, []*res{r}, "TLS 1.0 or 1.1 enabled",
						fmt.Sprintf("%s enables %s. RFC 8996 deprecates TLS 1.0 and 1.1: current browsers and Java refuse them, and they weaken the server.", where, strings.Join(old, ", ")),
						"Allow TLS 1.2 (and 1.3 where the server has it) only, such as SSLProtocols = \"TLS12\", once every client speaks it.")
				}
			}
		}
	}
}

// splitList splits a list written in an INI value: "TLS11, TLS12",
// "SHA1;SHA256", "TLS1 TLS12".
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == '+' })
	var out []string
	for _, x := range f {
		x = strings.TrimSpace(x)
		if x == "" {
			continue
		}
		// "TLS1 TLS12": spaces separate entries unless they join a
		// family and its version ("TLS 1.2").
		if strings.Count(x, " ") > 0 && !protocolToken.MatchString(x) {
			out = append(out, strings.Fields(x)...)
			continue
		}
		out = append(out, x)
	}
	return out
}
