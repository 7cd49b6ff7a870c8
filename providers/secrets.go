package providers

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Secrets keeps private keys outside the state file. The state refers to a
// key by its id, the SHA-256 fingerprint of its public key
// ("sha256:<hex>"). Implementations must be safe for concurrent use.
type Secrets interface {
	// Get returns the PEM-encoded private key with this id; an error
	// wrapping fs.ErrNotExist when there is none.
	Get(id string) ([]byte, error)
	// Put stores a PEM-encoded private key under its id.
	Put(id string, keyPEM []byte) error
	// Delete removes a key; deleting a missing key is not an error.
	Delete(id string) error
}

// DirSecrets stores each key as a 0600 file in a 0700 directory, by default
// .certform/keys next to the configuration. One made by NewDirSecrets
// reads each key from disk at most once, as DirFS does files: a plan
// looks at a certificate's key for the certificate and for every store
// that holds it.
type DirSecrets struct {
	Dir string

	cache *keyCache // nil: every Get reads the file
}

// keyCache holds the keys a DirSecrets read or stored, by id.
type keyCache struct {
	mu   sync.Mutex
	keys map[string][]byte
}

// NewDirSecrets returns a DirSecrets keeping its keys in dir.
func NewDirSecrets(dir string) DirSecrets {
	return DirSecrets{Dir: dir, cache: &keyCache{keys: map[string][]byte{}}}
}

// remember records the key with this id, or that there is none (nil).
func (s DirSecrets) remember(id string, keyPEM []byte) {
	if s.cache == nil {
		return
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if keyPEM == nil {
		delete(s.cache.keys, id)
	} else {
		s.cache.keys[id] = bytes.Clone(keyPEM)
	}
}

var _ Secrets = DirSecrets{}

func (s DirSecrets) path(id string) (string, error) {
	name := strings.ReplaceAll(id, ":", "-")
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return "", fmt.Errorf("invalid key id %q", id)
	}
	return filepath.Join(s.Dir, name+".pem"), nil
}

// Get implements Secrets.
func (s DirSecrets) Get(id string) ([]byte, error) {
	p, err := s.path(id)
	if err != nil {
		return nil, err
	}
	if s.cache != nil {
		s.cache.mu.Lock()
		data, ok := s.cache.keys[id]
		s.cache.mu.Unlock()
		if ok {
			return bytes.Clone(data), nil
		}
	}
	data, _, err := readFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading private key %s: %w", id, err)
	}
	s.remember(id, data)
	return data, nil
}

// Put implements Secrets.
func (s DirSecrets) Put(id string, keyPEM []byte) error {
	p, err := s.path(id)
	if err != nil {
		return err
	}
	// An apply stores thousands of keys: the directory is created and
	// secured only when it is not already a directory with mode 0700.
	if fi, err := os.Stat(s.Dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		// MkdirAll gives every directory it creates (.certform too) mode 0700.
		if err := os.MkdirAll(s.Dir, 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", s.Dir, err)
		}
		if err := os.Chmod(s.Dir, 0o700); err != nil {
			return fmt.Errorf("securing %s: %w", s.Dir, err)
		}
	}
	if err := WriteFileAtomic(p, keyPEM, 0o600); err != nil {
		return err
	}
	s.remember(id, keyPEM)
	return nil
}

// Delete implements Secrets.
func (s DirSecrets) Delete(id string) error {
	p, err := s.path(id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing private key %s: %w", id, err)
	}
	s.remember(id, nil)
	return nil
}
