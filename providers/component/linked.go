package component

import (
	"errors"
	"io/fs"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/ini"
)

var _ providers.Linker = (*Provider)(nil)

// Linked implements providers.Linker: url is tied to original, the value
// the key held before certform set it. When the URL is sensitive (it
// holds a password, say), the URL it replaced is taken to be as well: it
// is hidden in plans and left out of the state.
func (p *Provider) Linked(path cty.Path) []cty.Path {
	if len(path) != 1 {
		return nil
	}
	if s, ok := path[0].(cty.GetAttrStep); !ok || s.Name != "url" {
		return nil
	}
	return []cty.Path{{cty.GetAttrStep{Name: "original"}}}
}

// fillOriginal completes the original value the state left out because
// the URL was sensitive (see Linked): the state records it as null, and
// the file's backup, the file as it was before certform first changed it,
// holds it. A key the backup does not hold stays null: certform added it.
// A value filled in so never goes back into the state (edit).
func (s *state) fillOriginal(fsys providers.FS) error {
	if !s.original.IsNull() {
		return nil
	}
	data, err := fsys.ReadFile(s.file + ini.BackupSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	doc, err := ini.Parse(data)
	if err != nil {
		return err
	}
	if v, ok := doc.Get(s.section, s.key); ok {
		s.original, s.originalFromBackup = cty.StringVal(v), true
	}
	return nil
}

// holdsSecrets reports whether the file may hold a value the state left
// out as sensitive: the URL, or the original read from the backup. Diffs
// of the file are then hidden, since by the time they are shown (a destroy
// after the variable was removed) the values are not known to be secrets.
func (s *state) holdsSecrets() bool {
	return s.url.IsNull() || s.originalFromBackup
}
