package plan

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestSecretsInReasons checks how a reason of a provider with
// secret-free reasons is screened: a secret shows in it either inside
// longer text (four characters or more) or quoted whole, however short.
func TestSecretsInReasons(t *testing.T) {
	sec := &secrets{}
	sec.add(cty.ObjectVal(map[string]cty.Value{"password": cty.StringVal("Geheim-2026"), "pin": cty.StringVal("crm")}))
	for _, tc := range []struct {
		reason string
		hidden bool
	}{
		{`alias example-corp-root-ca is missing from truststore.jks`, false},
		{`friendly_name changed ("" -> "crm")`, true},
		{`friendly_name changed ("" -> "crm-app")`, false},
		{`the password is Geheim-2026`, true},
	} {
		if got := sec.inText([]byte(tc.reason)) || sec.quotedIn(tc.reason); got != tc.hidden {
			t.Errorf("%q: hidden %v, want %v", tc.reason, got, tc.hidden)
		}
	}
}
