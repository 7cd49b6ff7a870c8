package testport

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"syscall"
	"testing"
)

// TestReserve: a reserved port refuses connections, is not handed out to
// the next listener on port 0, and can be listened on by the test.
func TestReserve(t *testing.T) {
	port, err := Reserve(t)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Fatalf("a connection to reserved %s was accepted", addr)
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dialing reserved %s: %v, want connection refused", addr, err)
	}
	if runtime.GOOS == "linux" {
		for range 2000 {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			got := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			if got == port {
				t.Fatalf("reserved port %d handed out to a listener on port 0", port)
			}
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening on reserved %s: %v", addr, err)
	}
	ln.Close()
}
