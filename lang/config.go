package lang

import (
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

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
	// Checks holds the `checks` blocks, which accept check warnings
	// knowingly; package plan/checks decodes them.
	Checks []*hcl.Block

	kinds Kinds
	// specs holds the Schema of every kind, asked for once: providers
	// build their spec anew on every call, and every block of every plan
	// is decoded with one.
	specs map[string]hcldec.Spec
	// reads holds what each spec decodes, for bodyVariables; none for a
	// spec specReads does not know.
	reads map[string]*reads

	funcsOnce sync.Once
	funcs     map[string]function.Function
}

// functions returns Functions(c.Dir), built once: every Scope uses them,
// and they hold no state.
func (c *Config) functions() map[string]function.Function {
	c.funcsOnce.Do(func() { c.funcs = Functions(c.Dir) })
	return c.funcs
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
	// IgnoreChecks is the ignore_checks argument, nil when absent: check
	// warnings accepted for this resource, decoded by plan/checks.
	IgnoreChecks *hcl.Attribute

	traversals []hcl.Traversal
	locals     []string
	memo       atomic.Pointer[decodeMemo] // see Scope.DecodeAndKeep
}

// spec returns the schema of a kind's blocks.
func (c *Config) spec(kind string) hcldec.Spec {
	if s, ok := c.specs[kind]; ok {
		return s
	}
	return c.kinds[kind].Schema()
}

// Kind returns the provider (or runner) that manages r.
func (c *Config) Kind(r *Resource) Schemer { return c.kinds[r.Addr.Kind] }

// IsRunner reports whether the resource is an action (a hook) rather than an
// object with state.
func (c *Config) IsRunner(r *Resource) bool {
	_, ok := c.kinds[r.Addr.Kind].(providers.Runner)
	return ok
}

// Traversals returns the references the resource's body makes, meta-
// arguments excluded, as the dependency graph was built from them.
func (r *Resource) Traversals() []hcl.Traversal { return r.traversals }
