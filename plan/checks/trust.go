package checks

import (
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/pemcert"
)

// member is a CA certificate, known by its block, its fingerprint or both.
type member struct {
	r    *res
	fp   string
	x509 *x509.Certificate
}

func (a member) same(b member) bool {
	return a.r != nil && a.r == b.r || a.fp != "" && a.fp == b.fp
}

func (a member) String() string {
	switch {
	case a.r != nil && a.x509 != nil:
		return fmt.Sprintf("%s (%q)", a.r.name, certName(a.x509))
	case a.r != nil:
		if cn, ok := knownString(a.r.value, "common_name"); ok && cn != "" {
			return fmt.Sprintf("%s (%q)", a.r.name, cn)
		}
		return a.r.name
	case a.x509 != nil:
		return fmt.Sprintf("%q", certName(a.x509))
	}
	return "sha256:" + a.fp
}

// need is a CA certificate a client must trust to accept a chain.
type need struct {
	member
	root bool
	// signs is set for a root known only as whoever signed this
	// certificate (the top of a chain from a public CA).
	signs *x509.Certificate
}

func (n need) String() string {
	if n.signs != nil {
		return fmt.Sprintf("the root that issued %q (%s)", certName(n.signs), n.signs.Issuer.String())
	}
	return n.member.String()
}

// memberOf describes a certificate block as a member.
func (m *model) memberOf(r *res) member {
	mb := member{r: r}
	if ci := m.cert(r); ci != nil && ci.x509 != nil {
		mb.x509, mb.fp = ci.x509, pemcert.Fingerprint(ci.x509)
	} else if fp, ok := knownString(r.value, "fingerprint_sha256"); ok {
		mb.fp = fp
	}
	return mb
}

// chain lists the CA certificates a client needs to accept a certificate:
// the root and every intermediate (seed 004), or the certificate itself
// when it is self-signed. ok is false while that is not known.
func (m *model) chain(ci *certInfo) (needs []need, ok bool) {
	cur := ci
	seen := map[*certInfo]bool{}
	for cur != nil && !seen[cur] {
		seen[cur] = true
		switch cur.issuerKind {
		case kindSelfSigned:
			if cur == ci {
				return []need{{member: m.memberOf(ci.r), root: true}}, true
			}
			return needs, true
		case kindCA:
			ca := m.cert(m.caCert(cur.issuer))
			if ca == nil {
				return nil, false
			}
			needs = append(needs, need{member: m.memberOf(ca.r), root: ca.issuerKind == kindSelfSigned})
			cur = ca
		case "":
			return nil, false
		default:
			// A remote CA: what it sent with the certificate, and the
			// root that signed the last of those.
			if cur != ci || len(ci.chain) == 0 {
				return nil, false
			}
			for _, x := range ci.chain {
				needs = append(needs, need{member: member{fp: pemcert.Fingerprint(x), x509: x}, root: selfSigned(x)})
			}
			if top := ci.chain[len(ci.chain)-1]; !selfSigned(top) {
				needs = append(needs, need{root: true, signs: top})
			}
			return needs, true
		}
	}
	return nil, false
}

// trusted returns the CA certificates a store (or a trust chain named
// directly) holds through its trust = [trust_chain...]. ok is false when
// some are unknown.
func (m *model) trusted(store *res) ([]member, bool) {
	if t, ok := m.trust[store]; ok {
		return t.ms, t.ok
	}
	ms, ok := m.readTrusted(store)
	if m.trust == nil {
		m.trust = map[*res]trustedSet{}
	}
	m.trust[store] = trustedSet{ms, ok}
	return ms, ok
}

type trustedSet struct {
	ms []member
	ok bool
}

