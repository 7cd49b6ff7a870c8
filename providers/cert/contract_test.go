package cert_test

import (
	"path/filepath"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/providertest"
)

func TestContract(t *testing.T) {
	// A CA made in one directory; its key is copied into each case's
	// secrets by Setup, as a previous apply would have left it.
	caEnv, _ := providertest.NewEnv(t)
	ca := create(t, caEnv, `
		issuer      = var.self_signed
		is_ca       = true
		common_name = "Contract Root CA"
		key {
			algorithm = "ECDSA"
			curve     = "P384"
		}`, nil)
	caKey, err := caEnv.Secrets.Get(str(ca, "key_id"))
	if err != nil {
		t.Fatal(err)
	}
	withCAKey := func(t *testing.T, dir string) {
		s := providers.DirSecrets{Dir: filepath.Join(dir, ".certform", "keys")}
		if err := s.Put(str(ca, "key_id"), caKey); err != nil {
			t.Fatal(err)
		}
	}

	providertest.Run(t, cert.New(), []providertest.Case{
		{
			Name: "self-signed RSA leaf with defaults",
			HCL: `
				issuer      = var.self_signed
				common_name = "ies.example.test"
				dns_names   = ["ies.example.test"]`,
			Vars: vars(nil),
		},
		{
			Name: "self-signed ECDSA with IP address and client auth",
			HCL: `
				issuer         = var.self_signed
				common_name    = "crm.example.test"
				dns_names      = ["crm.example.test", "*.crm.example.test"]
				ip_addresses   = ["192.0.2.10", "2001:db8::10"]
				organization   = "Example Corp"
				validity       = "90d"
				renew_before   = "720h"
				ext_key_usages = ["server_auth", "client_auth"]
				key {
					algorithm = "ECDSA"
					curve     = "P256"
				}`,
			Vars: vars(nil),
		},
		{
			Name: "self-signed CA",
			HCL: `
				issuer      = var.self_signed
				is_ca       = true
				common_name = "Example Corp Root CA"
				key {
					algorithm = "RSA"
					bits      = 3072
				}`,
			Vars: vars(nil),
		},
		{
			Name: "leaf issued by a CA",
			HCL: `
				issuer      = var.ca
				common_name = "ies.example.test"
				dns_names   = ["ies.example.test"]`,
			Vars:  vars(map[string]cty.Value{"ca": issuerOf(ca)}),
			Setup: withCAKey,
			Check: func(t *testing.T, dir string, applied cty.Value) {
				if got, want := str(applied, "chain_pem"), str(ca, "pem"); got != want {
					t.Errorf("chain_pem = %q, want the CA's pem %q", got, want)
				}
				if got, want := str(applied, "issuer_fingerprint"), str(ca, "fingerprint_sha256"); got != want {
					t.Errorf("issuer_fingerprint = %q, want %q", got, want)
				}
			},
		},
	})
}
