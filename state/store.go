package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

	// Apply saves after every resource, so the old file is neither parsed
	// nor copied whole: its lineage is read from the top of it, and the
	// backup is, where the file system allows, a second name for it.
	old, err := readLineage(s.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// First save: nothing to back up.
	case err != nil:
		return fmt.Errorf("saving state: %w", err)
	default:
		if old != "" && old != lineage {
			return fmt.Errorf("saving state to %s: the file was replaced by another state while certform ran, so it was left alone: %w", s.Path, &LineageError{Want: lineage, Got: old})
		}
		if err := s.backup(); err != nil {
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

// readLineage returns the lineage of the state file at path, reading no
// further into it than the lineage field (which Marshal writes third). It
// returns "" for a file that is not a state document, as long as it can be
// read: Save then replaces it, keeping it as the backup.
func readLineage(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", readError(err)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", readError(err)
		}
		if key == "lineage" {
			var lineage string
			if err := dec.Decode(&lineage); err != nil {
				return "", readError(err)
			}
			return lineage, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", readError(err)
		}
	}
	return "", nil
}

// readError keeps the errors of reading a file and drops those of decoding
// it, for readLineage.
func readError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if err == nil || err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntax) || errors.As(err, &typ) {
		return nil
	}
	return err
}

// backup makes the state file as it is the backup: a hard link to it,
// which the atomic replacement of the state file then leaves alone, or a
// copy where links are not possible, or the file is not a regular file of
// mode 0600 (the backup is always one).
func (s *Store) backup() error {
	if fi, err := os.Lstat(s.Path); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm() == 0o600 {
		tmp := s.BackupPath() + ".tmp-link"
		os.Remove(tmp)
		if os.Link(s.Path, tmp) == nil {
			if err := os.Rename(tmp, s.BackupPath()); err == nil {
				return nil
			}
			os.Remove(tmp)
		}
	}
	old, err := os.ReadFile(s.Path)
	if err != nil {
		return err
	}
	return providers.WriteFileAtomic(s.BackupPath(), old, 0o600)
}
