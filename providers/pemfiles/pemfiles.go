package pemfiles

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Provider manages store "pem_files" blocks. It holds no state of its own
// and is safe for concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
)

// New returns the provider for store "pem_files" blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	str := func(name string) hcldec.Spec { return &hcldec.AttrSpec{Name: name, Type: cty.String} }
	return hcldec.ObjectSpec{
		"certificate": &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType},
		"trust":       &hcldec.AttrSpec{Name: "trust", Type: cty.DynamicPseudoType},
		"cert":        str("cert"),
		"key":         str("key"),
		"chain":       str("chain"),
		"fullchain":   str("fullchain"),
		"bundle":      str("bundle"),
		"file_mode":   str("file_mode"),
		"key_mode":    str("key_mode"),
	}
}

// Validate implements providers.Validator. It checks the layout (which
// paths, which sources, which modes) without reading any key. Paths and
// modes may still be unknown here (certform validate has no variable
// values, and a path may name a value known after apply); Plan requires
// them known.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := parseLayout(address, assumeKnown(config))
	return diags
}

// unknownString reports whether an attribute of a known object is an
// unknown string. (IsWhollyKnown would look into every attribute of the
// certificate too, sorting their names on the way.)
func unknownString(obj cty.Value) bool {
	for name, ty := range obj.Type().AttributeTypes() {
		if ty == cty.String && !obj.GetAttr(name).IsKnown() {
			return true
		}
	}
	return false
}

// assumeKnown stands in a distinct placeholder for each unknown path and
// the default for each unknown mode, so the rest of the layout can be
// checked.
func assumeKnown(config cty.Value) cty.Value {
	if !config.IsKnown() || config.IsNull() || !config.Type().IsObjectType() || !unknownString(config) {
		return config
	}
	m := config.AsValueMap()
	for name, v := range m {
		if v.IsKnown() || v.Type() != cty.String {
			continue
		}
		switch name {
		case "file_mode", "key_mode":
			m[name] = cty.NullVal(cty.String)
		case "certificate", "trust":
		default:
			m[name] = cty.StringVal("(" + name + " path known at plan)")
		}
	}
	return cty.ObjectVal(m)
}
