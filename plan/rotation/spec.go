package rotation

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
)

// Spec is a rotation block, parsed. Everything in it but outgoing and
// incoming (which other blocks see as values) is known when the
// configuration loads.
type Spec struct {
	Description string
	// Outgoing and Incoming name the certificate (or issuer "ca") being
	// replaced and its replacement.
	Outgoing, Incoming lang.Address
	OutgoingExpr       hcl.Expression
	IncomingExpr       hcl.Expression
	// Abandon is the abandon argument: go back to the outgoing
	// certificate (allowed before activation only).
	Abandon bool
	Stages  []*Stage
}

// Stage is one stage of a rotation.
type Stage struct {
	Name        string
	Description string
	// Changes are the blocks this stage creates or changes: certform
	// holds every change to them until the stage begins.
	Changes []lang.Address
	// Remove are the blocks this stage removes (only at or after the
	// retire stage).
	Remove []lang.Address
	// Activate marks the switch: from this stage on rotation.NAME.active
	// is the incoming certificate.
	Activate bool
	// Retire marks the stage from which rotation.NAME.installed holds the
	// incoming certificate only.
	Retire bool
	// Gate must hold before the next stage may begin; nil for none.
	Gate      *Gate
	DeclRange hcl.Range
	// refs holds where each list (changes, remove, stores, endpoints)
	// names each block, for diagnostics.
	refs map[refKey]hcl.Range
}

// refKey is a block named in one of a stage's lists.
type refKey struct {
	list string
	addr lang.Address
}

// rangeOf returns where the first of the given lists of the stage names a
// block, or the stage's header.
func (st *Stage) rangeOf(a lang.Address, lists ...string) hcl.Range {
	for _, l := range lists {
		if r, ok := st.refs[refKey{l, a}]; ok {
			return r
		}
	}
	return st.DeclRange
}

// Gate is what must hold before the stage after its own may begin.
type Gate struct {
	// Stores must each hold the incoming certificate, read live.
	Stores []lang.Address
	// Endpoints must each serve the incoming certificate (probe = true).
	Endpoints []lang.Address
	// MinWait is how long after its stage began the gate stays shut. It
	// may come from a variable (MinWaitExpr); MinWaitFor evaluates it.
	MinWait     time.Duration
	MinWaitExpr hcl.Expression
	fixed       bool
	// Confirm is what a person must confirm with `certform rotation
	// confirm`, for what certform cannot see; "" for none.
	Confirm   string
	DeclRange hcl.Range
}

// Index returns the position of the named stage, or -1.
func (s *Spec) Index(name string) int {
	for i, st := range s.Stages {
		if st.Name == name {
			return i
		}
	}
	return -1
}

// ActivateIndex returns the position of the stage that activates the
// incoming certificate (Parse makes sure there is exactly one).
func (s *Spec) ActivateIndex() int {
	for i, st := range s.Stages {
		if st.Activate {
			return i
		}
	}
	return len(s.Stages)
}

// RetireIndex returns the position of the retire stage, or len(Stages)
// when the rotation never retires the outgoing certificate.
func (s *Spec) RetireIndex() int {
	for i, st := range s.Stages {
		if st.Retire {
			return i
		}
	}
	return len(s.Stages)
}

var bodySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"}, {Name: "outgoing", Required: true}, {Name: "incoming", Required: true}, {Name: "abandon"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "stage", LabelNames: []string{"name"}}},
}

var stageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"}, {Name: "changes"}, {Name: "remove"}, {Name: "activate"}, {Name: "retire"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "gate"}},
}

var gateSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "stores"}, {Name: "endpoints"}, {Name: "min_wait"}, {Name: "confirm"},
}}

