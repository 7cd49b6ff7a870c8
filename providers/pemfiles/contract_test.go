package pemfiles_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/providertest"
)

func TestContract(t *testing.T) {
	f := newFixture(t)
	caPEM, leafPEM := str(f.ca, "pem"), str(f.leaf, "pem")
	other := newFixture(t)
	vars := map[string]cty.Value{
		"ies":     f.leaf,
		"company": trustChain(caPEM),
		"partner": trustChain(str(other.ca, "pem"), caPEM),
	}
	file := func(t *testing.T, dir, name string) (string, os.FileMode) {
		t.Helper()
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(data), fi.Mode().Perm()
	}
	providertest.Run(t, pemfiles.New(), []providertest.Case{
		{
			Name: "certificate, key, chain and fullchain",
			HCL: `
				certificate = var.ies
				cert        = "out/ies.crt"
				key         = "out/private/ies.key"
				chain       = "out/chain.pem"
				fullchain   = "out/fullchain.pem"`,
			Vars:  vars,
			Setup: f.install,
			Check: func(t *testing.T, dir string, v cty.Value) {
				for _, tc := range []struct {
					name, want string
					mode       os.FileMode
				}{
					{"out/ies.crt", leafPEM, 0o644},
					{"out/private/ies.key", string(f.keys[str(f.leaf, "key_id")]), 0o600},
					{"out/chain.pem", caPEM, 0o644},
					{"out/fullchain.pem", leafPEM + caPEM, 0o644},
				} {
					got, mode := file(t, dir, tc.name)
					if got != tc.want {
						t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
					}
					if mode != tc.mode {
						t.Errorf("%s has mode %04o, want %04o", tc.name, mode, tc.mode)
					}
				}
				if js := jsonOf(t, v); strings.Contains(js, "PRIVATE KEY") {
					t.Errorf("value holds the private key: %s", js)
				}
				if got, want := str(v, "certificate_fingerprint"), str(f.leaf, "fingerprint_sha256"); got != want {
					t.Errorf("certificate_fingerprint = %q, want %q", got, want)
				}
			},
		},
		{
			Name: "CA bundle from several trust chains",
			HCL: `
				trust     = [var.company, var.partner]
				bundle    = "jobprocessor/ca.pem"
				file_mode = "0640"`,
			Vars: vars,
			Check: func(t *testing.T, dir string, v cty.Value) {
				got, mode := file(t, dir, "jobprocessor/ca.pem")
				if want := caPEM + str(other.ca, "pem"); got != want {
					t.Errorf("bundle:\n got %q\nwant each CA once, in order: %q", got, want)
				}
				if mode != 0o640 {
					t.Errorf("bundle has mode %04o, want 0640", mode)
				}
			},
		},
		{
			Name: "key only, mode for a service group",
			HCL: `
				certificate = var.ies
				key         = "ies.key"
				key_mode    = "0640"`,
			Vars:  vars,
			Setup: f.install,
		},
	})
}
