package cert

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/pemcert"
)

// Remote signs certificates at a certificate authority that certform does
// not run itself, such as an ACME server (providers/acme). A certificate
// block whose issuer value has kind K (issuer = issuer.acme.NAME gives
// kind "acme") is handed to the Remote registered for K with WithRemote.
//
// The certificate provider keeps its part of the work: it checks the block,
// decides when to renew (renew_before, plus whatever Review says), makes
// the private key, keeps it in providers.Secrets and records the
// certificate. The Remote only gets the public key certified, and never
// sees where the key is stored.
//
// Diagnostics a Remote returns should name the address (as the Detail's
// first words) and say what to do. Implementations must be safe for
// concurrent use.
type Remote interface {
	// Check reports what the CA would refuse in a request, such as names a
	// public CA cannot validate, at validate and plan time. It must not
	// contact the CA. Issuer attributes may be unknown.
	Check(req RemoteRequest) hcl.Diagnostics
	// Review says why a recorded certificate should be replaced although
	// it is not yet within renew_before: the issuer now points at another
	// CA, or the CA asks for early renewal (ACME renewal information). It
	// may contact the CA; if the CA cannot be reached it should return a
	// warning, not an error, so that planning goes on.
	Review(ctx context.Context, req ReviewRequest) ([]string, hcl.Diagnostics)
	// Issue has the CA certify req.Key's public key for the requested
	// names. It must not return a certificate for another key.
	Issue(ctx context.Context, req IssueRequest) (IssueResult, hcl.Diagnostics)
	// Revoke asks the CA to revoke a certificate it issued, when a block
	// with revoke_on_destroy = true is destroyed.
	Revoke(ctx context.Context, req RevokeRequest) hcl.Diagnostics
}

// RemoteRequest is what a certificate block asks a Remote for.
type RemoteRequest struct {
	Address string
	// Issuer is the value of the issuer block (its kind is the Remote's).
	Issuer cty.Value
	// CommonName is "" when the block sets none.
	CommonName  string
	DNSNames    []string
	IPAddresses []string
}

// ReviewRequest asks whether a recorded certificate should be replaced.
type ReviewRequest struct {
	RemoteRequest
	Certificate *x509.Certificate
	// Record is what IssueResult.Record was when the certificate was
	// issued, as read back from the state.
	Record cty.Value
	Env    *providers.Env
}

// IssueRequest asks for a new certificate.
type IssueRequest struct {
	RemoteRequest
	// Key is the new certificate's private key, for a CSR.
	Key crypto.Signer
	// Replaces is the certificate this one replaces, with its Record; nil
	// for a first certificate.
	Replaces       *x509.Certificate
	ReplacesRecord cty.Value
	Env            *providers.Env
}

// IssueResult is a certificate the CA issued.
type IssueResult struct {
	Certificate *x509.Certificate
	// Chain is the PEM of the certificates the CA sent with it, without
	// the certificate itself: intermediates, in order.
	Chain string
	// Record is kept in the certificate's value under an attribute named
	// like the issuer kind (certificate.NAME.acme) and handed back to
	// Review and Revoke. It must be an object of plain values and hold no
	// secret.
	Record cty.Value
}

// RevokeRequest asks the CA to revoke a certificate.
type RevokeRequest struct {
	Address     string
	Certificate *x509.Certificate
	// Key is the certificate's private key; nil when it is gone.
	Key    crypto.Signer
	Record cty.Value
	Env    *providers.Env
}

// Option configures the provider New returns.
type Option func(*Provider)

// WithRemote hands certificates whose issuer value has this kind to r.
func WithRemote(kind string, r Remote) Option {
	if slices.Contains(append(computedNames(), "issuer_kind", "issuer_fingerprint", "chain_pem", "key", "dns_names"), kind) {
		panic(fmt.Sprintf("cert: remote kind %q collides with a certificate attribute", kind))
	}
	return func(p *Provider) {
		if p.remotes == nil {
			p.remotes = map[string]Remote{}
		}
		p.remotes[kind] = r
	}
}

// remoteFor returns the Remote for the configured issuer, if it has one.
func (p *Provider) remoteFor(config cty.Value) (Remote, string, cty.Value, bool) {
	iss := attr(config, "issuer")
	if !known(iss) || !(iss.Type().IsObjectType() || iss.Type().IsMapType()) {
		return nil, "", providers.Null, false
	}
	kind := attr(iss, "kind")
	if !known(kind) || kind.Type() != cty.String {
		return nil, "", providers.Null, false
	}
	r, ok := p.remotes[kind.AsString()]
	return r, kind.AsString(), iss, ok
}

