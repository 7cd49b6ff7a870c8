//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the unprivileged user TestPermissionDenied runs certform as.
const nobody = 65534

// TestPermissionDenied runs certform, as an unprivileged user, on files it
// may not read or write: the error names the file and the cause, and no
// file changes. testdata/script/errors.txtar does the same when the tests
// do not run as root; as root, which may read anything, this test runs the
// binary as the user nobody instead.
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run certform as another user; errors.txtar covers this case without root")
	}
	base, err := os.MkdirTemp("", "certform-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	must(t, os.Chmod(base, 0o755))
	bin := filepath.Join(base, "certform")
	copyFile(t, mustExecutable(t), bin, 0o755)

	const ini = `ini_file "app" {
  path = "app.ini"
  section "s" {
    key = 2
  }
}
`
	const pem = `certificate "web" {
  issuer      = self_signed
  common_name = "web.example.test"
  key {
    algorithm = "ECDSA"
    curve     = "P256"
  }
}
store "pem_files" "web" {
  certificate = certificate.web
  cert        = "locked/web.pem"
}
`
	tests := []struct {
		name  string
		files map[string]string
		// root lists files and directories that stay root's, with their
		// mode; everything else belongs to nobody.
		root map[string]os.FileMode
		args []string
		want []string
	}{
		{
			name:  "INI file not readable",
			files: map[string]string{"main.hcl": ini, "app.ini": "[s]\nkey = 1\n"},
			root:  map[string]os.FileMode{"app.ini": 0o600},
			args:  []string{"apply", "-auto-approve"},
			want:  []string{`in ini_file "app"`, "app.ini", "permission denied"},
		},
		{
			name:  "INI file not writable",
			files: map[string]string{"main.hcl": ini, "app.ini": "[s]\nkey = 1\n"},
			root:  map[string]os.FileMode{"app.ini": 0o644},
			args:  []string{"apply", "-auto-approve"},
			want:  []string{"app.ini", "permission denied"},
		},
		{
			name:  "configuration not readable",
			files: map[string]string{"main.hcl": ini, "app.ini": "[s]\nkey = 1\n"},
			root:  map[string]os.FileMode{"main.hcl": 0o600},
			args:  []string{"validate"},
			want:  []string{"main.hcl", "permission denied"},
		},
		{
			name:  "state not readable",
			files: map[string]string{"main.hcl": ini, "app.ini": "[s]\nkey = 1\n", "certform.state.json": "{}"},
			root:  map[string]os.FileMode{"certform.state.json": 0o600},
			args:  []string{"apply", "-auto-approve"},
			want:  []string{"certform.state.json", "permission denied"},
		},
		{
			name:  "directory not writable",
			files: map[string]string{"main.hcl": pem, "locked/old.pem": "old\n"},
			root:  map[string]os.FileMode{"locked": 0o755},
			args:  []string{"apply", "-auto-approve"},
			want:  []string{"store.pem_files.web", "locked/web.pem", "permission denied", "Apply failed"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, err := os.MkdirTemp(base, "cfg-")
			must(t, err)
			must(t, os.Chmod(dir, 0o755))
			for name, content := range tc.files {
				p := filepath.Join(dir, name)
				must(t, os.MkdirAll(filepath.Dir(p), 0o755))
				must(t, os.WriteFile(p, []byte(content), 0o644))
			}
			must(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				if mode, ok := tc.root[rel]; ok {
					return os.Chmod(p, mode)
				}
				return os.Chown(p, nobody, nobody)
			}))
			before := snapshotDir(t, dir)

			cmd := exec.Command(bin, tc.args...)
			cmd.Args[0] = "certform" // testscript.Main runs the command of this name
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("certform %s succeeded:\n%s", strings.Join(tc.args, " "), out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			after := snapshotDir(t, dir)
			if tc.name == "directory not writable" {
				// The certificate was issued and recorded; the store
				// that failed wrote nothing.
				delete(after, "certform.state.json")
				delete(after, "certform.state.json.backup")
				for name := range after {
					if strings.HasPrefix(name, ".certform/") {
						delete(after, name)
					}
				}
			}
			for name, content := range before {
				if after[name] != content {
					t.Errorf("%s changed", name)
				}
			}
			for name := range after {
				if _, ok := before[name]; !ok {
					t.Errorf("%s was created", name)
				}
			}
		})
	}
}

// snapshotDir returns the content of every file below dir, by relative
// name.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	must(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fi.Mode().String() + "\n" + string(data)
		return nil
	}))
	return out
}

func mustExecutable(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	must(t, err)
	return p
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	must(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	must(t, err)
	_, err = io.Copy(out, in)
	must(t, err)
	must(t, out.Close())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
