package cert

import (
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
)

// Provider manages `certificate` blocks. It holds no state but a cache of
// parsed issuer certificates, and is safe for concurrent use.
type Provider struct {
	// remotes sign certificates for issuers certform does not run, by
	// issuer kind (see WithRemote).
	remotes map[string]Remote
	// issuers holds the issuers' certificates parsed where the run's
	// cache is out of reach (see issuerCerts).
	issuers *pemcert.Cache
}

// issuerCacheBytes bounds Provider.issuers: 256 KiB of PEM text, some 130
// (RSA 4096) to 400 (ECDSA P-256) issuer certificates. A configuration has
// a handful of issuers, but the provider may outlive many runs, and once
// full the cache only parses.
const issuerCacheBytes = 256 << 10

var (
	_ providers.Provider            = (*Provider)(nil)
	_ providers.Validator           = (*Provider)(nil)
	_ providers.CreateBeforeDestroy = (*Provider)(nil)
)

// CreateBeforeDestroy implements providers.CreateBeforeDestroy: a
// replacement certificate and its key are made, whatever issues them,
// before the key of the one it replaces is deleted.
func (p *Provider) CreateBeforeDestroy() bool { return true }

// New returns the provider for `certificate` blocks.
func New(opts ...Option) *Provider {
	p := &Provider{issuers: pemcert.NewCache(issuerCacheBytes)}
	for _, o := range opts {
		o(p)
	}
	return p
}

// runCerts returns the run's cache of parsed certificates (Env.Certs); nil,
// which parses every time, when there is none.
func runCerts(env *providers.Env) *pemcert.Cache {
	if env == nil {
		return nil
	}
	return env.Certs
}

// issuerCerts returns the cache to parse issuers' certificates with: the
// run's, else the provider's own. Without one, a plan would parse an
// issuer's certificate again for every certificate it signs. The plan
// engine calls Validate, which is given no Env and so always uses the
// provider's own, before it calls Plan for each certificate.
func (p *Provider) issuerCerts(env *providers.Env) *pemcert.Cache {
	if c := runCerts(env); c != nil {
		return c
	}
	return p.issuers
}

// Schema implements providers.Provider. The issuer is dynamic: either the
// built-in self_signed (an object {kind = "self_signed"}) or the value of an
// issuer "ca" block.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		// issuer is required unless the certificate is imported (import.go);
		// parseIssuer and validateImport say so.
		"issuer":         &hcldec.AttrSpec{Name: "issuer", Type: cty.DynamicPseudoType},
		"import":         importSpec(),
		"common_name":    &hcldec.AttrSpec{Name: "common_name", Type: cty.String},
		"dns_names":      &hcldec.AttrSpec{Name: "dns_names", Type: cty.List(cty.String)},
		"ip_addresses":   &hcldec.AttrSpec{Name: "ip_addresses", Type: cty.List(cty.String)},
		"organization":   &hcldec.AttrSpec{Name: "organization", Type: cty.String},
		"is_ca":          &hcldec.AttrSpec{Name: "is_ca", Type: cty.Bool},
		"validity":       &hcldec.AttrSpec{Name: "validity", Type: cty.String},
		"renew_before":   &hcldec.AttrSpec{Name: "renew_before", Type: cty.String},
		"key_usages":     &hcldec.AttrSpec{Name: "key_usages", Type: cty.List(cty.String)},
		"ext_key_usages": &hcldec.AttrSpec{Name: "ext_key_usages", Type: cty.List(cty.String)},
		// revoke_on_destroy applies to certificates from a Remote (remote.go).
		"revoke_on_destroy": &hcldec.AttrSpec{Name: "revoke_on_destroy", Type: cty.Bool},
		"key": &hcldec.BlockSpec{
			TypeName: "key",
			Nested: hcldec.ObjectSpec{
				"algorithm": &hcldec.AttrSpec{Name: "algorithm", Type: cty.String},
				"bits":      &hcldec.AttrSpec{Name: "bits", Type: cty.Number},
				"curve":     &hcldec.AttrSpec{Name: "curve", Type: cty.String},
			},
		},
	}
}
