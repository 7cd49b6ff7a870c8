package state_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

func newStore(t *testing.T) *state.Store {
	t.Helper()
	return state.NewStore(filepath.Join(t.TempDir(), state.DefaultFileName))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestNewStoreDefault(t *testing.T) {
	if got := state.NewStore("").Path; got != state.DefaultFileName {
		t.Errorf("NewStore(\"\").Path = %q, want %q", got, state.DefaultFileName)
	}
}

func TestLoadMissing(t *testing.T) {
	s := newStore(t)
	f, err := s.Load()
	if err != nil {
		t.Fatalf("Load of a missing file: %v", err)
	}
	if f.Serial != 0 || f.Lineage == "" || len(f.Addresses()) != 0 {
		t.Errorf("Load of a missing file = serial %d, lineage %q, %v", f.Serial, f.Lineage, f.Addresses())
	}
	if ok, err := s.Exists(); ok || err != nil {
		t.Errorf("Exists() = %v, %v; want false, nil", ok, err)
	}
}

func TestSave(t *testing.T) {
	s := newStore(t)
	s.Version = "1.2.3"
	f, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}

	// First save: serial 1, no backup.
	f.Set(&state.Resource{Address: "certificate.ies", Kind: "certificate"})
	if err := s.Save(f); err != nil {
		t.Fatal(err)
	}
	if f.Serial != 1 || f.CertformVersion != "1.2.3" {
		t.Errorf("after first save: serial %d, version %q; want 1, 1.2.3", f.Serial, f.CertformVersion)
	}
	if _, err := os.Stat(s.BackupPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("first save made a backup: %v", err)
	}
	if ok, err := s.Exists(); !ok || err != nil {
		t.Errorf("Exists() = %v, %v; want true, nil", ok, err)
	}
	first := readFile(t, s.Path)

	// Second save: serial 2, and the backup holds the first version.
	f.Set(&state.Resource{Address: "ini_file.isps", Kind: "ini_file"})
	if err := s.Save(f); err != nil {
		t.Fatal(err)
	}
	if f.Serial != 2 {
		t.Errorf("after second save: serial %d, want 2", f.Serial)
	}
	if got := readFile(t, s.BackupPath()); got != first {
		t.Errorf("backup holds\n%s\nwant the previous version\n%s", got, first)
	}

	// What was saved loads back.
	g, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if g.Serial != 2 || g.Lineage != f.Lineage || g.CertformVersion != "1.2.3" || len(g.Addresses()) != 2 {
		t.Errorf("loaded serial %d lineage %q version %q %v; want 2 %q 1.2.3 and 2 resources",
			g.Serial, g.Lineage, g.CertformVersion, g.Addresses(), f.Lineage)
	}

	if runtime.GOOS != "windows" {
		for _, p := range []string{s.Path, s.BackupPath()} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if mode := fi.Mode().Perm(); mode != 0o600 {
				t.Errorf("%s has mode %v, want 0600", p, mode)
			}
		}
	}
	// No temporary files are left behind.
	entries, err := os.ReadDir(filepath.Dir(s.Path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := "certform.state.json certform.state.json.backup"; strings.Join(names, " ") != want {
		t.Errorf("directory holds %v, want %s", names, want)
	}
}

func TestSaveTightensMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	s := newStore(t)
	f := state.New()
	if err := s.Save(f); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(f); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state has mode %v after save, want 0600", mode)
	}
}

func TestSavePrivateKeyLeavesStateAlone(t *testing.T) {
	s := newStore(t)
	f := sample()
	if err := s.Save(f); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(f); err != nil { // now there is a backup too
		t.Fatal(err)
	}
	before, backup, serial := readFile(t, s.Path), readFile(t, s.BackupPath()), f.Serial

	f.Set(&state.Resource{Address: "store.pem_files.ies", Kind: "store.pem_files", Attributes: cty.ObjectVal(map[string]cty.Value{
		"key_pem": cty.StringVal("-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----\n"),
	})})
	err := s.Save(f)
	if err == nil || !strings.Contains(err.Error(), "store.pem_files.ies: attributes: key_pem: holds a PEM private key") {
		t.Fatalf("Save = %v, want a refusal naming the attribute", err)
	}
	t.Log(err)
	if got := readFile(t, s.Path); got != before {
		t.Errorf("failed save changed the state file")
	}
	if got := readFile(t, s.BackupPath()); got != backup {
		t.Errorf("failed save changed the backup")
	}
	if f.Serial != serial {
		t.Errorf("failed save moved the serial from %d to %d", serial, f.Serial)
	}
}

func TestSaveOtherLineage(t *testing.T) {
	s := newStore(t)
	if err := s.Save(state.New()); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, s.Path)
	err := s.Save(state.New())
	var le *state.LineageError
	if !errors.As(err, &le) {
		t.Fatalf("Save over another lineage = %v, want a *LineageError", err)
	}
	if got := readFile(t, s.Path); got != before {
		t.Error("refused save changed the state file")
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		content func(valid []byte) []byte
		want    string
	}{
		{"truncated", func(valid []byte) []byte { return valid[:len(valid)/2] }, "not valid JSON"},
		{"newer", func([]byte) []byte { return []byte(`{"format_version": 9, "lineage": "x"}`) }, "has format version 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if err := s.Save(sample()); err != nil {
				t.Fatal(err)
			}
			valid := []byte(readFile(t, s.Path))
			if err := os.WriteFile(s.Path, tc.content(valid), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load()
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), s.Path) {
				t.Errorf("Load = %v, want an error naming %s and saying %q", err, s.Path, tc.want)
			}
		})
	}
}

// TestConcurrentSave is for the race detector: the apply walker saves after
// every resource, from the goroutine that applied it.
func TestConcurrentSave(t *testing.T) {
	s := newStore(t)
	f := state.New()
	var wg sync.WaitGroup
	const n = 8
	for i := range n {
		wg.Go(func() {
			f.Set(&state.Resource{Address: fmt.Sprintf("certificate.c%d", i), Kind: "certificate"})
			if err := s.Save(f); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	g, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if g.Serial != n || len(g.Addresses()) != n {
		t.Errorf("after %d saves: serial %d, %d resources", n, g.Serial, len(g.Addresses()))
	}
}
