package rotation

import (
	"fmt"
	"time"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/state"
)

// Confirm records in st that by confirmed the manual gate of stage of the
// rotation named name, at now (`certform rotation confirm`). Only the
// current stage's gate can be confirmed, and only when it has a confirm
// condition: a confirmation given before the stage began would confirm
// something that did not happen yet.
func Confirm(cfg *lang.Config, st *state.File, name, stage, by string, now time.Time) error {
	spec, rec, err := load(cfg, st, name)
	if err != nil {
		return err
	}
	i := spec.Index(stage)
	if i < 0 {
		return fmt.Errorf("rotation.%s has no stage %q; its stages are %s", name, stage, stageNames(spec))
	}
	g := spec.Stages[i].Gate
	if g == nil || g.Confirm == "" {
		return fmt.Errorf("stage %q of rotation.%s has no manual gate (confirm = \"...\"); certform checks its gate itself", stage, name)
	}
	cur := spec.Index(rec.Stage)
	switch {
	case rec.Status == StatusAbandoned:
		return fmt.Errorf("rotation.%s was abandoned; there is nothing to confirm", name)
	case cur < i:
		return fmt.Errorf("stage %q of rotation.%s has not begun (the rotation is %s); confirm it once certform apply has begun it and what it asks is true", stage, name, where(rec))
	case cur > i:
		return fmt.Errorf("stage %q of rotation.%s is over already (the rotation is %s)", stage, name, where(rec))
	}
	sr := rec.stage(stage)
	if sr.ConfirmedBy != "" {
		return fmt.Errorf("stage %q of rotation.%s was confirmed already, by %s at %s", stage, name, sr.ConfirmedBy, sr.ConfirmedAt.UTC().Format(time.RFC3339))
	}
	sr.ConfirmedBy, sr.ConfirmedAt = by, now
	save(st, name, rec, now)
	return nil
}

// RequestAbandon records in st that by asked, at now, to abandon the
// rotation named name (`certform rotation abandon`). The next plan shows
// what going back to the outgoing certificate changes, and apply does it.
// A rotation whose incoming certificate is active cannot be abandoned.
func RequestAbandon(cfg *lang.Config, st *state.File, name, by string, now time.Time) error {
	spec, rec, err := load(cfg, st, name)
	if err != nil {
		return err
	}
	switch {
	case rec.Status == StatusAbandoned:
		return fmt.Errorf("rotation.%s was abandoned already", name)
	case rec.AbandonBy != "":
		return fmt.Errorf("abandoning rotation.%s was requested already, by %s; run certform plan to see what it changes and certform apply to do it", name, rec.AbandonBy)
	case spec.Index(rec.Stage) >= spec.ActivateIndex():
		return fmt.Errorf("rotation.%s activated %s already (stage %q), so it cannot be abandoned: going back is a rotation of its own, from %s to %s",
			name, spec.Incoming, spec.Stages[spec.ActivateIndex()].Name, spec.Incoming, spec.Outgoing)
	}
	rec.AbandonBy, rec.AbandonAt = by, now
	save(st, name, rec, now)
	return nil
}

// load finds a rotation in the configuration and its record in the state.
func load(cfg *lang.Config, st *state.File, name string) (*Spec, *record, error) {
	addr := lang.Address{Kind: Kind, Name: name}
	r, ok := cfg.Resources[addr]
	if !ok {
		return nil, nil, fmt.Errorf("the configuration has no rotation %q", name)
	}
	spec, diags := Parse(r.Body)
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("rotation.%s: %w", name, diags)
	}
	res := st.Resource(addr.String())
	if res == nil {
		return nil, nil, fmt.Errorf("rotation.%s has not started: certform apply begins its first stage", name)
	}
	rec := readRecord(res.Attributes)
	if rec == nil {
		return nil, nil, fmt.Errorf("the state's record of rotation.%s is empty; run certform apply", name)
	}
	return spec, rec, nil
}

// save writes a changed record back into st.
func save(st *state.File, name string, rec *record, now time.Time) {
	addr := Kind + "." + name
	res := st.Resource(addr)
	res.Attributes = rec.value()
	res.UpdatedAt = now
	st.Set(res)
}

func where(rec *record) string {
	if rec.Stage == "" {
		return rec.Status
	}
	return fmt.Sprintf("in stage %q", rec.Stage)
}

func stageNames(s *Spec) string {
	out := ""
	for i, st := range s.Stages {
		if i > 0 {
			out += ", "
		}
		out += st.Name
	}
	return out
}
