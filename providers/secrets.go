package providers

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
// .certform/keys next to the configuration.
type DirSecrets struct {
	Dir string
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
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading private key %s: %w", id, err)
	}
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
	return WriteFileAtomic(p, keyPEM, 0o600)
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
	return nil
}
