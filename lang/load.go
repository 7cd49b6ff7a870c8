package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Load reads every *.hcl file in dir as one configuration. Files are parsed
// concurrently and each exactly once. The returned Config is usable for
// diagnostics (its Files are set) even when diags has errors.
func Load(dir string, kinds Kinds) (*Config, hcl.Diagnostics) {
	cfg := &Config{
		Dir:       dir,
		Files:     map[string]*hcl.File{},
		Variables: map[string]*Variable{},
		Locals:    map[string]*Local{},
		Outputs:   map[string]*Output{},
		Resources: map[Address]*Resource{},
		kinds:     kinds,
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
	if err != nil || len(names) == 0 {
		if _, statErr := os.Stat(dir); statErr != nil {
			return cfg, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Configuration directory not found",
				Detail:   fmt.Sprintf("Cannot read %s: %v. Run certform in the directory that holds your *.hcl files, or name it with -chdir.", dir, statErr),
			}}
		}
		return cfg, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s holds no *.hcl files. Write the configuration there, or name another directory with -chdir.", dir),
		}}
	}
	sort.Strings(names)

	files := make([]*hcl.File, len(names))
	fileDiags := make([]hcl.Diagnostics, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src, err := os.ReadFile(name)
			if err != nil {
				fileDiags[i] = hcl.Diagnostics{{
					Severity: hcl.DiagError,
					Summary:  "Cannot read configuration file",
					Detail:   fmt.Sprintf("Reading %s: %v.", name, err),
				}}
				return
			}
			files[i], fileDiags[i] = hclsyntax.ParseConfig(src, relName(dir, name), hcl.InitialPos)
		}()
	}
	wg.Wait()

	var diags hcl.Diagnostics
	for i, f := range files {
		diags = append(diags, fileDiags[i]...)
		if f == nil {
			continue
		}
		cfg.Files[relName(dir, names[i])] = f
		diags = append(diags, cfg.decodeFile(f)...)
	}
	if diags.HasErrors() {
		return cfg, diags
	}
	diags = append(diags, cfg.link()...)
	return cfg, diags
}

// relName names a file in diagnostics: relative to the working directory
// when it is below it, as users typed it.
func relName(dir, name string) string {
	if dir == "." || dir == "" {
		return filepath.Base(name)
	}
	return name
}

// topSchema lists the top-level blocks a configuration may hold.
var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "certificate", LabelNames: []string{"name"}},
	{Type: "issuer", LabelNames: []string{"type", "name"}},
	{Type: "trust_chain", LabelNames: []string{"name"}},
	{Type: "store", LabelNames: []string{"type", "name"}},
	{Type: "endpoint", LabelNames: []string{"name"}},
	{Type: "ini_file", LabelNames: []string{"name"}},
	{Type: "component", LabelNames: []string{"name"}},
	{Type: "hook", LabelNames: []string{"name"}},
}}

func (c *Config) decodeFile(f *hcl.File) hcl.Diagnostics {
	content, diags := f.Body.Content(topSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			diags = append(diags, c.decodeVariable(b)...)
		case "locals":
			diags = append(diags, c.decodeLocals(b)...)
		case "output":
			diags = append(diags, c.decodeOutput(b)...)
		default:
			diags = append(diags, c.decodeResource(b)...)
		}
	}
	return diags
}

func validName(name string, rng hcl.Range) hcl.Diagnostics {
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid name",
		Detail:   fmt.Sprintf("%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name),
		Subject:  rng.Ptr(),
	}}
}

func duplicate(what, name string, prev, this hcl.Range) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Duplicate " + what + " block",
		Detail:   fmt.Sprintf("%s %q was already declared at %s. Names must be unique within a configuration.", what, name, prev),
		Subject:  this.Ptr(),
	}}
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "condition", Required: true}, {Name: "error_message", Required: true},
}}

func (c *Config) decodeVariable(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	diags := validName(name, b.LabelRanges[0])
	if prev, ok := c.Variables[name]; ok {
		return append(diags, duplicate("variable", name, prev.DeclRange, b.DefRange)...)
	}
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, DeclRange: b.DefRange}
	content, more := b.Body.Content(variableSchema)
	diags = append(diags, more...)
	if a, ok := content.Attributes["type"]; ok {
		ty, more := typeexpr.TypeConstraint(a.Expr)
		diags = append(diags, more...)
		v.Type = ty
	}
	if a, ok := content.Attributes["description"]; ok {
		diags = append(diags, decodeStatic(a, cty.String, func(val cty.Value) { v.Description = val.AsString() })...)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeStatic(a, cty.Bool, func(val cty.Value) { v.Sensitive = val.True() })...)
	}
	if a, ok := content.Attributes["default"]; ok {
		val, more := a.Expr.Value(nil)
		diags = append(diags, more...)
		if !more.HasErrors() {
			conv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("The default of variable %q does not fit its type: %s.", name, err),
					Subject:  a.Expr.Range().Ptr(),
				})
			}
			v.Default = conv
		}
	}
	for _, vb := range content.Blocks {
		vc, more := vb.Body.Content(validationSchema)
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		v.Validations = append(v.Validations, Validation{
			Condition:    vc.Attributes["condition"].Expr,
			ErrorMessage: vc.Attributes["error_message"].Expr,
			DeclRange:    vb.DefRange,
		})
	}
	c.Variables[name] = v
	return diags
}

