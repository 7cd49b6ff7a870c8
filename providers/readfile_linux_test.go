package providers

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadFileMatchesOS: readFile gives what os.ReadFile and os.Stat give:
// the content, and the same description of the file, errors included.
func TestReadFileMatchesOS(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key.pem")
	content := strings.Repeat("0123456789", 1000)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o600|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	data, fi, err := readFile(p)
	if err != nil || string(data) != content {
		t.Fatalf("readFile: %d bytes, %v", len(data), err)
	}
	want, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Name() != want.Name() || fi.Size() != want.Size() || fi.Mode() != want.Mode() || !fi.ModTime().Equal(want.ModTime()) || fi.IsDir() {
		t.Errorf("readFile describes %s as %s %d %s %s, os.Stat as %s %d %s %s", p,
			fi.Name(), fi.Size(), fi.Mode(), fi.ModTime(), want.Name(), want.Size(), want.Mode(), want.ModTime())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Uid != want.Sys().(*syscall.Stat_t).Uid {
		t.Errorf("Sys() = %#v, want the owner os.Stat gives", fi.Sys())
	}

	if _, _, err := readFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
	if _, _, err := readFile(dir); err == nil {
		t.Error("reading a directory: no error")
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _, err := readFile(empty); err != nil || len(data) != 0 {
		t.Errorf("empty file: %q, %v", data, err)
	}
}
