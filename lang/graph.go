package lang

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/certform/certform/providers"
)

// bodyVariables lists the traversals a resource body makes.
func (c *Config) bodyVariables(kind string, body hcl.Body) []hcl.Traversal {
	k := c.kinds[kind]
	if d, ok := k.(providers.BodyDecoder); ok {
		return d.Variables(body)
	}
	if b, ok := body.(*hclsyntax.Body); ok && c.reads[kind] != nil {
		return c.reads[kind].variables(b, nil)
	}
	return hcldec.Variables(body, c.spec(kind))
}

// references splits traversals into the resources and locals they name.
func references(ts []hcl.Traversal) ([]Address, []string) {
	var addrs []Address
	var locals []string
	for _, t := range ts {
		if a, ok := traversalAddress(t); ok {
			addrs = append(addrs, a)
			continue
		}
		if t.RootName() == "local" && len(t) > 1 {
			if attr, ok := t[1].(hcl.TraverseAttr); ok {
				locals = append(locals, attr.Name)
			}
		}
	}
	return addrs, locals
}

// link checks every reference, follows locals to the resources behind them,
// and refuses cycles.
func (c *Config) link() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range c.sortedResources() {
		direct, locals := references(r.traversals)
		r.locals = locals
		diags = append(diags, c.checkTraversals(r.traversals)...)
		for _, h := range r.OnChange {
			hr, ok := c.Resources[h]
			if !ok || !c.IsRunner(hr) {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "on_change must name hooks",
					Detail:   fmt.Sprintf("%s lists %s in on_change, which is not a declared hook block.", r.Addr, h),
					Subject:  r.DeclRange.Ptr(),
				})
			}
		}
		for _, d := range r.Dependencies {
			if _, ok := c.Resources[d]; !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared block",
					Detail:   fmt.Sprintf("%s depends on %s, which is not declared.", r.Addr, d),
					Subject:  r.DeclRange.Ptr(),
				})
			}
		}
		r.Dependencies = append(r.Dependencies, direct...)
	}
	for _, l := range c.Locals {
		diags = append(diags, c.checkTraversals(l.Expr.Variables())...)
	}
	for _, o := range c.Outputs {
		diags = append(diags, c.checkTraversals(o.Expr.Variables())...)
	}
	if diags.HasErrors() {
		return diags
	}
	if d := c.findCycles(); d != nil {
		return append(diags, d...)
	}
	// Follow locals to the resources they refer to.
	for _, r := range c.Resources {
		seen := map[string]bool{}
		r.Dependencies = append(r.Dependencies, c.localResources(r.locals, seen)...)
		r.Dependencies = uniqueAddresses(r.Dependencies, r.Addr)
	}
	return diags
}

func (c *Config) localResources(names []string, seen map[string]bool) []Address {
	var out []Address
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		l := c.Locals[n]
		out = append(out, l.Refs...)
		out = append(out, c.localResources(l.Locals, seen)...)
	}
	return out
}

// OutputDependencies returns the resources an output refers to, directly or
// through locals.
func (c *Config) OutputDependencies(o *Output) []Address {
	deps := append([]Address{}, o.Refs...)
	deps = append(deps, c.localResources(o.Locals, map[string]bool{})...)
	return uniqueAddresses(deps, Address{})
}

