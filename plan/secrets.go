package plan

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"
)

// secrets collects the sensitive values of a run (sensitive variables and
// every value a block computed from them), so that whatever holds one can be
// hidden: a leaf of a planned or live value, a file diff, a reason. Hiding by
// value rather than by configuration path works whatever shape a provider
// gives its values, and catches a secret read back from a live file. It is
// safe for concurrent use.
type secrets struct {
	mu   sync.RWMutex
	list []string
}

// add records every primitive leaf of v as a secret.
func (s *secrets) add(v cty.Value) {
	v, _ = v.UnmarkDeep()
	var found []string
	_ = cty.Walk(v, func(_ cty.Path, leaf cty.Value) (bool, error) {
		if str, ok := leafString(leaf); ok && str != "" {
			found = append(found, str)
		}
		return true, nil
	})
	if len(found) == 0 {
		return
	}
	s.mu.Lock()
	s.list = append(s.list, found...)
	s.mu.Unlock()
}

func (s *secrets) empty() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.list) == 0
}

// paths returns the paths of the leaves of v that hold a secret.
func (s *secrets) paths(v cty.Value) []cty.Path {
	if s.empty() || v == cty.NilVal {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []cty.Path
	_ = cty.Walk(v, func(p cty.Path, leaf cty.Value) (bool, error) {
		str, ok := leafString(leaf)
		if !ok {
			return true, nil
		}
		for _, sec := range s.list {
			if holds(str, sec) {
				out = append(out, p.Copy())
				break
			}
		}
		return true, nil
	})
	return out
}

// inText reports whether data holds a secret.
func (s *secrets) inText(data []byte) bool {
	if s.empty() || len(data) == 0 {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, sec := range s.list {
		if len(sec) >= minSecretInText && bytes.Contains(data, []byte(sec)) {
			return true
		}
	}
	return false
}

// quotedIn reports whether text quotes a secret as a whole string, as %q
// writes it ("abc"): it finds in reasons the secrets too short for inText.
func (s *secrets) quotedIn(text string) bool {
	if s.empty() {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, sec := range s.list {
		if strings.Contains(text, strconv.Quote(sec)) {
			return true
		}
	}
	return false
}

// minSecretInText is the shortest secret looked for inside longer text: a
// secret of one to three characters ("1", "yes") would match nearly
// everything, so such values are hidden only where they stand alone.
const minSecretInText = 4

// holds reports whether str is, or contains, the secret.
func holds(str, secret string) bool {
	return str == secret || (len(secret) >= minSecretInText && strings.Contains(str, secret))
}

// leafString returns the text of a known primitive value.
func leafString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() || v.IsMarked() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	}
	return "", false
}

// unionPaths merges path lists without duplicates.
func unionPaths(lists ...[]cty.Path) []cty.Path {
	var out []cty.Path
	for _, l := range lists {
		for _, p := range l {
			dup := false
			for _, q := range out {
				if p.Equals(q) {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, p)
			}
		}
	}
	return out
}
