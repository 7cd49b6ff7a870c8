package lang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The summaries hcl gives an argument or block a schema does not know.
const (
	unsupportedArgument = "Unsupported argument"
	unsupportedBlock    = "Unsupported block type"
)

// needsAllowed reports whether d is hcl's diagnostic about an unknown
// argument or block that suggests no close name ("Did you mean ..."). Such
// a diagnostic is completed with what the block accepts, so that a user who
// guessed a name far off learns the right one.
func needsAllowed(d *hcl.Diagnostic) bool {
	return (d.Summary == unsupportedArgument || d.Summary == unsupportedBlock) &&
		d.Subject != nil && !strings.Contains(d.Detail, "Did you mean")
}

// addAllowedInResource completes the diagnostics of decoding r's body with
// spec that needsAllowed picks. A diagnostic inside a nested block (key in
// a certificate) lists what that block accepts.
func addAllowedInResource(diags hcl.Diagnostics, r *Resource, spec hcldec.Spec) {
	for _, d := range diags {
		if !needsAllowed(d) {
			continue
		}
		what, schema := blockAt(r, spec, d.Subject.Start)
		if schema != nil {
			d.Detail += " " + accepts(what, schema)
		}
	}
}

// blockAt returns the innermost block of r whose body holds pos, and its
// schema. At the top, the arguments lang handles for every resource
// (on_change, depends_on, ignore_checks) are accepted too.
func blockAt(r *Resource, spec hcldec.Spec, pos hcl.Pos) (string, *hcl.BodySchema) {
	schema := hcldec.ImpliedSchema(spec)
	schema.Attributes = append(schema.Attributes, metaSchema.Attributes...)
	what := "A " + describeKind(r.Addr.Kind) + " block"
	body, _ := r.Body.(*hclsyntax.Body)
	for body != nil {
		var inner *hclsyntax.Block
		for _, b := range body.Blocks {
			if rangeHolds(b.Body.SrcRange, pos) {
				inner = b
				break
			}
		}
		if inner == nil {
			break
		}
		spec = nestedSpec(spec, inner.Type)
		if spec == nil {
			return "", nil
		}
		schema = hcldec.ImpliedSchema(spec)
		what = "A " + inner.Type + " block"
		body = inner.Body
	}
	return what, schema
}

func rangeHolds(r hcl.Range, pos hcl.Pos) bool {
	return r.Start.Byte <= pos.Byte && pos.Byte < r.End.Byte
}

// nestedSpec returns the spec of the body of the nested block typeName.
func nestedSpec(spec hcldec.Spec, typeName string) hcldec.Spec {
	switch s := spec.(type) {
	case hcldec.ObjectSpec:
		for _, child := range s {
			if n := nestedSpec(child, typeName); n != nil {
				return n
			}
		}
	case *hcldec.BlockSpec:
		if s.TypeName == typeName {
			return s.Nested
		}
	case *hcldec.BlockListSpec:
		if s.TypeName == typeName {
			return s.Nested
		}
	case *hcldec.BlockSetSpec:
		if s.TypeName == typeName {
			return s.Nested
		}
	case *hcldec.BlockMapSpec:
		if s.TypeName == typeName {
			return s.Nested
		}
	case *hcldec.DefaultSpec:
		return nestedSpec(s.Primary, typeName)
	}
	return nil
}

// describeKind writes a kind as its block header reads: certificate,
// store "pem_files".
func describeKind(kind string) string {
	block, typ, ok := strings.Cut(kind, ".")
	if !ok {
		return kind
	}
	return fmt.Sprintf("%s %q", block, typ)
}

// accepts says what a block accepts: "A key block accepts the arguments
// algorithm, bits and curve."
func accepts(what string, schema *hcl.BodySchema) string {
	var attrs, blocks []string
	for _, a := range schema.Attributes {
		attrs = append(attrs, a.Name)
	}
	for _, b := range schema.Blocks {
		blocks = append(blocks, b.Type)
	}
	sort.Strings(attrs)
	sort.Strings(blocks)
	attrs, blocks = unique(attrs), unique(blocks)
	switch {
	case len(attrs) == 0 && len(blocks) == 0:
		return what + " accepts no arguments or blocks."
	case len(blocks) == 0:
		return fmt.Sprintf("%s accepts the %s %s.", what, plural("argument", len(attrs)), list(attrs))
	case len(attrs) == 0:
		return fmt.Sprintf("%s accepts the %s %s.", what, plural("block", len(blocks)), list(blocks))
	}
	return fmt.Sprintf("%s accepts the %s %s, and the %s %s.", what,
		plural("argument", len(attrs)), list(attrs), plural("block", len(blocks)), list(blocks))
}

func unique(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// list joins names: "a", "a and b", "a, b and c".
func list(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// addAllowedInFiles completes the diagnostics of loading the configuration
// that needsAllowed picks: at the top level of a file, and in variable
// and output blocks. Resource bodies are decoded, and completed, later
// (Scope.Decode).
func (c *Config) addAllowedInFiles(diags hcl.Diagnostics) {
	for _, d := range diags {
		if !needsAllowed(d) {
			continue
		}
		f, ok := c.Files[d.Subject.Filename]
		if !ok {
			continue
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		what, schema := "A configuration file", topSchema
		for _, b := range body.Blocks {
			if !rangeHolds(b.Body.SrcRange, d.Subject.Start) {
				continue
			}
			switch b.Type {
			case "variable":
				what, schema = "A variable block", variableSchema
				for _, v := range b.Body.Blocks {
					if rangeHolds(v.Body.SrcRange, d.Subject.Start) {
						what, schema = "A validation block", validationSchema
					}
				}
			case "output":
				what, schema = "An output block", outputSchema
			default:
				schema = nil
			}
			break
		}
		if schema != nil {
			d.Detail += " " + accepts(what, schema)
		}
	}
}
