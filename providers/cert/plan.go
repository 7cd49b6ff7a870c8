package cert

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
)

// Plan implements providers.Provider. A new certificate, or one that must
// be replaced, gets unknown computed attributes; otherwise the recorded ones
// are kept, and a change of renew_before or of the issuer's chain is an
// update in place.
func (p *Provider) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	if req.Config == cty.NilVal || req.Config.IsNull() {
		return providers.PlanResponse{Planned: providers.Null}
	}
	if isImport(req.Config) {
		return p.planImport(ctx, req)
	}
	if r, kind, iss, ok := p.remoteFor(req.Config); ok {
		return p.planRemote(ctx, r, kind, iss, req)
	}
	desired := desiredAttrs(req.Config)
	iss, diags := parseIssuer(req.Address, attr(req.Config, "issuer"), p.issuerCerts(req.Env))
	diags = append(diags, checkAttrs(req.Address, desired)...)
	if diags.HasErrors() {
		return providers.PlanResponse{Planned: req.Live, Diagnostics: diags}
	}
	now := req.Env.Now

	if !providers.Exists(req.Live) {
		resp := providers.PlanResponse{
			Planned:     certValue(desired, iss, unknownComputed()),
			Diagnostics: append(diags, outliveWarnings(req.Address, desired, iss, now)...),
		}
		if providers.Exists(req.Prior) {
			resp.RequiresReplace = true
			resp.Reasons = []string{"private key missing from .certform/keys"}
		}
		return resp
	}

	if reasons := replaceReasons(desired, iss, req.Live, now, runCerts(req.Env)); len(reasons) > 0 {
		return providers.PlanResponse{
			Planned:         certValue(desired, iss, unknownComputed()),
			RequiresReplace: true,
			Reasons:         reasons,
			Diagnostics:     append(diags, outliveWarnings(req.Address, desired, iss, now)...),
		}
	}
	var reasons []string
	if !providers.Equal(desired["renew_before"], providers.Attr(req.Live, "renew_before")) {
		reasons = append(reasons, "renew_before changed")
	}
	if !providers.Equal(iss.chain, providers.Attr(req.Live, "chain_pem")) {
		reasons = append(reasons, "chain_pem changed")
	}
	if len(reasons) == 0 && sameShape(req.Live, desired) && providers.Equal(desired["key"], providers.Attr(req.Live, "key")) {
		// Every other attribute of the value to plan was compared above,
		// or is copied from Live.
		return providers.PlanResponse{Planned: req.Live, NoChange: true, Diagnostics: diags}
	}
	return providers.PlanResponse{
		Planned:     certValue(desired, iss, priorComputed(req.Live)),
		Reasons:     reasons,
		Diagnostics: diags,
	}
}

// replaceReasons says why the live certificate cannot stay: it expires
// within renew_before, or something baked into it differs from the
// configuration.
func replaceReasons(desired map[string]cty.Value, iss issuerRef, live cty.Value, now time.Time, certs *pemcert.Cache) []string {
	var reasons []string
	if _, err := certs.First(providers.String(live, "pem")); err != nil {
		reasons = append(reasons, "the certificate recorded in state cannot be read")
	}
	notAfter, err := time.Parse(time.RFC3339, providers.String(live, "not_after"))
	switch renew, rerr := providers.ParseDuration(stringOf(desired["renew_before"])); {
	case err != nil:
		reasons = append(reasons, "the certificate recorded in state has no valid not_after")
	case !now.Before(notAfter):
		reasons = append(reasons, fmt.Sprintf("expired %s ago", humanDuration(now.Sub(notAfter))))
	case rerr == nil && notAfter.Sub(now) <= renew:
		reasons = append(reasons, fmt.Sprintf("expires in %s, renew_before is %s",
			humanDuration(notAfter.Sub(now)), providers.FormatDuration(renew)))
	}

	for _, name := range []string{"common_name", "dns_names", "ip_addresses", "organization", "is_ca", "validity", "key_usages", "ext_key_usages"} {
		switch v := desired[name]; {
		case !v.IsWhollyKnown():
			reasons = append(reasons, name+" is known only after apply")
		case !providers.Equal(v, providers.Attr(live, name)):
			reasons = append(reasons, name+" changed")
		}
	}
	reasons = append(reasons, keyReasons(desired["key"], providers.Attr(live, "key"))...)
	return append(reasons, issuerReasons(iss, live)...)
}

// keyReasons compares the configured key with the recorded one.
func keyReasons(want, got cty.Value) []string {
	if !want.IsWhollyKnown() {
		return []string{"key is known only after apply"}
	}
	alg := want.GetAttr("algorithm").AsString()
	switch {
	case alg != providers.String(got, "algorithm"):
		return []string{"key algorithm changed"}
	case alg == "RSA" && !providers.Equal(want.GetAttr("bits"), providers.Attr(got, "bits")):
		return []string{"key size changed"}
	case alg == "ECDSA" && !providers.Equal(want.GetAttr("curve"), providers.Attr(got, "curve")):
		return []string{"key curve changed"}
	}
	return nil
}

// issuerReasons compares the configured issuer with the recorded one.
func issuerReasons(iss issuerRef, live cty.Value) []string {
	switch {
	case !iss.kind.IsKnown():
		return []string{"issuer is known only after apply"}
	case iss.kind.AsString() != providers.String(live, "issuer_kind"):
		return []string{"issuer changed"}
	case !iss.fingerprint.IsKnown():
		return []string{"issuer changed: its certificate is being replaced"}
	case !providers.Equal(iss.fingerprint, providers.Attr(live, "issuer_fingerprint")):
		return []string{"issuer changed"}
	}
	return nil
}

// outliveWarnings warns when a new certificate would be valid longer than
// its issuer: Apply then ends it when the issuer expires.
func outliveWarnings(address string, desired map[string]cty.Value, iss issuerRef, now time.Time) hcl.Diagnostics {
	validity, err := providers.ParseDuration(stringOf(desired["validity"]))
	if err != nil || iss.notAfter.IsZero() || !now.Add(validity).After(iss.notAfter) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagWarning,
		Summary:  "Certificate would outlive its issuer",
		Detail: fmt.Sprintf("%s: validity %s reaches past %s, when the issuing CA certificate expires; the certificate will be valid only until then. Renew the CA, or shorten validity.",
			address, stringOf(desired["validity"]), iss.notAfter.UTC().Format(time.RFC3339)),
	}}
}

// stringOf returns a known string value, "" otherwise.
func stringOf(v cty.Value) string {
	if !known(v) || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// humanDuration writes a span the way a reviewer reads it: "12 days",
// "5 hours", "3 minutes". Days and hours are rounded to the nearest.
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int64((d+30*time.Minute)/time.Hour), "hour")
	}
	return plural(int64((d+12*time.Hour)/(24*time.Hour)), "day")
}
