package ini

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/certform/certform/providers"
)

// BackupSuffix is appended to a file's name to keep a copy of it as it was
// before certform first changed it.
const BackupSuffix = providers.BackupSuffix

// defaultMode is the mode of INI files certform creates: readable by the
// services that load them, writable by their owner only.
const defaultMode fs.FileMode = 0o644

// A File is an INI file loaded through a providers.FS for a
// read-modify-write cycle. Hold the FS lock on Name from Load to Save when
// other resources may edit the same file.
type File struct {
	// Name is the file's name as given to the FS.
	Name string
	// Doc is the parsed content, empty when the file does not exist.
	Doc *Document
	// Exists reports whether the file existed when loaded.
	Exists bool
	// Before is the content as loaded, nil when the file did not exist.
	Before []byte
	// Mode is the permission bits the file is written with: its own, or
	// 0644 for a new file.
	Mode fs.FileMode
}

// Load reads and parses an INI file. A missing file is not an error: the
// File then has Exists false and an empty Doc. Data that is not text gives
// an error wrapping a *ParseError.
func Load(fsys providers.FS, name string) (*File, error) {
	f := &File{Name: name, Mode: defaultMode}
	data, err := fsys.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		f.Doc, _ = Parse(nil)
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	doc, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	fi, err := fsys.Stat(name)
	if err != nil {
		return nil, err
	}
	f.Doc, f.Exists, f.Before, f.Mode = doc, true, data, fi.Mode().Perm()
	return f, nil
}

// Changed reports whether saving would write anything.
func (f *File) Changed() bool {
	return !f.Exists || !bytes.Equal(f.Doc.Bytes(), f.Before)
}

// Save writes the document back when it changed, keeping the file's mode.
// Before the first change to a file that existed, it copies the original
// to Name+BackupSuffix, unless that backup already exists: the backup
// always holds the file as it was before certform ever touched it.
func (f *File) Save(fsys providers.FS) error {
	if !f.Changed() {
		return nil
	}
	backedUp := false
	if f.Exists {
		backup := f.Name + BackupSuffix
		_, err := fsys.Stat(backup)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := fsys.WriteFile(backup, f.Before, f.Mode); err != nil {
				return fmt.Errorf("backing up %s: %w", f.Name, err)
			}
			backedUp = true
		case err != nil:
			return fmt.Errorf("backing up %s: %w", f.Name, err)
		}
	}
	after := f.Doc.Bytes()
	if err := fsys.WriteFile(f.Name, after, f.Mode); err != nil {
		if backedUp {
			// The file is unchanged: the next try backs it up again.
			_ = fsys.Remove(f.Name + BackupSuffix)
		}
		return err
	}
	f.Exists, f.Before = true, after
	return nil
}
