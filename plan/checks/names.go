package checks

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// checkSAN: every host in a URL of an endpoint (its own url, and every
// component's URL to it) is a subject alternative name of its
// certificate; a bare IP in a URL is a warning.
func checkSAN(m *model, c *Check) {
	dnsCheck := ByID("url-uses-dns-name")
	for _, er := range m.kind("endpoint") {
		ep := m.endpoint(er)
		cert := m.cert(ep.cert)
		type use struct {
			host string
			url  string
			by   *res
		}
		var uses []use
		if ep.ok {
			uses = append(uses, use{ep.u.host, ep.url, er})
		}
		for _, comp := range m.components(er) {
			if !comp.ok {
				continue
			}
			if t, ok := parseTarget(comp.url); ok {
				uses = append(uses, use{t.host, comp.url, comp.r})
			}
		}
		// One finding per host, naming every URL that uses it.
		var hosts []string
		byHost := map[string][]use{}
		for _, u := range uses {
			if byHost[u.host] == nil {
				hosts = append(hosts, u.host)
			}
			byHost[u.host] = append(byHost[u.host], u)
		}
		for _, host := range hosts {
			var involved []*res
			var whose []string
			for _, u := range byHost[host] {
				involved = append(involved, u.by)
				if u.by == er {
					whose = append(whose, fmt.Sprintf("url %q", u.url))
				} else {
					whose = append(whose, fmt.Sprintf("%s's URL %q", u.by.name, u.url))
				}
			}
			involved = append(involved, er)
			if cert != nil {
				involved = append(involved, cert.r)
			}
			where := strings.Join(whose, ", ")
			if isIP(host) {
				m.add(dnsCheck, hcl.DiagWarning, involved, "IP address in a URL",
					fmt.Sprintf("%s is reached at the IP address %s (%s). Seed 004 recommends DNS names in URLs and certificates: an IP address changes with the network, a reverse proxy or a second site, and every client then needs a new certificate.", er.name, host, where),
					"Give the host a DNS name, and put that name into the certificate's dns_names and the URL.")
			}
			if cert == nil || !cert.namesKnown || covered(host, cert.dns, cert.ips) {
				continue
			}
			list, field := cert.dns, "dns_names"
			if isIP(host) {
				list, field = cert.ips, "ip_addresses"
			}
			m.add(c, hcl.DiagError, involved, "Host not in the certificate",
				fmt.Sprintf("Clients of %s connect to %q (%s), which is not among the %s of %s, %s. They refuse the certificate: browsers show NET::ERR_CERT_COMMON_NAME_INVALID, Schannel logs SEC_E_WRONG_PRINCIPAL (0x80090322). The common name does not count: clients match subject alternative names only, and a wildcard covers exactly one label.",
					er.name, host, where, field, cert.r.name, quoteList(list)),
				fmt.Sprintf("Add %q to %s of %s, or use a name it holds in the URL.", host, field, cert.r.name))
		}
	}
}

// covered reports whether a certificate with these names is valid for
// host, by the rules browsers apply (RFC 6125): DNS names compare without
// case and trailing dot; "*." stands for exactly one whole leftmost label
// and needs at least two labels after it; an IP address matches only an
// IP SAN.
func covered(host string, dns, ips []string) bool {
	if addr, err := netip.ParseAddr(host); err == nil {
		for _, s := range ips {
			if ip, err := netip.ParseAddr(s); err == nil && ip.Unmap() == addr.Unmap() {
				return true
			}
		}
		return false
	}
	for _, n := range dns {
		if matchName(n, host) {
			return true
		}
	}
	return false
}

// matchName matches a host against one dNSName SAN.
func matchName(pattern, host string) bool {
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if pattern == host {
		return !strings.Contains(pattern, "*")
	}
	rest, ok := strings.CutPrefix(pattern, "*.")
	if !ok || strings.Contains(rest, "*") || !strings.Contains(rest, ".") {
		return false
	}
	label, hostRest, found := strings.Cut(host, ".")
	return found && label != "" && hostRest == rest
}

// hasWildcard reports whether any name is a wildcard.
func hasWildcard(dns []string) (string, bool) {
	for _, n := range dns {
		if strings.HasPrefix(n, "*.") {
			return n, true
		}
	}
	return "", false
}
