package main

import (
	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/component"
	"github.com/certform/certform/providers/endpoint"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/issuer"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/trustchain"
)

// kinds returns the providers for every resource kind certform knows.
func kinds() lang.Kinds {
	return lang.Kinds{
		"certificate":     cert.New(),
		"issuer.ca":       issuer.New(),
		"trust_chain":     trustchain.New(),
		"store.pem_files": pemfiles.New(),
		"endpoint":        endpoint.New(),
		"ini_file":        ini.New(),
		"component":       component.New(),
		"hook":            hook.New(),
	}
}
