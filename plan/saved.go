package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
)

// SavedFormatVersion is the version of the plan files `plan -out` writes.
const SavedFormatVersion = 1

// Saved is a plan file: what a plan was made from and a fingerprint of what
// it decided. `apply FILE` plans again from the same inputs and applies only
// if the state, the configuration and the outcome are unchanged, so a
// reviewed plan is exactly what happens. Sensitive variable values are not
// written; they must be given again when the plan is applied.
type Saved struct {
	FormatVersion int      `json:"format_version"`
	Lineage       string   `json:"lineage"`
	Serial        uint64   `json:"serial"`
	ConfigHash    string   `json:"config_hash"`
	Destroy       bool     `json:"destroy"`
	Refresh       bool     `json:"refresh"`
	Targets       []string `json:"targets"`
	// Variables holds the non-sensitive variable values as -var flags
	// would give them (JSON text).
	Variables map[string]json.RawMessage `json:"variables"`
	// Fingerprint summarizes every action and file edit.
	Fingerprint string `json:"fingerprint"`
	Summary     string `json:"summary"`
}

// NewSaved describes p for a plan file.
func NewSaved(p *Plan, vars map[string]cty.Value, refresh bool) (*Saved, error) {
	s := &Saved{
		FormatVersion: SavedFormatVersion,
		Lineage:       p.Lineage,
		Serial:        p.Serial,
		ConfigHash:    p.ConfigHash,
		Destroy:       p.Destroy,
		Refresh:       refresh,
		Targets:       p.Targets,
		Variables:     map[string]json.RawMessage{},
		Fingerprint:   Fingerprint(p),
	}
	a, c, r, d := p.Counts()
	s.Summary = fmt.Sprintf("%d to add, %d to change, %d to replace, %d to destroy", a, c, r, d)
	for name, v := range vars {
		if v.ContainsMarked() {
			continue
		}
		data, err := ctyjson.Marshal(v, cty.DynamicPseudoType)
		if err != nil {
			return nil, fmt.Errorf("encoding variable %s: %w", name, err)
		}
		s.Variables[name] = data
	}
	return s, nil
}

// Write stores the plan file at path (mode 0600: it may name hosts and
// paths a reviewer should see but others need not).
func (s *Saved) Write(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding plan: %w", err)
	}
	return providers.WriteFileAtomic(path, append(data, '\n'), 0o600)
}

// ReadSaved reads a plan file written by Write.
func ReadSaved(path string) (*Saved, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan file %s: %w", path, err)
	}
	var s Saved
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("plan file %s is not a certform plan (%v): make a new one with certform plan -out %s", path, err, path)
	}
	if s.FormatVersion != SavedFormatVersion {
		return nil, fmt.Errorf("plan file %s has format version %d; this certform reads version %d: make a new one with certform plan -out", path, s.FormatVersion, SavedFormatVersion)
	}
	return &s, nil
}

// VariableValues decodes the stored variable values.
func (s *Saved) VariableValues() (map[string]cty.Value, error) {
	out := map[string]cty.Value{}
	for name, raw := range s.Variables {
		v, err := ctyjson.Unmarshal(raw, cty.DynamicPseudoType)
		if err != nil {
			return nil, fmt.Errorf("decoding variable %s from the plan file: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// TargetAddresses parses the stored targets.
func (s *Saved) TargetAddresses() ([]lang.Address, error) {
	var out []lang.Address
	for _, t := range s.Targets {
		a, err := lang.ParseAddress(t)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// StaleError explains why a saved plan cannot be applied any more.
type StaleError struct {
	Path   string
	Reason string
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("the saved plan %s is stale: %s. Run certform plan -out %s again, review it, and apply the new plan", e.Path, e.Reason, e.Path)
}

// Check compares a fresh plan with the saved one and returns a *StaleError
// when the state, the configuration or the outcome moved.
func (s *Saved) Check(path string, fresh *Plan) error {
	switch {
	case s.Lineage == "" && fresh.Lineage != "":
		return &StaleError{path, "it was made before any state existed, and the state changed since (it now has serial " + fmt.Sprint(fresh.Serial) + ")"}
	case fresh.Lineage != s.Lineage:
		return &StaleError{path, fmt.Sprintf("it was made for state lineage %s, but the state now has lineage %s", s.Lineage, fresh.Lineage)}
	case fresh.Serial != s.Serial:
		return &StaleError{path, fmt.Sprintf("the state changed since (serial %d, now %d)", s.Serial, fresh.Serial)}
	case fresh.ConfigHash != s.ConfigHash:
		return &StaleError{path, "the configuration or a variable value changed since"}
	case Fingerprint(fresh) != s.Fingerprint:
		return &StaleError{path, "files or certificates changed outside certform since, so the actions would differ"}
	}
	return nil
}

// Fingerprint summarizes a plan's actions and file edits.
func Fingerprint(p *Plan) string {
	h := sha256.New()
	for _, c := range p.Changes {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Address, c.Action)
		files := append([]providers.FileChange{}, c.Files...)
		sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
		for _, f := range files {
			fmt.Fprintf(h, "%s\x00%v\x00%v\x00", f.Path, f.AfterUnknown, f.Sensitive)
			if f.Sensitive {
				// Secret content is not hashed into a file others may read.
				continue
			}
			fmt.Fprintf(h, "%x\x00", sha256.Sum256(f.Before))
			if !f.AfterUnknown {
				fmt.Fprintf(h, "%x\x00", sha256.Sum256(f.After))
			}
		}
	}
	for _, hr := range p.Hooks {
		fmt.Fprintf(h, "hook\x00%s\x00", hr.Address)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
