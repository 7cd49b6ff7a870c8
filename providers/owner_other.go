//go:build !unix

package providers

import "os"

// prepareReplace readies tmp, a new file about to be renamed over path. On
// this system there is nothing to carry over.
func prepareReplace(tmp *os.File, path string) error { return nil }
