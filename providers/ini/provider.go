package ini

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/providers"
)

// Provider manages keys in an INI file: the ini_file kind. It edits only
// the keys its block names and leaves every other byte of the file alone.
// It is safe for concurrent use; edits of one file are serialized with
// providers.FS.Lock.
type Provider struct{}

var (
	_ providers.Provider    = (*Provider)(nil)
	_ providers.BodyDecoder = (*Provider)(nil)
)

// New returns the ini_file provider.
func New() *Provider {
	return &Provider{}
}

// errorDiag returns an error diagnostic without source, for problems found
// in files or state.
func errorDiag(summary, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail}}
}

// loadDiag reports a file that cannot be read or parsed.
func loadDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Cannot read INI file", fmt.Sprintf("%s: %v. certform has not changed the file.", addr, err))
}

// missingDiag reports a missing file that create does not allow to create.
func missingDiag(addr, path string) hcl.Diagnostics {
	return errorDiag("INI file not found", fmt.Sprintf(
		"%s: the file %q does not exist. Check the path, or set create = true to let certform create it.", addr, path))
}

// stateDiag reports a recorded value this provider cannot read.
func stateDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Invalid recorded state", fmt.Sprintf("%s: %v.", addr, err))
}

// configDiag reports a configuration value this provider cannot use.
func configDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Invalid ini_file configuration", fmt.Sprintf("%s: %v.", addr, err))
}

// applyDiag reports a change that could not be written.
func applyDiag(addr string, err error) hcl.Diagnostics {
	return errorDiag("Cannot write INI file", fmt.Sprintf("%s: %v.", addr, err))
}
