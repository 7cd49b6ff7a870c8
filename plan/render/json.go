package render

import (
	"encoding/json"
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/plan"
)

// JSONFormatVersion is the version of the document JSON writes. Fields are
// only ever added within a major version; see docs/json-format.md.
const JSONFormatVersion = "1.0"

// JSONPlan is the machine-readable form of a plan (`certform show -json`).
type JSONPlan struct {
	FormatVersion string          `json:"format_version"`
	Lineage       string          `json:"lineage"`
	Serial        uint64          `json:"serial"`
	ConfigHash    string          `json:"config_hash"`
	Destroy       bool            `json:"destroy"`
	Drift         []JSONDrift     `json:"drift"`
	Changes       []JSONChange    `json:"resource_changes"`
	Hooks         []JSONHook      `json:"hooks"`
	Outputs       map[string]any  `json:"outputs"`
	Warnings      []JSONDiagnosis `json:"warnings"`
	Findings      []JSONFinding   `json:"findings"`
	Rotations     []JSONRotation  `json:"rotations"`
	Summary       JSONSummary     `json:"summary"`
}

// JSONDrift is a change found on refresh.
type JSONDrift struct {
	Address  string `json:"address"`
	Recorded any    `json:"recorded"`
	Live     any    `json:"live"`
}

// JSONChange is one resource's planned action. Values unknown until apply
// are null in After and listed by attribute name in AfterUnknown; sensitive
// values are null and listed in AfterSensitive.
type JSONChange struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	Action  string `json:"action"`
	// Actions spells the action out in the order apply carries it out,
	// as Terraform's plan does: ["create"], ["delete", "create"] for a
	// replace that removes the old object first, ["create", "delete"]
	// for one that makes the new object first.
	Actions        []string   `json:"actions"`
	Reasons        []string   `json:"reasons"`
	Before         any        `json:"before"`
	After          any        `json:"after"`
	AfterUnknown   []string   `json:"after_unknown"`
	AfterSensitive []string   `json:"after_sensitive"`
	Files          []JSONFile `json:"files"`
	Dependencies   []string   `json:"dependencies"`
	// Held says why a rotation keeps the resource as it is; omitted
	// when it does not.
	Held string `json:"held,omitempty"`
}

// JSONFile is a file edit, with its unified diff ("" when the content is
// unknown or secret).
type JSONFile struct {
	Path         string `json:"path"`
	Action       string `json:"action"`
	Diff         string `json:"diff"`
	AfterUnknown bool   `json:"after_unknown"`
	Sensitive    bool   `json:"sensitive"`
}

// JSONHook is a hook that will run.
type JSONHook struct {
	Address     string   `json:"address"`
	TriggeredBy []string `json:"triggered_by"`
	// Retry says why a hook that failed in an earlier apply runs again;
	// omitted when it did not fail.
	Retry string `json:"retry,omitempty"`
}

// JSONDiagnosis is a warning.
type JSONDiagnosis struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    string `json:"range,omitempty"`
}

// JSONSummary counts the actions.
type JSONSummary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Replace int `json:"replace"`
	Destroy int `json:"destroy"`
}

