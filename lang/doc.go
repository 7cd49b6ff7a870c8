// Package lang reads a certform configuration: every *.hcl file of a
// directory, decoded block by block. It knows the block types (variable,
// locals, output and the resource kinds), evaluates expressions with go-cty
// and the functions in functions.go, and builds the dependency graph from the
// references between blocks.
//
// lang knows providers only through their schemas (package providers); it
// never reads a live object. Its sibling plan takes the Config built here,
// asks lang to evaluate each resource in dependency order, and drives the
// providers.
package lang
