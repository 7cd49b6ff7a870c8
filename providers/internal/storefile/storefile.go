// Package storefile holds what the stores that write one binary file each
// (providers/pkcs12, providers/jks) share with providers/pemfiles' way of
// doing things: a file's hash and mode as they are on disk, modes as the
// configuration writes them ("0600"), which modes are too open for a file
// holding a private key, and what the file holds for a rotation's gate
// (Holds).
package storefile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
)

// State is a file as it is on disk.
type State struct {
	// Content is nil when the file does not exist.
	Content []byte
	// Hash is "sha256:" and the hex SHA-256 of Content; "" when missing.
	Hash string
	// Mode is the permission as "0600"; "" when missing.
	Mode string
}

// Exists reports whether the file was found.
func (s State) Exists() bool { return s.Content != nil }

// Inspect reads a file and its mode. Where the platform has no Unix
// permissions (Windows), recordedMode is reported as the mode.
func Inspect(fsys providers.FS, path, recordedMode string) (State, error) {
	data, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, err
	}
	if data == nil {
		data = []byte{}
	}
	st := State{Content: data, Hash: Hash(data), Mode: recordedMode}
	if runtime.GOOS == "windows" && recordedMode != "" {
		return st, nil
	}
	fi, err := fsys.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return st, err
	}
	st.Mode = FormatMode(fi.Mode())
	return st, nil
}

// Hash is how values record a file's content: "sha256:<hex>".
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ParseMode reads an octal mode attribute such as "0600"; def when null.
func ParseMode(address, name string, v cty.Value, def string) (fs.FileMode, hcl.Diagnostics) {
	s := def
	switch {
	case v == cty.NilVal || v.IsNull():
	case !v.IsKnown():
		return 0, hcl.Diagnostics{pki.NotKnownf(address, name)}
	default:
		s = v.AsString()
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "0o"), 8, 32)
	if err != nil || n > 0o777 {
		return 0, hcl.Diagnostics{errorf(address, "Invalid "+name,
			fmt.Sprintf("%s is %q; write an octal permission such as \"0600\" or \"0644\".", name, s))}
	}
	return fs.FileMode(n), nil
}

// KeyModeWarning warns when mode, set by the attribute name, lets every user
// of the machine read a file that holds a private key; it returns nil
// otherwise. The group may read it: a service often reads its key through
// its group (0640, such as ssl-cert), which is no problem. pem_files,
// pkcs12 and java_keystore all judge key files so.
func KeyModeWarning(address, name string, mode fs.FileMode) *hcl.Diagnostic {
	if mode&0o007 == 0 {
		return nil
	}
	return pki.Warnf(address, "Private key readable by every user",
		fmt.Sprintf("%s %04o lets every user of the machine read the private key. Use \"0600\" (or \"0640\" with a group for the service).", name, uint32(mode.Perm())))
}

// FormatMode writes a mode as values record it: "0644".
func FormatMode(m fs.FileMode) string { return fmt.Sprintf("%04o", uint32(m.Perm())) }

// Path reads a required, known path attribute.
func Path(address, name string, v cty.Value) (string, hcl.Diagnostics) {
	switch {
	case v == cty.NilVal || v.IsNull():
		return "", hcl.Diagnostics{errorf(address, "Missing "+name, "Set "+name+" to the file to write.")}
	case !v.IsKnown():
		return "", hcl.Diagnostics{pki.NotKnownf(address, name)}
	case v.AsString() == "":
		return "", hcl.Diagnostics{errorf(address, "Empty "+name, name+" is empty; set a file name.")}
	}
	return v.AsString(), nil
}

func errorf(address, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: address + ": " + detail}
}

// Holds answers providers.Holder for a store of one file at path: fps
// lists the fingerprints of the certificates in the file's bytes (opened
// with the store's password). A missing file holds nothing; one that
// cannot be read or opened gives an error that names it.
func Holds(address string, fsys providers.FS, path string, fps func(data []byte) ([]string, error)) providers.HoldsResponse {
	data, err := fsys.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return providers.HoldsResponse{}
	}
	var out []string
	if err == nil {
		out, err = fps(data)
	}
	if err != nil {
		return providers.HoldsResponse{Diagnostics: hcl.Diagnostics{pki.Errorf(address, "Cannot read store",
			fmt.Sprintf("reading %s: %v.", path, err))}}
	}
	return providers.HoldsResponse{Fingerprints: out}
}
