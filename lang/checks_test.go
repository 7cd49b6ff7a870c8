package lang_test

import (
	"testing"

	"github.com/certform/certform/lang"
)

// TestChecksArguments: lang keeps the checks blocks and each resource's
// ignore_checks for plan/checks, which decodes them; ignore_checks is a
// meta-argument like on_change, so no provider sees it, and it adds no
// dependency.
func TestChecksArguments(t *testing.T) {
	cfg, diags := load(t, map[string]string{"main.hcl": `
endpoint "lab" {
  url           = "iwfms://192.0.2.10:45054"
  ignore_checks = [{ check = "url-uses-dns-name", reason = "No DNS in the lab." }]
}

checks {
  accept "tls-protocol-versions" {
    reason = "Old scanners."
  }
}
`})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	r := cfg.Resources[lang.Address{Kind: "endpoint", Name: "lab"}]
	if r == nil || r.IgnoreChecks == nil {
		t.Fatal("ignore_checks was not kept")
	}
	if len(r.Dependencies) != 0 {
		t.Errorf("ignore_checks added dependencies: %v", r.Dependencies)
	}
	if _, diags := cfg.NewScope(nil).Decode(r); diags.HasErrors() {
		t.Errorf("the provider saw ignore_checks: %s", diags.Error())
	}
	if len(cfg.Checks) != 1 || cfg.Checks[0].Type != "checks" {
		t.Errorf("checks blocks: %v", cfg.Checks)
	}
}
