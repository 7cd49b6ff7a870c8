package acme

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestSameChallenge: an env value the state holds as null (it came from a
// sensitive variable) is no change; any other difference is.
func TestSameChallenge(t *testing.T) {
	challenge := func(env map[string]cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"type": cty.StringVal(typeDNS01), "listen": cty.StringVal(""), "webroot": cty.StringVal(""),
			"provider": cty.StringVal("rfc2136"), "command": cty.ListValEmpty(cty.String),
			"env": cty.MapVal(env), "resolvers": cty.ListValEmpty(cty.String), "propagation_timeout": cty.StringVal(""),
		})
	}
	planned := challenge(map[string]cty.Value{"RFC2136_NAMESERVER": cty.StringVal("192.0.2.53"), "RFC2136_TSIG_SECRET": cty.StringVal("s3cret")})
	for _, tc := range []struct {
		name     string
		recorded cty.Value
		same     bool
	}{
		{"equal", planned, true},
		{"secret left out of the state", challenge(map[string]cty.Value{"RFC2136_NAMESERVER": cty.StringVal("192.0.2.53"), "RFC2136_TSIG_SECRET": cty.NullVal(cty.String)}), true},
		{"another name server", challenge(map[string]cty.Value{"RFC2136_NAMESERVER": cty.StringVal("192.0.2.54"), "RFC2136_TSIG_SECRET": cty.NullVal(cty.String)}), false},
		{"a variable more", challenge(map[string]cty.Value{"RFC2136_NAMESERVER": cty.StringVal("192.0.2.53")}), false},
		{"no challenge recorded", cty.NullVal(planned.Type()), false},
	} {
		if got := sameChallenge(planned, tc.recorded); got != tc.same {
			t.Errorf("%s: same = %v, want %v", tc.name, got, tc.same)
		}
	}
}
