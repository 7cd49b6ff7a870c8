package lang

import (
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestPlainIdentifier: what plainIdentifier accepts, HCL accepts too.
func TestPlainIdentifier(t *testing.T) {
	for _, name := range []string{"ies", "web_01", "a-b", "_x", "A9", "", "9a", "-a", "a.b", "a b", "ä", "a$"} {
		if plainIdentifier(name) && !hclsyntax.ValidIdentifier(name) {
			t.Errorf("%q: plain, but not an HCL identifier", name)
		}
	}
	for _, name := range []string{"ies", "web_01", "a-b", "_x", "A9"} {
		if !plainIdentifier(name) {
			t.Errorf("%q: not plain", name)
		}
	}
}