// ToJSON converts a plan to its JSON document.
func ToJSON(p *plan.Plan) JSONPlan {
	out := JSONPlan{
		FormatVersion: JSONFormatVersion,
		Lineage:       p.Lineage,
		Serial:        p.Serial,
		ConfigHash:    p.ConfigHash,
		Destroy:       p.Destroy,
		Drift:         []JSONDrift{},
		Changes:       []JSONChange{},
		Hooks:         []JSONHook{},
		Outputs:       map[string]any{},
		Warnings:      []JSONDiagnosis{},
		Findings:      FindingsJSON(p.Findings),
		Rotations:     RotationsJSON(p.Rotations),
	}
	for _, d := range p.Drift {
		out.Drift = append(out.Drift, JSONDrift{Address: d.Address, Recorded: plain(d.Recorded, d.Sensitive), Live: plain(d.Live, d.Sensitive)})
	}
	for _, c := range p.Changes {
		jc := JSONChange{
			Address:        c.Address,
			Kind:           c.Kind,
			Action:         c.Action.String(),
			Actions:        actionSteps(c),
			Reasons:        orEmpty(c.Reasons),
			Before:         plain(c.Before, c.Sensitive),
			After:          plain(c.After, c.Sensitive),
			AfterUnknown:   unknownAttributes(c.After),
			AfterSensitive: []string{},
			Files:          []JSONFile{},
			Dependencies:   orEmpty(c.Dependencies),
			Held:           c.Held,
		}
		for _, s := range c.Sensitive {
			jc.AfterSensitive = append(jc.AfterSensitive, pathString(s))
		}
		for _, f := range c.Files {
			jf := JSONFile{Path: f.Path, AfterUnknown: f.AfterUnknown, Sensitive: f.Sensitive}
			switch {
			case f.Before == nil:
				jf.Action = "create"
			case f.After == nil && !f.AfterUnknown:
				jf.Action = "delete"
			default:
				jf.Action = "update"
			}
			if !f.Sensitive && !f.AfterUnknown {
				jf.Diff = UnifiedDiff(f.Path, f.Before, f.After)
			}
			jc.Files = append(jc.Files, jf)
		}
		out.Changes = append(out.Changes, jc)
	}
	for _, h := range p.Hooks {
		out.Hooks = append(out.Hooks, JSONHook{Address: h.Address, TriggeredBy: h.TriggeredBy, Retry: h.Retry})
	}
	for _, n := range sortedOutputNames(p) {
		o := p.Outputs[n]
		if o.Sensitive {
			out.Outputs[n] = map[string]any{"sensitive": true, "value": nil}
		} else {
			out.Outputs[n] = map[string]any{"sensitive": false, "value": plain(o.Value, nil)}
		}
	}
	for _, d := range p.Warnings {
		out.Warnings = append(out.Warnings, diagnosis(d))
	}
	out.Summary.Add, out.Summary.Change, out.Summary.Replace, out.Summary.Destroy = p.Counts()
	return out
}

// JSON writes the plan's JSON document, indented, with a final newline.
func JSON(w io.Writer, p *plan.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ToJSON(p))
}

func diagnosis(d *hcl.Diagnostic) JSONDiagnosis {
	out := JSONDiagnosis{Summary: d.Summary, Detail: d.Detail, Severity: "warning"}
	if d.Severity == hcl.DiagError {
		out.Severity = "error"
	}
	if d.Subject != nil {
		out.Range = d.Subject.String()
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// plain converts a value to plain JSON data: unknowns and sensitive paths
// become null.
func plain(v cty.Value, sensitive []cty.Path) any {
	if v == cty.NilVal || v.IsNull() {
		return nil
	}
	v, _ = v.UnmarkDeep()
	v, _ = cty.Transform(v, func(p cty.Path, v cty.Value) (cty.Value, error) {
		for _, s := range sensitive {
			if p.Equals(s) {
				return cty.NullVal(v.Type()), nil
			}
		}
		if !v.IsKnown() {
			return cty.NullVal(v.Type()), nil
		}
		return v, nil
	})
	if !v.IsKnown() {
		return nil
	}
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(data, &out) != nil {
		return nil
	}
	return out
}

// unknownAttributes lists the top-level attributes not known until apply.
func unknownAttributes(v cty.Value) []string {
	out := []string{}
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return out
	}
	names, m := attributes(v)
	for _, n := range names {
		if !m[n].IsWhollyKnown() {
			out = append(out, n)
		}
	}
	return out
}

func pathString(p cty.Path) string {
	s := ""
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			if s != "" {
				s += "."
			}
			s += st.Name
		case cty.IndexStep:
			if st.Key.Type() == cty.String {
				s += "[" + st.Key.AsString() + "]"
			} else {
				s += "[" + st.Key.AsBigFloat().String() + "]"
			}
		}
	}
	return s
}

// actionSteps returns a change's action as the steps apply takes, in order.
func actionSteps(c *plan.Change) []string {
	switch {
	case c.Action == plan.Replace && c.CreateBeforeDestroy:
		return []string{"create", "delete"}
	case c.Action == plan.Replace:
		return []string{"delete", "create"}
	}
	return []string{c.Action.String()}
}
