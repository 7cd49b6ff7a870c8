package state

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// FormatVersion is the version of the state document this package reads and
// writes. It changes only when the JSON shape changes in a way an older
// certform would misread; Parse refuses newer versions with a
// [*VersionError].
const FormatVersion = 1

// File is the state document: what certform applied, by resource address.
//
// The methods of File are safe for concurrent use: the apply walker calls
// Set and Remove from several goroutines while [Store.Save] marshals the
// same File. The exported fields are not guarded; set them before sharing
// the File and read them when no Save is in progress (Save changes Serial).
type File struct {
	// Serial counts saves: Store.Save increments it before every write, so
	// a File that was never saved has serial 0. A saved plan records it to
	// notice that the state moved since.
	Serial uint64
	// Lineage identifies one state across all its serials. It is a random
	// UUID chosen by New and never changes, so serials of two unrelated
	// states are never compared.
	Lineage string
	// CertformVersion is the version of certform that last wrote the file.
	CertformVersion string

	mu        sync.Mutex
	resources map[string]*Resource
	outputs   map[string]cty.Value
	// failedHooks holds the hooks to run again, by address (hooks.go).
	failedHooks map[string]FailedHook
	// encoded caches each resource as Marshal writes it, by address; an
	// address is dropped whenever its resource changes.
	encoded map[string][]byte
	// revision counts the changes to what the file holds (see Revision).
	revision uint64
}

// Resource is what state records about one managed object.
type Resource struct {
	// Address names the resource in the configuration, such as
	// "certificate.ies" or "store.pem_files.ca".
	Address string
	// Kind is the provider that manages it, such as "certificate" or
	// "store.pem_files".
	Kind string
	// Attributes is the value the provider returned from Apply. It is
	// stored as plain JSON, so on reading lists come back as tuples and
	// maps as objects (see providers.Equal). cty.NilVal is written as null.
	Attributes cty.Value
	// Dependencies are the addresses this resource depends on, so that it
	// can be deleted in the right order once it is gone from the
	// configuration. They are written sorted.
	Dependencies []string
	// Files maps each file the resource manages to the hash of the content
	// certform wrote, as FileHash returns it, to notice changes made
	// outside certform.
	Files map[string]string
	// CreatedAt and UpdatedAt record when certform created and last changed
	// the object; zero values are left out of the file. They are written
	// in UTC with second precision.
	CreatedAt time.Time
	UpdatedAt time.Time
	// ConfigDigest identifies the configuration the object was last applied
	// with, and the certform version that applied it
	// (lang.Scope.ConfigDigest), for the plan engine to skip planning what
	// neither the configuration nor the refresh changed. It is a hash of
	// values that hold no secret; empty when there is none.
	ConfigDigest string
}

// New returns an empty File with a new lineage and serial 0.
func New() *File {
	return &File{Lineage: newID()}
}

// Resource returns a copy of the resource at addr, or nil when there is none.
func (f *File) Resource(addr string) *Resource {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resources[addr].clone()
}

// Set records r under r.Address, replacing any resource already there. The
// File keeps a copy, so r may be changed afterwards.
func (f *File) Set(r *Resource) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.resources == nil {
		f.resources = map[string]*Resource{}
	}
	f.resources[r.Address] = r.clone()
	delete(f.encoded, r.Address)
	f.revision++
}

// Remove deletes the resource at addr and reports whether there was one.
func (f *File) Remove(addr string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.resources[addr]
	delete(f.resources, addr)
	delete(f.encoded, addr)
	if ok {
		f.revision++
	}
	return ok
}

// Move renames the resource at from to to, as `certform state mv` does, and
// rewrites the dependencies of other resources that pointed at from. It
// returns an error, and changes nothing, when there is no resource at from
// or there already is one at to.
func (f *File) Move(from, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.resources[from]
	if !ok {
		return fmt.Errorf("moving %s to %s: no resource %s in state", from, to, from)
	}
	if _, ok := f.resources[to]; ok {
		return fmt.Errorf("moving %s to %s: state already has a resource %s", from, to, to)
	}
	delete(f.resources, from)
	f.encoded = nil // dependencies of other resources change too
	f.revision++
	r.Address = to
	f.resources[to] = r
	for _, other := range f.resources {
		for i, dep := range other.Dependencies {
			if dep == from {
				other.Dependencies[i] = to
			}
		}
	}
	return nil
}

// Addresses returns the addresses of all resources, sorted.
func (f *File) Addresses() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.resources))
}

// SetOutputs replaces the outputs recorded in state. Only non-sensitive
// outputs belong here: the caller leaves sensitive ones out, and Marshal
// refuses values marked sensitive. Outputs the file would write as it
// writes the recorded ones (a list read back as a tuple) are no change.
func (f *File) SetOutputs(outputs map[string]cty.Value) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sameOutputs(f.outputs, outputs) {
		return
	}
	f.outputs = maps.Clone(outputs)
	f.revision++
}

// sameOutputs reports whether a and b are written the same way; a value
// that cannot be written makes them differ.
func sameOutputs(a, b map[string]cty.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for name, av := range a {
		bv, ok := b[name]
		if !ok {
			return false
		}
		aj, aerr := encodeValue(av)
		bj, berr := encodeValue(bv)
		if aerr != nil || berr != nil || !reflect.DeepEqual(aj, bj) {
			return false
		}
	}
	return true
}

// Revision counts the changes made to what f holds through its methods:
// every Set, and every Remove, Move, SetOutputs, SetFailedHook and
// ClearFailedHook that changed something. It starts at 0 for a File New
// returns or Parse reads, and saving does not change it. Apply compares
// revisions to write the state only when its content changed.
func (f *File) Revision() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.revision
}

// Outputs returns a copy of the recorded outputs, by name.
func (f *File) Outputs() map[string]cty.Value {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.outputs)
}

// Clone returns a deep copy of f, with its own lock.
func (f *File) Clone() *File {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &File{
		Serial:          f.Serial,
		Lineage:         f.Lineage,
		CertformVersion: f.CertformVersion,
		outputs:         maps.Clone(f.outputs),
		failedHooks:     maps.Clone(f.failedHooks),
		revision:        f.revision,
	}
	if f.resources != nil {
		c.resources = make(map[string]*Resource, len(f.resources))
		for addr, r := range f.resources {
			c.resources[addr] = r.clone()
		}
	}
	return c
}

// clone deep-copies r; cty values are immutable and are shared.
func (r *Resource) clone() *Resource {
	if r == nil {
		return nil
	}
	c := *r
	c.Dependencies = slices.Clone(r.Dependencies)
	c.Files = maps.Clone(r.Files)
	return &c
}

// FileHash returns the hash state records for a file's content:
// "sha256:" followed by the hex SHA-256 digest.
func FileHash(content []byte) string {
	sum := sha256.Sum256(content)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// CheckLineage returns a [*LineageError] when got, the lineage of the state
// at hand, is not want, the lineage a saved plan (or the caller) expects.
func CheckLineage(want, got string) error {
	if want != got {
		return &LineageError{Want: want, Got: got}
	}
	return nil
}

// newID returns a random UUID (version 4, RFC 9562) for lineages and lock
// ids.
func newID() string {
	var b [16]byte
	rand.Read(b[:])         // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
