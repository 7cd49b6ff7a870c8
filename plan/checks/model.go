package checks

import (
	"crypto/x509"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/plan"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
)

// model is what the checks read: every resource of the configuration with
// its value. In a plan the value is the planned one (Change.After) and
// live what refresh read (Change.Before); in validate it is the block
// decoded with unknown variables, and live is null.
type model struct {
	cfg      *lang.Config
	planned  bool
	now      time.Time
	scope    *lang.Scope
	res      map[lang.Address]*res
	sorted   []*res
	findings []*plan.Finding
	seen     map[string]bool

	certs map[*res]*certInfo
	secs  map[*res][]iniSection
	// Indexes, built on first use so that checks stay linear in the
	// size of the configuration.
	byKind     map[string][]*res
	storesOf   map[*res][]*res
	compsOf    map[*res][]*componentInfo
	compsBuilt bool
	trust      map[*res]trustedSet
	// pems holds the certificates parsed from PEM texts: the run's,
	// which the providers filled during the plan, or the model's own.
	// nil works too, and parses every time.
	pems *pemcert.Cache
}

// res is one resource of the model.
type res struct {
	m     *model
	r     *lang.Resource
	name  string
	value cty.Value
	live  cty.Value

	config  cty.Value // decoded lazily, see cfg
	decoded bool

	refCache map[string]refList
}

func newValidateModel(cfg *lang.Config) *model {
	m := &model{cfg: cfg, now: time.Now(), scope: cfg.NewScope(cfg.UnknownVariables()), pems: &pemcert.Cache{}}
	m.init()
	for _, r := range m.sorted {
		r.value = r.cfg()
	}
	return m
}

// newPlanModel builds the model of a plan. certs is the run's cache of
// parsed certificates (plan.CheckRequest.Certs); nil parses every time.
func newPlanModel(cfg *lang.Config, vars map[string]cty.Value, p *plan.Plan, certs *pemcert.Cache) *model {
	m := &model{cfg: cfg, planned: true, now: p.CreatedAt, scope: cfg.NewScope(vars), pems: certs}
	if m.now.IsZero() {
		m.now = time.Now()
	}
	m.init()
	for _, c := range p.Changes {
		if c.Action == plan.Delete {
			continue
		}
		a, err := lang.ParseAddress(c.Address)
		if err != nil {
			continue
		}
		if r := m.res[a]; r != nil {
			r.value, r.live = c.After, c.Before
			m.scope.Set(a, c.After)
		}
	}
	return m
}

func (m *model) init() {
	m.res = map[lang.Address]*res{}
	m.seen = map[string]bool{}
	m.certs = map[*res]*certInfo{}
	m.secs = map[*res][]iniSection{}
	for _, r := range m.cfg.SortedResources() {
		x := &res{m: m, r: r, name: r.Addr.String(), value: cty.DynamicVal, live: providers.Null}
		m.res[r.Addr] = x
		m.sorted = append(m.sorted, x)
	}
}

// kind returns the resources of a kind ("endpoint", "store.pkcs12"), or of
// every kind under a prefix ending in a dot ("store."), in address order.
func (m *model) kind(k string) []*res {
	if rs, ok := m.byKind[k]; ok {
		return rs
	}
	if m.byKind == nil {
		m.byKind = map[string][]*res{}
	}
	var out []*res
	for _, r := range m.sorted {
		if r.r.Addr.Kind == k || strings.HasSuffix(k, ".") && strings.HasPrefix(r.r.Addr.Kind, k) {
			out = append(out, r)
		}
	}
	m.byKind[k] = out
	return out
}

func (r *res) kind() string { return r.r.Addr.Kind }

// cfg is the block decoded with the model's scope: in a plan, references
// evaluate to planned values.
func (r *res) cfg() cty.Value {
	if !r.decoded {
		r.decoded = true
		d, diags := r.m.scope.Decode(r.r)
		r.config = d.Value
		if diags.HasErrors() || r.config == cty.NilVal {
			r.config = cty.DynamicVal
		}
	}
	return r.config
}

// refs returns the resources an attribute of the block refers to, directly
// or through locals, in order and without duplicates; roots holds the
// other names it refers to (self_signed, var).
func (r *res) refs(attr string) (addrs []lang.Address, roots []string) {
	if c, ok := r.refCache[attr]; ok {
		return c.addrs, c.roots
	}
	addrs, roots = r.readRefs(attr)
	if r.refCache == nil {
		r.refCache = map[string]refList{}
	}
	r.refCache[attr] = refList{addrs, roots}
	return addrs, roots
}

type refList struct {
	addrs []lang.Address
	roots []string
}

func (r *res) readRefs(attr string) (addrs []lang.Address, roots []string) {
	body, ok := r.r.Body.(*hclsyntax.Body)
	if !ok {
		return nil, nil
	}
	a, ok := body.Attributes[attr]
	if !ok {
		return nil, nil
	}
	return r.m.traversalRefs(a.Expr.Variables())
}

// traversalRefs resolves traversals to resource addresses, following
// locals.
func (m *model) traversalRefs(ts []hcl.Traversal) (addrs []lang.Address, roots []string) {
	seen := map[lang.Address]bool{}
	add := func(a lang.Address) {
		if !seen[a] {
			seen[a] = true
			addrs = append(addrs, a)
		}
	}
	for _, t := range ts {
		if a, ok := traversalAddress(t); ok {
			add(a)
			continue
		}
		if t.RootName() == "local" && len(t) > 1 {
			if step, ok := t[1].(hcl.TraverseAttr); ok {
				for _, a := range m.localRefs(step.Name, map[string]bool{}) {
					add(a)
				}
			}
			continue
		}
		roots = append(roots, t.RootName())
	}
	return addrs, roots
}