func uniqueAddresses(in []Address, self Address) []Address {
	seen := map[Address]bool{self: true}
	var out []Address
	for _, a := range in {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// checkTraversals reports references to blocks, locals or variables that
// are not declared.
func (c *Config) checkTraversals(ts []hcl.Traversal) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range ts {
		root := t.RootName()
		switch {
		case root == "var":
			name := attrAt(t, 1)
			if _, ok := c.Variables[name]; !ok {
				diags = append(diags, undeclared(t, "variable", "var."+name, c.variableNames()))
			}
		case root == "local":
			name := attrAt(t, 1)
			if _, ok := c.Locals[name]; !ok {
				diags = append(diags, undeclared(t, "local value", "local."+name, c.localNames()))
			}
		case root == "self_signed":
		case refKinds[root]:
			a, ok := traversalAddress(t)
			if !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Incomplete reference",
					Detail:   fmt.Sprintf("A reference to a %s block names it, like %s.", root, example(root)),
					Subject:  t.SourceRange().Ptr(),
				})
				continue
			}
			if _, ok := c.Resources[a]; !ok {
				diags = append(diags, undeclared(t, "block", a.String(), c.addressNames()))
			}
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown name " + root,
				Detail: fmt.Sprintf("%q is not something a configuration can refer to. References start with var., local., self_signed or a block type (certificate, issuer, trust_chain, store, endpoint, ini_file, component, hook, rotation).%s",
					root, suggest(root, []string{"var", "local", "self_signed", "certificate", "issuer", "trust_chain", "store", "endpoint", "ini_file", "component", "hook", "rotation"})),
				Subject: t.SourceRange().Ptr(),
			})
		}
	}
	return diags
}

func example(root string) string {
	switch root {
	case "issuer":
		return "issuer.ca.company"
	case "store":
		return "store.pem_files.ca"
	}
	return root + ".NAME"
}

func attrAt(t hcl.Traversal, i int) string {
	if len(t) > i {
		if a, ok := t[i].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

func undeclared(t hcl.Traversal, what, name string, known []string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared " + what,
		Detail:   fmt.Sprintf("%s is not declared in this configuration.%s", name, suggest(name, known)),
		Subject:  t.SourceRange().Ptr(),
	}
}

// suggest returns " Did you mean X?" when a known name is close to name.
func suggest(name string, known []string) string {
	best, bestDist := "", 4
	for _, k := range known {
		if d := levenshtein.Distance(name, k, nil); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %s?", best)
}

func (c *Config) variableNames() []string {
	var out []string
	for n := range c.Variables {
		out = append(out, "var."+n)
	}
	return out
}

func (c *Config) localNames() []string {
	var out []string
	for n := range c.Locals {
		out = append(out, "local."+n)
	}
	return out
}

func (c *Config) addressNames() []string {
	var out []string
	for a := range c.Resources {
		out = append(out, a.String())
	}
	return out
}

// findCycles reports every dependency cycle among resources and locals,
// naming every address in it in the order the references go, from the
// first address by name: "certificate.a → local.cn → certificate.a". The
// diagnostic points at the first reference of that chain.
func (c *Config) findCycles() hcl.Diagnostics {
	// Nodes are "certificate.x" or "local.y"; edges point at dependencies.
	edges := map[string][]string{}
	for _, r := range c.Resources {
		n := r.Addr.String()
		for _, d := range r.Dependencies {
			edges[n] = append(edges[n], d.String())
		}
		for _, l := range r.locals {
			edges[n] = append(edges[n], "local."+l)
		}
	}
	for _, l := range c.Locals {
		n := "local." + l.Name
		for _, d := range l.Refs {
			edges[n] = append(edges[n], d.String())
		}
		for _, d := range l.Locals {
			edges[n] = append(edges[n], "local."+d)
		}
	}
	var diags hcl.Diagnostics
	for _, scc := range stronglyConnected(edges) {
		self := len(scc) == 1 && contains(edges[scc[0]], scc[0])
		if len(scc) < 2 && !self {
			continue
		}
		walk := cycleWalk(scc, edges)
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependency cycle",
			Detail:   fmt.Sprintf("These blocks refer to each other in a circle, so none can be made first: %s. Break the cycle by removing one of the references.", strings.Join(walk, " → ")),
			Subject:  c.cycleSubject(walk[0], walk[1]).Ptr(),
		})
	}
	return diags
}

