package hook

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// defaultTimeout bounds a hook that hangs; restarting a service rarely
// takes more than a minute, a slow Windows service a few.
const defaultTimeout = "5m"

// Hook runs hook blocks. It holds no state and is safe for concurrent use.
type Hook struct{}

var (
	_ providers.Runner    = (*Hook)(nil)
	_ providers.Validator = (*Hook)(nil)
)

// New returns the runner for hook blocks.
func New() *Hook { return &Hook{} }

// Schema implements providers.Runner.
func (h *Hook) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"command":     &hcldec.AttrSpec{Name: "command", Type: cty.List(cty.String), Required: true},
		"env":         &hcldec.AttrSpec{Name: "env", Type: cty.Map(cty.String)},
		"working_dir": &hcldec.AttrSpec{Name: "working_dir", Type: cty.String},
		"timeout":     &hcldec.AttrSpec{Name: "timeout", Type: cty.String},
	}
}

// Validate implements providers.Validator. Unknown values are accepted.
func (h *Hook) Validate(address string, config cty.Value) hcl.Diagnostics {
	if !config.IsWhollyKnown() {
		return nil
	}
	_, diags := parse(address, config)
	return diags
}

// settings is a decoded, checked hook block.
type settings struct {
	argv       []string
	env        []string // "NAME=value", sorted
	workingDir string
	timeout    time.Duration
}

// parse reads and checks a wholly known configuration.
func parse(address string, config cty.Value) (settings, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	s := settings{
		argv:       providers.Strings(config, "command"),
		workingDir: providers.String(config, "working_dir"),
	}
	if len(s.argv) == 0 || s.argv[0] == "" {
		diags = append(diags, errorf(address, "Missing command",
			"command must name a program and its arguments, such as [\"systemctl\", \"restart\", \"ies\"]. It runs without a shell; for pipes or redirections use [\"sh\", \"-c\", \"...\"]."))
	}
	env := providers.Attr(config, "env")
	if providers.Exists(env) {
		for it := env.ElementIterator(); it.Next(); {
			k, v := it.Element()
			name := k.AsString()
			if name == "" || strings.ContainsAny(name, "=\x00") {
				diags = append(diags, errorf(address, "Invalid environment variable",
					fmt.Sprintf("env holds the name %q; names must be non-empty and contain no '='.", name)))
				continue
			}
			val := ""
			if providers.Exists(v) {
				val = v.AsString()
			}
			s.env = append(s.env, name+"="+val)
		}
		sort.Strings(s.env)
	}
	timeout := providers.String(config, "timeout")
	if timeout == "" {
		timeout = defaultTimeout
	}
	d, err := providers.ParseDuration(timeout)
	switch {
	case err != nil:
		diags = append(diags, errorf(address, "Invalid timeout", fmt.Sprintf("timeout: %s.", err)))
	case d <= 0:
		diags = append(diags, errorf(address, "Invalid timeout", "timeout must be longer than zero, such as \"5m\"."))
	}
	s.timeout = d
	return s, diags
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}
