package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/plan/rotation"
	"github.com/certform/certform/state"
)

// rotationCommand runs `certform rotation status|confirm|abandon`.
func (c *cli) rotationCommand(args []string) int {
	if len(args) == 0 {
		return c.errorf("rotation needs a subcommand: status [NAME], confirm NAME STAGE, abandon NAME")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "status":
		if len(args) > 1 {
			return c.errorf("usage: certform rotation status [NAME]")
		}
		return c.rotationStatus(args)
	case "confirm":
		if len(args) != 2 {
			return c.errorf("usage: certform rotation confirm NAME STAGE")
		}
	case "abandon":
		if len(args) != 1 {
			return c.errorf("usage: certform rotation abandon NAME")
		}
	default:
		return c.errorf("unknown rotation subcommand %q: use status, confirm or abandon", sub)
	}
	return c.rotationEdit(sub, args)
}

// rotationStatus plans (reading stores and endpoints live, changing
// nothing) and shows the rotations.
func (c *cli) rotationStatus(args []string) int {
	c.opts.lock = false
	s, ok := c.open("rotation status", nil)
	if !ok {
		return 1
	}
	defer s.close()
	p, _, ok := c.makePlan(s, false, nil, c.opts.refresh)
	if !ok {
		return 1
	}
	rots := p.Rotations
	if len(args) == 1 {
		rots = nil
		for _, r := range p.Rotations {
			if r.Address == rotation.Kind+"."+args[0] {
				rots = append(rots, r)
			}
		}
		if len(rots) == 0 {
			return c.errorf("the configuration has no rotation %q", args[0])
		}
	}
	if c.opts.json {
		enc := json.NewEncoder(c.s.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"rotations": render.RotationsJSON(rots)})
		return 0
	}
	if len(rots) == 0 {
		fmt.Fprintf(c.s.out, "The configuration has no rotation blocks.\n")
		return 0
	}
	render.Rotations(c.s.out, rots, c.opts.color)
	return 0
}

// rotationEdit records a confirmation or an abandon request in the state.
func (c *cli) rotationEdit(sub string, args []string) int {
	by := c.opts.by
	if by == "" {
		by = envValue(c.s.env, "USER")
	}
	if by == "" {
		return c.errorf("who %ss? Give a name with --by NAME (the USER environment variable is not set)", sub)
	}
	cfg, diags := lang.Load(c.dir(), kinds())
	if c.diags(cfg.Files, diags) {
		return 1
	}
	store := c.stateStore()
	if c.opts.lock {
		unlock, err := store.Lock(context.Background(), state.LockInfo{Operation: "rotation " + sub}, c.opts.lockTimeout)
		if err != nil {
			return c.errorf("%v", err)
		}
		defer unlock()
	}
	st, err := store.Load()
	if err != nil {
		return c.errorf("%v", err)
	}
	now := time.Now().UTC()
	name := args[0]
	if sub == "confirm" {
		err = rotation.Confirm(cfg, st, name, args[1], by, now)
	} else {
		err = rotation.RequestAbandon(cfg, st, name, by, now)
	}
	if err != nil {
		return c.errorf("%v", err)
	}
	if err := store.Save(st); err != nil {
		return c.errorf("%v", err)
	}
	if sub == "confirm" {
		fmt.Fprintf(c.s.out, "Recorded: %s confirmed stage %q of rotation.%s at %s.\nRun certform plan to see whether the next stage may begin.\n",
			by, args[1], name, now.Format(time.RFC3339))
	} else {
		fmt.Fprintf(c.s.out, "Recorded: %s asked to abandon rotation.%s at %s.\nRun certform plan to see what going back to the outgoing certificate changes, and certform apply to do it.\n",
			by, name, now.Format(time.RFC3339))
	}
	return 0
}

// applyThrough keeps applying after a first apply, one stage per round,
// as long as a new plan begins a stage of a rotation, until a rotation has
// begun stage through. It stops when a gate holds the next stage back.
func (c *cli) applyThrough(s *session, p *plan.Plan, st *state.File, targets []lang.Address) int {
	// Every round begins a stage, so the stages bound the rounds.
	for round := 0; !entered(p, c.opts.through) && round < maxRounds(p); round++ {
		next, diags := s.engine.Plan(context.Background(), st, plan.Options{Refresh: c.opts.refresh, Targets: targets})
		if c.diags(s.cfg.Files, diags) {
			return 1
		}
		if !next.RotationsAdvance() {
			fmt.Fprintf(c.s.out, "\nStopped: no rotation may begin another stage now (--through %s).\n\n", c.opts.through)
			render.Rotations(c.s.out, next.Rotations, c.opts.color)
			return 0
		}
		fmt.Fprintf(c.s.out, "\nContinuing with the next stage (--through %s):\n\n", c.opts.through)
		render.Text(c.s.out, next, c.opts.color)
		if code := c.carryOut(s, next, st); code != 0 {
			return code
		}
		p = next
	}
	return 0
}

// maxRounds is the number of stages of every rotation of a plan.
func maxRounds(p *plan.Plan) int {
	n := 0
	for _, r := range p.Rotations {
		n += r.Stages
	}
	return n
}

// entered reports whether the plan began the named stage of a rotation.
func entered(p *plan.Plan, stage string) bool {
	for _, r := range p.Rotations {
		if r.Enters == stage {
			return true
		}
	}
	return false
}

// checkThrough makes sure --through names a stage of some rotation.
func checkThrough(cfg *lang.Config, stage string) error {
	var all []string
	for _, r := range cfg.SortedResources() {
		if r.Addr.Kind != rotation.Kind {
			continue
		}
		s, diags := rotation.Parse(r.Body)
		if diags.HasErrors() {
			continue
		}
		if s.Index(stage) >= 0 {
			return nil
		}
		for _, st := range s.Stages {
			all = append(all, r.Addr.String()+" "+st.Name)
		}
	}
	if len(all) == 0 {
		return fmt.Errorf("--through %s: the configuration has no rotation blocks", stage)
	}
	return fmt.Errorf("--through %s: no rotation has that stage; the stages are: %s", stage, strings.Join(all, ", "))
}

func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