// remoteDesired is desiredAttrs for a certificate a Remote issues: only
// what the request decides. Validity, usages and the subject beyond the
// names are the CA's to choose.
func remoteDesired(cfg cty.Value) map[string]cty.Value {
	d := desiredAttrs(cfg)
	return map[string]cty.Value{
		"common_name":       d["common_name"],
		"dns_names":         d["dns_names"],
		"ip_addresses":      d["ip_addresses"],
		"is_ca":             cty.False,
		"renew_before":      d["renew_before"],
		"key":               d["key"],
		"revoke_on_destroy": orDefault(attr(cfg, "revoke_on_destroy"), cty.False),
	}
}

// remoteValue assembles the value of a certificate a Remote issued.
func remoteValue(desired map[string]cty.Value, kind string, computed map[string]cty.Value, chain, issuerFP, record cty.Value) cty.Value {
	m := make(map[string]cty.Value, len(desired)+len(computed)+4)
	for k, v := range desired {
		m[k] = v
	}
	for k, v := range computed {
		m[k] = v
	}
	m["issuer_kind"] = cty.StringVal(kind)
	m["issuer_fingerprint"] = issuerFP
	m["chain_pem"] = chain
	if record == cty.NilVal || record.IsNull() {
		record = cty.EmptyObjectVal
	}
	m[kind] = record
	return cty.ObjectVal(m)
}

// remoteRequest builds the request from known desired attributes.
func remoteRequest(address string, iss cty.Value, desired map[string]cty.Value) RemoteRequest {
	return RemoteRequest{
		Address:     address,
		Issuer:      iss,
		CommonName:  stringOf(desired["common_name"]),
		DNSNames:    knownStrings(desired["dns_names"]),
		IPAddresses: knownStrings(desired["ip_addresses"]),
	}
}

// caDecides are the attributes of a local certificate that a remote CA
// decides for itself.
func caDecides() []string {
	return []string{"validity", "organization", "key_usages", "ext_key_usages"}
}

// checkRemote checks a certificate block whose issuer is a Remote.
func (p *Provider) checkRemote(address string, r Remote, kind string, iss, cfg cty.Value, desired map[string]cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	diags = append(diags, checkKey(address, desired["key"])...)
	_, rdiags := checkDuration(address, "renew_before", desired["renew_before"])
	diags = append(diags, rdiags...)
	for _, n := range caDecides() {
		if v := attr(cfg, n); v == cty.NilVal || !v.IsNull() {
			diags = append(diags, errorf(address, n+" is up to the CA",
				"The %s issuer decides %s itself; a certificate from it cannot set it. Remove %s.", kind, n, n))
		}
	}
	if v := attr(cfg, "is_ca"); known(v) && v.True() {
		diags = append(diags, errorf(address, "A CA certificate cannot come from this issuer",
			"The %s issuer issues server certificates only. Make a CA certificate with issuer = self_signed.", kind))
	}
	for _, s := range knownStrings(desired["ip_addresses"]) {
		if net.ParseIP(s) == nil {
			diags = append(diags, errorf(address, "Invalid IP address",
				"ip_addresses holds %q, which is not an IPv4 or IPv6 address such as \"192.0.2.10\".", s))
		}
	}
	// The CA's own check first: it may explain a name better (an IP
	// address where a public CA needs a domain).
	remote := r.Check(remoteRequest(address, iss, desired))
	for _, s := range knownStrings(desired["dns_names"]) {
		if err := checkDNSName(s); err != nil && !(remote.HasErrors() && net.ParseIP(s) != nil) {
			diags = append(diags, errorf(address, "Invalid DNS name", "dns_names holds %q: %s.", s, err))
		}
	}
	names, ips := desired["dns_names"], desired["ip_addresses"]
	if names.IsWhollyKnown() && ips.IsWhollyKnown() && names.LengthInt() == 0 && ips.LengthInt() == 0 {
		diags = append(diags, errorf(address, "Certificate without a name",
			"A certificate from the %s issuer needs dns_names: the domain names the CA validates, such as dns_names = [\"www.example.com\"].", kind))
	}
	if cn := desired["common_name"]; known(cn) && cn.AsString() != "" && names.IsWhollyKnown() && ips.IsWhollyKnown() {
		all := append(knownStrings(names), knownStrings(ips)...)
		if !slices.Contains(all, cn.AsString()) {
			diags = append(diags, errorf(address, "common_name is not among dns_names",
				"common_name %q must also be in dns_names: the CA validates each name and puts only validated names into the certificate. Add it to dns_names, or remove common_name.", cn.AsString()))
		}
	}
	return append(diags, remote...)
}