func (m *model) localRefs(name string, seen map[string]bool) []lang.Address {
	l, ok := m.cfg.Locals[name]
	if !ok || seen[name] {
		return nil
	}
	seen[name] = true
	out := append([]lang.Address(nil), l.Refs...)
	for _, n := range l.Locals {
		out = append(out, m.localRefs(n, seen)...)
	}
	return out
}

// ref returns the first resource of a kind (or kind prefix ending in a
// dot) an attribute refers to.
func (r *res) ref(attr, kind string) *res {
	addrs, _ := r.refs(attr)
	for _, a := range addrs {
		if a.Kind == kind || strings.HasSuffix(kind, ".") && strings.HasPrefix(a.Kind, kind) {
			if x := r.m.res[a]; x != nil {
				return x
			}
		}
	}
	return nil
}

// refsOf returns every resource of a kind (or prefix) an attribute refers
// to.
func (r *res) refsOf(attr, kind string) []*res {
	addrs, _ := r.refs(attr)
	var out []*res
	for _, a := range addrs {
		if a.Kind == kind || strings.HasSuffix(kind, ".") && strings.HasPrefix(a.Kind, kind) {
			if x := r.m.res[a]; x != nil {
				out = append(out, x)
			}
		}
	}
	return out
}

// typedBlocks are the block types whose first label is a type.
var typedBlocks = map[string]bool{"issuer": true, "store": true}

// refKinds are the root names of references to resources.
var refKinds = map[string]bool{
	"certificate": true, "issuer": true, "trust_chain": true, "store": true,
	"endpoint": true, "ini_file": true, "component": true, "hook": true,
}

// traversalAddress returns the resource a traversal refers to.
func traversalAddress(t hcl.Traversal) (lang.Address, bool) {
	root := t.RootName()
	if !refKinds[root] {
		return lang.Address{}, false
	}
	var names []string
	for _, step := range t[1:] {
		attr, ok := step.(hcl.TraverseAttr)
		if !ok || len(names) == 2 {
			break
		}
		names = append(names, attr.Name)
	}
	switch {
	case typedBlocks[root] && len(names) == 2:
		return lang.Address{Kind: root + "." + names[0], Name: names[1]}, true
	case !typedBlocks[root] && len(names) >= 1:
		return lang.Address{Kind: root, Name: names[0]}, true
	}
	return lang.Address{}, false
}

// add records a finding; the same finding twice is kept once.
func (m *model) add(c *Check, sev hcl.DiagnosticSeverity, addrs []*res, summary, message, fix string) {
	var names []string
	seen := map[string]bool{}
	for _, r := range addrs {
		if r != nil && !seen[r.name] {
			seen[r.name] = true
			names = append(names, r.name)
		}
	}
	key := c.ID + "\x00" + strings.Join(names, " ") + "\x00" + message
	if m.seen[key] {
		return
	}
	m.seen[key] = true
	f := &plan.Finding{Check: c.ID, Severity: sev, Addresses: names, Rule: c.Rule, Summary: summary, Message: message, Fix: fix}
	if len(addrs) > 0 && addrs[0] != nil {
		rng := addrs[0].r.DeclRange
		f.Subject = &rng
	}
	m.findings = append(m.findings, f)
}

// Value helpers: they read a planned value and a decoded block alike.

// knownString returns a known, non-null string attribute.
func knownString(v cty.Value, name string) (string, bool) {
	a := attr(v, name)
	if !a.IsKnown() || a.IsNull() || a.Type() != cty.String {
		return "", false
	}
	return a.AsString(), true
}

// stringOr returns a known string attribute, def when it is null, and
// false when it is unknown.
func stringOr(v cty.Value, name, def string) (string, bool) {
	a := attr(v, name)
	switch {
	case !a.IsKnown():
		return "", false
	case a.IsNull():
		return def, true
	case a.Type() != cty.String:
		return "", false
	}
	return a.AsString(), true
}

// boolOr returns a known bool attribute, def when null, and false in ok
// when unknown.
func boolOr(v cty.Value, name string, def bool) (b, ok bool) {
	a := attr(v, name)
	switch {
	case !a.IsKnown():
		return false, false
	case a.IsNull():
		return def, true
	case a.Type() != cty.Bool:
		return false, false
	}
	return a.True(), true
}

// stringsOf returns a wholly known list of strings (empty when null).
func stringsOf(v cty.Value, name string) ([]string, bool) {
	a := attr(v, name)
	if !a.IsWhollyKnown() {
		return nil, false
	}
	if a.IsNull() {
		return nil, true
	}
	if !a.CanIterateElements() {
		return nil, false
	}
	var out []string
	for it := a.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return nil, false
		}
		out = append(out, e.AsString())
	}
	return out, true
}

// attr is providers.Attr, except that an attribute of an unknown value is
// unknown.
func attr(v cty.Value, name string) cty.Value {
	if v == cty.NilVal {
		return cty.DynamicVal
	}
	if !v.IsKnown() {
		return cty.DynamicVal
	}
	return providers.Attr(v, name)
}

// duration reads a duration attribute, def when null.
func duration(v cty.Value, name, def string) (time.Duration, bool) {
	s, ok := stringOr(v, name, def)
	if !ok || s == "" {
		return 0, false
	}
	d, err := providers.ParseDuration(s)
	return d, err == nil
}

// days writes a duration in whole days.
func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// certName names a certificate for messages: its common name, or its
// subject.
func certName(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return c.Subject.CommonName
	}
	return c.Subject.String()
}

// quoteList writes strings as ["a", "b"].
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// names lists resource names, sorted, joined with commas.
func names(rs []*res) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.name)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
