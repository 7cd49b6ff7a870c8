package render

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/certform/certform/plan"
)

// Rotations writes the human view of rotations, as a plan and `certform
// rotation status` show them: the current stage, what the next stage
// changes, and whether its gate holds, condition by condition, with what to
// do about each one that does not.
func Rotations(w io.Writer, rots []*plan.Rotation, color bool) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	t := textView{w: bw, color: color}
	for _, r := range rots {
		t.rotation(r)
	}
}

func (t textView) rotations(p *plan.Plan) {
	if len(p.Rotations) == 0 {
		return
	}
	t.printf("%s\n\n", t.paint(bold, "Rotations:"))
	for _, r := range p.Rotations {
		t.rotation(r)
	}
}

func (t textView) rotation(r *plan.Rotation) {
	switch {
	case r.Status == "not started":
		t.printf("  %s: from %s to %s, not started (%d stages)\n", t.paint(bold, r.Address), r.Outgoing, r.Incoming, r.Stages)
	case r.Stage == "":
		t.printf("  %s: from %s to %s, %s\n", t.paint(bold, r.Address), r.Outgoing, r.Incoming, r.Status)
	default:
		t.printf("  %s: from %s to %s, %s, stage %d of %d %q (began %s)\n", t.paint(bold, r.Address), r.Outgoing, r.Incoming,
			r.Status, r.StageNumber, r.Stages, r.Stage, r.StageBegan.UTC().Format(time.RFC3339))
	}
	for _, c := range r.Confirmations {
		t.printf("    confirmed: stage %q by %s at %s\n", c.Stage, c.By, c.At.UTC().Format(time.RFC3339))
	}
	if len(r.Gate) > 0 {
		t.printf("    gate before %q:\n", r.NextStage)
		for _, g := range r.Gate {
			mark := t.paint(green, "ok  ")
			if !g.Met {
				mark = t.paint(red, "OPEN")
			}
			t.printf("      %s %s: %s\n", mark, g.Kind, g.Message)
			if !g.Met && g.Fix != "" {
				t.printf("           to close it: %s\n", g.Fix)
			}
		}
	}
	switch {
	case r.Abandons:
		t.printf("    %s this plan abandons the rotation: back to %s only\n", t.paint(red, "-"), r.Outgoing)
	case r.Enters != "":
		t.printf("    %s this plan begins stage %q, which:\n", t.paint(green, "+"), r.Enters)
	case r.NextStage != "" && r.Blocked:
		t.printf("    next stage %q waits for the gate above; it will:\n", r.NextStage)
	case r.NextStage != "":
		t.printf("    next stage %q will:\n", r.NextStage)
	}
	if !r.Abandons && r.NextStage != "" {
		for _, c := range r.NextChanges {
			t.printf("      - %s\n", c)
		}
	}
	if len(r.Pending) > 0 {
		t.printf("    still to be made for stage %q (an earlier apply stopped half-way):\n", r.Stage)
		for _, p := range r.Pending {
			t.printf("      - %s\n", p)
		}
	}
	if len(r.Held) > 0 {
		t.printf("    held back:\n")
		for _, h := range r.Held {
			t.printf("      - %s\n", h)
		}
	}
	t.printf("\n")
}

// rotationsMarkdown writes one line per rotation and a list of its gate
// conditions, for a reviewer to see what a stage waits for.
func rotationsMarkdown(w io.Writer, rots []*plan.Rotation) {
	for _, r := range rots {
		where := r.Status
		if r.Stage != "" {
			where = fmt.Sprintf("%s, stage %d of %d `%s`", r.Status, r.StageNumber, r.Stages, r.Stage)
		}
		switch {
		case r.Abandons:
			fmt.Fprintf(w, "**`%s`** (%s): this plan abandons it, back to `%s`.\n\n", r.Address, where, r.Outgoing)
		case r.Enters != "":
			fmt.Fprintf(w, "**`%s`** (%s): this plan begins stage `%s`.\n\n", r.Address, where, r.Enters)
		case r.NextStage != "":
			fmt.Fprintf(w, "**`%s`** (%s): stage `%s` waits for its gate.\n\n", r.Address, where, r.NextStage)
		default:
			fmt.Fprintf(w, "**`%s`** (%s).\n\n", r.Address, where)
		}
		for _, g := range r.Gate {
			mark := "ok"
			if !g.Met {
				mark = "**open**"
			}
			fmt.Fprintf(w, "- %s %s: %s\n", mark, g.Kind, escapeCell(g.Message))
		}
		if len(r.Gate) > 0 {
			fmt.Fprintln(w)
		}
	}
}

// JSONRotation is a rotation in the JSON document of a plan and of
// `certform rotation status -json`.
type JSONRotation struct {
	Address       string             `json:"address"`
	Outgoing      string             `json:"outgoing"`
	Incoming      string             `json:"incoming"`
	Status        string             `json:"status"`
	Stage         string             `json:"stage"`
	StageNumber   int                `json:"stage_number"`
	Stages        int                `json:"stages"`
	StageBegan    string             `json:"stage_began,omitempty"`
	Enters        string             `json:"enters"`
	Abandons      bool               `json:"abandons"`
	NextStage     string             `json:"next_stage"`
	NextChanges   []string           `json:"next_changes"`
	Blocked       bool               `json:"blocked"`
	Gate          []JSONGate         `json:"gate"`
	Pending       []string           `json:"pending"`
	Held          []string           `json:"held"`
	Confirmations []JSONConfirmation `json:"confirmations"`
}

// JSONGate is one condition of a gate.
type JSONGate struct {
	Kind    string   `json:"kind"`
	Met     bool     `json:"met"`
	Message string   `json:"message"`
	Fix     string   `json:"fix,omitempty"`
	Missing []string `json:"missing"`
}

// JSONConfirmation is a recorded manual confirmation.
type JSONConfirmation struct {
	Stage string `json:"stage"`
	By    string `json:"by"`
	At    string `json:"at"`
}

// RotationsJSON converts rotations to their JSON form.
func RotationsJSON(rots []*plan.Rotation) []JSONRotation {
	out := []JSONRotation{}
	for _, r := range rots {
		j := JSONRotation{
			Address: r.Address, Outgoing: r.Outgoing, Incoming: r.Incoming, Status: r.Status,
			Stage: r.Stage, StageNumber: r.StageNumber, Stages: r.Stages, Enters: r.Enters, Abandons: r.Abandons,
			NextStage: r.NextStage, NextChanges: orEmpty(r.NextChanges), Blocked: r.Blocked,
			Gate: []JSONGate{}, Pending: orEmpty(r.Pending), Held: orEmpty(r.Held), Confirmations: []JSONConfirmation{},
		}
		if !r.StageBegan.IsZero() {
			j.StageBegan = r.StageBegan.UTC().Format(time.RFC3339)
		}
		for _, g := range r.Gate {
			j.Gate = append(j.Gate, JSONGate{Kind: g.Kind, Met: g.Met, Message: g.Message, Fix: g.Fix, Missing: orEmpty(g.Missing)})
		}
		for _, c := range r.Confirmations {
			j.Confirmations = append(j.Confirmations, JSONConfirmation{Stage: c.Stage, By: c.By, At: c.At.UTC().Format(time.RFC3339)})
		}
		out = append(out, j)
	}
	return out
}
