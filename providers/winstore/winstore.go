package winstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
)

// Provider manages store "windows" blocks. It is safe for concurrent use
// when its Store is.
type Provider struct {
	store Store
}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
	_ providers.Previewer = (*Provider)(nil)
)

// New returns the provider for store "windows" blocks, on the host's
// certificate stores ([System]).
func New() *Provider { return &Provider{store: System()} }

// NewWithStore returns a provider working on s, for tests.
func NewWithStore(s Store) *Provider { return &Provider{store: s} }

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"certificate":   &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType},
		"trust":         &hcldec.AttrSpec{Name: "trust", Type: cty.DynamicPseudoType},
		"location":      &hcldec.AttrSpec{Name: "location", Type: cty.String},
		"store":         &hcldec.AttrSpec{Name: "store", Type: cty.String},
		"friendly_name": &hcldec.AttrSpec{Name: "friendly_name", Type: cty.String},
	}
}

// Locations and stores, as isps.cfg and certlm.msc name them.
var (
	locations = []string{"LocalMachine", "CurrentUser"}
	stores    = []string{"MY", "ROOT", "CA", "TRUST"}
)

type settings struct {
	location, store string
	friendlyName    cty.Value
	cert, trust     cty.Value
}

// Validate implements providers.Validator; it works on any system.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := parseSettings(address, config)
	return pki.DropNotKnown(diags)
}

// Preview implements providers.Previewer: location, store and store_name
// (and friendly_name when it is set) follow from the configuration alone,
// so `certform validate` checks, on any system, the blocks that take them,
// such as the isps.cfg section of seed 000 (SSLCertificateStore,
// SSLCertificateStoreLocation, SSLCertificate).
func (p *Provider) Preview(address string, config cty.Value) cty.Value {
	s, _ := parseSettings(address, config)
	return value(s, nil, false)
}

func parseSettings(address string, config cty.Value) (settings, hcl.Diagnostics) {
	s := settings{
		location:     "LocalMachine",
		store:        "MY",
		friendlyName: providers.Attr(config, "friendly_name"),
		cert:         providers.Attr(config, "certificate"),
		trust:        providers.Attr(config, "trust"),
	}
	var diags hcl.Diagnostics
	if v := providers.Attr(config, "location"); !v.IsKnown() {
		diags = append(diags, pki.NotKnownf(address, "location"))
	} else if !v.IsNull() {
		s.location = ""
		for _, l := range locations {
			if strings.EqualFold(v.AsString(), l) {
				s.location = l
			}
		}
		if s.location == "" {
			diags = append(diags, pki.Errorf(address, "Invalid location",
				fmt.Sprintf("location is %q; use \"LocalMachine\" (services) or \"CurrentUser\".", v.AsString())))
		}
	}
	if v := providers.Attr(config, "store"); !v.IsKnown() {
		diags = append(diags, pki.NotKnownf(address, "store"))
	} else if !v.IsNull() {
		s.store = strings.ToUpper(v.AsString())
		found := false
		for _, st := range stores {
			found = found || st == s.store
		}
		if !found {
			diags = append(diags, pki.Errorf(address, "Invalid store",
				fmt.Sprintf("store is %q; use \"MY\" (Personal: server certificates with keys), \"ROOT\" (trusted roots), \"CA\" (intermediates) or \"TRUST\".", v.AsString())))
		}
	}
	if s.cert.IsNull() && s.trust.IsNull() {
		diags = append(diags, pki.Errorf(address, "Nothing to store",
			"Set certificate (imported with its private key) or trust = [trust_chain.NAME] (CA certificates), or both."))
	}
	if !s.friendlyName.IsNull() && s.cert.IsNull() {
		diags = append(diags, pki.Errorf(address, "friendly_name without certificate",
			"friendly_name names the certificate; CA certificates from trust are named after their common name. Set certificate, or remove friendly_name."))
	}
	return s, diags
}

// want is one certificate the store should hold.
type want struct {
	thumb, name string
	cert, key   []byte
}

