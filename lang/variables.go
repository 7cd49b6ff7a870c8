package lang

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Sensitive is the cty mark on values that must never be shown or stored:
// sensitive variables and everything computed from them.
const Sensitive = "sensitive"

// VarInputs are the values given for variables from outside the
// configuration. Later sources win: environment (CERTFORM_VAR_name), then
// -var-file files in order, then -var flags in order, then Saved.
type VarInputs struct {
	// Env is the process environment as os.Environ returns it.
	Env []string
	// Files are -var-file paths: HCL files of name = value attributes.
	Files []string
	// Flags are -var arguments, each "name=value".
	Flags []string
	// Saved are the values a saved plan was made with (sensitive ones are
	// not saved, and come from the other sources).
	Saved map[string]cty.Value
}

// VariableValues resolves every variable: given values, then defaults. A
// required variable without a value, a value of the wrong type, or a failed
// validation is an error. Sensitive variables come back marked Sensitive.
func (c *Config) VariableValues(in VarInputs) (map[string]cty.Value, hcl.Diagnostics) {
	raw := map[string]rawVar{}
	var diags hcl.Diagnostics
	for _, kv := range in.Env {
		name, value, ok := strings.Cut(kv, "=")
		if n, isVar := strings.CutPrefix(name, "CERTFORM_VAR_"); ok && isVar {
			raw[n] = rawVar{text: value, source: "environment variable " + name}
		}
	}
	for _, path := range in.Files {
		vals, more := c.readVarFile(path)
		diags = append(diags, more...)
		for n, v := range vals {
			raw[n] = v
		}
	}
	for _, kv := range in.Flags {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				Detail:   fmt.Sprintf("The option -var %q must have the form NAME=VALUE, like -var host=ies.example.test.", kv),
			})
			continue
		}
		raw[name] = rawVar{text: value, source: "-var " + name}
	}
	for name, v := range in.Saved {
		raw[name] = rawVar{value: v, source: "the saved plan"}
	}
	for _, name := range sortedKeys(raw) {
		if _, ok := c.Variables[name]; !ok && !strings.HasPrefix(raw[name].source, "environment") {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("%s sets variable %q, which the configuration does not declare.%s", raw[name].source, name, suggest(name, c.plainVariableNames())),
				Subject:  raw[name].rng,
			})
		}
	}

	out := map[string]cty.Value{}
	for _, name := range sortedKeys(c.Variables) {
		v := c.Variables[name]
		val, more := v.resolve(raw[name])
		diags = append(diags, more...)
		if more.HasErrors() {
			continue
		}
		diags = append(diags, v.validate(val)...)
		if v.Sensitive {
			val = val.Mark(Sensitive)
		}
		out[name] = val
	}
	return out, diags
}

type rawVar struct {
	text   string     // from the command line or environment
	value  cty.Value  // from a var file
	source string     // where it came from, for messages
	rng    *hcl.Range // its place in a var file
}

func (v *Variable) resolve(r rawVar) (cty.Value, hcl.Diagnostics) {
	var val cty.Value
	switch {
	case r.value != cty.NilVal:
		val = r.value
	case r.source != "":
		if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
			val = cty.StringVal(r.text)
			break
		}
		expr, diags := hclsyntax.ParseExpression([]byte(r.text), r.source, hcl.InitialPos)
		if diags.HasErrors() {
			return cty.NilVal, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable " + v.Name,
				Detail:   fmt.Sprintf("The value from %s is not a valid %s expression: %s.", r.source, v.Type.FriendlyName(), diags.Error()),
			}}
		}
		var more hcl.Diagnostics
		val, more = expr.Value(nil)
		if more.HasErrors() {
			return cty.NilVal, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable " + v.Name,
				Detail:   fmt.Sprintf("The value %q from %s is not a %s. Strings for other types must be written as HCL values, like 443, true or [\"a\", \"b\"].", r.text, r.source, v.Type.FriendlyName()),
			}}
		}
	case v.Default != cty.NilVal:
		return v.Default, nil
	default:
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No value for required variable " + v.Name,
			Detail:   fmt.Sprintf("Variable %q has no default. Set it with -var %s=VALUE, in a -var-file, or with the environment variable CERTFORM_VAR_%s.", v.Name, v.Name, v.Name),
			Subject:  v.DeclRange.Ptr(),
		}}
	}
	conv, err := convert.Convert(val, v.Type)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable " + v.Name,
			Detail:   fmt.Sprintf("The value from %s does not fit the variable's type %s: %s.", r.source, v.Type.FriendlyName(), err),
			Subject:  r.rng,
		}}
	}
	return conv, nil
}

func (v *Variable) validate(val cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: val})}}
	for _, rule := range v.Validations {
		ok, more := rule.Condition.Value(ctx)
		if more.HasErrors() {
			diags = append(diags, more...)
			continue
		}
		ok, _ = ok.Unmark()
		if ok.Type() != cty.Bool || ok.IsNull() || !ok.IsKnown() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid validation condition",
				Detail:   "The condition must be true or false.",
				Subject:  rule.Condition.Range().Ptr(),
			})
			continue
		}
		if ok.True() {
			continue
		}
		msg := "the value is not valid"
		if m, more := rule.ErrorMessage.Value(nil); !more.HasErrors() && m.Type() == cty.String && m.IsKnown() && !m.IsNull() {
			msg = m.AsString()
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable " + v.Name,
			Detail:   msg,
			Subject:  rule.DeclRange.Ptr(),
		})
	}
	return diags
}

func (c *Config) readVarFile(path string) (map[string]rawVar, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("Reading %s: %v.", path, err),
		}}
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	c.Files[path] = f
	attrs, diags := f.Body.JustAttributes()
	out := map[string]rawVar{}
	for name, a := range attrs {
		val, more := a.Expr.Value(nil)
		diags = append(diags, more...)
		if !more.HasErrors() {
			out[name] = rawVar{value: val, source: path, rng: a.NameRange.Ptr()}
		}
	}
	return out, diags
}

func (c *Config) plainVariableNames() []string { return sortedKeys(c.Variables) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// UnknownVariables returns every variable as an unknown value of its type,
// for checking a configuration without its inputs (`certform validate`).
func (c *Config) UnknownVariables() map[string]cty.Value {
	out := map[string]cty.Value{}
	for name, v := range c.Variables {
		out[name] = cty.UnknownVal(v.Type)
	}
	return out
}