// Parse reads a rotation block body (without on_change and depends_on,
// which lang takes). Every problem is a diagnostic with the range of the
// argument at fault; the Spec is partial when there are errors.
func Parse(body hcl.Body) (*Spec, hcl.Diagnostics) {
	s := &Spec{}
	content, diags := body.Content(bodySchema)
	for name, a := range content.Attributes {
		switch name {
		case "description":
			diags = append(diags, static(a, cty.String, func(v cty.Value) { s.Description = v.AsString() })...)
		case "abandon":
			diags = append(diags, static(a, cty.Bool, func(v cty.Value) { s.Abandon = v.True() })...)
		case "outgoing", "incoming":
			addr, d := reference(a.Expr, name, "a certificate or an issuer \"ca\", like certificate.helpme_2027")
			diags = append(diags, d...)
			if name == "outgoing" {
				s.Outgoing, s.OutgoingExpr = addr, a.Expr
			} else {
				s.Incoming, s.IncomingExpr = addr, a.Expr
			}
		}
	}
	seen := map[string]hcl.Range{}
	for _, b := range content.Blocks {
		st, d := parseStage(b)
		diags = append(diags, d...)
		if prev, ok := seen[st.Name]; ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate stage",
				Detail:   fmt.Sprintf("Stage %q was already declared at %s. Stage names must be unique within a rotation.", st.Name, prev),
				Subject:  b.LabelRanges[0].Ptr(),
			})
			continue
		}
		seen[st.Name] = b.DefRange
		s.Stages = append(s.Stages, st)
	}
	if diags.HasErrors() {
		return s, diags
	}
	return s, append(diags, s.checkOrder(body)...)
}

func parseStage(b *hcl.Block) (*Stage, hcl.Diagnostics) {
	st := &Stage{Name: b.Labels[0], DeclRange: b.DefRange, refs: map[refKey]hcl.Range{}}
	var diags hcl.Diagnostics
	if !validName(st.Name) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid stage name",
			Detail:   fmt.Sprintf("%q is not a valid stage name: use letters, digits and underscores, starting with a letter, so that rotation.NAME.reached.%s works.", st.Name, st.Name),
			Subject:  b.LabelRanges[0].Ptr(),
		})
	}
	content, more := b.Body.Content(stageSchema)
	diags = append(diags, more...)
	for name, a := range content.Attributes {
		switch name {
		case "description":
			diags = append(diags, static(a, cty.String, func(v cty.Value) { st.Description = v.AsString() })...)
		case "activate":
			diags = append(diags, static(a, cty.Bool, func(v cty.Value) { st.Activate = v.True() })...)
		case "retire":
			diags = append(diags, static(a, cty.Bool, func(v cty.Value) { st.Retire = v.True() })...)
		case "changes":
			l, d := references(a, "the blocks this stage creates or changes, like [store.pkcs12.client_2027]", st.refs)
			st.Changes, diags = l, append(diags, d...)
		case "remove":
			l, d := references(a, "the blocks this stage removes, like [store.pkcs12.client_2025]", st.refs)
			st.Remove, diags = l, append(diags, d...)
		}
	}
	for _, gb := range content.Blocks {
		if st.Gate != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate gate block",
				Detail:   fmt.Sprintf("Stage %q already has a gate at %s; put every condition in one gate block.", st.Name, st.Gate.DeclRange),
				Subject:  gb.DefRange.Ptr(),
			})
			continue
		}
		g, d := parseGate(gb, st.refs)
		st.Gate, diags = g, append(diags, d...)
	}
	return st, diags
}

func parseGate(b *hcl.Block, refs map[refKey]hcl.Range) (*Gate, hcl.Diagnostics) {
	g := &Gate{DeclRange: b.DefRange}
	content, diags := b.Body.Content(gateSchema)
	for name, a := range content.Attributes {
		switch name {
		case "stores":
			l, d := references(a, "the stores that must hold the incoming certificate, like [store.pkcs12.share]", refs)
			g.Stores, diags = l, append(diags, d...)
		case "endpoints":
			l, d := references(a, "the endpoints that must serve their certificates, like [endpoint.ies]", refs)
			g.Endpoints, diags = l, append(diags, d...)
		case "confirm":
			diags = append(diags, static(a, cty.String, func(v cty.Value) { g.Confirm = strings.TrimSpace(v.AsString()) })...)
			if g.Confirm == "" && !diags.HasErrors() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Empty confirm",
					Detail:   "confirm says what a person must make sure of before the next stage, such as \"Every client site has imported the new pair\"; it cannot be empty.",
					Subject:  a.Expr.Range().Ptr(),
				})
			}
		case "min_wait":
			g.MinWaitExpr = a.Expr
			if len(a.Expr.Variables()) > 0 {
				diags = append(diags, onlyVariables(a)...)
				continue // evaluated with the variables, by MinWaitFor
			}
			d, more := minWait(a.Expr, nil)
			g.MinWait, diags = d, append(diags, more...)
		}
	}
	g.fixed = g.MinWaitExpr == nil || len(g.MinWaitExpr.Variables()) == 0
	if len(g.Stores) == 0 && len(g.Endpoints) == 0 && g.MinWaitExpr == nil && g.Confirm == "" && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty gate",
			Detail:   "A gate needs at least one condition: stores (hold the incoming certificate), endpoints (serve it), min_wait, or confirm (a person confirms). Remove the gate block if the next stage may follow at once.",
			Subject:  b.DefRange.Ptr(),
		})
	}
	return g, diags
}

