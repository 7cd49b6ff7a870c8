//go:build !linux

package testport

import (
	"fmt"
	"net"
)

// reserve finds a free port by listening on port 0; the port is not held.
func reserve(Cleaner) (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
