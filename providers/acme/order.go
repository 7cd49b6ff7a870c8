package acme

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"path"
	"strings"

	"github.com/go-acme/lego/v4/acme"
	"github.com/go-acme/lego/v4/acme/api"
	"github.com/go-acme/lego/v4/certificate"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/pemcert"
)

// Remote obtains, reviews and revokes certificates from ACME servers for
// providers/cert, which hands it certificate blocks whose issuer is an
// issuer "acme" block. It keeps no state and is safe for concurrent use;
// challenge listeners are shared between concurrent orders.
type Remote struct {
	// servers are the challenge listeners it runs (see serverSet).
	servers *serverSet
}

var _ cert.Remote = (*Remote)(nil)

// NewRemote returns the Remote to register with
// cert.WithRemote(acme.Kind, acme.NewRemote()).
func NewRemote() *Remote {
	return &Remote{servers: &serverSet{m: map[string]*challengeServer{}}}
}

// Issue implements cert.Remote: it places an order for the names with the
// issuer's account, answers the challenges, finalizes the order with a CSR
// for req.Key and downloads the certificate and its chain (the preferred
// one, if the issuer names it).
func (r *Remote) Issue(ctx context.Context, req cert.IssueRequest) (cert.IssueResult, hcl.Diagnostics) {
	s, ok := fromValue(req.Issuer)
	if !ok || s.accountURI == "" || s.accountKeyID == "" {
		return cert.IssueResult{}, hcl.Diagnostics{errorf(req.Address, "ACME account not ready",
			"The issuer's account is not registered yet; it must be applied before the certificate.")}
	}
	key, d := loadAccountKey(req.Address, s, req.Env)
	if d != nil {
		return cert.IssueResult{}, hcl.Diagnostics{d}
	}
	names := append(append([]string{}, req.DNSNames...), req.IPAddresses...)
	what := "ordering a certificate for " + strings.Join(names, ", ")
	core, err := newCore(ctx, s.directory, s.caRoots, s.accountURI, key)
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{diagnose(req.Address, what, s.directory, err)}
	}
	req.Env.Report(req.Address, "ordering a certificate for %s from %s", strings.Join(names, ", "), host(s.directory))
	opts := &api.OrderOptions{}
	if req.Replaces != nil && providers.String(req.ReplacesRecord, "account_uri") == s.accountURI &&
		providers.String(req.ReplacesRecord, "directory") == s.directory {
		// RFC 9773 section 5: say which certificate this one replaces, so
		// the CA can lift its rate limits for renewals.
		if id, err := certificate.MakeARICertID(req.Replaces); err == nil {
			opts.ReplacesCertID = id
		}
	}
	order, err := core.Orders.NewWithOptions(names, opts)
	var rl *acme.RateLimitedError
	if err != nil && opts.ReplacesCertID != "" && !errors.As(err, &rl) {
		// Some servers refuse "replaces" (another account, already
		// replaced); order without it.
		opts.ReplacesCertID = ""
		order, err = core.Orders.NewWithOptions(names, opts)
	}
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{diagnose(req.Address, what, s.directory, err)}
	}
	if err := authorize(ctx, core, s, order, req.Env, req.Address, r.servers); err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{diagnose(req.Address, "validating "+strings.Join(names, ", "), s.directory, err)}
	}

	req.Env.Report(req.Address, "finalizing the order")
	csr, err := makeCSR(req)
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{errorf(req.Address, "Cannot make the certificate request", "%s. %s", err, unchanged)}
	}
	o, err := core.Orders.UpdateForCSR(order.Finalize, csr)
	if err == nil {
		o, err = waitOrder(ctx, core, order.Location, o)
	}
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{diagnose(req.Address, "finalizing the order "+order.Location, s.directory, err)}
	}

	req.Env.Report(req.Address, "downloading the certificate")
	certs, err := core.Certificates.GetAll(o.Certificate, false)
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{diagnose(req.Address, "downloading the certificate "+o.Certificate, s.directory, err)}
	}
	certURL, raw := pickChain(certs, o.Certificate, s.preferredChain)
	leaf, err := pemcert.All(string(raw.Cert))
	if err != nil {
		return cert.IssueResult{}, hcl.Diagnostics{errorf(req.Address, "Unreadable certificate",
			"The ACME server sent a certificate that cannot be read (%s); it was discarded. %s", err, unchanged)}
	}
	return cert.IssueResult{
		Certificate: leaf[0],
		Chain:       string(raw.Issuer),
		Record: cty.ObjectVal(map[string]cty.Value{
			"directory":       cty.StringVal(s.directory),
			"account_uri":     cty.StringVal(s.accountURI),
			"order_url":       cty.StringVal(order.Location),
			"order_id":        cty.StringVal(path.Base(order.Location)),
			"certificate_url": cty.StringVal(certURL),
			"ca_roots":        cty.StringVal(s.caRoots),
		}),
	}, nil
}

