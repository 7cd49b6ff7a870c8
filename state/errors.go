package state

import "fmt"

// VersionError is returned by Parse and Store.Load for a state file written
// by a newer certform, in a format version this one does not understand.
type VersionError struct {
	// Path is the state file.
	Path string
	// Version is the format_version the file declares.
	Version int
}

// Error says which version the file has and what to do.
func (e *VersionError) Error() string {
	return fmt.Sprintf("state file %s has format version %d; this certform understands up to %d: upgrade certform",
		e.Path, e.Version, FormatVersion)
}

// LineageError reports that a state or saved plan belongs to another state
// than the one at hand: their lineages differ, so their serials cannot be
// compared.
type LineageError struct {
	// Want is the lineage expected, such as the one a saved plan recorded.
	Want string
	// Got is the lineage found.
	Got string
}

// Error names both lineages.
func (e *LineageError) Error() string {
	return fmt.Sprintf("state lineage %s does not match the expected lineage %s: they belong to different states",
		e.Got, e.Want)
}