func (m *model) readTrusted(store *res) (ms []member, ok bool) {
	chains := store.refsOf("trust", "trust_chain")
	if store.kind() == "trust_chain" {
		chains = []*res{store}
	}
	if len(chains) == 0 {
		// A store without trust holds no CA; one whose trust is not a
		// plain reference cannot be read.
		return nil, attr(store.cfg(), "trust").IsNull()
	}
	ok = true
	for _, tc := range chains {
		for _, list := range []string{"roots", "intermediates"} {
			refs := tc.refsOf(list, "certificate")
			for _, r := range refs {
				ms = append(ms, m.memberOf(r))
			}
			// Elements that are not references: PEM texts.
			v := attr(tc.cfg(), list)
			if !v.IsKnown() {
				if len(refs) == 0 {
					ok = false
				}
				continue
			}
			if v.IsNull() {
				continue
			}
			elems := []cty.Value{v}
			if v.CanIterateElements() && !v.Type().IsObjectType() && !v.Type().IsMapType() {
				elems = nil
				for it := v.ElementIterator(); it.Next(); {
					_, e := it.Element()
					elems = append(elems, e)
				}
			}
			opaque := 0
			for _, e := range elems {
				if e.IsKnown() && !e.IsNull() && e.Type() == cty.String {
					for _, x := range m.pems.Parse(e.AsString()) {
						ms = append(ms, member{fp: pemcert.Fingerprint(x), x509: x})
					}
					continue
				}
				opaque++
			}
			if opaque > len(refs) {
				ok = false
			}
		}
		if b, known := knownString(tc.value, "bundle_pem"); known {
			for _, x := range m.pems.Parse(b) {
				ms = append(ms, member{fp: pemcert.Fingerprint(x), x509: x})
			}
		}
	}
	return ms, ok
}

// covers reports whether the members hold a needed CA.
func covers(ms []member, n need) bool {
	for _, mb := range ms {
		if n.signs != nil {
			if mb.x509 != nil && n.signs.CheckSignatureFrom(mb.x509) == nil {
				return true
			}
			continue
		}
		if mb.same(n.member) {
			return true
		}
	}
	return false
}

// checkTrust: the stores a component trusts hold every root and
// intermediate of its endpoint's chain (seed 004); the server certificate
// itself is not needed.
func checkTrust(m *model, c *Check) {
	for _, r := range m.kind("component") {
		comp := m.component(r)
		stores := append(r.refsOf("trusts", "store."), r.refsOf("trusts", "trust_chain")...)
		if comp.endpoint == nil || len(stores) == 0 {
			continue
		}
		ci := m.cert(m.endpoint(comp.endpoint).cert)
		if ci == nil {
			continue
		}
		needs, ok := m.chain(ci)
		if !ok {
			continue
		}
		var have []member
		complete := true
		for _, s := range stores {
			ms, ok := m.trusted(s)
			have = append(have, ms...)
			complete = complete && ok
		}
		if !complete {
			continue
		}
		var roots, inters []need
		for _, n := range needs {
			if covers(have, n) {
				continue
			}
			if n.root {
				roots = append(roots, n)
			} else {
				inters = append(inters, n)
			}
		}
		involved := append([]*res{r}, stores...)
		involved = append(involved, comp.endpoint, ci.r)
		for _, n := range append(roots, inters...) {
			if n.r != nil {
				involved = append(involved, n.r)
			}
		}
		where := fmt.Sprintf("%s connects to %s, whose certificate %s chains to", r.name, comp.endpoint.name, ci.r.name)
		if len(roots) > 0 {
			m.add(c, hcl.DiagError, involved, "Truststore lacks the root",
				fmt.Sprintf("%s %s. The stores it trusts (%s) do not hold it, so the component refuses the server: Java says \"PKIX path building failed\", OpenSSL \"unable to get local issuer certificate\", Schannel SEC_E_UNTRUSTED_ROOT. Seed 004: the truststore needs the root and every intermediate CA, never the server certificate.",
					where, joinNeeds(roots), names(stores)),
				"Add a trust chain holding it to a store the component trusts: trust = [trust_chain.NAME] with roots = [certificate.ROOT] (or its PEM).")
		}
		if len(inters) > 0 {
			m.add(c, hcl.DiagWarning, involved, "Truststore lacks an intermediate",
				fmt.Sprintf("%s the intermediate %s, which the stores it trusts (%s) do not hold. Seed 004 asks for the root and every intermediate in the truststore: a client that does not take the intermediate from the handshake, or a server that does not send it, fails the chain.",
					where, joinNeeds(inters), names(stores)),
				"Add the intermediate to the trust chain: intermediates = [certificate.INTERMEDIATE] (or its PEM).")
		}
	}
}

func joinNeeds(ns []need) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.String())
	}
	return strings.Join(out, " and ")
}