// wanted returns the certificates the configuration asks for; known is
// false while any is not known.
func wanted(address string, s settings, env *providers.Env) ([]want, bool, hcl.Diagnostics) {
	var out []want
	known := true
	var diags hcl.Diagnostics
	if !s.cert.IsNull() {
		c, ok, d := pki.ReadCert(address, "certificate", s.cert, env, true)
		diags = append(diags, d...)
		known = known && ok && s.friendlyName.IsKnown()
		if ok && c != nil && s.friendlyName.IsKnown() {
			name := pki.Name(c.Leaf)
			if !s.friendlyName.IsNull() {
				name = s.friendlyName.AsString()
			}
			out = append(out, want{thumb: pki.Thumbprint(c.Leaf), name: name, cert: c.Leaf.Raw, key: c.KeyDER})
		}
	}
	cas, ok, d := pki.ReadTrust(address, s.trust)
	diags = append(diags, d...)
	known = known && ok
	for _, c := range cas {
		out = append(out, want{thumb: pki.Thumbprint(c), name: pki.Name(c), cert: c.Raw})
	}
	return out, known, diags
}

func value(s settings, ws []want, known bool) cty.Value {
	v := map[string]cty.Value{
		"location":      cty.StringVal(s.location),
		"store":         cty.StringVal(s.store),
		"store_name":    cty.StringVal(s.store),
		"friendly_name": cty.NullVal(cty.String),
		"thumbprint":    cty.NullVal(cty.String),
		"has_key":       cty.NullVal(cty.Bool),
		"certificates":  cty.UnknownVal(cty.Map(cty.String)),
	}
	if !s.cert.IsNull() {
		v["friendly_name"], v["thumbprint"], v["has_key"] = cty.UnknownVal(cty.String), cty.UnknownVal(cty.String), cty.True
		if !s.friendlyName.IsNull() {
			v["friendly_name"] = s.friendlyName
		}
	}
	if !known {
		return cty.ObjectVal(v)
	}
	m := map[string]cty.Value{}
	for i, w := range ws {
		m[w.thumb] = cty.StringVal(w.name)
		if i == 0 && w.key != nil {
			v["friendly_name"], v["thumbprint"] = cty.StringVal(w.name), cty.StringVal(w.thumb)
		}
	}
	v["certificates"] = cty.MapValEmpty(cty.String)
	if len(m) > 0 {
		v["certificates"] = cty.MapVal(m)
	}
	return cty.ObjectVal(v)
}

// needsWindows is the diagnostic for a store that is not there.
func needsWindows(address string, err error) *hcl.Diagnostic {
	if errors.Is(err, ErrNotWindows) {
		return pki.Errorf(address, "store \"windows\" needs Windows",
			fmt.Sprintf("This block manages the Windows certificate store, which exists only on Windows, and this host runs %s. Plan and apply this configuration on the Windows server (certform validate works anywhere), or write the certificate as a store \"pkcs12\" file and import that.", runtime.GOOS))
	}
	return pki.Errorf(address, "Certificate store not available", err.Error()+".")
}

// Read implements providers.Provider. It looks every recorded thumbprint
// up in the recorded store; when none is there any more, the block's
// certificates are gone.
func (p *Provider) Read(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if !providers.Exists(req.Prior) {
		return providers.ReadResponse{Live: providers.Null}
	}
	loc, st := providers.String(req.Prior, "location"), providers.String(req.Prior, "store")
	found := map[string]cty.Value{}
	live := req.Prior.AsValueMap()
	for _, thumb := range keys(providers.Attr(req.Prior, "certificates")) {
		e, ok, err := p.store.Find(loc, st, thumb)
		if err != nil {
			return providers.ReadResponse{Live: req.Prior, Diagnostics: hcl.Diagnostics{needsWindows(req.Address, err)}}
		}
		if !ok {
			continue
		}
		found[thumb] = cty.StringVal(e.FriendlyName)
		if thumb == providers.String(req.Prior, "thumbprint") {
			live["has_key"] = cty.BoolVal(e.HasKey)
			live["friendly_name"] = cty.StringVal(e.FriendlyName)
		}
	}
	if len(found) == 0 {
		return providers.ReadResponse{Live: providers.Null}
	}
	live["certificates"] = cty.MapVal(found)
	return providers.ReadResponse{Live: cty.ObjectVal(live)}
}

