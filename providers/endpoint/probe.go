package endpoint

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/probe"
)

// defaultWait is how long apply keeps probing an endpoint for its new
// certificate: long enough for a service restarted by a hook to come back,
// short enough that a service nobody restarts fails the apply soon.
const defaultWait = 30 * time.Second

// probeConfig is the probe settings of an endpoint block.
type probeConfig struct {
	// known is false while probe is unknown (validate).
	known    bool
	enabled  bool
	address  string
	required bool
	timeout  time.Duration
	wait     time.Duration
}

func probeSettings(address string, config cty.Value) (probeConfig, hcl.Diagnostics) {
	pc := probeConfig{known: true, timeout: probe.DefaultTimeout, wait: defaultWait}
	var diags hcl.Diagnostics
	switch v := providers.Attr(config, "probe"); {
	case !v.IsKnown():
		pc.known = false
	case !v.IsNull():
		pc.enabled = v.True()
	}
	pc.required = providers.Bool(config, "probe_required")
	if a := providers.String(config, "probe_address"); a != "" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			diags = append(diags, errorf(address, "Invalid probe_address",
				fmt.Sprintf("probe_address %q must be host:port, such as \"127.0.0.1:45054\": certform connects there and still sends the URL's host as SNI.", a)))
		}
		pc.address = a
	}
	for _, d := range []struct {
		name string
		into *time.Duration
	}{{"probe_timeout", &pc.timeout}, {"probe_wait", &pc.wait}} {
		s := providers.String(config, d.name)
		if s == "" {
			continue
		}
		v, err := providers.ParseDuration(s)
		if err != nil || v <= 0 && d.name == "probe_timeout" {
			diags = append(diags, errorf(address, "Invalid "+d.name, fmt.Sprintf("%s is %q; write a duration such as \"5s\" or \"2m\".", d.name, s)))
			continue
		}
		*d.into = v
	}
	return pc, diags
}

func (pc probeConfig) options() probe.Options {
	return probe.Options{Address: pc.address, Timeout: pc.timeout}
}

// readServed probes an endpoint with probe = true and returns the
// recorded value with served_fingerprint set to what it serves now: the
// plan then shows a difference as drift. An endpoint that cannot be
// reached keeps its recorded value, with a warning (an error with
// probe_required = true); one that answers without TLS serves "".
func (p *Provider) readServed(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	resp := providers.ReadResponse{Live: req.Prior}
	pc, diags := probeSettings(req.Address, req.Config)
	if diags.HasErrors() || !pc.known || !pc.enabled {
		return resp
	}
	url := providers.String(req.Config, "url")
	if url == "" {
		url = providers.String(req.Prior, "url")
	}
	if url == "" {
		return resp
	}
	res := probe.Probe(ctx, url, pc.options())
	switch {
	case res.Handshake:
		resp.Live = withAttr(req.Prior, "served_fingerprint", cty.StringVal(res.Fingerprint()))
	case res.Connected:
		resp.Live = withAttr(req.Prior, "served_fingerprint", cty.StringVal(""))
		resp.Diagnostics = hcl.Diagnostics{{
			Severity: hcl.DiagWarning,
			Summary:  "Endpoint serves no TLS",
			Detail:   fmt.Sprintf("%s: %s.", req.Address, res.Summary()),
		}}
	default:
		resp.Diagnostics = hcl.Diagnostics{unreachable(req.Address, res, pc,
			"certform could not see which certificate it serves, and plans as if it served the recorded one")}
	}
	return resp
}

// unreachable is the diagnostic for an endpoint a probe did not reach: a
// warning, since certform may run where the endpoint's network is not, or
// an error when the block says probe_required = true.
func unreachable(address string, res *probe.Result, pc probeConfig, consequence string) *hcl.Diagnostic {
	d := &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Endpoint not reachable",
		Detail: fmt.Sprintf("%s: %s. %s. Run certform where the endpoint is reachable, set probe_address to an address that reaches it, or set probe_required = true to make this an error.",
			address, res.Summary(), consequence),
	}
	if pc.required {
		d.Severity = hcl.DiagError
		d.Detail = fmt.Sprintf("%s: %s. %s, and probe_required = true.", address, res.Summary(), consequence)
	}
	return d
}

// servedReason says why a probed endpoint must be updated: it serves
// another certificate than the configured one.
func servedReason(planned, live cty.Value) string {
	want, got := providers.Attr(planned, "served_fingerprint"), providers.Attr(live, "served_fingerprint")
	if !providers.Exists(want) || !providers.Exists(got) || got.Type() != cty.String || providers.Equal(want, got) {
		return ""
	}
	if got.AsString() == "" {
		return "the endpoint answers without TLS"
	}
	return fmt.Sprintf("the endpoint serves certificate sha256:%s, not the configured sha256:%s: the service has not loaded it", short(got.AsString()), short(want.AsString()))
}

// Verify implements providers.Verifier: after apply and its hooks, an
// endpoint with probe = true must serve the certificate certform
// installed. It probes again until probe_wait (default 30s) has passed,
// for a service that is restarting.
func (p *Provider) Verify(ctx context.Context, req providers.VerifyRequest) hcl.Diagnostics {
	pc, diags := probeSettings(req.Address, req.Config)
	if diags.HasErrors() || !pc.enabled {
		return nil
	}
	want, url := providers.String(req.New, "certificate_fingerprint"), providers.String(req.New, "url")
	if want == "" || url == "" {
		return nil
	}
	req.Env.Report(req.Address, "checking that the change took effect")
	start := time.Now()
	deadline := start.Add(pc.wait)
	var res *probe.Result
	for {
		res = probe.Probe(ctx, url, pc.options())
		if res.Handshake && res.Fingerprint() == want {
			return nil
		}
		// A refused connection or the old certificate: the service may
		// still be restarting.
		retry := res.Transient() || res.Handshake
		if !retry || ctx.Err() != nil || !time.Now().Before(deadline) {
			break
		}
		pause := min(time.Second, time.Until(deadline))
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
	waited := time.Since(start).Round(time.Second)
	switch {
	case res.Handshake:
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "New certificate not served",
			Detail: fmt.Sprintf("%s still serves certificate sha256:%s after %s, not the new sha256:%s. The service has not loaded it: restart it (a hook in on_change of the endpoint or of the block that configures it), check which certificate it reads (SSLCertificate, the store entry), and whether a load balancer in front has its own. certform probe %s shows what it serves.",
				req.Address, short(res.Fingerprint()), waited, short(want), req.Address),
		}}
	case res.Connected:
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Endpoint serves no TLS",
			Detail:   fmt.Sprintf("%s: after apply, %s.", req.Address, res.Summary()),
		}}
	}
	consequence := "certform could not check that it serves the new certificate"
	if waited > 0 {
		consequence = fmt.Sprintf("certform could not check, within %s, that it serves the new certificate", waited)
	}
	return hcl.Diagnostics{unreachable(req.Address, res, pc, consequence)}
}

// withAttr returns an object value with one attribute set.
func withAttr(obj cty.Value, name string, v cty.Value) cty.Value {
	if !providers.Exists(obj) || !obj.Type().IsObjectType() {
		return obj
	}
	m := obj.AsValueMap()
	m[name] = v
	return cty.ObjectVal(m)
}

func short(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "…"
	}
	return fp
}
