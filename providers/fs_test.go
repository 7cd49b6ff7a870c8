package providers_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// TestDirFSReadsEachFileOnce: a second read of a file is served from the
// cache, even when the file changed on disk behind the run's back.
func TestDirFSReadsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "isps.cfg")
	if err := os.WriteFile(p, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := providers.NewDirFS(dir)
	if got, _ := fsys.ReadFile("isps.cfg"); string(got) != "first" {
		t.Fatalf("got %q", got)
	}
	if err := os.WriteFile(p, []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := fsys.ReadFile("isps.cfg"); string(got) != "first" {
		t.Errorf("second read went to disk: %q", got)
	}
	// Writes go through the cache.
	if err := fsys.WriteFile("isps.cfg", []byte("third"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := fsys.ReadFile("isps.cfg"); string(got) != "third" {
		t.Errorf("after write: %q", got)
	}
	if got, _ := os.ReadFile(p); string(got) != "third" {
		t.Errorf("on disk: %q", got)
	}
	// A missing file is reported as fs.ErrNotExist, also from the cache.
	for i := 0; i < 2; i++ {
		if _, err := fsys.ReadFile("missing"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("read %d of a missing file: %v", i, err)
		}
	}
	if err := fsys.Remove("isps.cfg"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.ReadFile("isps.cfg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after remove: %v", err)
	}
}

// TestDirFSStatsEachFileOnce: Stat is cached like ReadFile, and a write or
// a removal through the DirFS describes the file anew.
func TestDirFSStatsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(p, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	fsys := providers.NewDirFS(dir)
	mode := func() fs.FileMode {
		t.Helper()
		fi, err := fsys.Stat("cert.pem")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	if got := mode(); got != 0o600 {
		t.Fatalf("mode %o, want 600", got)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mode(); got != 0o600 {
		t.Errorf("second Stat went to disk: mode %o", got)
	}
	if err := fsys.WriteFile("cert.pem", []byte("second"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := mode(); got != 0o640 {
		t.Errorf("after write: mode %o, want 640", got)
	}
	if err := fsys.Remove("cert.pem"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Stat("cert.pem"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after remove: %v", err)
	}
}

// TestDirFSReadDescribes: reading a file also describes it, so Stat
// afterwards reports the file as it was read, without looking again.
func TestDirFSReadDescribes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key.pem")
	content := strings.Repeat("x", 3000) // more than one read's first guess
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	fsys := providers.NewDirFS(dir)
	if got, err := fsys.ReadFile("key.pem"); err != nil || string(got) != content {
		t.Fatalf("ReadFile: %d bytes, %v", len(got), err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := fsys.Stat("key.pem")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != int64(len(content)) {
		t.Errorf("Stat after ReadFile: mode %o, size %d; want 600 and %d, as read", fi.Mode().Perm(), fi.Size(), len(content))
	}
	if _, err := fsys.ReadFile("."); err == nil {
		t.Error("reading a directory: no error")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b", "key.pem")
	if err := providers.WriteFileAtomic(p, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, err %v", fi.Mode(), err)
	}
	// A failed write leaves the old content and no temporary file.
	if err := os.Mkdir(filepath.Join(dir, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := providers.WriteFileAtomic(filepath.Join(dir, "dir"), []byte("y"), 0o644); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "a" && e.Name() != "dir" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestDirFSLockSerializes(t *testing.T) {
	fsys := providers.NewDirFS(t.TempDir())
	var mu sync.Mutex
	inside, maxInside := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := fsys.Lock("shared.ini")
			mu.Lock()
			inside++
			maxInside = max(maxInside, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Errorf("%d holders at once", maxInside)
	}
}

func TestDirSecrets(t *testing.T) {
	for name, newSecrets := range map[string]func(dir string) providers.DirSecrets{
		"DirSecrets":    func(dir string) providers.DirSecrets { return providers.DirSecrets{Dir: dir} },
		"NewDirSecrets": providers.NewDirSecrets,
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".certform", "keys")
			s := newSecrets(dir)
			if _, err := s.Get("sha256:abc"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("missing key: %v", err)
			}
			if err := s.Put("sha256:abc", []byte("KEY")); err != nil {
				t.Fatal(err)
			}
			for _, d := range []string{dir, filepath.Dir(dir)} {
				if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("%s: mode %v, err %v", d, fi.Mode(), err)
				}
			}
			if got, err := s.Get("sha256:abc"); err != nil || string(got) != "KEY" {
				t.Errorf("Get: %q, %v", got, err)
			}
			if err := s.Put("../escape", []byte("x")); err == nil {
				t.Error("an id with a path was accepted")
			}
			if err := s.Delete("sha256:abc"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get("sha256:abc"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("deleted key: %v", err)
			}
			if err := s.Delete("sha256:abc"); err != nil {
				t.Errorf("deleting twice: %v", err)
			}
		})
	}
}

// TestNewDirSecretsReadsEachKeyOnce: a second Get is served from memory,
// even when the file changed behind the run's back.
func TestNewDirSecretsReadsEachKeyOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "sha256-abc.pem")
	if err := os.WriteFile(p, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := providers.NewDirSecrets(dir)
	if got, err := s.Get("sha256:abc"); err != nil || string(got) != "first" {
		t.Fatalf("Get: %q, %v", got, err)
	}
	if err := os.WriteFile(p, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("sha256:abc")
	if err != nil || string(got) != "first" {
		t.Errorf("second Get went to disk: %q, %v", got, err)
	}
	got[0] = 'X' // what Get returns is the caller's
	if got, _ := s.Get("sha256:abc"); string(got) != "first" {
		t.Errorf("after changing a returned key: %q", got)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"397d", 397 * 24 * time.Hour, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"720h", 720 * time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"-1d", 0, false},
		{"1.5d", 0, false},
		{"soon", 0, false},
		{"-5h", 0, false},
	}
	for _, tc := range tests {
		got, err := providers.ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tc.in, got, err)
		}
	}
	if got := providers.FormatDuration(720 * time.Hour); got != "30d" {
		t.Errorf("FormatDuration = %q", got)
	}
}

func TestEqual(t *testing.T) {
	list := cty.ListVal([]cty.Value{cty.StringVal("a")})
	tuple := cty.TupleVal([]cty.Value{cty.StringVal("a")})
	mapv := cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")})
	obj := cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal("v")})
	tests := []struct {
		name string
		a, b cty.Value
		want bool
	}{
		{"list and tuple", list, tuple, true},
		{"map and object", mapv, obj, true},
		{"different", list, cty.ListVal([]cty.Value{cty.StringVal("b")}), false},
		{"unknown", cty.UnknownVal(cty.String), cty.UnknownVal(cty.String), false},
		{"null and null", providers.Null, cty.NullVal(cty.String), true},
		{"null and value", providers.Null, obj, false},
	}
	for _, tc := range tests {
		if got := providers.Equal(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Equal = %v", tc.name, got)
		}
	}
}
