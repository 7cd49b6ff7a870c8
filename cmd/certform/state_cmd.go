package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/plan/render"
	"github.com/certform/certform/state"
)

// show prints the state, or re-plans a saved plan file and prints it.
func (c *cli) show(args []string) int {
	if len(args) > 1 {
		return c.errorf("show takes at most one argument, a plan file")
	}
	if len(args) == 1 {
		return c.showSaved(args[0])
	}
	st, err := c.stateStore().Load()
	if err != nil {
		return c.errorf("%v", err)
	}
	if c.opts.json {
		data, err := state.Marshal(st)
		if err != nil {
			return c.errorf("%v", err)
		}
		_, _ = c.s.out.Write(data)
		return 0
	}
	addrs := st.Addresses()
	if len(addrs) == 0 {
		fmt.Fprintf(c.s.out, "The state is empty: nothing has been applied yet.\n")
		return 0
	}
	for _, a := range addrs {
		c.printResource(st.Resource(a))
	}
	if outs := st.Outputs(); len(outs) > 0 {
		fmt.Fprintf(c.s.out, "Outputs:\n")
		for _, n := range sortedKeys(outs) {
			fmt.Fprintf(c.s.out, "  %s = %s\n", n, render.Value(outs[n]))
		}
	}
	return 0
}

func (c *cli) printResource(r *state.Resource) {
	fmt.Fprintf(c.s.out, "# %s\n", r.Address)
	fmt.Fprint(c.s.out, render.Attributes(r.Attributes, "    "))
	if len(r.Dependencies) > 0 {
		fmt.Fprintf(c.s.out, "    (depends on %s)\n", joinComma(r.Dependencies))
	}
	fmt.Fprintln(c.s.out)
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func (c *cli) showSaved(path string) int {
	saved, err := plan.ReadSaved(c.path(path))
	if err != nil {
		return c.errorf("%v", err)
	}
	vars, err := saved.VariableValues()
	if err != nil {
		return c.errorf("%v", err)
	}
	targets, err := saved.TargetAddresses()
	if err != nil {
		return c.errorf("%v", err)
	}
	c.opts.lock = false
	s, ok := c.open("show", vars)
	if !ok {
		return 1
	}
	defer s.close()
	p, _, ok := c.makePlan(s, saved.Destroy, targets, saved.Refresh)
	if !ok {
		return 1
	}
	if err := saved.Check(path, p); err != nil {
		return c.errorf("%v", err)
	}
	c.render(p)
	return 0
}

// state runs the state subcommands.
func (c *cli) state(args []string) int {
	if len(args) == 0 {
		return c.errorf("state needs a subcommand: list, show ADDR, rm ADDR..., mv FROM TO")
	}
	store := c.stateStore()
	sub, args := args[0], args[1:]
	switch sub {
	case "list", "show":
		st, err := store.Load()
		if err != nil {
			return c.errorf("%v", err)
		}
		if sub == "list" {
			for _, a := range st.Addresses() {
				fmt.Fprintln(c.s.out, a)
			}
			return 0
		}
		if len(args) != 1 {
			return c.errorf("state show takes one address, like certificate.ies")
		}
		r := st.Resource(args[0])
		if r == nil {
			return c.errorf("%s is not in the state; certform state list shows what is", args[0])
		}
		if c.opts.json {
			data, _ := json.MarshalIndent(map[string]any{"address": r.Address, "kind": r.Kind, "attributes": render.PlainValue(r.Attributes), "dependencies": r.Dependencies, "files": r.Files}, "", "  ")
			fmt.Fprintf(c.s.out, "%s\n", data)
			return 0
		}
		c.printResource(r)
		return 0
	case "rm", "mv":
		return c.editState(store, sub, args)
	}
	return c.errorf("unknown state subcommand %q: use list, show, rm or mv", sub)
}

func (c *cli) editState(store *state.Store, sub string, args []string) int {
	if (sub == "rm" && len(args) == 0) || (sub == "mv" && len(args) != 2) {
		return c.errorf("usage: certform state rm ADDR... | certform state mv FROM TO")
	}
	for _, a := range args {
		if _, err := lang.ParseAddress(a); err != nil {
			return c.errorf("%v", err)
		}
	}
	if c.opts.lock {
		unlock, err := store.Lock(context.Background(), state.LockInfo{Operation: "state " + sub}, c.opts.lockTimeout)
		if err != nil {
			return c.errorf("%v", err)
		}
		defer unlock()
	}
	st, err := store.Load()
	if err != nil {
		return c.errorf("%v", err)
	}
	switch sub {
	case "rm":
		for _, a := range args {
			if !st.Remove(a) {
				return c.errorf("%s is not in the state; nothing was changed", a)
			}
		}
	case "mv":
		if err := st.Move(args[0], args[1]); err != nil {
			return c.errorf("%v", err)
		}
	}
	if err := store.Save(st); err != nil {
		return c.errorf("%v", err)
	}
	if sub == "rm" {
		fmt.Fprintf(c.s.out, "Removed %d resource(s) from the state. certform no longer manages them; their files stay as they are.\n", len(args))
	} else {
		fmt.Fprintf(c.s.out, "Moved %s to %s.\n", args[0], args[1])
	}
	return 0
}

func (c *cli) forceUnlock(args []string) int {
	if len(args) != 1 {
		return c.errorf("force-unlock takes the lock id that the error message named")
	}
	if err := c.stateStore().ForceUnlock(args[0]); err != nil {
		return c.errorf("%v", err)
	}
	fmt.Fprintf(c.s.out, "The state has been unlocked.\n")
	return 0
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
