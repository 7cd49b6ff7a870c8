package rotation_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan/rotation"
	"github.com/certform/certform/providers/cert"
	"github.com/certform/certform/providers/hook"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/systemtrust"
)

// parse parses the body of a rotation block holding src, as lang hands
// it over: line 1 is the block header, src begins on line 2.
func parse(t *testing.T, src string) (*rotation.Spec, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte("rotation \"r\" {\n"+src+"}\n"), "rotation.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("syntax: %s", diags.Error())
	}
	return rotation.Parse(f.Body.(*hclsyntax.Body).Blocks[0].Body)
}

// errorLines renders error diagnostics as "LINE: Summary".
func errorLines(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		line := 0
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		out = append(out, fmt.Sprintf("%d: %s", line, d.Summary))
	}
	return out
}

const goodRotation = `
outgoing = certificate.old
incoming = certificate.new
stage "distribute" {
  changes = [store.pkcs12.new]
  gate {
    stores   = [store.pkcs12.new]
    min_wait = "24h"
    confirm  = "All clients have it."
  }
}
stage "activate" {
  activate = true
  gate {
    min_wait = var.wait
  }
}
stage "retire" {
  retire = true
  remove = [store.pkcs12.old]
}
`

func TestParse(t *testing.T) {
	s, diags := parse(t, goodRotation)
	if diags.HasErrors() {
		t.Fatalf("Parse: %s", diags.Error())
	}
	if s.Outgoing.String() != "certificate.old" || s.Incoming.String() != "certificate.new" {
		t.Errorf("outgoing, incoming = %s, %s", s.Outgoing, s.Incoming)
	}
	var names []string
	for _, st := range s.Stages {
		names = append(names, st.Name)
	}
	if got := strings.Join(names, ","); got != "distribute,activate,retire" {
		t.Errorf("stages = %s, want them in the order written", got)
	}
	if s.ActivateIndex() != 1 || s.RetireIndex() != 2 {
		t.Errorf("activate, retire = %d, %d; want 1, 2", s.ActivateIndex(), s.RetireIndex())
	}
	g := s.Stages[0].Gate
	if g.Confirm != "All clients have it." || len(g.Stores) != 1 || g.Stores[0].String() != "store.pkcs12.new" {
		t.Errorf("gate = %+v", g)
	}
	if w, d := g.MinWaitFor(nil); d.HasErrors() || w.Hours() != 24 {
		t.Errorf("min_wait = %v, %v; want 24h", w, d)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "no stages",
			src:  "outgoing = certificate.a\nincoming = certificate.b\n",
			want: []string{"1: Rotation without stages"},
		},
		{
			name: "no activation",
			src:  "outgoing = certificate.a\nincoming = certificate.b\nstage \"one\" {\n}\n",
			want: []string{"1: No activation"},
		},
		{
			name: "activation first",
			src:  "outgoing = certificate.a\nincoming = certificate.b\nstage \"one\" {\n  activate = true\n}\n",
			want: []string{"4: Activation in the first stage"},
		},
		{
			name: "retire before activation",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
  retire = true
}
stage "two" {
  activate = true
}
`,
			want: []string{"4: Retire before activation"},
		},
		{
			name: "removal before retirement",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
}
stage "two" {
  activate = true
  remove   = [store.pkcs12.a]
}
`,
			want: []string{"6: Removal before retirement"},
		},
		{
			name: "duplicate stage and bad name",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
}
stage "one" {
  activate = true
}
stage "two-x" {
}
`,
			want: []string{"6: Duplicate stage", "9: Invalid stage name"},
		},
		{
			name: "gate on last stage, empty gate, bad min_wait",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
  gate {
  }
}
stage "two" {
  activate = true
  gate {
    min_wait = "soon"
  }
}
`,
			want: []string{"5: Empty gate", "11: Invalid min_wait"},
		},
		{
			name: "last gate guards nothing",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
}
stage "two" {
  activate = true
  gate {
    confirm = "done"
  }
}
`,
			want: []string{"8: Gate on the last stage"},
		},
		{
			name: "references",
			src: `outgoing = "certificate.a"
incoming = certificate.b
stage "one" {
  changes = [store.pkcs12]
}
stage "two" {
  activate = true
}
`,
			want: []string{"2: Invalid reference in outgoing", "5: Invalid reference in changes"},
		},
		{
			name: "min_wait refers to a block",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
  gate {
    min_wait = certificate.a.validity
  }
}
stage "two" {
  activate = true
}
`,
			want: []string{"6: Invalid value for min_wait"},
		},
		{
			name: "block in two stages, gate waits for a later stage",
			src: `outgoing = certificate.a
incoming = certificate.b
stage "one" {
  changes = [store.pkcs12.x]
  gate {
    stores = [store.pkcs12.y]
  }
}
stage "two" {
  activate = true
  changes  = [store.pkcs12.x, store.pkcs12.y]
}
`,
			want: []string{"12: Block in two stages", "7: Gate waits for a later stage"},
		},
		{
			name: "same certificate twice",
			src: `outgoing = certificate.a
incoming = certificate.a
stage "one" {
}
stage "two" {
  activate = true
}
`,
			want: []string{"3: Same certificate twice"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := parse(t, tc.src)
			got := strings.Join(errorLines(diags), "\n")
			if want := strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s\n(all: %s)", got, want, diags.Error())
			}
		})
	}
}

// Validate checks what a rotation names against the configuration; each
// problem points at the reference.
func TestValidate(t *testing.T) {
	const src = `
certificate "a" {
  issuer      = self_signed
  common_name = "a"
}
certificate "b" {
  issuer      = self_signed
  common_name = "b"
}
store "pem_files" "early" {
  certificate = certificate.b
  cert        = "early.pem"
  on_change   = [hook.h]
}
store "pem_files" "late" {
  certificate = certificate.b
  cert        = "late.pem"
}
store "pem_files" "needs_late" {
  trust  = [store.pem_files.late.certificate_fingerprint]
  bundle = "x.pem"
}
store "system_trust" "os" {
  trust = [certificate.a]
}
hook "h" {
  command = ["true"]
}
rotation "r" {
  outgoing = certificate.a
  incoming = certificate.b
  stage "one" {
    changes = [store.pem_files.needs_late, hook.h, certificate.b, store.pem_files.nope]
    gate {
      stores    = [store.system_trust.os, store.pem_files.early]
      endpoints = [store.pem_files.early]
    }
  }
  stage "two" {
    activate = true
    changes  = [store.pem_files.late]
  }
}
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := lang.Load(dir, lang.Kinds{
		"certificate":        cert.New(),
		"store.pem_files":    pemfiles.New(),
		"store.system_trust": systemtrust.New(),
		"hook":               hook.New(),
		rotation.Kind:        rotation.New(),
	})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	got := strings.Join(errorLines(rotation.ValidateConfig(cfg)), "\n")
	want := strings.Join([]string{
		"33: Block waits for a later stage",
		"33: Hook in a stage",
		"33: Rotated certificate in a stage",
		"33: Reference to undeclared block",
		"35: Store cannot be read for the gate",
		"36: Wrong kind of block",
	}, "\n")
	if got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}