// checkLocal refuses settings that only a remote issuer can honour.
func (p *Provider) checkLocal(address string, config cty.Value) hcl.Diagnostics {
	v := attr(config, "revoke_on_destroy")
	if !known(v) || v.Type() != cty.Bool || v.False() {
		return nil
	}
	kind := attr(attr(config, "issuer"), "kind")
	if !known(kind) || kind.Type() != cty.String {
		return nil
	}
	return hcl.Diagnostics{errorf(address, "revoke_on_destroy needs an ACME issuer",
		"revoke_on_destroy asks the CA to revoke the certificate when it is destroyed; a %s certificate has no CA that publishes revocations. Remove it.", kind.AsString())}
}

// validateRemote implements Validate for a certificate from a Remote.
func (p *Provider) validateRemote(address string, r Remote, kind string, iss, config cty.Value) hcl.Diagnostics {
	return p.checkRemote(address, r, kind, iss, config, remoteDesired(config))
}

// planRemote implements Plan for a certificate from a Remote.
func (p *Provider) planRemote(ctx context.Context, r Remote, kind string, iss cty.Value, req providers.PlanRequest) providers.PlanResponse {
	desired := remoteDesired(req.Config)
	diags := p.checkRemote(req.Address, r, kind, iss, req.Config, desired)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	fresh := remoteValue(desired, kind, unknownComputed(), cty.UnknownVal(cty.String), cty.UnknownVal(cty.String), cty.DynamicVal)
	if !providers.Exists(req.Live) {
		resp := providers.PlanResponse{Planned: fresh, Diagnostics: diags}
		if providers.Exists(req.Prior) {
			resp.RequiresReplace = true
			resp.Reasons = []string{"private key missing from .certform/keys"}
		}
		return resp
	}
	reasons, more := p.remoteReplaceReasons(ctx, r, kind, iss, desired, req)
	diags = append(diags, more...)
	if len(reasons) > 0 {
		return providers.PlanResponse{Planned: fresh, RequiresReplace: true, Reasons: reasons, Diagnostics: diags}
	}
	reasons = nil
	for _, n := range []string{"renew_before", "revoke_on_destroy"} {
		if !providers.Equal(desired[n], providers.Attr(req.Live, n)) {
			reasons = append(reasons, n+" changed")
		}
	}
	return providers.PlanResponse{
		Planned: remoteValue(desired, kind, priorComputed(req.Live),
			stringAttr(req.Live, "chain_pem"), stringAttr(req.Live, "issuer_fingerprint"), providers.Attr(req.Live, kind)),
		Reasons:     reasons,
		Diagnostics: diags,
	}
}

// remoteReplaceReasons says why the live certificate cannot stay: it
// expires within renew_before, its names or key changed, it came from
// another issuer, or the Remote's review asks for a new one.
func (p *Provider) remoteReplaceReasons(ctx context.Context, r Remote, kind string, iss cty.Value, desired map[string]cty.Value, req providers.PlanRequest) ([]string, hcl.Diagnostics) {
	var reasons []string
	var diags hcl.Diagnostics
	live, now := req.Live, req.Env.Now
	c, err := runCerts(req.Env).First(providers.String(live, "pem"))
	if err != nil {
		reasons = append(reasons, "the certificate recorded in state cannot be read")
	}
	renew, rerr := providers.ParseDuration(stringOf(desired["renew_before"]))
	if c != nil {
		switch {
		case !now.Before(c.NotAfter):
			reasons = append(reasons, fmt.Sprintf("expired %s ago", humanDuration(now.Sub(c.NotAfter))))
		case rerr == nil && c.NotAfter.Sub(now) <= renew:
			reasons = append(reasons, fmt.Sprintf("expires in %s, renew_before is %s",
				humanDuration(c.NotAfter.Sub(now)), providers.FormatDuration(renew)))
		}
	}
	for _, name := range []string{"common_name", "dns_names", "ip_addresses"} {
		switch v := desired[name]; {
		case !v.IsWhollyKnown():
			reasons = append(reasons, name+" is known only after apply")
		case !providers.Equal(v, providers.Attr(live, name)):
			reasons = append(reasons, name+" changed")
		}
	}
	reasons = append(reasons, keyReasons(desired["key"], providers.Attr(live, "key"))...)
	if providers.String(live, "issuer_kind") != kind {
		reasons = append(reasons, "issuer changed")
	}
	if len(reasons) > 0 || c == nil {
		return reasons, diags
	}
	more, rdiags := r.Review(ctx, ReviewRequest{
		RemoteRequest: remoteRequest(req.Address, iss, desired),
		Certificate:   c,
		Record:        providers.Attr(live, kind),
		Env:           req.Env,
	})
	return append(reasons, more...), append(diags, rdiags...)
}

