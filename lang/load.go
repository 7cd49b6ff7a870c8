package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/certform/certform/providers"
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
		specs:     make(map[string]hcldec.Spec, len(kinds)),
		reads:     make(map[string]*reads, len(kinds)),
	}
	for kind, k := range kinds {
		if _, ok := k.(providers.BodyDecoder); !ok {
			cfg.specs[kind] = k.Schema()
			if r, ok := specReads(cfg.specs[kind]); ok {
				cfg.reads[kind] = r
			}
		}
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

	// Each file is read and cut into pieces, the pieces of every file
	// are parsed, and each file is joined from its pieces (lang/parse.go);
	// a file whose pieces do not join is parsed whole, so that its
	// diagnostics are those of hclsyntax.ParseConfig.
	files := make([]*hcl.File, len(names))
	fileDiags := make([]hcl.Diagnostics, len(names))
	blocks := make([][]topBlock, len(names))
	srcs := make([][]byte, len(names))
	cuts := make([][]piece, len(names))
	parallel(len(names), func(i int) {
		src, err := os.ReadFile(names[i])
		if err != nil {
			fileDiags[i] = hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("Reading %s: %v.", names[i], err),
			}}
			return
		}
		srcs[i], cuts[i] = src, cut(src)
	})
	type job struct{ file, piece int }
	var jobs []job
	pieces := make([][]parsed, len(names))
	for i, c := range cuts {
		pieces[i] = make([]parsed, len(c))
		for j := range c {
			jobs = append(jobs, job{i, j})
		}
	}
	parallel(len(jobs), func(n int) {
		i, j := jobs[n].file, jobs[n].piece
		pc := cuts[i][j]
		f, d := hclsyntax.ParseConfig(pc.src, relName(dir, names[i]), pc.start)
		pieces[i][j] = parsed{start: pc.start.Byte, file: f, diags: d, blocks: cfg.splitFile(f)}
	})
	var whole []int
	for i := range names {
		if fileDiags[i] != nil {
			continue // not read
		}
		var ok bool
		if files[i], blocks[i], fileDiags[i], ok = join(srcs[i], pieces[i]); !ok {
			whole = append(whole, i)
		}
	}
	parallel(len(whole), func(n int) {
		i := whole[n]
		files[i], fileDiags[i] = hclsyntax.ParseConfig(srcs[i], relName(dir, names[i]), hcl.InitialPos)
		blocks[i] = cfg.splitFile(files[i])
	})

	var diags hcl.Diagnostics
	for i, f := range files {
		diags = append(diags, fileDiags[i]...)
		if f == nil {
			continue
		}
		cfg.Files[relName(dir, names[i])] = f
		diags = append(diags, cfg.decodeFile(blocks[i])...)
	}
	cfg.addAllowedInFiles(diags)
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
	{Type: "rotation", LabelNames: []string{"name"}},
	{Type: "checks"},
}}

// topBlock is a top-level block of a file, or the diagnostics of reading
// the file's top level (block nil). A resource block comes decoded as far
// as it can be on its own, so that this work, most of decoding a large
// configuration, is done while files are parsed, in parallel.
type topBlock struct {
	block *hcl.Block
	res   *resourceDecl
	diags hcl.Diagnostics
}

// splitFile lists the top-level blocks of a file in order. It is safe for
// concurrent use: it only reads c.
func (c *Config) splitFile(f *hcl.File) []topBlock {
	if f == nil {
		return nil
	}
	content, diags := f.Body.Content(topSchema)
	out := []topBlock{{diags: diags}}
	for _, b := range content.Blocks {
		t := topBlock{block: b}
		switch b.Type {
		case "variable", "locals", "output", "checks":
		default:
			t.res = c.declareResource(b)
		}
		out = append(out, t)
	}
	return out
}

func (c *Config) decodeFile(blocks []topBlock) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range blocks {
		switch {
		case t.block == nil:
			diags = append(diags, t.diags...)
		case t.block.Type == "variable":
			diags = append(diags, c.decodeVariable(t.block)...)
		case t.block.Type == "locals":
			diags = append(diags, c.decodeLocals(t.block)...)
		case t.block.Type == "output":
			diags = append(diags, c.decodeOutput(t.block)...)
		case t.block.Type == "checks":
			// Decoded by plan/checks, which knows the check ids.
			c.Checks = append(c.Checks, t.block)
		default:
			diags = append(diags, c.addResource(t.res)...)
		}
	}
	return diags
}

