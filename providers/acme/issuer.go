package acme

import (
	"context"
	"errors"
	"io/fs"
	"reflect"

	"github.com/go-acme/lego/v4/acme"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Provider manages issuer "acme" blocks: one ACME account each. It holds no
// state of its own and is safe for concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
	_ providers.Previewer = (*Provider)(nil)

	_ providers.CreateBeforeDestroy = (*Provider)(nil)
)

// New returns the provider for issuer "acme" blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider: directory, email, account_key_type,
// preferred_chain, ca_roots, an optional eab block and exactly one of the
// challenge blocks http01, tls_alpn01 and dns01.
func (p *Provider) Schema() hcldec.Spec { return schema() }

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	return check(address, config)
}

// Preview implements providers.Previewer: the value apply would record,
// with the account not yet known.
func (p *Provider) Preview(address string, config cty.Value) cty.Value {
	v, _ := value(address, config, providers.Null)
	return v
}

// Read implements providers.Provider. The account is live as long as its
// key is in Secrets; a missing key reads as a missing account, which Plan
// registers anew. The ACME server is not asked: plans stay offline.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	id := providers.String(req.Prior, "account_key_id")
	if id == "" {
		return providers.ReadResponse{Live: providers.Null}
	}
	if _, err := req.Env.Secrets.Get(id); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return providers.ReadResponse{Live: providers.Null}
		}
		return providers.ReadResponse{Live: req.Prior, Diagnostics: hcl.Diagnostics{errorf(req.Address,
			"Cannot read account key", "The private key %s of the ACME account cannot be read: %s.", id, err)}}
	}
	return providers.ReadResponse{Live: req.Prior, AsRecorded: true}
}

// Plan implements providers.Provider. A new directory or account key type
// needs a new account (replace); any other change is an update in place
// (a new email is sent to the server as the account's contact).
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	fresh, diags := value(req.Address, req.Config, providers.Null)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	if !providers.Exists(req.Live) {
		resp := providers.PlanResponse{Planned: fresh, Diagnostics: diags}
		if providers.Exists(req.Prior) {
			resp.RequiresReplace = true
			resp.Reasons = []string{"account key missing from .certform/keys: a new account is registered"}
		}
		return resp
	}
	var replace []string
	for _, n := range []string{"directory", "account_key_type"} {
		switch v := fresh.GetAttr(n); {
		case !v.IsKnown():
			replace = append(replace, n+" is known only after apply")
		case !providers.Equal(v, providers.Attr(req.Live, n)):
			replace = append(replace, n+" changed: a new account is registered")
		}
	}
	if len(replace) > 0 {
		return providers.PlanResponse{Planned: fresh, RequiresReplace: true, Reasons: replace, Diagnostics: diags}
	}
	planned, _ := value(req.Address, req.Config, req.Live)
	var reasons []string
	for _, n := range []string{"email", "preferred_chain", "ca_roots", "eab_kid"} {
		if !providers.Equal(planned.GetAttr(n), providers.Attr(req.Live, n)) {
			reasons = append(reasons, n+" changed")
		}
	}
	if !sameChallenge(planned.GetAttr("challenge"), providers.Attr(req.Live, "challenge")) {
		reasons = append(reasons, "challenge changed")
	}
	return providers.PlanResponse{Planned: planned, Reasons: reasons, Diagnostics: diags}
}

// Apply implements providers.Provider. A new account is registered (with
// external account binding if configured), its key stored in Secrets, and
// the key of an account it replaces removed. An update sends a changed
// email to the server. Delete forgets the account key; the account itself
// stays registered at the CA, which is harmless.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		if id := providers.String(prior, "account_key_id"); id != "" {
			if err := req.Env.Secrets.Delete(id); err != nil {
				return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{errorf(req.Address,
					"Cannot remove account key", "The private key %s of the ACME account could not be removed: %s.", id, err)}}
			}
		}
		return providers.ApplyResponse{New: providers.Null}
	}
	s, ok := fromConfig(req.Config)
	if !ok {
		_, diags := value(req.Address, req.Config, providers.Null)
		if !diags.HasErrors() {
			diags = append(diags, errorf(req.Address, "Issuer not known", "Some settings are still unknown at apply."))
		}
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	v, _ := value(req.Address, req.Config, providers.Null)

	if uri := req.Planned.GetAttr("account_uri"); providers.Exists(prior) && uri.IsKnown() && !uri.IsNull() {
		// Update in place: the same account.
		s.accountURI, s.accountKeyID = providers.String(prior, "account_uri"), providers.String(prior, "account_key_id")
		if s.email != providers.String(prior, "email") {
			if d := updateContact(ctx, req.Address, s, req.Env); d != nil {
				return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{d}}
			}
		}
		v = setAccount(v, s.accountURI, s.accountKeyID)
		return providers.ApplyResponse{New: v}
	}

	req.Env.Report(req.Address, "registering an account at %s", host(s.directory))
	uri, keyID, keyPEM, d := register(ctx, req.Address, s)
	if d != nil {
		return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{d}}
	}
	if err := req.Env.Secrets.Put(keyID, keyPEM); err != nil {
		return providers.ApplyResponse{New: prior, Diagnostics: hcl.Diagnostics{errorf(req.Address, "Cannot store account key",
			"The account %s was registered, but its private key could not be saved: %s. Fix the cause and apply again; a new account is registered then.", uri, err)}}
	}
	var diags hcl.Diagnostics
	if old := providers.String(prior, "account_key_id"); old != "" && old != keyID {
		if err := req.Env.Secrets.Delete(old); err != nil {
			diags = append(diags, warningf(req.Address, "Old account key not removed",
				"The private key %s of the replaced account could not be removed: %s. Delete it by hand.", old, err))
		}
	}
	v = setAccount(v, uri, keyID)
	return providers.ApplyResponse{New: v, Diagnostics: diags}
}

