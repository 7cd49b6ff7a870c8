package cert

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/pemcert"
)

// Apply implements providers.Provider. A null Planned value deletes the
// key from Secrets. A Planned value with the recorded pem is an update in
// place; anything else issues a new certificate with a new key, stores the
// key in Secrets and deletes the key of the certificate it replaces.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		if diags := p.revokeOnDelete(ctx, req); diags.HasErrors() {
			return providers.ApplyResponse{New: req.Prior, Diagnostics: diags}
		}
		return p.delete(req)
	}
	if isImport(req.Config) {
		return p.applyImport(ctx, req)
	}
	if r, kind, iss, ok := p.remoteFor(req.Config); ok {
		return p.applyRemote(ctx, r, kind, iss, req)
	}
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
	desired := desiredAttrs(req.Config)
	iss, diags := parseIssuer(req.Address, attr(req.Config, "issuer"), p.issuerCerts(req.Env))
	diags = append(diags, checkAttrs(req.Address, desired)...)
	if diags.HasErrors() {
		return fail(diags)
	}
	s, err := parseSpec(desired)
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "%s.", err)))
	}
	parent, pdiags := loadSigner(req.Address, iss, req.Env, p.issuerCerts(req.Env))
	diags = append(diags, pdiags...)
	if diags.HasErrors() {
		return fail(diags)
	}
	if parent != nil && !req.Env.Now.Before(parent.cert.NotAfter) {
		return fail(append(diags, errorf(req.Address, "Issuer expired",
			"The issuing CA certificate expired at %s. Renew the CA certificate first.",
			parent.cert.NotAfter.UTC().Format(time.RFC3339))))
	}

	out, err := issue(s, req.Env.Now, parent)
	if err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot issue certificate", "%s.", err)))
	}
	if err := req.Env.Secrets.Put(out.keyID, out.keyPEM); err != nil {
		return fail(append(diags, errorf(req.Address, "Cannot store private key",
			"The new private key could not be saved, so the certificate was discarded: %s.", err)))
	}
	if old := providers.String(req.Prior, "key_id"); old != "" && old != out.keyID {
		if err := req.Env.Secrets.Delete(old); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Old private key not removed",
				Detail:   fmt.Sprintf("%s: the private key %s of the replaced certificate could not be removed: %s. Delete it by hand.", req.Address, old, err),
			})
		}
	}
	return providers.ApplyResponse{
		New:         certValue(desired, iss, computedAttrs(out.cert, out.keyID)),
		Diagnostics: diags,
	}
}

// delete removes the private key of the recorded certificate.
func (p *Provider) delete(req providers.ApplyRequest) providers.ApplyResponse {
	id := providers.String(req.Prior, "key_id")
	if id == "" {
		return providers.ApplyResponse{New: providers.Null}
	}
	if err := req.Env.Secrets.Delete(id); err != nil {
		return providers.ApplyResponse{New: req.Prior, Diagnostics: hcl.Diagnostics{errorf(req.Address,
			"Cannot remove private key", "The private key %s could not be removed: %s.", id, err)}}
	}
	return providers.ApplyResponse{New: providers.Null}
}

// loadSigner returns the issuer's certificate and private key, nil for a
// self-signed certificate.
func loadSigner(address string, iss issuerRef, env *providers.Env, certs *pemcert.Cache) (*signer, hcl.Diagnostics) {
	if !iss.kind.IsWhollyKnown() || !iss.pem.IsKnown() || !iss.keyID.IsKnown() {
		return nil, hcl.Diagnostics{errorf(address, "Issuer not known", "The issuer is still unknown at apply; apply its certificate first.")}
	}
	if iss.kind.AsString() == kindSelfSigned {
		return nil, nil
	}
	c, err := certs.First(iss.pem.AsString())
	if err != nil {
		return nil, hcl.Diagnostics{errorf(address, "Invalid issuer certificate", "The issuer's pem cannot be read: %s.", err)}
	}
	if !c.BasicConstraintsValid || !c.IsCA {
		return nil, hcl.Diagnostics{errorf(address, "Issuer is not a CA",
			"The issuer's certificate %q is not a CA certificate; set is_ca = true on it.", c.Subject.String())}
	}
	id := iss.keyID.AsString()
	keyPEM, err := env.Secrets.Get(id)
	if err != nil {
		return nil, hcl.Diagnostics{errorf(address, "Issuer key missing",
			"The private key %s of the issuer %q is not in .certform/keys: %s. Replace the CA certificate (certform plan will do so) or restore the key.", id, c.Subject.String(), err)}
	}
	key, err := pki.ParsePrivateKey(keyPEM)
	if err != nil {
		return nil, hcl.Diagnostics{errorf(address, "Invalid issuer key", "The private key %s of the issuer cannot be read: %s.", id, err)}
	}
	keyGot, _, kerr := keyIdentifiers(key.Public())
	certGot, _, cerr := keyIdentifiers(c.PublicKey)
	if kerr != nil || cerr != nil || keyGot != id || certGot != id {
		return nil, hcl.Diagnostics{errorf(address, "Issuer key does not match",
			"The private key stored as %s does not belong to the issuer's certificate %q.", id, c.Subject.String())}
	}
	return &signer{cert: c, key: key}, nil
}
