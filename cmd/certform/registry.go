package main

import (
	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/rotation"
	"github.com/certform/certform/providers/acme"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/jks"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/pkcs12"
	"github.com/certform/certform/providers/systemtrust"
	"github.com/certform/certform/providers/trustchain"
	"github.com/certform/certform/providers/winstore"
)

// kinds returns the providers for every resource kind certform knows.
func kinds() lang.Kinds {
	return lang.Kinds{
		"certificate":     cert.New(cert.WithRemote(acme.Kind, acme.NewRemote())),
		"issuer.ca":       issuer.New(),
		"issuer.acme":     acme.New(),
		"trust_chain":     trustchain.New(),
		"store.pem_files": pemfiles.New(),
		"endpoint":        endpoint.New(),
		"ini_file":        ini.New(),
		"component":       component.New(),
		"hook":            hook.New(),

		"store.pkcs12":        pkcs12.New(),
		"store.java_keystore": jks.New(),
		"store.system_trust":  systemtrust.New(),
		"store.windows":       winstore.New(),

		rotation.Kind: rotation.New(),
	}
}

// rotator returns the kind that stages rotations, for plan.Engine.
func rotator(k lang.Kinds) plan.Rotator {
	r, _ := k[rotation.Kind].(plan.Rotator)
	return r
}
