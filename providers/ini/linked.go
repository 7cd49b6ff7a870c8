package ini

import (
	"errors"
	"io/fs"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

var _ providers.Linker = (*Provider)(nil)

// Linked implements providers.Linker: keys.SECTION.KEY is tied to
// original.SECTION.KEY, the value the key had before certform.
func (p *Provider) Linked(path cty.Path) []cty.Path {
	if len(path) != 3 {
		return nil
	}
	if s, ok := path[0].(cty.GetAttrStep); !ok || s.Name != "keys" {
		return nil
	}
	out := make(cty.Path, len(path))
	copy(out, path)
	out[0] = cty.GetAttrStep{Name: "original"}
	return []cty.Path{out}
}

// fillOriginals completes the original values the state left out because
// they were sensitive (see Linked): such a value is null in the state, and
// the file's backup, the file as it was before certform first changed it,
// holds it. A key the backup does not hold stays null: certform added it.
func (s *state) fillOriginals(fsys providers.FS) error {
	var missing []int
	for i, e := range s.original {
		if e.value.IsNull() {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	data, err := fsys.ReadFile(s.path + BackupSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := Parse(data)
	if err != nil {
		return err
	}
	for _, i := range missing {
		e := s.original[i]
		if v, ok := doc.Get(e.section, e.key); ok {
			s.original[i].value = cty.StringVal(v)
			s.original[i].fromBackup = true
		}
	}
	return nil
}

// dropsKeys reports whether s manages a key that cfg no longer names.
func (s *state) dropsKeys(cfg *config) bool {
	for _, e := range s.keys {
		if find(cfg.keys, e.section, e.key) < 0 {
			return true
		}
	}
	return false
}

// holdsSecrets reports whether the file may hold a value the state left
// out as sensitive: a managed key's value, or an original read from the
// backup. Diffs of the file are then hidden, since the values in them are
// not known to be secrets by the time they are shown (a destroy after the
// variable was removed).
func (s *state) holdsSecrets() bool {
	for _, e := range s.keys {
		if e.value.IsNull() {
			return true
		}
	}
	for _, e := range s.original {
		if e.fromBackup {
			return true
		}
	}
	return false
}
