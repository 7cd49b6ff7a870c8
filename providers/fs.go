package providers

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// BackupSuffix is appended to a file's name to keep a copy of it as it was
// before certform first changed it (an INI file, a PEM file that was there
// before a store wrote it).
const BackupSuffix = ".certform.backup"

// FS is the file system of the host whose TLS configuration is managed.
// Relative names are resolved against the configuration directory.
// Implementations must be safe for concurrent use.
type FS interface {
	// ReadFile returns the content of a file; an error wrapping
	// fs.ErrNotExist when it does not exist.
	ReadFile(name string) ([]byte, error)
	// WriteFile replaces a file atomically (temporary file, fsync, rename),
	// creating missing parent directories with mode 0755, so a crash leaves
	// either the old or the new content, never a mix.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	// Remove deletes a file; removing a missing file is not an error.
	Remove(name string) error
	// Stat describes a file; an error wrapping fs.ErrNotExist when missing.
	Stat(name string) (fs.FileInfo, error)
	// Lock serializes read-modify-write cycles on one file between
	// resources that share it (an INI file edited by several blocks). The
	// returned function releases the lock.
	Lock(name string) (unlock func())
}

// DirFS is the local file system, with relative names resolved against Root.
// Reads are cached: each file is read from disk, and described by Stat, at
// most once per DirFS, however many resources look at it; writes update
// the cache.
type DirFS struct {
	Root string

	mu    sync.Mutex
	cache map[string][]byte // nil entry: known missing
	stats map[string]fs.FileInfo
	locks map[string]*sync.Mutex
}

var _ FS = (*DirFS)(nil)

// NewDirFS returns a DirFS rooted at root.
func NewDirFS(root string) *DirFS {
	return &DirFS{Root: root, cache: map[string][]byte{}, stats: map[string]fs.FileInfo{}, locks: map[string]*sync.Mutex{}}
}

// Path returns the absolute path a name refers to.
func (d *DirFS) Path(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(d.Root, name)
}

// ReadFile implements FS.
func (d *DirFS) ReadFile(name string) ([]byte, error) {
	p := d.Path(name)
	d.mu.Lock()
	data, ok := d.cache[p]
	d.mu.Unlock()
	if ok {
		if data == nil {
			return nil, fmt.Errorf("reading %s: %w", p, fs.ErrNotExist)
		}
		return bytes.Clone(data), nil
	}
	data, fi, err := readFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		d.mu.Lock()
		d.cache[p] = nil
		d.mu.Unlock()
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if data == nil {
		data = []byte{}
	}
	d.mu.Lock()
	d.cache[p] = data
	if _, ok := d.stats[p]; !ok {
		d.stats[p] = fi
	}
	d.mu.Unlock()
	return bytes.Clone(data), nil
}

// WriteFile implements FS.
func (d *DirFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	p := d.Path(name)
	if err := WriteFileAtomic(p, data, perm); err != nil {
		return err
	}
	d.mu.Lock()
	d.cache[p] = bytes.Clone(data)
	delete(d.stats, p)
	d.mu.Unlock()
	return nil
}

// Remove implements FS.
func (d *DirFS) Remove(name string) error {
	p := d.Path(name)
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", p, err)
	}
	d.mu.Lock()
	d.cache[p] = nil
	delete(d.stats, p)
	d.mu.Unlock()
	return nil
}

// Stat implements FS.
func (d *DirFS) Stat(name string) (fs.FileInfo, error) {
	p := d.Path(name)
	d.mu.Lock()
	fi, ok := d.stats[p]
	d.mu.Unlock()
	if ok {
		return fi, nil
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("inspecting %s: %w", p, err)
	}
	d.mu.Lock()
	d.stats[p] = fi
	d.mu.Unlock()
	return fi, nil
}

// Lock implements FS.
func (d *DirFS) Lock(name string) func() {
	p := d.Path(name)
	d.mu.Lock()
	l, ok := d.locks[p]
	if !ok {
		l = &sync.Mutex{}
		d.locks[p] = l
	}
	d.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory, fsyncs it and renames it into place, so readers see either the
// old or the new content. Missing parent directories are created (0755).
// The file gets the given mode; an existing file keeps its owner and group
// where the system allows, and one this process neither owns nor may
// write is refused (see prepareReplace).
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := prepareReplace(tmp, path); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