// Plan implements providers.Provider.
func (p *Provider) Plan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	s, diags := parseSettings(req.Address, req.Config)
	ws, known, d := wanted(req.Address, s, req.Env)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	// Fail early, and clearly, where there is no Windows store.
	if _, _, err := p.store.Find(s.location, s.store, strings.Repeat("0", 40)); err != nil {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: append(diags, needsWindows(req.Address, err))}
	}
	resp := providers.PlanResponse{Planned: value(s, ws, known), Diagnostics: diags}
	if providers.Equal(resp.Planned, req.Live) {
		return resp
	}
	where := s.location + `\` + s.store
	if !known {
		resp.Reasons = []string{"imports certificates known only after apply into " + where}
		return resp
	}
	recorded := entries(providers.Attr(req.Prior, "certificates"))
	live := entries(providers.Attr(req.Live, "certificates"))
	moved := providers.Exists(req.Prior) && (providers.String(req.Prior, "location") != s.location || providers.String(req.Prior, "store") != s.store)
	wantedThumbs := map[string]bool{}
	for _, w := range ws {
		wantedThumbs[w.thumb] = true
		got, present := live[w.thumb]
		_, had := recorded[w.thumb]
		switch {
		case moved || !present && !had:
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("imports %q (thumbprint %s) into %s", w.name, w.thumb, where))
		case !present:
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("%s is missing from %s (deleted outside certform)", w.thumb, where))
		case str(got) != w.name:
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("friendly name of %s is %q, want %q", w.thumb, got.AsString(), w.name))
		}
		if w.key != nil && present && !moved && !providers.Bool(req.Live, "has_key") {
			resp.Reasons = append(resp.Reasons, fmt.Sprintf("the private key of %s is missing", w.thumb))
		}
	}
	for _, thumb := range sortedKeys(recorded) {
		if !wantedThumbs[thumb] || moved {
			if _, present := live[thumb]; present {
				resp.Reasons = append(resp.Reasons, fmt.Sprintf("removes %s (%q) from %s\\%s", thumb, str(live[thumb]),
					providers.String(req.Prior, "location"), providers.String(req.Prior, "store")))
			}
		}
	}
	return resp
}

// Apply implements providers.Provider. It imports what is missing or
// differs, then removes the certificates the block no longer holds
// (replaced ones, or all of them on delete).
func (p *Provider) Apply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior := req.Prior
	if prior == cty.NilVal {
		prior = providers.Null
	}
	remove := func(keep map[string]bool, s *settings) hcl.Diagnostics {
		var diags hcl.Diagnostics
		loc, st := providers.String(prior, "location"), providers.String(prior, "store")
		for _, thumb := range keys(providers.Attr(prior, "certificates")) {
			if keep[thumb] && s != nil && s.location == loc && s.store == st {
				continue
			}
			if err := p.store.Remove(loc, st, thumb); err != nil {
				diags = append(diags, pki.Errorf(req.Address, "Cannot remove certificate", fmt.Sprintf("%s from %s\\%s: %s.", thumb, loc, st, err)))
			}
		}
		return diags
	}
	if req.Planned == cty.NilVal || req.Planned.IsNull() {
		if diags := remove(nil, nil); diags.HasErrors() {
			return providers.ApplyResponse{New: prior, Diagnostics: diags}
		}
		return providers.ApplyResponse{New: providers.Null}
	}
	s, diags := parseSettings(req.Address, req.Config)
	ws, known, d := wanted(req.Address, s, req.Env)
	diags = append(diags, d...)
	if !diags.HasErrors() && !known {
		diags = append(diags, pki.Errorf(req.Address, "Certificates not known", "The certificate or trust chains are still unknown at apply; they must be applied first."))
	}
	if diags.HasErrors() {
		return providers.ApplyResponse{New: prior, Diagnostics: diags}
	}
	keep := map[string]bool{}
	for _, w := range ws {
		keep[w.thumb] = true
		e, ok, err := p.store.Find(s.location, s.store, w.thumb)
		if err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: append(diags, needsWindows(req.Address, err))}
		}
		if ok && e.FriendlyName == w.name && (w.key == nil || e.HasKey) {
			continue
		}
		if err := p.store.Add(s.location, s.store, w.cert, w.key, w.name); err != nil {
			return providers.ApplyResponse{New: prior, Diagnostics: append(diags, pki.Errorf(req.Address, "Cannot import certificate",
				fmt.Sprintf("%q into %s\\%s: %s. Run certform as an administrator for LocalMachine.", w.name, s.location, s.store, err)))}
		}
	}
	diags = append(diags, remove(keep, &s)...)
	return providers.ApplyResponse{New: value(s, ws, true), Diagnostics: diags}
}

func entries(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if !providers.Exists(v) || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e
	}
	return out
}

// str returns a known string value, "" otherwise.
func str(v cty.Value) string {
	if !providers.Exists(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func keys(v cty.Value) []string { return sortedKeys(entries(v)) }

func sortedKeys(m map[string]cty.Value) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
