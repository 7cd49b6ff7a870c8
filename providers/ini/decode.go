package ini

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/certform/certform/providers"
)

// allowed is what an ini_file block may contain, for diagnostics.
const allowed = `An ini_file block accepts the arguments "path" and "create", and "section" blocks whose arguments are the keys to set.`

// Schema describes the fixed part of an ini_file block: the path and
// create arguments. The section blocks hold arbitrary keys, which no
// hcldec.Spec can describe: lang decodes the block with DecodeBody instead.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"path":   &hcldec.AttrSpec{Name: "path", Type: cty.String, Required: true},
		"create": &hcldec.AttrSpec{Name: "create", Type: cty.Bool},
	}
}

func bodySchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}, {Name: "create"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "section", LabelNames: []string{"name"}}},
	}
}

// DecodeBody decodes an ini_file block into an object value:
//
//	{
//	  path:     string,
//	  create:   bool (false when not set),
//	  sections: tuple of {name: string, keys: object of key -> value, order: list of string},
//	}
//
// sections keeps the order of the blocks; keys holds each argument of a
// section block, a string, number or bool, or an unknown value when it
// depends on something not yet known; order lists the keys as the block
// writes them, the order in which new keys are added to the file. Section names and keys must be unique
// ignoring case, as INI files match them.
func (p *Provider) DecodeBody(body hcl.Body, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	content, diags := body.Content(bodySchema())
	for _, d := range diags {
		if d.Summary == "Unsupported argument" || d.Summary == "Unsupported block type" {
			d.Detail = strings.TrimSpace(d.Detail + " " + allowed)
		}
	}
	path := cty.UnknownVal(cty.String)
	if a, ok := content.Attributes["path"]; ok {
		path, diags = evalAs(a, ctx, cty.String, diags)
		if path.IsKnown() && (path.IsNull() || path.AsString() == "") {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing INI file path",
				Detail:   "The path argument must name the INI file to edit, relative to the configuration directory.",
				Subject:  a.Expr.Range().Ptr(),
			})
		}
	}
	create := cty.False
	if a, ok := content.Attributes["create"]; ok {
		create, diags = evalAs(a, ctx, cty.Bool, diags)
		if create.IsKnown() && create.IsNull() {
			create = cty.False
		}
	}
	var sections []cty.Value
	var seen []*hcl.Block
	for _, b := range content.Blocks {
		if i := slices.IndexFunc(seen, func(o *hcl.Block) bool { return strings.EqualFold(o.Labels[0], b.Labels[0]) }); i >= 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate section block",
				Detail: fmt.Sprintf("Section %q is already configured at %s; INI section names ignore case. Put all its keys in one block.",
					b.Labels[0], seen[i].DefRange),
				Subject: b.DefRange.Ptr(),
			})
			continue
		}
		seen = append(seen, b)
		keys, order, more := decodeSection(b, ctx)
		diags = append(diags, more...)
		sections = append(sections, cty.ObjectVal(map[string]cty.Value{
			"name":  cty.StringVal(b.Labels[0]),
			"keys":  keys,
			"order": providers.StringList(order),
		}))
	}
	return cty.ObjectVal(map[string]cty.Value{
		"path":     path,
		"create":   create,
		"sections": cty.TupleVal(sections),
	}), diags
}

// decodeSection evaluates the arguments of one section block and lists
// their names in source order.
func decodeSection(b *hcl.Block, ctx *hcl.EvalContext) (cty.Value, []string, hcl.Diagnostics) {
	attrs, diags := b.Body.JustAttributes()
	list := sortedAttrs(attrs)
	keys := map[string]cty.Value{}
	var order []string
	for i, a := range list {
		if j := slices.IndexFunc(list[:i], func(o *hcl.Attribute) bool { return strings.EqualFold(o.Name, a.Name) }); j >= 0 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate INI key",
				Detail: fmt.Sprintf("Key %q is already set at %s; INI keys ignore case.",
					a.Name, list[j].NameRange),
				Subject: a.NameRange.Ptr(),
			})
			continue
		}
		v, more := a.Expr.Value(ctx)
		diags = append(diags, more...)
		// Marks (sensitive) are kept, so that lang learns which values
		// are secret; the checks below look at the unmarked value.
		v, marks := v.UnmarkDeep()
		switch {
		case more.HasErrors():
			v = cty.DynamicVal
		case !v.IsKnown() && (v.Type() == cty.DynamicPseudoType || v.Type().IsPrimitiveType()):
		case v.IsNull() || !v.Type().IsPrimitiveType():
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid INI value",
				Detail: fmt.Sprintf("Key %q in section %q must be a string, number or bool, not %s.",
					a.Name, b.Labels[0], describe(v)),
				Subject: a.Expr.Range().Ptr(),
			})
			v = cty.DynamicVal
		}
		keys[a.Name] = v.WithMarks(marks)
		order = append(order, a.Name)
	}
	return cty.ObjectVal(keys), order, diags
}

// describe names the type of a value for a diagnostic.
func describe(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return v.Type().FriendlyName()
}

// evalAs evaluates an argument and converts it to ty.
func evalAs(a *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type, diags hcl.Diagnostics) (cty.Value, hcl.Diagnostics) {
	v, more := a.Expr.Value(ctx)
	diags = append(diags, more...)
	if more.HasErrors() {
		return cty.UnknownVal(ty), diags
	}
	v, _ = v.UnmarkDeep()
	out, err := convert.Convert(v, ty)
	if err != nil {
		return cty.UnknownVal(ty), append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for " + a.Name,
			Detail:   fmt.Sprintf("The %s argument must be a %s: %s.", a.Name, ty.FriendlyName(), err),
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	return out, diags
}

// Variables returns every reference made by the block's expressions, for
// the dependency graph. It reports what it can of a malformed body; the
// errors come from DecodeBody.
func (p *Provider) Variables(body hcl.Body) []hcl.Traversal {
	content, _ := body.Content(bodySchema())
	var out []hcl.Traversal
	for _, name := range []string{"path", "create"} {
		if a, ok := content.Attributes[name]; ok {
			out = append(out, a.Expr.Variables()...)
		}
	}
	for _, b := range content.Blocks {
		attrs, _ := b.Body.JustAttributes()
		for _, a := range sortedAttrs(attrs) {
			out = append(out, a.Expr.Variables()...)
		}
	}
	return out
}

// sortedAttrs lists attributes in source order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *hcl.Attribute) int { return a.Range.Start.Byte - b.Range.Start.Byte })
	return list
}
