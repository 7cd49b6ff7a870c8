package lang

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Config is a loaded configuration: every block of every *.hcl file in one
// directory. It is read-only once Load returns, and safe for concurrent use.
type Config struct {
	// Dir is the configuration directory; relative paths in the
	// configuration are relative to it.
	Dir string
	// Files holds every parsed file by name, for diagnostics with snippets.
	Files map[string]*hcl.File

	Variables map[string]*Variable
	Locals    map[string]*Local
	Outputs   map[string]*Output
	Resources map[Address]*Resource

	kinds Kinds
}

// Kinds maps a resource kind ("certificate", "store.pem_files") to the
// provider or runner that manages it. lang uses only their schemas.
type Kinds map[string]Schemer

// Schemer is what lang needs of a provider: the schema of its block body.
// A kind whose blocks cannot be described by a spec also implements
// providers.BodyDecoder.
type Schemer interface {
	Schema() hcldec.Spec
}

// Variable is a `variable` block.
type Variable struct {
	Name        string
	Type        cty.Type
	Default     cty.Value // cty.NilVal when there is none: the variable is required
	Description string
	Sensitive   bool
	Validations []Validation
	DeclRange   hcl.Range
}

// Validation is a `validation` block inside a variable.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Local is one attribute of a `locals` block.
type Local struct {
	Name string
	Expr hcl.Expression
	// Refs and Locals are the resources and locals the expression names.
	Refs   []Address
	Locals []string
}

// Output is an `output` block.
type Output struct {
	Name      string
	Expr      hcl.Expression
	Sensitive bool
	Refs      []Address
	Locals    []string
	DeclRange hcl.Range
}

// Resource is a block managed by a provider or run as a hook.
type Resource struct {
	Addr Address
	// Body is the block body without the meta-arguments.
	Body      hcl.Body
	DeclRange hcl.Range
	// OnChange lists the hooks to run after this resource changed.
	OnChange []Address
	// Dependencies are the resources this one must follow: those its
	// expressions refer to (directly or through locals) and depends_on.
	// Sorted, without duplicates.
	Dependencies []Address

	traversals []hcl.Traversal
	locals     []string
}

// Kind returns the provider (or runner) that manages r.
func (c *Config) Kind(r *Resource) Schemer { return c.kinds[r.Addr.Kind] }

// IsRunner reports whether the resource is an action (a hook) rather than an
// object with state.
func (c *Config) IsRunner(r *Resource) bool {
	_, ok := c.kinds[r.Addr.Kind].(providers.Runner)
	return ok
}
