package component

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Provider manages the component kind. It is safe for concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
)

// New returns the component provider.
func New() *Provider {
	return &Provider{}
}

// Schema describes a component block:
//
//	endpoint = <endpoint resource>   # required, an object with a url string
//	url      = "iwfms://..."         # optional, default endpoint.url
//	trusts   = [store.pkcs12.ies]    # optional, accepted and not used yet
//	url_in {                         # required
//	  file    = "client/isps.cfg"    # relative to the configuration
//	  section = "IES System Local"
//	  key     = "Url"
//	}
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"endpoint": &hcldec.AttrSpec{Name: "endpoint", Type: cty.DynamicPseudoType, Required: true},
		"url":      &hcldec.AttrSpec{Name: "url", Type: cty.String},
		"trusts":   &hcldec.AttrSpec{Name: "trusts", Type: cty.DynamicPseudoType},
		"url_in": &hcldec.BlockSpec{TypeName: "url_in", Required: true, Nested: hcldec.ObjectSpec{
			"file":    &hcldec.AttrSpec{Name: "file", Type: cty.String, Required: true},
			"section": &hcldec.AttrSpec{Name: "section", Type: cty.String, Required: true},
			"key":     &hcldec.AttrSpec{Name: "key", Type: cty.String, Required: true},
		}},
	}
}

// Validate checks that the URL can be worked out and that url_in names a
// file and a key. Unknown values pass.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, err := decodeConfig(config)
	if err != nil {
		return configDiag(address, err)
	}
	return nil
}

// ReadsPriorOnly implements providers.PriorReader: Read looks at Prior only.
func (p *Provider) ReadsPriorOnly() {}

// PlansDeterministically implements providers.Deterministic: with the URL
// as recorded, the configuration of the last apply changes nothing.
func (p *Provider) PlansDeterministically() {}

// Read returns the URL the component's INI file holds now, null when the
// key is missing, with original and created_section carried over from
// Prior. A missing file, or a null Prior, gives a null Live.
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	resp := providers.ReadResponse{Live: providers.Null}
	if !providers.Exists(req.Prior) {
		return resp
	}
	prior, err := decodeState(req.Prior)
	if err != nil {
		resp.Diagnostics = stateDiag(req.Address, err)
		return resp
	}
	live, err := read(req.Env.FS, prior)
	if err != nil {
		resp.Diagnostics = loadDiag(req.Address, err)
		return resp
	}
	switch {
	case live == nil:
	case providers.Equal(live.url, prior.url):
		// The URL as recorded: the recorded value is the live one.
		resp.Live, resp.AsRecorded = req.Prior, true
	default:
		resp.Live = live.value()
	}
	return resp
}

func errorDiag(summary, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail}}
}

func loadDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Cannot read INI file", fmt.Sprintf("%s: %v. certform has not changed the file.", addr, err))
}

func missingDiag(addr, path string) hcl.Diagnostics {
	return errorDiag("Component INI file not found", fmt.Sprintf(
		"%s: the file %q does not exist. certform edits the component's existing configuration: check url_in.file, or install the component first.", addr, path))
}

func stateDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Invalid recorded state", fmt.Sprintf("%s: %v.", addr, err))
}

func configDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Invalid component configuration", fmt.Sprintf("%s: %v.", addr, err))
}

func applyDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Cannot write INI file", fmt.Sprintf("%s: %v.", addr, err))
}
