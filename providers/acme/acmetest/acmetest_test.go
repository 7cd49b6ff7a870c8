package acmetest

import "testing"

// TestFreePortsDistinct checks that the ports of one call never repeat: a
// repeated port made Pebble and challtestsrv race for the same address.
func TestFreePortsDistinct(t *testing.T) {
	for range 20 {
		seen := map[int]bool{}
		for _, p := range FreePorts(t, 6) {
			if seen[p] {
				t.Fatalf("port %d picked twice", p)
			}
			seen[p] = true
		}
	}
}
