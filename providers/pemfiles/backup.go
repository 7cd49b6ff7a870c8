package pemfiles

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/certform/certform/providers"
)

// backupPath is where a file that was there before the store first wrote
// it is kept, until destroy puts it back.
func backupPath(path string) string { return path + providers.BackupSuffix }

// keepOriginal copies a file that exists but that the store has not
// written before (prior files does not name it) to its backup path, with
// its mode, unless a backup is there already.
func keepOriginal(fsys providers.FS, path string, content []byte) error {
	b := backupPath(path)
	switch _, err := fsys.Stat(b); {
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("backing up %s: %w", path, err)
	}
	mode := fs.FileMode(0o600)
	if fi, err := fsys.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := fsys.WriteFile(b, content, mode); err != nil {
		return fmt.Errorf("backing up %s: %w", path, err)
	}
	return nil
}

// removeOrRestore undoes what the store did to a file: it puts back the
// file that was there before certform (its backup), or removes the file
// certform created.
func removeOrRestore(fsys providers.FS, path string) error {
	b := backupPath(path)
	orig, err := fsys.ReadFile(b)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fsys.Remove(path)
	case err != nil:
		return fmt.Errorf("restoring %s: %w", path, err)
	}
	mode := fs.FileMode(0o600)
	if fi, err := fsys.Stat(b); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := fsys.WriteFile(path, orig, mode); err != nil {
		return fmt.Errorf("restoring %s from %s: %w", path, b, err)
	}
	return fsys.Remove(b)
}