// CreateBeforeDestroy implements providers.CreateBeforeDestroy: a new
// account is registered and its key stored before the key of the account it
// replaces is removed.
func (p *Provider) CreateBeforeDestroy() bool { return true }

// register makes an account key and registers it, agreeing to the CA's
// terms of service, as ACME clients do on the user's behalf.
func register(ctx context.Context, address string, s settings) (uri, keyID string, keyPEM []byte, d *hcl.Diagnostic) {
	key, err := newAccountKey(s.keyType)
	if err != nil {
		return "", "", nil, errorf(address, "Cannot make account key", "%s.", err)
	}
	keyID, keyPEM, err = encodeKey(key)
	if err != nil {
		return "", "", nil, errorf(address, "Cannot make account key", "%s.", err)
	}
	what := "registering an account"
	core, err := newCore(ctx, s.directory, s.caRoots, "", key)
	if err != nil {
		return "", "", nil, diagnose(address, what, s.directory, err)
	}
	msg := acme.Account{TermsOfServiceAgreed: true, Contact: contact(s.email)}
	var acct acme.ExtendedAccount
	switch {
	case s.eabKID != "":
		acct, err = core.Accounts.NewEAB(msg, s.eabKID, s.eabHMAC)
	case core.GetDirectory().Meta.ExternalAccountRequired:
		return "", "", nil, errorf(address, "External account binding required",
			"The ACME server %s registers accounts only with an external account binding. Add eab { kid = \"...\" hmac = var.eab_hmac } with the values from your account at the CA, and declare the variable sensitive.", s.directory)
	default:
		acct, err = core.Accounts.New(msg)
	}
	if err != nil {
		return "", "", nil, diagnose(address, what, s.directory, err)
	}
	if acct.Location == "" {
		return "", "", nil, errorf(address, "ACME request failed", "The ACME server registered the account but did not say its URL.")
	}
	return acct.Location, keyID, keyPEM, nil
}

// updateContact sets the account's contact to the configured email.
func updateContact(ctx context.Context, address string, s settings, env *providers.Env) *hcl.Diagnostic {
	key, d := loadAccountKey(address, s, env)
	if d != nil {
		return d
	}
	what := "updating the account's email"
	core, err := newCore(ctx, s.directory, s.caRoots, s.accountURI, key)
	if err == nil {
		env.Report(address, "updating the account's contact to %q", s.email)
		_, err = core.Accounts.Update(s.accountURI, acme.Account{Contact: contact(s.email)})
	}
	if err != nil {
		return diagnose(address, what, s.directory, err)
	}
	return nil
}

func contact(email string) []string {
	if email == "" {
		return []string{}
	}
	return []string{"mailto:" + email}
}

// sameChallenge reports whether the planned challenge is the recorded one.
// The state holds an env value from a sensitive variable (a DNS API token)
// as null; such a value counts as unchanged, for only the configuration
// knows it. A new token is used from the next order on.
func sameChallenge(planned, recorded cty.Value) bool {
	if providers.Equal(planned, recorded) {
		return true
	}
	if !planned.IsWhollyKnown() || !providers.Exists(recorded) {
		return false
	}
	p, r := challengeFrom(planned), challengeFrom(recorded)
	if env := providers.Attr(recorded, "env"); providers.Exists(env) && env.CanIterateElements() {
		for it := env.ElementIterator(); it.Next(); {
			if k, v := it.Element(); v.IsNull() {
				delete(p.env, k.AsString())
			}
		}
	}
	return reflect.DeepEqual(p, r)
}
