//go:build unix

package providers

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// prepareReplace readies tmp, a new file about to be renamed over path.
// A rename replaces a file whatever its own permissions say, as long as
// the directory is writable, and the new file belongs to whoever made it.
// So when path exists: a file this process neither owns nor may write is
// refused (with fs.ErrPermission), and tmp gets path's owner and group,
// so that a service's config owned by its account, or a key readable by
// the group ssl-cert, stays readable to them. Where the owner cannot be
// kept (certform does not run as root), the group still is, if possible.
func prepareReplace(tmp *os.File, path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) != os.Geteuid() {
		if err := unix.Access(path, unix.W_OK); err != nil {
			return err // "permission denied", errors.Is fs.ErrPermission
		}
	}
	if tmp.Chown(int(st.Uid), int(st.Gid)) != nil {
		_ = tmp.Chown(-1, int(st.Gid))
	}
	return nil
}