// checkOrder checks what only the whole list of stages shows.
func (s *Spec) checkOrder(body hcl.Body) hcl.Diagnostics {
	var diags hcl.Diagnostics
	rng := body.MissingItemRange()
	errorAt := func(r hcl.Range, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r.Ptr()})
	}
	if len(s.Stages) == 0 {
		errorAt(rng, "Rotation without stages", "A rotation needs stage blocks, in the order they happen: at least one that distributes the incoming certificate and one with activate = true.")
		return diags
	}
	if s.Outgoing == s.Incoming {
		errorAt(s.IncomingExpr.Range(), "Same certificate twice", fmt.Sprintf("outgoing and incoming are both %s; incoming names the replacement.", s.Incoming))
	}
	activations := 0
	for _, st := range s.Stages {
		if st.Activate {
			activations++
			if activations > 1 {
				errorAt(st.DeclRange, "Second activation", fmt.Sprintf("Stage %q activates the incoming certificate again; exactly one stage sets activate = true.", st.Name))
			}
		}
	}
	act := s.ActivateIndex()
	switch {
	case activations == 0:
		errorAt(rng, "No activation", "No stage sets activate = true: say in which stage the incoming certificate becomes the one in use.")
	case act == 0:
		errorAt(s.Stages[0].DeclRange, "Activation in the first stage", fmt.Sprintf("Stage %q activates the incoming certificate before any stage distributed it. Put at least one stage with a gate before it, so every place holds the new certificate first.", s.Stages[0].Name))
	}
	retires := 0
	for i, st := range s.Stages {
		if st.Retire {
			retires++
			if retires > 1 {
				errorAt(st.DeclRange, "Second retire stage", fmt.Sprintf("Stage %q retires the outgoing certificate again; at most one stage sets retire = true.", st.Name))
			}
			if i <= act && activations > 0 {
				errorAt(st.DeclRange, "Retire before activation", fmt.Sprintf("Stage %q retires the outgoing certificate, but the incoming one is activated only in stage %q. The old certificate stays installed until a stage after the activation.", st.Name, s.Stages[act].Name))
			}
		}
		if len(st.Remove) > 0 && i < s.RetireIndex() {
			errorAt(st.DeclRange, "Removal before retirement", fmt.Sprintf("Stage %q removes blocks, but it comes before the retire stage. Nothing of the outgoing certificate is removed before it is retired: set retire = true on this stage or move remove to a later one.", st.Name))
		}
	}
	last := s.Stages[len(s.Stages)-1]
	if last.Gate != nil {
		errorAt(last.Gate.DeclRange, "Gate on the last stage", fmt.Sprintf("Stage %q is the last one: its gate would guard nothing. Remove it, or add the stage it guards.", last.Name))
	}
	listed := map[lang.Address]string{}
	for _, st := range s.Stages {
		for _, a := range append(append([]lang.Address{}, st.Changes...), st.Remove...) {
			if prev, ok := listed[a]; ok {
				errorAt(st.rangeOf(a, "changes", "remove"), "Block in two stages", fmt.Sprintf("%s is already changed or removed by stage %q; a block belongs to one stage.", a, prev))
				continue
			}
			listed[a] = st.Name
		}
	}
	for i, st := range s.Stages {
		if st.Gate == nil {
			continue
		}
		for _, a := range st.Gate.Stores {
			if j := s.stageOf(a); j > i {
				errorAt(st.rangeOf(a, "stores"), "Gate waits for a later stage", fmt.Sprintf("The gate of stage %q waits for %s, which stage %q creates: it could never open. List the store in the changes of stage %q or an earlier one.", st.Name, a, s.Stages[j].Name, st.Name))
			}
		}
	}
	return diags
}

