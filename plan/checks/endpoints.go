package checks

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/lang"
)

// browserSchemes are the schemes browsers open.
var browserSchemes = map[string]bool{"https": true, "wss": true}

// checkSelfSigned: an endpoint browsers reach (https) with a self-signed
// certificate warns (seed 003).
func checkSelfSigned(m *model, c *Check) {
	for _, er := range m.kind("endpoint") {
		ep := m.endpoint(er)
		ci := m.cert(ep.cert)
		if !ep.ok || !browserSchemes[ep.u.scheme] || ci == nil || ci.issuerKind != kindSelfSigned {
			continue
		}
		if ci.isCAKnown && ci.isCA {
			continue
		}
		m.add(c, hcl.DiagWarning, []*res{er, ci.r}, "Browsers reach a self-signed certificate",
			fmt.Sprintf("%s is opened in browsers (%s), and %s is self-signed. Seed 003: a self-signed certificate encrypts but proves no identity, so every browser warns (NET::ERR_CERT_AUTHORITY_INVALID) and users learn to click warnings away.", er.name, ep.url, ci.r.name),
			"Issue it from a CA the browsers trust: issuer \"acme\" (Let's Encrypt) for a public DNS name, or a company CA whose root every client has (store \"system_trust\" or store \"windows\").")
	}
}

// checkHTTP2: single IP, wildcard certificate and HTTP/2 behind a proxy
// that passes TLS through: at most two of the three (seed 004).
func checkHTTP2(m *model, c *Check) {
	for _, er := range m.kind("endpoint") {
		cfg := er.cfg()
		http2, ok1 := boolOr(cfg, "http2", false)
		proxy, ok2 := boolOr(cfg, "behind_proxy", false)
		dedicated, ok3 := boolOr(cfg, "dedicated_ip", false)
		if !ok1 || !ok2 || !ok3 || !http2 || !proxy || dedicated {
			continue
		}
		ci := m.cert(m.endpoint(er).cert)
		if ci == nil || !ci.namesKnown {
			continue
		}
		wild, ok := hasWildcard(ci.dns)
		if !ok {
			continue
		}
		m.add(c, hcl.DiagError, []*res{er, ci.r}, "Single IP, wildcard certificate and HTTP/2 together",
			fmt.Sprintf("%s combines HTTP/2 (http2 = true), a wildcard certificate (%s holds %q) and a single IP behind a proxy that passes TLS through without terminating it (behind_proxy = true). Seed 004: without session termination only two of the three are allowed; browsers reuse one HTTP/2 connection for every name the wildcard covers, and the proxy sends those requests to the wrong server.",
				er.name, ci.r.name, wild),
			"Drop one: list the names in dns_names instead of the wildcard, turn HTTP/2 off, give the service an IP of its own (dedicated_ip = true), or terminate TLS at the proxy.")
	}
}

// checkHTTP01 covers ACME certificates validated with HTTP-01: the names
// must be domains (seed 002: an IP is not enough), and the validation
// must reach certform's listener on port 80 (seed 002: forward port 80).
func checkHTTP01(m *model, c *Check) {
	listener := ByID("acme-http01-listener")
	for _, r := range m.kind("certificate") {
		ci := m.cert(r)
		if ci.issuerKind != kindACME || ci.issuer == nil {
			continue
		}
		typ, listen, ok := http01(ci.issuer)
		if !ok || typ != "http-01" {
			continue
		}
		// Seed 002 is about a public CA (Let's Encrypt), which connects
		// from the internet to port 80. A private ACME server (with
		// ca_roots: step-ca, Pebble) may validate other names and ports.
		if roots, ok := stringOr(ci.issuer.value, "ca_roots", ""); !ok || roots != "" {
			continue
		}
		involved := []*res{r, ci.issuer}
		if ci.namesKnown {
			if len(ci.ips) > 0 {
				m.add(c, hcl.DiagError, involved, "IP address in an HTTP-01 certificate",
					fmt.Sprintf("%s asks %s for the IP addresses %s. HTTP-01 validates domain names only; seed 002: a domain is needed, the IP alone is not enough.", r.name, ci.issuer.name, quoteList(ci.ips)),
					"Give the server a DNS name (a domain or a dynamic DNS name), put it in dns_names, and remove ip_addresses.")
			}
			if len(ci.dns) == 0 {
				m.add(c, hcl.DiagError, involved, "HTTP-01 certificate without a domain",
					fmt.Sprintf("%s has no dns_names, so %s has nothing to validate. Seed 002: a domain through which the server is reached from the internet is needed.", r.name, ci.issuer.name),
					"Set dns_names to the public DNS name of the server.")
			}
			if w, ok := hasWildcard(ci.dns); ok {
				m.add(c, hcl.DiagError, involved, "Wildcard name with HTTP-01",
					fmt.Sprintf("%s asks for %q, but ACME validates wildcard names with DNS-01 only.", r.name, w),
					"Use dns01 in the issuer for wildcard names, or list the names.")
			}
		}
		if listen == "" {
			continue // a web root: the web server on port 80 answers
		}
		host, port, err := net.SplitHostPort(listen)
		if err != nil {
			continue
		}
		if host == "localhost" || isIP(host) && net.ParseIP(host).IsLoopback() {
			m.add(listener, hcl.DiagError, involved, "HTTP-01 listener on loopback",
				fmt.Sprintf("%s answers HTTP-01 on %s, a loopback address. The CA connects from the internet to port 80 of every name in %s, and cannot reach it.", ci.issuer.name, listen, r.name),
				"Listen on every address (listen = \":8080\") or on the address the port forward targets.")
			continue
		}
		if n, _ := strconv.Atoi(port); n != 80 {
			m.add(listener, hcl.DiagWarning, involved, "HTTP-01 validation arrives on port 80",
				fmt.Sprintf("%s answers HTTP-01 on port %s, but the CA always connects to port 80 of each name in %s (seed 002: Let's Encrypt checks the domain with an HTTP request on port 80). Unless port 80 is forwarded to %s, the validation fails.", ci.issuer.name, port, r.name, port),
				fmt.Sprintf("Forward port 80 to %s on the router or firewall (and accept this warning with the reason), or listen on :80.", port))
		}
	}
}

