package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/providers"
)

// fmtCommand rewrites the configuration files in the canonical HCL layout,
// like terraform fmt. With --check it only reports the files that would
// change (exit code 3), with --diff it shows how.
func (c *cli) fmtCommand(args []string) int {
	names, err := filepath.Glob(filepath.Join(c.dir(), "*.hcl"))
	if err != nil {
		return c.errorf("%v", err)
	}
	sort.Strings(names)
	changed := 0
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			return c.errorf("reading %s: %v", name, err)
		}
		// A file that does not parse is not touched.
		if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() {
			c.diags(map[string]*hcl.File{}, diags)
			return 1
		}
		out := hclwrite.Format(src)
		if bytes.Equal(src, out) {
			continue
		}
		changed++
		fmt.Fprintln(c.s.out, name)
		if c.opts.diff {
			fmt.Fprint(c.s.out, render.UnifiedDiff(name, src, out))
		}
		if c.opts.check {
			continue
		}
		fi, err := os.Stat(name)
		if err != nil {
			return c.errorf("%v", err)
		}
		if err := writeFileAtomic(name, out, fi.Mode().Perm()); err != nil {
			return c.errorf("%v", err)
		}
	}
	if c.opts.check && changed > 0 {
		return 3
	}
	return 0
}

// writeFileAtomic replaces a configuration file without ever leaving it
// half-written.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	return providers.WriteFileAtomic(name, data, perm)
}
