package lang

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions a configuration may call. File functions
// resolve relative paths against dir, the configuration directory.
func Functions(dir string) map[string]function.Function {
	fns := map[string]function.Function{
		"file":         fileFunc(dir),
		"filebase64":   fileBase64Func(dir),
		"templatefile": templateFileFunc(dir),

		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
		"coalesce": stdlib.CoalesceFunc, "compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc,
		"contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc,
		"flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc, "format": stdlib.FormatFunc,
		"formatdate": stdlib.FormatDateFunc, "formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc,
		"index": stdlib.IndexFunc, "join": stdlib.JoinFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
		"lookup": stdlib.LookupFunc, "lower": stdlib.LowerFunc, "max": stdlib.MaxFunc,
		"merge": stdlib.MergeFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc,
		"range": stdlib.RangeFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"replace": stdlib.ReplaceFunc, "reverse": stdlib.ReverseListFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "split": stdlib.SplitFunc,
		"strlen": stdlib.StrlenFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc,
		"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc, "tostring": stdlib.MakeToFunc(cty.String),
		"tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":  stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":  stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	}
	return fns
}

func readConfigFile(dir, name string) ([]byte, error) {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	return data, nil
}

func pathParam() []function.Parameter {
	return []function.Parameter{{Name: "path", Type: cty.String}}
}

// fileFunc is file(path): the content of a UTF-8 text file.
func fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Params: pathParam(),
		Type:   function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder {
			return b.NotNull()
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := readConfigFile(dir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !utf8.Valid(data) {
				return cty.UnknownVal(cty.String), fmt.Errorf("%s is not UTF-8 text; use filebase64 for binary files such as .pfx", args[0].AsString())
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

// fileBase64Func is filebase64(path): a binary file, base64-encoded.
func fileBase64Func(dir string) function.Function {
	return function.New(&function.Spec{
		Params: pathParam(),
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := readConfigFile(dir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(data)), nil
		},
	})
}

// templateFileFunc is templatefile(path, vars): the file rendered as an HCL
// template with the given variables.
func templateFileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			data, err := readConfigFile(dir, name)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			expr, diags := hclsyntax.ParseTemplate(data, name, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.UnknownVal(cty.String), fmt.Errorf("parsing template %s: %s", name, diags.Error())
			}
			vars := map[string]cty.Value{}
			if v := args[1]; !v.IsNull() && v.CanIterateElements() {
				for it := v.ElementIterator(); it.Next(); {
					k, val := it.Element()
					vars[k.AsString()] = val
				}
			}
			val, diags := expr.Value(&hcl.EvalContext{Variables: vars, Functions: Functions(dir)})
			if diags.HasErrors() {
				return cty.UnknownVal(cty.String), fmt.Errorf("rendering template %s: %s", name, diags.Error())
			}
			return val, nil
		},
	})
}