// http01 reads the challenge of an issuer "acme": from its value in a
// plan, from its block in validate.
func http01(issuer *res) (typ, listen string, ok bool) {
	if ch := attr(issuer.value, "challenge"); ch.IsKnown() && !ch.IsNull() {
		typ, ok = knownString(ch, "type")
		listen, _ = knownString(ch, "listen")
		return typ, listen, ok
	}
	b := attr(issuer.cfg(), "http01")
	if !b.IsKnown() {
		return "", "", false
	}
	if b.IsNull() {
		return "", "", true
	}
	listen, _ = knownString(b, "listen")
	return "http-01", listen, true
}

// checkServed: an endpoint probed during refresh (probe = true) serves the
// certificate certform installed.
func checkServed(m *model, c *Check) {
	for _, er := range m.kind("endpoint") {
		served, ok := knownString(er.live, "served_fingerprint")
		if !ok || served == "" {
			continue
		}
		want, ok := knownString(er.value, "certificate_fingerprint")
		if !ok {
			want, ok = knownString(er.live, "certificate_fingerprint")
		}
		if !ok || want == "" || strings.EqualFold(want, served) {
			continue
		}
		ep := m.endpoint(er)
		involved := []*res{er}
		if ep.cert != nil {
			involved = append(involved, ep.cert)
		}
		hooks := m.restartHooks(er, ep.cert)
		restart := "No hook restarts it: add a hook that restarts the service to the on_change of the endpoint (or of the ini_file or store that configures it)."
		if len(hooks) > 0 {
			restart = fmt.Sprintf("%s restarts it; apply runs it when a block listing it in on_change changes. Listing it in the endpoint's own on_change makes apply restart the service whenever the endpoint serves the wrong certificate.", names(hooks))
			involved = append(involved, hooks...)
		}
		label := "the configured certificate"
		if ep.cert != nil {
			label = ep.cert.name
		}
		m.add(c, hcl.DiagWarning, involved, "Endpoint serves another certificate",
			fmt.Sprintf("%s serves the certificate sha256:%s, but certform installed %s (sha256:%s). The service was not restarted after the change, reads another store entry, or a load balancer in front still has an old certificate. %s",
				er.name, short(served), label, short(want), restart),
			"Restart the service (apply does it when on_change names the restart hook) and check with certform probe "+er.name+".")
	}
}

// restartHooks returns the hooks that run when the endpoint or what
// configures it changes: the on_change of the endpoint and of every block
// that refers to it or to its certificate.
func (m *model) restartHooks(ep, cert *res) []*res {
	seen := map[lang.Address]bool{}
	var out []*res
	for _, r := range m.sorted {
		related := r == ep
		for _, d := range r.r.Dependencies {
			if m.res[d] == ep || cert != nil && m.res[d] == cert {
				related = true
			}
		}
		if !related {
			continue
		}
		for _, h := range r.r.OnChange {
			if x := m.res[h]; x != nil && !seen[h] {
				seen[h] = true
				out = append(out, x)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// short shortens a fingerprint for messages.
func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "…"
	}
	return fp
}