// stageOf returns the index of the stage whose changes list a, or -1.
func (s *Spec) stageOf(a lang.Address) int {
	for i, st := range s.Stages {
		for _, c := range st.Changes {
			if c == a {
				return i
			}
		}
	}
	return -1
}

// Validate checks the references of a rotation block against the
// configuration: every listed block exists and is of a fitting kind.
func Validate(cfg *lang.Config, addr lang.Address, s *Spec, declRange hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	errorAt := func(summary, detail string, r hcl.Range) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r.Ptr()})
	}
	for _, x := range []struct {
		name string
		a    lang.Address
		expr hcl.Expression
	}{{"outgoing", s.Outgoing, s.OutgoingExpr}, {"incoming", s.Incoming, s.IncomingExpr}} {
		if x.expr == nil {
			continue
		}
		if x.a.Kind != "certificate" && x.a.Kind != "issuer.ca" {
			errorAt("Invalid "+x.name, fmt.Sprintf("%s of %s is %s; it must be a certificate block or an issuer \"ca\" block.", x.name, addr, x.a), x.expr.Range())
		}
	}
	check := func(st *Stage, list []lang.Address, what string, kindOK func(string) bool, kindWords string) {
		for _, a := range list {
			r, ok := cfg.Resources[a]
			at := st.rangeOf(a, strings.TrimPrefix(what, "gate."))
			switch {
			case !ok:
				errorAt("Reference to undeclared block", fmt.Sprintf("Stage %q of %s lists %s in %s, which is not declared.", st.Name, addr, a, what), at)
			case cfg.IsRunner(r):
				errorAt("Hook in a stage", fmt.Sprintf("Stage %q of %s lists %s in %s. Hooks run when a block they watch changes: put the hook in on_change of a block this stage changes.", st.Name, addr, a, what), at)
			case a.Kind == Kind:
				errorAt("Rotation in a stage", fmt.Sprintf("Stage %q of %s lists %s in %s; stages list the blocks they change, not other rotations.", st.Name, addr, a, what), at)
			case kindOK != nil && !kindOK(a.Kind):
				errorAt("Wrong kind of block", fmt.Sprintf("Stage %q of %s lists %s in %s, which takes %s.", st.Name, addr, a, what, kindWords), at)
			case a == s.Outgoing || a == s.Incoming:
				errorAt("Rotated certificate in a stage", fmt.Sprintf("Stage %q of %s lists %s, the certificate being rotated, in %s. Both certificates exist for the whole rotation; list the blocks that use them.", st.Name, addr, a, what), at)
			}
		}
	}
	// A block of a stage cannot refer to a block a later stage makes: it
	// would wait for it, and its own stage would never finish.
	for i, st := range s.Stages {
		for _, a := range st.Changes {
			r, ok := cfg.Resources[a]
			if !ok {
				continue
			}
			for _, dep := range r.Dependencies {
				if j := s.stageOf(dep); j > i {
					errorAt("Block waits for a later stage", fmt.Sprintf("Stage %q of %s changes %s, which refers to %s, made only by the later stage %q. Move one of them, so that what a block needs comes in its stage or before.", st.Name, addr, a, dep, s.Stages[j].Name), st.rangeOf(a, "changes"))
				}
			}
		}
	}
	isStore := func(k string) bool { return strings.HasPrefix(k, "store.") }
	for _, st := range s.Stages {
		check(st, st.Changes, "changes", nil, "")
		check(st, st.Remove, "remove", nil, "")
		if st.Gate != nil {
			check(st, st.Gate.Stores, "gate.stores", isStore, "stores (store.TYPE.NAME)")
			for _, a := range st.Gate.Stores {
				if r, ok := cfg.Resources[a]; ok && isStore(a.Kind) {
					if _, ok := cfg.Kind(r).(providers.Holder); !ok {
						errorAt("Store cannot be read for the gate", fmt.Sprintf("certform cannot list the certificates %s holds, so the gate of stage %q could never see the incoming certificate there. Leave it out of gate.stores and use confirm for it.", a, st.Name), st.rangeOf(a, "stores"))
					}
				}
			}
			check(st, st.Gate.Endpoints, "gate.endpoints", func(k string) bool { return k == "endpoint" }, "endpoints (endpoint.NAME)")
		}
	}
	return diags
}

