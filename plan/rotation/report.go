package rotation

import (
	"fmt"
	"sort"
	"strings"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
)

// Report implements plan.Rotator: it describes every rotation Prepare
// staged, with what the finished plan does to the blocks of its stages.
func (p *Provider) Report(pl *plan.Plan) []*plan.Rotation {
	p.mu.Lock()
	decisions := p.decisions
	p.mu.Unlock()
	changes := map[string]*plan.Change{}
	for _, c := range pl.Changes {
		changes[c.Address] = c
	}
	var out []*plan.Rotation
	for _, addr := range sortedNames(decisions) {
		out = append(out, decisions[addr].report(changes))
	}
	return out
}

func (d *decision) report(changes map[string]*plan.Change) *plan.Rotation {
	s, pr := d.spec, d.prior
	r := &plan.Rotation{
		Address:  d.addr.String(),
		Outgoing: s.Outgoing.String(),
		Incoming: s.Incoming.String(),
		Status:   pr.Status,
		Stage:    pr.Stage,
		Stages:   len(s.Stages),
		Abandons: d.abandon,
		Gate:     d.gate,
		Blocked:  d.blocked,
	}
	if d.current >= 0 {
		r.StageNumber = d.current + 1
		r.StageBegan = pr.stage(pr.Stage).BeganAt
	}
	if d.enters() {
		r.Enters = s.Stages[d.target].Name
	}
	if next := d.current + 1; pr.Status != StatusAbandoned && next < len(s.Stages) {
		r.NextStage = s.Stages[next].Name
		r.NextChanges = d.describe(next, changes)
	}
	if d.current >= 0 && !d.enters() && !d.abandon {
		for _, a := range s.Stages[d.current].Changes {
			if c := changes[a.String()]; c != nil && c.Action != plan.NoOp && c.Held == "" {
				r.Pending = append(r.Pending, fmt.Sprintf("%s (%s)", a, c.Action))
			}
		}
	}
	for _, a := range sortedNames(d.holds) {
		if c := changes[a]; c != nil && c.Action == plan.NoOp {
			r.Held = append(r.Held, fmt.Sprintf("%s: %s", a, d.holds[a].Reason))
		}
	}
	for _, name := range sortedNames(pr.Stages) {
		if sr := pr.Stages[name]; sr.ConfirmedBy != "" {
			r.Confirmations = append(r.Confirmations, plan.Confirmation{Stage: name, By: sr.ConfirmedBy, At: sr.ConfirmedAt})
		}
	}
	sort.Slice(r.Confirmations, func(i, j int) bool { return s.Index(r.Confirmations[i].Stage) < s.Index(r.Confirmations[j].Stage) })
	return r
}

// describe says, in words, what stage i changes. When this plan begins
// it, each block's planned action is named too.
func (d *decision) describe(i int, changes map[string]*plan.Change) []string {
	s := d.spec
	st := s.Stages[i]
	entering := d.enters() && d.target == i
	var out []string
	action := func(a lang.Address) string {
		if c := changes[a.String()]; entering && c != nil && c.Held == "" {
			return fmt.Sprintf(" (%s)", c.Action)
		}
		return ""
	}
	if i == 0 {
		out = append(out, fmt.Sprintf("installs %s next to %s: rotation.%s.installed holds both%s", s.Incoming, s.Outgoing, d.addr.Name, d.users("installed")))
	}
	for _, a := range st.Changes {
		out = append(out, fmt.Sprintf("changes %s%s", a, action(a)))
	}
	if st.Activate {
		out = append(out, fmt.Sprintf("activates %s: rotation.%s.active switches from %s%s", s.Incoming, d.addr.Name, s.Outgoing, d.users("active")))
	}
	if st.Retire {
		out = append(out, fmt.Sprintf("retires %s: rotation.%s.installed holds %s only%s", s.Outgoing, d.addr.Name, s.Incoming, d.users("installed")))
	}
	if us := d.usersOf["reached."+st.Name]; len(us) > 0 {
		out = append(out, fmt.Sprintf("sets rotation.%s.reached.%s%s", d.addr.Name, st.Name, d.users("reached."+st.Name)))
	}
	for _, a := range st.Remove {
		out = append(out, fmt.Sprintf("removes %s%s", a, action(a)))
	}
	if st.Description != "" {
		out = append([]string{st.Description}, out...)
	}
	return out
}

// users lists, as a suffix, the blocks that use an attribute of the
// rotation: " (used by ini_file.admin, trust_chain.company)".
func (d *decision) users(attr string) string {
	us := d.usersOf[attr]
	if len(us) == 0 {
		return ""
	}
	return " (used by " + strings.Join(us, ", ") + ")"
}
