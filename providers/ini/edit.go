package ini

import (
	"fmt"
	"strconv"

	"github.com/zclconf/go-cty/cty"
)

// change is the outcome of editing a document towards a configuration.
type change struct {
	next    *state
	reasons []string
	// unknown is set when some value is known only after apply; the
	// document then lacks those values.
	unknown bool
}

// edit changes doc towards cfg. It restores the keys prior managed that cfg
// no longer names to their original values, sets every configured key, and
// works out the state to record, with the original value of each key.
// exists says whether the file existed; prior is nil for a new resource.
// An empty cfg undoes everything prior did: that is delete.
func edit(doc *Document, exists bool, prior *state, cfg *config) (*change, error) {
	next := &state{
		path:        cfg.path,
		create:      cfg.create,
		createdFile: !exists || (prior != nil && prior.createdFile),
	}
	ch := &change{next: next}
	if prior != nil && !exists {
		// The file is gone, and what it held with it.
		prior = nil
	}
	if prior != nil {
		for _, e := range prior.keys {
			if find(cfg.keys, e.section, e.key) >= 0 {
				continue
			}
			var orig *string
			if i := find(prior.original, e.section, e.key); i >= 0 && !prior.original[i].value.IsNull() {
				s := prior.original[i].value.AsString()
				orig = &s
			}
			existed := !containsFold(prior.absent, e.section) || hasSection(cfg.keys, e.section)
			before, had := doc.Get(e.section, e.key)
			if err := doc.Restore(e.section, e.key, orig, existed); err != nil {
				return nil, fmt.Errorf("restoring %s: %w", label(e.section, e.key), err)
			}
			switch {
			case orig != nil && (!had || before != *orig) && prior.original[find(prior.original, e.section, e.key)].fromBackup:
				ch.reasons = append(ch.reasons, fmt.Sprintf("%s is no longer managed: restored to its value from before certform (hidden: it was sensitive)", label(e.section, e.key)))
			case orig != nil && (!had || before != *orig):
				ch.reasons = append(ch.reasons, fmt.Sprintf("%s is no longer managed: restored to %s", label(e.section, e.key), strconv.Quote(*orig)))
			case orig == nil && had:
				ch.reasons = append(ch.reasons, fmt.Sprintf("%s is no longer managed: removed", label(e.section, e.key)))
			}
		}
	}
	for _, w := range cfg.keys {
		next.remember(doc, prior, w)
		next.keys = append(next.keys, entry{section: w.section, key: w.key, value: w.value})
		if !w.value.IsKnown() {
			ch.unknown = true
			ch.reasons = append(ch.reasons, fmt.Sprintf("%s will be set to a value known after apply", label(w.section, w.key)))
			continue
		}
		v := w.value.AsString()
		cur, ok := doc.Get(w.section, w.key)
		if ok && cur == v {
			continue
		}
		if err := doc.Set(w.section, w.key, v, w.kind); err != nil {
			return nil, fmt.Errorf("setting %s: %w", label(w.section, w.key), err)
		}
		if ok {
			ch.reasons = append(ch.reasons, fmt.Sprintf("%s changed from %s to %s", label(w.section, w.key), strconv.Quote(cur), strconv.Quote(v)))
		} else {
			ch.reasons = append(ch.reasons, fmt.Sprintf("%s added with value %s", label(w.section, w.key), strconv.Quote(v)))
		}
	}
	return ch, nil
}

// remember records the original value of a configured key, before it is
// set: as prior recorded it, or else as doc holds it now. Names are
// recorded as configured.
func (s *state) remember(doc *Document, prior *state, w entry) {
	switch {
	case containsFold(s.absent, w.section):
	case prior != nil && containsFold(prior.absent, w.section),
		!doc.HasSection(w.section) && (prior == nil || !hasSection(prior.original, w.section)):
		s.absent = append(s.absent, w.section)
	case prior != nil && find(prior.original, w.section, w.key) >= 0:
		v := prior.original[find(prior.original, w.section, w.key)].value
		s.original = append(s.original, entry{section: w.section, key: w.key, value: v})
	default:
		v := cty.NullVal(cty.String)
		if cur, ok := doc.Get(w.section, w.key); ok {
			v = cty.StringVal(cur)
		}
		s.original = append(s.original, entry{section: w.section, key: w.key, value: v})
	}
}

// label names a key for a reason: "[Section] Key", or just "Key" before
// the first section.
func label(section, key string) string {
	if section == "" {
		return key
	}
	return "[" + section + "] " + key
}
