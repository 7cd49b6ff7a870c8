package component

import (
	"fmt"
	"strconv"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/ini"
)

// read returns the live state of prior's key, nil when its file is gone.
func read(fsys providers.FS, prior *state) (*state, error) {
	f, err := ini.Load(fsys, prior.file)
	if err != nil || !f.Exists {
		return nil, err
	}
	live := *prior
	live.url = cty.NullVal(cty.String)
	if v, ok := f.Doc.Get(prior.section, prior.key); ok {
		live.url = cty.StringVal(v)
	}
	return &live, nil
}

// edit sets the configured URL in f, and works out the state to record:
// the original value comes from prior when it managed the same key, and
// from the file otherwise. It reports whether the URL is still unknown and
// why the file changes.
func edit(f *ini.File, prior *state, cfg *config) (next *state, unknown bool, reasons []string, err error) {
	next = &state{target: cfg.target, url: cfg.url}
	if prior != nil && prior.same(cfg.target) {
		next.original, next.createdSection = prior.original, prior.createdSection
		if prior.originalFromBackup {
			// The state left it out as sensitive: it stays out.
			next.original = cty.NullVal(cty.String)
		}
	} else {
		next.original = cty.NullVal(cty.String)
		if v, ok := f.Doc.Get(cfg.section, cfg.key); ok {
			next.original = cty.StringVal(v)
		}
		next.createdSection = !f.Doc.HasSection(cfg.section)
	}
	if !cfg.url.IsKnown() {
		return next, true, []string{fmt.Sprintf("%s will be set to a URL known after apply", cfg.target)}, nil
	}
	url := cfg.url.AsString()
	cur, ok := f.Doc.Get(cfg.section, cfg.key)
	if ok && cur == url {
		return next, false, nil, nil
	}
	if err := f.Doc.Set(cfg.section, cfg.key, url, ini.String); err != nil {
		return nil, false, nil, fmt.Errorf("setting %s: %w", cfg.target, err)
	}
	if ok {
		reasons = append(reasons, fmt.Sprintf("%s changed from %s to %s", cfg.target, strconv.Quote(cur), strconv.Quote(url)))
	} else {
		reasons = append(reasons, fmt.Sprintf("%s added with value %s", cfg.target, strconv.Quote(url)))
	}
	return next, false, reasons, nil
}

// undo loads prior's file and restores the key in memory, nil when the
// file is gone.
func undo(fsys providers.FS, prior *state) (*ini.File, error) {
	f, err := ini.Load(fsys, prior.file)
	if err != nil || !f.Exists {
		return nil, err
	}
	if err := f.Doc.Restore(prior.section, prior.key, prior.originalPtr(), !prior.createdSection); err != nil {
		return nil, fmt.Errorf("restoring %s: %w", prior.target, err)
	}
	return f, nil
}

// destroy restores prior's key on disk, under the file's lock.
func destroy(fsys providers.FS, prior *state) error {
	unlock := fsys.Lock(prior.file)
	defer unlock()
	f, err := undo(fsys, prior)
	if err != nil || f == nil {
		return err
	}
	return f.Save(fsys)
}
