package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/certform/certform/providers"
)

// DefaultFileName is the name of the state file in the configuration
// directory.
const DefaultFileName = "certform.state.json"

// Store keeps a state File on disk at Path, with the previous version at
// Path+".backup" and the lock at Path+".lock". Its methods are safe for
// concurrent use; set the fields before the first call.
type Store struct {
	// Path is the state file.
	Path string
	// Version, when set, is recorded as the File's CertformVersion on
	// every save.
	Version string

	mu sync.Mutex // serializes saves
}

// NewStore returns a Store for the state file at path; an empty path means
// DefaultFileName in the current directory.
func NewStore(path string) *Store {
	if path == "" {
		path = DefaultFileName
	}
	return &Store{Path: path}
}

// BackupPath is where Save keeps the previous version of the state file.
func (s *Store) BackupPath() string { return s.Path + ".backup" }

// LockPath is the lock file Lock creates.
func (s *Store) LockPath() string { return s.Path + ".lock" }

// Exists reports whether the state file exists. Load does not need it: it
// returns a new File when there is none.
func (s *Store) Exists() (bool, error) {
	_, err := os.Stat(s.Path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("inspecting state file: %w", err)
}

// Load reads the state file. When it does not exist Load returns New(): an
// empty File with a fresh lineage and serial 0, and no error. A corrupt file
// or one in a newer format is an error (see Parse).
func (s *Store) Load() (*File, error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state file: %w", err)
	}
	return Parse(data, s.Path)
}

// Save writes f to the state file with its serial incremented and, on
// success, increments f.Serial. It copies the current file to BackupPath
// first, then replaces it atomically (temporary file, fsync, rename) with
// mode 0600, so a crash at any point leaves a whole state file. Both
// writes are atomic.
//
// On error the state file and f are unchanged. Save refuses what Marshal
// refuses (a private key in an attribute), and returns a [*LineageError],
// wrapped, when the file on disk belongs to another state.
//
// Save may be called while other goroutines change f through its methods;
// it writes the resources as they were when it started.
func (s *Store) Save(f *File) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	f.mu.Lock()
	serial, version := f.Serial+1, f.CertformVersion
	if s.Version != "" {
		version = s.Version
	}
	data, err := f.encode(serial, version)
	lineage := f.Lineage
	f.mu.Unlock()
	if err != nil {
		return fmt.Errorf("saving state to %s: %w", s.Path, err)
	}

	old, err := os.ReadFile(s.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// First save: nothing to back up.
	case err != nil:
		return fmt.Errorf("saving state: %w", err)
	default:
		// Only the lineage is decoded: Save runs after every resource,
		// and a full Parse would cost as much as the write.
		var head struct {
			Lineage string `json:"lineage"`
		}
		if json.Unmarshal(old, &head) == nil && head.Lineage != "" && head.Lineage != lineage {
			return fmt.Errorf("saving state to %s: the file there is another state: %w", s.Path, &LineageError{Want: head.Lineage, Got: lineage})
		}
		if err := providers.WriteFileAtomic(s.BackupPath(), old, 0o600); err != nil {
			return fmt.Errorf("backing up state: %w", err)
		}
	}
	if err := providers.WriteFileAtomic(s.Path, data, 0o600); err != nil {
		return fmt.Errorf("saving state: %w", err)
	}

	f.mu.Lock()
	f.Serial, f.CertformVersion = serial, version
	f.mu.Unlock()
	return nil
}
