//go:build unix

package providers_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/certform/certform/providers"
)

// TestWriteFileAtomicKeepsOwner: replacing a file keeps its owner and
// group (a service's config stays readable to the service's account).
func TestWriteFileAtomicKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file another owner")
	}
	const uid, gid = 65534, 65534
	p := filepath.Join(t.TempDir(), "isps.cfg")
	if err := os.WriteFile(p, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := providers.WriteFileAtomic(p, []byte("new"), 0o640); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != uid || st.Gid != gid {
		t.Errorf("owner %d:%d after the write, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
	if data, _ := os.ReadFile(p); string(data) != "new" {
		t.Errorf("content %q", data)
	}
}