// MinWaitFor returns the gate's min_wait with the given variable values
// (min_wait may be written as var.NAME).
func (g *Gate) MinWaitFor(vars map[string]cty.Value) (time.Duration, hcl.Diagnostics) {
	if g.fixed {
		return g.MinWait, nil
	}
	return minWait(g.MinWaitExpr, &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}})
}

func minWait(e hcl.Expression, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	bad := func(detail string) hcl.Diagnostics {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid min_wait", Detail: detail, Subject: e.Range().Ptr()}}
	}
	v, diags := e.Value(ctx)
	if diags.HasErrors() {
		return 0, diags
	}
	v, _ = v.Unmark()
	v, err := convert.Convert(v, cty.String)
	if err != nil || v.IsNull() || !v.IsKnown() {
		return 0, bad("min_wait is a duration such as \"24h\" or \"7d\".")
	}
	d, err := providers.ParseDuration(v.AsString())
	if err != nil {
		return 0, bad(err.Error() + ".")
	}
	return d, nil
}

// onlyVariables refuses references other than var.NAME.
func onlyVariables(a *hcl.Attribute) hcl.Diagnostics {
	for _, t := range a.Expr.Variables() {
		if t.RootName() != "var" {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for " + a.Name,
				Detail:   fmt.Sprintf("%s may refer to variables (var.NAME) only: the stages are fixed before anything is planned.", a.Name),
				Subject:  t.SourceRange().Ptr(),
			}}
		}
	}
	return nil
}

// static evaluates an argument that may not refer to anything.
func static(a *hcl.Attribute, ty cty.Type, set func(cty.Value)) hcl.Diagnostics {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for " + a.Name,
			Detail:   fmt.Sprintf("%s in a rotation must be a constant %s: the stages are fixed when the configuration loads.", a.Name, ty.FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	conv, err := convert.Convert(v, ty)
	if err != nil || conv.IsNull() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for " + a.Name,
			Detail:   fmt.Sprintf("%s must be a %s.", a.Name, ty.FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	set(conv)
	return nil
}

// references reads a static list of block references, noting in refs
// where each is named.
func references(a *hcl.Attribute, what string, refs map[refKey]hcl.Range) ([]lang.Address, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid " + a.Name,
			Detail:   fmt.Sprintf("%s is a list of blocks: %s.", a.Name, what),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	var out []lang.Address
	for _, e := range exprs {
		addr, d := reference(e, a.Name, what)
		diags = append(diags, d...)
		if !d.HasErrors() {
			out = append(out, addr)
			if k := (refKey{a.Name, addr}); refs[k] == (hcl.Range{}) {
				refs[k] = e.Range()
			}
		}
	}
	return out, diags
}

// reference reads one block reference, such as store.pkcs12.share.
func reference(e hcl.Expression, name, what string) (lang.Address, hcl.Diagnostics) {
	bad := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference in " + name,
		Detail:   fmt.Sprintf("%s names %s.", name, what),
		Subject:  e.Range().Ptr(),
	}}
	t, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() {
		return lang.Address{}, bad
	}
	parts := []string{t.RootName()}
	for _, step := range t[1:] {
		attr, ok := step.(hcl.TraverseAttr)
		if !ok {
			return lang.Address{}, bad
		}
		parts = append(parts, attr.Name)
	}
	addr, err := lang.ParseAddress(strings.Join(parts, "."))
	if err != nil {
		return lang.Address{}, bad
	}
	return addr, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// ValidateConfig checks the references of every rotation block of cfg
// (Validate), for `certform validate`. Problems of a block on its own are
// reported when it is decoded (Parse) and left out here.
func ValidateConfig(cfg *lang.Config) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range rotations(cfg) {
		if s, d := Parse(r.Body); !d.HasErrors() {
			diags = append(diags, Validate(cfg, r.Addr, s, r.DeclRange)...)
		}
	}
	return diags
}
