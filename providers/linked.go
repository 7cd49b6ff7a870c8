package providers

import "github.com/zclconf/go-cty/cty"

// A Linker is a Provider whose values record, beside a configured value,
// another value tied to it: an INI key's value from before certform, kept
// so that destroy can put it back. When the configured value is sensitive,
// the tied one is taken to be as well (the password a key held before is a
// password too), and is hidden in plans and left out of the state like it.
type Linker interface {
	// Linked returns the paths of the values tied to the value at path,
	// in the same value; none when there are none.
	Linked(path cty.Path) []cty.Path
}
