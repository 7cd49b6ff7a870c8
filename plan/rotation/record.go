package rotation

import (
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Statuses of a rotation, as the state records them.
const (
	StatusNotStarted = "not started"
	StatusInProgress = "in progress"
	StatusComplete   = "complete"
	StatusAbandoned  = "abandoned"
)

// record is what the state holds about a rotation (the attributes of
// rotation.NAME): which stage it is in, when each stage began and who
// confirmed its gate. It holds addresses, never certificate contents.
type record struct {
	Outgoing, Incoming string
	Status             string
	// Stage is the current stage, "" before the first and after
	// abandoning.
	Stage string
	// Active is "outgoing" or "incoming"; Installed lists which of the two
	// must be installed now.
	Active    string
	Installed []string
	// Reached says, for every stage of the configuration, whether it has
	// begun.
	Reached map[string]bool
	// Stages holds what happened in each stage that began or was
	// confirmed, by name.
	Stages map[string]*stageRecord
	// AbandonBy and AbandonAt record `certform rotation abandon`.
	AbandonBy string
	AbandonAt time.Time
}

// stageRecord is the history of one stage.
type stageRecord struct {
	BeganAt     time.Time
	ConfirmedBy string
	ConfirmedAt time.Time
}

func (r *record) stage(name string) *stageRecord {
	if r.Stages == nil {
		r.Stages = map[string]*stageRecord{}
	}
	if r.Stages[name] == nil {
		r.Stages[name] = &stageRecord{}
	}
	return r.Stages[name]
}

// clone deep-copies r.
func (r *record) clone() *record {
	c := *r
	c.Installed = append([]string(nil), r.Installed...)
	c.Reached = map[string]bool{}
	for k, v := range r.Reached {
		c.Reached[k] = v
	}
	c.Stages = map[string]*stageRecord{}
	for k, v := range r.Stages {
		s := *v
		c.Stages[k] = &s
	}
	return &c
}

// value encodes r as the state records it.
func (r *record) value() cty.Value {
	reached := map[string]cty.Value{}
	for k, v := range r.Reached {
		reached[k] = cty.BoolVal(v)
	}
	stages := map[string]cty.Value{}
	for k, s := range r.Stages {
		stages[k] = cty.ObjectVal(map[string]cty.Value{
			"began_at":     timeValue(s.BeganAt),
			"confirmed_by": stringOrNull(s.ConfirmedBy),
			"confirmed_at": timeValue(s.ConfirmedAt),
		})
	}
	installed := make([]cty.Value, len(r.Installed))
	for i, s := range r.Installed {
		installed[i] = cty.StringVal(s)
	}
	return cty.ObjectVal(map[string]cty.Value{
		"outgoing":   cty.StringVal(r.Outgoing),
		"incoming":   cty.StringVal(r.Incoming),
		"status":     cty.StringVal(r.Status),
		"stage":      cty.StringVal(r.Stage),
		"active":     cty.StringVal(r.Active),
		"installed":  cty.TupleVal(installed),
		"reached":    cty.ObjectVal(reached),
		"stages":     cty.ObjectVal(stages),
		"abandon_by": stringOrNull(r.AbandonBy),
		"abandon_at": timeValue(r.AbandonAt),
	})
}

// readRecord decodes a recorded value; nil when v is null. Values from the
// state come back as plain JSON (tuples, objects), which it accepts.
func readRecord(v cty.Value) *record {
	if !providers.Exists(v) || !v.Type().IsObjectType() {
		return nil
	}
	r := &record{
		Outgoing:  providers.String(v, "outgoing"),
		Incoming:  providers.String(v, "incoming"),
		Status:    providers.String(v, "status"),
		Stage:     providers.String(v, "stage"),
		Active:    providers.String(v, "active"),
		Installed: providers.Strings(v, "installed"),
		Reached:   map[string]bool{},
		Stages:    map[string]*stageRecord{},
		AbandonBy: providers.String(v, "abandon_by"),
		AbandonAt: parseTime(providers.String(v, "abandon_at")),
	}
	for k, e := range elements(providers.Attr(v, "reached")) {
		r.Reached[k] = e.Type() == cty.Bool && e.IsKnown() && !e.IsNull() && e.True()
	}
	for k, e := range elements(providers.Attr(v, "stages")) {
		r.Stages[k] = &stageRecord{
			BeganAt:     parseTime(providers.String(e, "began_at")),
			ConfirmedBy: providers.String(e, "confirmed_by"),
			ConfirmedAt: parseTime(providers.String(e, "confirmed_at")),
		}
	}
	return r
}

// elements returns the attributes of an object or the elements of a map.
func elements(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if !providers.Exists(v) || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e
	}
	return out
}

// Times are recorded in UTC with second precision, like the state's own.
func timeValue(t time.Time) cty.Value {
	if t.IsZero() {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(t.UTC().Truncate(time.Second).Format(time.RFC3339))
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func stringOrNull(s string) cty.Value {
	if s == "" {
		return cty.NullVal(cty.String)
	}
	return cty.StringVal(s)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