// makeCSR writes the certificate request: the names, and as common name
// the configured one, else the first DNS name if it fits (64 characters).
func makeCSR(req cert.IssueRequest) ([]byte, error) {
	cn := req.CommonName
	if cn == "" && len(req.DNSNames) > 0 && len(req.DNSNames[0]) <= 64 {
		cn = req.DNSNames[0]
	}
	tmpl := &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}, DNSNames: req.DNSNames}
	for _, s := range req.IPAddresses {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(s))
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, req.Key)
	if err != nil {
		return nil, fmt.Errorf("signing the request: %w", err)
	}
	return der, nil
}

// pickChain returns the chain whose topmost certificate is issued by the
// preferred root (by common name, as lego and certbot match it), or the
// default chain.
func pickChain(certs map[string]*acme.RawCertificate, defaultURL, preferred string) (string, *acme.RawCertificate) {
	if preferred != "" {
		for u, c := range certs {
			chain, err := pemcert.All(string(c.Issuer))
			if err == nil && chain[len(chain)-1].Issuer.CommonName == preferred {
				return u, c
			}
		}
	}
	return defaultURL, certs[defaultURL]
}

// loadAccountKey reads the account key from Secrets.
func loadAccountKey(address string, s settings, env *providers.Env) (crypto.Signer, *hcl.Diagnostic) {
	data, err := env.Secrets.Get(s.accountKeyID)
	if err != nil {
		return nil, errorf(address, "ACME account key missing",
			"The private key %s of the ACME account %s is not in .certform/keys: %s. Run certform apply again: the issuer \"acme\" block then registers a new account.", s.accountKeyID, s.accountURI, err)
	}
	key, err := pki.ParsePrivateKey(data)
	if err != nil {
		return nil, errorf(address, "ACME account key unreadable", "The private key %s of the ACME account cannot be read: %s.", s.accountKeyID, err)
	}
	return key, nil
}

// Revoke implements cert.Remote. The request is signed with the
// certificate's own key (RFC 8555 section 7.6), so it works whatever
// became of the account.
func (r *Remote) Revoke(ctx context.Context, req cert.RevokeRequest) hcl.Diagnostics {
	dir := providers.String(req.Record, "directory")
	if dir == "" || req.Key == nil {
		return hcl.Diagnostics{errorf(req.Address, "Cannot revoke certificate",
			"The certificate cannot be revoked: the state lacks its ACME directory or .certform/keys its private key. Revoke it with another ACME client if needed, then remove it with certform state rm %s.", req.Address)}
	}
	what := "revoking certificate " + req.Certificate.SerialNumber.Text(16)
	core, err := newCore(ctx, dir, providers.String(req.Record, "ca_roots"), "", req.Key)
	if err == nil {
		err = core.Certificates.Revoke(acme.RevokeCertMessage{Certificate: base64.RawURLEncoding.EncodeToString(req.Certificate.Raw)})
	}
	var prob *acme.ProblemDetails
	if errors.As(err, &prob) && strings.HasSuffix(prob.Type, ":alreadyRevoked") {
		return nil
	}
	if err != nil {
		d := diagnose(req.Address, what, dir, err)
		d.Detail = strings.Replace(d.Detail, unchanged, "The certificate and its key were kept. Fix the cause and destroy again, or remove it from the state with certform state rm "+req.Address+" to keep it unrevoked.", 1)
		return hcl.Diagnostics{d}
	}
	return nil
}