// applyRemote implements Apply for a certificate from a Remote: a new key,
// a certificate for it from the CA, the key stored, the old key removed.
// On any failure nothing is stored and the recorded value stays.
func (p *Provider) applyRemote(ctx context.Context, r Remote, kind string, iss cty.Value, req providers.ApplyRequest) providers.ApplyResponse {
	if pem := providers.String(req.Planned, "pem"); providers.Exists(req.Prior) && pem != "" &&
		req.Planned.IsWhollyKnown() && pem == providers.String(req.Prior, "pem") {
		return providers.ApplyResponse{New: req.Planned}
	}
	fail := func(diags hcl.Diagnostics) providers.ApplyResponse {
		prior := req.Prior
		if prior == cty.NilVal {
			prior = providers.Null
		}
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	desired := remoteDesired(req.Config)
	diags := p.checkRemote(req.Address, r, kind, iss, req.Config, desired)
	if diags.HasErrors() {
		return fail(diags)
	}
	for name, v := range desired {
		if !v.IsWhollyKnown() {
			return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "%s is still unknown at apply.", name)))
		}
	}
	if !iss.IsWhollyKnown() {
		return fail(append(diags, errorf(req.Address, "Issuer not known", "The issuer is still unknown at apply; apply it first.")))
	}
	s := spec{algorithm: desired["key"].GetAttr("algorithm").AsString(), curve: stringOf(desired["key"].GetAttr("curve"))}
	if bits := desired["key"].GetAttr("bits"); !bits.IsNull() {
		s.bits, _ = intValue(bits)
	}
	key, err := generateKey(s)
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "%s.", err)))
	}
	keyID, _, err := keyIdentifiers(key.Public())
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "%s.", err)))
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "encoding private key: %s.", err)))
	}

	ireq := IssueRequest{RemoteRequest: remoteRequest(req.Address, iss, desired), Key: key, Env: req.Env}
	if providers.Exists(req.Prior) && providers.String(req.Prior, "issuer_kind") == kind {
		if old, err := runCerts(req.Env).First(providers.String(req.Prior, "pem")); err == nil {
			ireq.Replaces, ireq.ReplacesRecord = old, providers.Attr(req.Prior, kind)
		}
	}
	res, idiags := r.Issue(ctx, ireq)
	diags = append(diags, idiags...)
	if diags.HasErrors() {
		return fail(diags)
	}
	if res.Certificate == nil {
		panic("cert: Remote.Issue returned no certificate and no error")
	}
	if got, _, err := keyIdentifiers(res.Certificate.PublicKey); err != nil || got != keyID {
		return fail(append(diags, errorf(req.Address, "Certificate for another key",
			"The CA returned a certificate that does not match the private key certform made for it; it was discarded.")))
	}
	if err := req.Env.Secrets.Put(keyID, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})); err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot store private key",
			"The new private key could not be saved, so the certificate was discarded: %s.", err)))
	}
	if old := providers.String(req.Prior, "key_id"); old != "" && old != keyID {
		if err := req.Env.Secrets.Delete(old); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Old private key not removed",
				Detail:   fmt.Sprintf("%s: the private key %s of the replaced certificate could not be removed: %s. Delete it by hand.", req.Address, old, err),
			})
		}
	}
	issuerFP := ""
	if first, err := runCerts(req.Env).First(res.Chain); err == nil {
		issuerFP = pemcert.Fingerprint(first)
	}
	return providers.ApplyResponse{
		New: remoteValue(desired, kind, computedAttrs(res.Certificate, keyID),
			cty.StringVal(joinPEM(res.Chain)), cty.StringVal(issuerFP), res.Record),
		Diagnostics: diags,
	}
}

// revokeOnDelete revokes a certificate from a Remote before its key is
// removed, when the recorded value asks for it.
func (p *Provider) revokeOnDelete(ctx context.Context, req providers.ApplyRequest) hcl.Diagnostics {
	kind := providers.String(req.Prior, "issuer_kind")
	r, ok := p.remotes[kind]
	if !ok || !providers.Bool(req.Prior, "revoke_on_destroy") {
		return nil
	}
	c, err := runCerts(req.Env).First(providers.String(req.Prior, "pem"))
	if err != nil {
		return hcl.Diagnostics{errorf(req.Address, "Cannot revoke certificate",
			"The certificate recorded in state cannot be read (%s), so it cannot be revoked. Remove it from the state with certform state rm %s.", err, req.Address)}
	}
	if !req.Env.Now.Before(c.NotAfter) {
		return nil // Expired certificates need no revocation.
	}
	var key crypto.Signer
	if id := providers.String(req.Prior, "key_id"); id != "" {
		if data, err := req.Env.Secrets.Get(id); err == nil {
			key, _ = pki.ParsePrivateKey(data)
		}
	}
	req.Env.Report(req.Address, "revoking certificate %s", c.SerialNumber.Text(16))
	return r.Revoke(ctx, RevokeRequest{Address: req.Address, Certificate: c, Key: key, Record: providers.Attr(req.Prior, kind), Env: req.Env})
}
