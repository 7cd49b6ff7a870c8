package testport

import (
	"fmt"
	"syscall"
)

// reserve binds a socket with SO_REUSEADDR to a free port and keeps it
// open, not listening, until the test ends.
func reserve(t Cleaner) (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("reserving a port: %w", err)
	}
	port, err := bind(fd)
	if err != nil {
		syscall.Close(fd)
		return 0, fmt.Errorf("reserving a port: %w", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return port, nil
}

func bind(fd int) (int, error) {
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return 0, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return 0, err
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return 0, err
	}
	return sa.(*syscall.SockaddrInet4).Port, nil
}
