package acmetest

import (
	"fmt"
	"net"
	"testing"
)

// TestFreePort: ports held for one test never repeat, and refuse
// connections until the test listens on them.
func TestFreePort(t *testing.T) {
	seen := map[int]bool{}
	for range 50 {
		p := FreePort(t)
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			c.Close()
			t.Fatalf("port %d accepted a connection", p)
		}
	}
}
