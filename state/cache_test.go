package state_test

import (
	"bytes"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

// TestMarshalAfterChanges: Marshal reuses what it encoded of each resource
// until the resource changes; what it writes must always be what a fresh
// File with the same content gives.
func TestMarshalAfterChanges(t *testing.T) {
	f := sample()
	if _, err := state.Marshal(f); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		got, err := state.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := state.Marshal(f.Clone())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("after %s, Marshal writes\n%s\nwant\n%s", what, got, want)
		}
	}

	addrs := f.Addresses()
	r := f.Resource(addrs[0])
	r.Attributes = cty.ObjectVal(map[string]cty.Value{"changed": cty.True})
	f.Set(r)
	check("Set")

	f.Remove(addrs[1])
	check("Remove")

	if err := f.Move(addrs[0], addrs[0]+"_moved"); err != nil {
		t.Fatal(err)
	}
	check("Move")

	f.Set(&state.Resource{Address: "endpoint.new", Kind: "endpoint", Attributes: cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal("https://new:443")})})
	check("adding a resource")
}