func validName(name string, rng hcl.Range) hcl.Diagnostics {
	if plainIdentifier(name) || hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid name",
		Detail:   fmt.Sprintf("%q is not a valid name: use letters, digits, underscores and dashes, starting with a letter.", name),
		Subject:  rng.Ptr(),
	}}
}

// plainIdentifier reports whether name is an identifier made of ASCII
// letters, digits, underscores and dashes, starting with a letter or an
// underscore, as nearly every name is. hclsyntax.ValidIdentifier, which
// also knows the Unicode letters HCL allows, runs its whole scanner for
// each name, which a configuration of 10,000 blocks notices.
func plainIdentifier(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return name != ""
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
var metaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "on_change"}, {Name: "depends_on"}, {Name: "ignore_checks"}}}

// hasMeta reports whether a block body may set a meta-argument
// (metaSchema); false only for a parsed body that sets none.
func hasMeta(body hcl.Body) bool {
	b, ok := body.(*hclsyntax.Body)
	if !ok {
		return true
	}
	for _, a := range metaSchema.Attributes {
		if _, set := b.Attributes[a.Name]; set {
			return true
		}
	}
	return false
}

// resourceDecl is a resource block decoded on its own, before it joins the
// configuration (addResource).
type resourceDecl struct {
	res   *Resource       // nil when the kind is unknown
	diags hcl.Diagnostics // about its header: unknown kind, invalid name
	body  hcl.Diagnostics // about its body, reported unless it is a duplicate
}

// declareResource decodes a resource block as far as it can without the
// rest of the configuration. It only reads c.
func (c *Config) declareResource(b *hcl.Block) *resourceDecl {
	var addr Address
	d := &resourceDecl{}
	if typedBlocks[b.Type] {
		addr = Address{Kind: b.Type + "." + b.Labels[0], Name: b.Labels[1]}
		if _, ok := c.kinds[addr.Kind]; !ok {
			d.diags = hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Unknown %s type %q", b.Type, b.Labels[0]),
				Detail:   fmt.Sprintf("This version of certform knows these %s types: %s.%s", b.Type, strings.Join(c.typesOf(b.Type), ", "), suggest(b.Labels[0], c.typesOf(b.Type))),
				Subject:  b.LabelRanges[0].Ptr(),
			}}
			return d
		}
		d.diags = validName(addr.Name, b.LabelRanges[1])
	} else {
		addr = Address{Kind: b.Type, Name: b.Labels[0]}
		d.diags = validName(addr.Name, b.LabelRanges[0])
		if _, ok := c.kinds[addr.Kind]; !ok {
			d.diags = append(d.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Block type %q is not available", b.Type),
				Detail:   "This version of certform has no provider for it.",
				Subject:  b.DefRange.Ptr(),
			})
			return d
		}
	}
	r := &Resource{Addr: addr, Body: b.Body, DeclRange: b.DefRange}
	var meta *hcl.BodyContent
	if hasMeta(b.Body) {
		var more hcl.Diagnostics
		meta, r.Body, more = b.Body.PartialContent(metaSchema)
		d.body = append(d.body, more...)
	} else {
		// Nothing to take out: the body as it is, not a copy that hides
		// the meta-arguments and that every decoding copies again.
		meta = &hcl.BodyContent{}
	}
	for name, a := range meta.Attributes {
		if name == "ignore_checks" {
			r.IgnoreChecks = a // decoded by plan/checks
			continue
		}
		list, more := addressList(a)
		d.body = append(d.body, more...)
		if name == "on_change" {
			r.OnChange = list
		} else {
			r.Dependencies = append(r.Dependencies, list...)
		}
	}
	r.traversals = c.bodyVariables(addr.Kind, r.Body)
	d.res = r
	return d
}

// addResource adds a declared resource to the configuration, unless one
// with its address is there already.
func (c *Config) addResource(d *resourceDecl) hcl.Diagnostics {
	diags := d.diags
	if d.res == nil {
		return diags
	}
	r := d.res
	if prev, ok := c.Resources[r.Addr]; ok {
		return append(diags, duplicate(r.Addr.Kind, r.Addr.Name, prev.DeclRange, r.DeclRange)...)
	}
	c.Resources[r.Addr] = r
	return append(diags, d.body...)
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
