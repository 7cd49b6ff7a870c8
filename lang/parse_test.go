package lang_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// bigFile repeats block, numbered, until the file is large enough to be
// parsed in many pieces (lang/parse.go).
func bigFile(block string) string {
	var b strings.Builder
	for i := 0; b.Len() < 20<<10; i++ {
		fmt.Fprintf(&b, block, i)
	}
	return b.String()
}

// TestLoadInPiecesAsWhole loads large files, which Load parses in pieces,
// and compares each with the file parsed whole: the same body, the same
// diagnostics from the parser, the same block named for every offset in
// diagnostics. Some files are cut where a piece does not end a top-level
// block (a heredoc, a comment, a nested block at the start of a line) or
// hold problems a piece alone would not show.
func TestLoadInPiecesAsWhole(t *testing.T) {
	tests := map[string]string{
		"blocks": bigFile(`
# certificate %[1]d
certificate "c%[1]d" {
  common_name = "host%[1]d.example.test"
  dns_names   = ["host%[1]d.example.test", "alt%[1]d.example.test"]
}

endpoint "e%[1]d" {
  url         = "https://host%[1]d.example.test:${8000 + %[1]d}"
  certificate = certificate.c%[1]d
}
`),
		"CRLF line ends": strings.ReplaceAll(bigFile(`
certificate "c%[1]d" {
  common_name = "host%[1]d.example.test"
}
`), "\n", "\r\n"),
		"heredocs with closing braces": bigFile(`
certificate "c%[1]d" {
  common_name = <<EOT
}
certificate "fake%[1]d" {
}
EOT
}
`),
		"comments with closing braces": bigFile(`
/*
}
certificate "fake%[1]d" {
}
*/
certificate "c%[1]d" {
  common_name = "c%[1]d"
}
`),
		"nested blocks not indented": bigFile(`
certificate "c%[1]d" {
common_name = "c%[1]d"
key {
algorithm = "ECDSA"
}
}
`),
		"an argument set twice at the top": bigFile(`
certificate "c%[1]d" {
  common_name = "c%[1]d"
}
`) + "top = 1\n" + bigFile(`
certificate "d%[1]d" {
  common_name = "d%[1]d"
}
`) + "top = 2\n",
		"a syntax error in the middle": bigFile(`
certificate "c%[1]d" {
  common_name = "c%[1]d"
}
`) + "certificate \"broken\" {\n  common_name = \n}\n" + bigFile(`
certificate "d%[1]d" {
  common_name = "d%[1]d"
}
`),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := load(t, map[string]string{"main.hcl": src})
			var got *hcl.File
			var filename string
			for filename, got = range cfg.Files {
			}
			if got == nil {
				t.Fatalf("main.hcl not loaded: %s", diags.Error())
			}
			whole, wantDiags := hclsyntax.ParseConfig([]byte(src), filename, hcl.InitialPos)
			if !reflect.DeepEqual(got.Body, whole.Body) {
				t.Error("the body differs from the body of the file parsed whole")
			}
			if !bytes.Equal(got.Bytes, whole.Bytes) {
				t.Error("the bytes differ")
			}
			for _, want := range wantDiags {
				if !containsDiag(diags, want) {
					t.Errorf("missing diagnostic %s", want.Error())
				}
			}
			type contextStringer interface{ ContextString(int) string }
			for _, b := range whole.Body.(*hclsyntax.Body).Blocks {
				for _, off := range []int{b.Range().Start.Byte, b.Range().End.Byte - 1, b.Range().End.Byte} {
					want := whole.Nav.(contextStringer).ContextString(off)
					if got := got.Nav.(contextStringer).ContextString(off); got != want {
						t.Fatalf("context of offset %d: got %q, want %q", off, got, want)
					}
				}
			}
		})
	}
}

func containsDiag(diags hcl.Diagnostics, want *hcl.Diagnostic) bool {
	for _, d := range diags {
		if d.Summary == want.Summary && d.Detail == want.Detail && reflect.DeepEqual(d.Subject, want.Subject) {
			return true
		}
	}
	return false
}