// cycleSubject returns where node from (a block or a local) first refers
// to node to, or where it is declared when only a depends_on entry does,
// which keeps no range of its own. Looked up only for a cycle found.
func (c *Config) cycleSubject(from, to string) hcl.Range {
	var decl hcl.Range
	var ts []hcl.Traversal
	if name, ok := strings.CutPrefix(from, "local."); ok {
		if l, ok := c.Locals[name]; ok {
			decl, ts = l.Expr.Range(), l.Expr.Variables()
		}
	} else if a, err := ParseAddress(from); err == nil {
		if r, ok := c.Resources[a]; ok {
			decl, ts = r.DeclRange, r.traversals
		}
	}
	for _, t := range ts {
		target := ""
		if a, ok := traversalAddress(t); ok {
			target = a.String()
		} else if name := attrAt(t, 1); t.RootName() == "local" && name != "" {
			target = "local." + name
		}
		if target == to {
			return t.SourceRange()
		}
	}
	return decl
}

// cycleWalk returns a closed walk through the strongly connected nodes scc
// that follows edges and visits every one of them: from the first node by
// name, always on to the nearest node not visited yet, and back. For a
// plain cycle that is the cycle itself, [a b c a]; a node that closes
// several cycles appears once for each.
func cycleWalk(scc []string, edges map[string][]string) []string {
	member := map[string]bool{}
	for _, n := range scc {
		member[n] = true
	}
	next := map[string][]string{}
	for _, n := range scc {
		for _, m := range edges[n] {
			if member[m] && !contains(next[n], m) {
				next[n] = append(next[n], m)
			}
		}
		sort.Strings(next[n])
	}
	start := slices.Min(scc)
	walk := []string{start}
	visited := map[string]bool{start: true}
	for cur := start; ; {
		// Breadth first from cur, to the nearest node not visited, or
		// back to the start when all are.
		parent := map[string]string{}
		queue := []string{cur}
		target := ""
		for len(queue) > 0 && target == "" {
			n := queue[0]
			queue = queue[1:]
			for _, m := range next[n] {
				if _, seen := parent[m]; seen {
					continue
				}
				parent[m] = n
				if !visited[m] || (len(visited) == len(scc) && m == start) {
					target = m
					break
				}
				queue = append(queue, m)
			}
		}
		if target == "" {
			panic("lang: cycleWalk on nodes that are not strongly connected")
		}
		var path []string
		for n := target; n != cur || len(path) == 0; n = parent[n] {
			path = append(path, n)
			if n == cur { // a node referring to itself
				break
			}
		}
		slices.Reverse(path)
		walk = append(walk, path...)
		for _, n := range path {
			visited[n] = true
		}
		if target == start {
			return walk
		}
		cur = target
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stronglyConnected returns the strongly connected components of a graph
// (Tarjan's algorithm), in a deterministic order.
func stronglyConnected(edges map[string][]string) [][]string {
	var nodes []string
	for n := range edges {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	next := 0
	var visit func(n string)
	visit = func(n string) {
		index[n], low[n] = next, next
		next++
		stack = append(stack, n)
		onStack[n] = true
		for _, m := range edges[n] {
			if _, seen := index[m]; !seen {
				visit(m)
				low[n] = min(low[n], low[m])
			} else if onStack[m] {
				low[n] = min(low[n], index[m])
			}
		}
		if low[n] == index[n] {
			var scc []string
			for {
				m := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[m] = false
				scc = append(scc, m)
				if m == n {
					break
				}
			}
			out = append(out, scc)
		}
	}
	for _, n := range nodes {
		if _, seen := index[n]; !seen {
			visit(n)
		}
	}
	return out
}

// sortedResources returns the resources ordered by address. Each address
// is written once, not at every comparison: configurations have thousands
// of resources, and every plan sorts them.
func (c *Config) sortedResources() []*Resource {
	type keyed struct {
		key string
		r   *Resource
	}
	list := make([]keyed, 0, len(c.Resources))
	for _, r := range c.Resources {
		list = append(list, keyed{r.Addr.String(), r})
	}
	slices.SortFunc(list, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make([]*Resource, len(list))
	for i, k := range list {
		out[i] = k.r
	}
	return out
}

// SortedResources returns the resources ordered by address.
func (c *Config) SortedResources() []*Resource { return c.sortedResources() }
