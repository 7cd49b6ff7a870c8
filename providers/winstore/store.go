package winstore

import "errors"

// ErrNotWindows is returned by the Store of a system without Windows
// certificate stores.
var ErrNotWindows = errors.New("the Windows certificate store exists only on Windows")

// Store is a host's certificate stores. location is "LocalMachine" or
// "CurrentUser", store a system store name ("MY", "ROOT", "CA",
// "TRUST"), thumbprint the uppercase hex SHA-1 of the certificate.
// Implementations must be safe for concurrent use.
type Store interface {
	// Find looks a certificate up; found is false when it is not there.
	Find(location, store, thumbprint string) (e Entry, found bool, err error)
	// Add puts a certificate into the store, with its private key
	// (PKCS#8) unless key is nil, and sets its friendly name. A
	// certificate already there is replaced.
	Add(location, store string, cert, key []byte, friendlyName string) error
	// Remove deletes a certificate; removing a missing one is not an
	// error.
	Remove(location, store, thumbprint string) error
}

// Entry is a certificate as a store holds it.
type Entry struct {
	FriendlyName string
	// HasKey reports whether the store links a private key to it.
	HasKey bool
}