// decodeStatic evaluates an attribute that may not refer to anything.
func decodeStatic(a *hcl.Attribute, ty cty.Type, set func(cty.Value)) hcl.Diagnostics {
	val, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	conv, err := convert.Convert(val, ty)
	if err != nil || conv.IsNull() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for " + a.Name,
			Detail:   fmt.Sprintf("%s must be a %s.", a.Name, ty.FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	set(conv)
	return nil
}

func (c *Config) decodeLocals(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	for name, a := range attrs {
		if prev, ok := c.Locals[name]; ok {
			diags = append(diags, duplicate("local value", name, prev.Expr.Range(), a.NameRange)...)
			continue
		}
		l := &Local{Name: name, Expr: a.Expr}
		l.Refs, l.Locals = references(a.Expr.Variables())
		c.Locals[name] = l
	}
	return diags
}

var outputSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"},
}}

func (c *Config) decodeOutput(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	diags := validName(name, b.LabelRanges[0])
	if prev, ok := c.Outputs[name]; ok {
		return append(diags, duplicate("output", name, prev.DeclRange, b.DefRange)...)
	}
	content, more := b.Body.Content(outputSchema)
	diags = append(diags, more...)
	if more.HasErrors() {
		return diags
	}
	o := &Output{Name: name, Expr: content.Attributes["value"].Expr, DeclRange: b.DefRange}
	if a, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeStatic(a, cty.Bool, func(v cty.Value) { o.Sensitive = v.True() })...)
	}
	o.Refs, o.Locals = references(o.Expr.Variables())
	c.Outputs[name] = o
	return diags
}

// metaSchema holds the arguments lang handles for every resource kind.
var metaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "on_change"}, {Name: "depends_on"}}}

func (c *Config) decodeResource(b *hcl.Block) hcl.Diagnostics {
	var addr Address
	var diags hcl.Diagnostics
	if typedBlocks[b.Type] {
		addr = Address{Kind: b.Type + "." + b.Labels[0], Name: b.Labels[1]}
		if _, ok := c.kinds[addr.Kind]; !ok {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Unknown %s type %q", b.Type, b.Labels[0]),
				Detail:   fmt.Sprintf("This version of certform knows these %s types: %s.%s", b.Type, strings.Join(c.typesOf(b.Type), ", "), suggest(b.Labels[0], c.typesOf(b.Type))),
				Subject:  b.LabelRanges[0].Ptr(),
			}}
		}
		diags = append(diags, validName(addr.Name, b.LabelRanges[1])...)
	} else {
		addr = Address{Kind: b.Type, Name: b.Labels[0]}
		diags = append(diags, validName(addr.Name, b.LabelRanges[0])...)
		if _, ok := c.kinds[addr.Kind]; !ok {
			return append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Block type %q is not available", b.Type),
				Detail:   "This version of certform has no provider for it.",
				Subject:  b.DefRange.Ptr(),
			})
		}
	}
	if prev, ok := c.Resources[addr]; ok {
		return append(diags, duplicate(addr.Kind, addr.Name, prev.DeclRange, b.DefRange)...)
	}
	meta, body, more := b.Body.PartialContent(metaSchema)
	diags = append(diags, more...)
	r := &Resource{Addr: addr, Body: body, DeclRange: b.DefRange}
	for name, a := range meta.Attributes {
		list, more := addressList(a)
		diags = append(diags, more...)
		if name == "on_change" {
			r.OnChange = list
		} else {
			r.Dependencies = append(r.Dependencies, list...)
		}
	}
	r.traversals = c.bodyVariables(addr.Kind, body)
	c.Resources[addr] = r
	return diags
}

// typesOf lists the type labels known for a typed block ("ca" for issuer).
func (c *Config) typesOf(block string) []string {
	var out []string
	for k := range c.kinds {
		if t, ok := strings.CutPrefix(k, block+"."); ok {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// addressList reads a static list of references such as
// on_change = [hook.restart].
func addressList(a *hcl.Attribute) ([]Address, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(a.Expr)
	var out []Address
	for _, e := range exprs {
		t, more := hcl.AbsTraversalForExpr(e)
		addr, ok := traversalAddress(t)
		if more.HasErrors() || !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid reference in " + a.Name,
				Detail:   fmt.Sprintf("%s takes a list of blocks, like [hook.restart_ies].", a.Name),
				Subject:  e.Range().Ptr(),
			})
			continue
		}
		out = append(out, addr)
	}
	return out, diags
}
