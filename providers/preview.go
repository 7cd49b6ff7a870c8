package providers

import "github.com/zclconf/go-cty/cty"

// Previewer is implemented by providers whose value is largely known from
// the configuration alone, such as an ACME issuer (its directory, its
// challenge), before anything is read or applied. `certform validate` gives
// blocks that refer to such a resource its preview instead of an unknown
// value, so that their Validate can check against it: a certificate from a
// public ACME issuer refuses IP addresses without a plan being made.
//
// Preview must not read or change anything. Attributes known only after
// apply are unknown; config may itself hold unknown values.
type Previewer interface {
	Preview(address string, config cty.Value) cty.Value
}
