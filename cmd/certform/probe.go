package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/lang"
	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemcert"
	"github.com/certform/certform/providers/probe"
)

// Exit codes of certform probe: 0 every server is fine, 3 a probe found a
// problem, 1 certform could not probe (bad arguments, no such endpoint).
const exitProblems = 3

// probeOptions are the flags of certform probe.
type probeOptions struct {
	caFile     string
	trust      string
	serverName string
	address    string
	timeout    time.Duration
}

func probeFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.probe.caFile, "ca-file", "", "verify against the CA certificates in this PEM file instead of the system roots")
	fs.StringVar(&o.probe.trust, "trust", "", "verify against a trust chain of the configuration, as the state records it: --trust trust_chain.NAME")
	fs.StringVar(&o.probe.serverName, "servername", "", "send this name as SNI and check the certificate for it (default: the URL's host)")
	fs.StringVar(&o.probe.address, "address", "", "connect to this HOST:PORT instead of the URL's, like curl --resolve (one target only)")
	fs.DurationVar(&o.probe.timeout, "timeout", probe.DefaultTimeout, "time allowed to connect and complete the handshake, per server")
	fs.IntVar(&o.parallelism, "parallelism", 10, "how many servers to probe at once")
	fs.BoolVar(&o.json, "json", false, "write the results as JSON")
	fs.BoolVar(&o.noColor, "no-color", false, "write no colors (also: the NO_COLOR environment variable)")
	fs.StringArrayVar(&o.vars, "var", nil, "set a variable: --var NAME=VALUE (repeatable)")
	fs.StringArrayVar(&o.varFiles, "var-file", nil, "read variables from an HCL file of NAME = VALUE lines (repeatable)")
	fs.StringVar(&o.statePath, "state", "", "path of the state file (default: certform.state.json in the configuration directory)")
}

// probeCommand connects to each target (a URL, host:port, or
// endpoint.NAME; every endpoint of the configuration when none is given)
// and reports what it serves, like openssl s_client -connect.
func (c *cli) probeCommand(args []string) int {
	po := c.opts.probe
	if po.address != "" && len(args) != 1 {
		return c.errorf("--address needs exactly one target")
	}
	var roots, inters []*x509.Certificate
	rootsName := ""
	if po.caFile != "" {
		data, err := os.ReadFile(c.path(po.caFile))
		if err != nil {
			return c.errorf("--ca-file: %v", err)
		}
		roots = pemcert.Parse(string(data))
		if len(roots) == 0 {
			return c.errorf("--ca-file %s holds no PEM certificate", po.caFile)
		}
		rootsName = po.caFile
	}

	var env *probeEnv
	needConfig := len(args) == 0 || po.trust != ""
	for _, a := range args {
		needConfig = needConfig || strings.HasPrefix(a, "endpoint.")
	}
	if needConfig {
		var ok bool
		if env, ok = c.probeEnv(); !ok {
			return 1
		}
	}
	if po.trust != "" {
		if po.caFile != "" {
			return c.errorf("use --ca-file or --trust, not both")
		}
		var err error
		roots, inters, err = env.trustChain(po.trust)
		if err != nil {
			return c.errorf("--trust: %v", err)
		}
		rootsName = po.trust
	}
	if len(args) == 0 {
		args = env.endpoints()
		if len(args) == 0 {
			return c.errorf("the configuration declares no endpoint; name a URL to probe, such as certform probe https://crm.example.test")
		}
	}

	var reqs []probe.Request
	expect := map[int]expected{}
	for _, a := range args {
		opts := probe.Options{Roots: roots, RootsName: rootsName, Intermediates: inters, ServerName: po.serverName, Address: po.address, Timeout: po.timeout}
		req := probe.Request{URL: a, Options: opts}
		if strings.HasPrefix(a, "endpoint.") {
			ep, err := env.endpoint(a)
			if err != nil {
				return c.errorf("%v", err)
			}
			req.Name, req.URL = a, ep.url
			if req.Options.Address == "" {
				req.Options.Address = ep.address
			}
			if ep.timeout > 0 && po.timeout == probe.DefaultTimeout {
				req.Options.Timeout = ep.timeout
			}
			if roots == nil && len(ep.roots) > 0 {
				req.Options.Roots, req.Options.RootsName = ep.roots, ep.rootsName
			}
			req.Options.Intermediates = append(req.Options.Intermediates, ep.inters...)
			if ep.want != "" {
				expect[len(reqs)] = expected{fp: ep.want, cert: ep.cert}
			}
		} else if _, err := probe.ParseTarget(a); err != nil {
			return c.errorf("%v; name a URL (https://host, iwfms://host:45054), host:port or endpoint.NAME", err)
		}
		reqs = append(reqs, req)
	}

	results := probe.All(context.Background(), reqs, c.opts.parallelism)
	for i, r := range results {
		if e, ok := expect[i]; ok && r.Handshake && r.Fingerprint() != e.fp {
			r.Problems = append(r.Problems, probe.Problem{Code: "other-certificate", Severity: probe.Error,
				Message: fmt.Sprintf("the server does not serve the certificate certform installed (%s, sha256:%s): restart the service, or check which certificate it reads", e.cert, shortFP(e.fp))})
		}
	}
	problems := false
	for _, r := range results {
		problems = problems || !r.OK()
	}
	if c.opts.json {
		enc := json.NewEncoder(c.s.out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"ok": !problems, "results": results})
	} else {
		for i, r := range results {
			if i > 0 {
				fmt.Fprintln(c.s.out)
			}
			c.writeProbe(c.s.out, r, expect[i])
		}
	}
	if problems {
		return exitProblems
	}
	return 0
}

// expected is the certificate certform installed on an endpoint.
type expected struct {
	fp   string
	cert string
}

func (c *cli) writeProbe(w io.Writer, r *probe.Result, e expected) {
	paint := func(code, s string) string {
		if !c.opts.color {
			return s
		}
		return code + s + "\x1b[0m"
	}
	title := r.URL
	if r.Name != "" {
		title = r.Name + "  " + r.URL
	}
	fmt.Fprintf(w, "%s\n", paint("\x1b[1m", title))
	fmt.Fprintf(w, "  address      %s (SNI %s)\n", r.Address, r.ServerName)
	if r.Handshake {
		fmt.Fprintf(w, "  protocol     %s, %s\n", r.Protocol, r.Cipher)
		for i, cert := range r.Chain {
			label := "chain"
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(w, "  %-12s %d %s\n", label, i, cert.Subject)
			fmt.Fprintf(w, "                 issuer     %s\n", cert.Issuer)
			if names := append(append([]string{}, cert.DNSNames...), cert.IPAddresses...); len(names) > 0 {
				fmt.Fprintf(w, "                 names      %s\n", strings.Join(names, ", "))
			}
			fmt.Fprintf(w, "                 valid      %s to %s\n", cert.NotBefore.Format("2006-01-02"), cert.NotAfter.Format("2006-01-02"))
			fmt.Fprintf(w, "                 key        %s, signed %s\n", cert.Key, cert.SignatureAlgorithm)
			fmt.Fprintf(w, "                 sha256     %s\n", cert.FingerprintSHA256)
		}
		verified := "no"
		if r.Verified {
			verified = "yes"
		}
		fmt.Fprintf(w, "  verified     %s, against %s\n", verified, r.VerifiedAgainst)
		hostname := "does not match " + r.ServerName
		if r.HostnameMatch {
			hostname = "matches " + r.ServerName
		}
		fmt.Fprintf(w, "  hostname     %s\n", hostname)
		fmt.Fprintf(w, "  days left    %d\n", r.DaysLeft)
		if e.fp != "" {
			installed := "no"
			if r.Fingerprint() == e.fp {
				installed = "yes"
			}
			fmt.Fprintf(w, "  installed    %s (%s)\n", installed, e.cert)
		}
	}
	if r.OK() {
		fmt.Fprintf(w, "  result       %s\n", paint("\x1b[32m", "ok"))
		return
	}
	n := len(r.Problems)
	word := "problems"
	if n == 1 {
		word = "problem"
	}
	fmt.Fprintf(w, "  result       %s\n", paint("\x1b[31m", fmt.Sprintf("%d %s", n, word)))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "%s\n", wrap(string(p.Severity)+": "+p.Message, 74, "    "))
	}
}

// probeEnv is the configuration and state certform probe reads for
// endpoint.NAME and --trust.
type probeEnv struct {
	cfg   *lang.Config
	scope *lang.Scope
	rec   map[string]cty.Value // recorded values by address
}

func (c *cli) probeEnv() (*probeEnv, bool) {
	cfg, diags := lang.Load(c.dir(), kinds())
	if c.diags(cfg.Files, diags) {
		return nil, false
	}
	values, diags := cfg.VariableValues(lang.VarInputs{Env: c.s.env, Files: c.paths(c.opts.varFiles), Flags: c.opts.vars})
	if c.diags(cfg.Files, diags) {
		return nil, false
	}
	st, err := c.stateStore().Load()
	if err != nil {
		c.errorf("%v", err)
		return nil, false
	}
	e := &probeEnv{cfg: cfg, scope: cfg.NewScope(values), rec: map[string]cty.Value{}}
	for _, a := range st.Addresses() {
		v := st.Resource(a).Attributes
		e.rec[a] = v
		if addr, err := lang.ParseAddress(a); err == nil {
			e.scope.Set(addr, v)
		}
	}
	return e, true
}

// endpoints lists the configuration's endpoint addresses.
func (e *probeEnv) endpoints() []string {
	var out []string
	for a := range e.cfg.Resources {
		if a.Kind == "endpoint" {
			out = append(out, a.String())
		}
	}
	sort.Strings(out)
	return out
}

// endpointProbe is what a probe of endpoint.NAME uses from the
// configuration and the state.
type endpointProbe struct {
	url, address string
	timeout      time.Duration
	// roots and inters come from the chain of the certificate the state
	// records for the endpoint.
	roots, inters []*x509.Certificate
	rootsName     string
	want, cert    string
}

func (e *probeEnv) endpoint(name string) (*endpointProbe, error) {
	a, err := lang.ParseAddress(name)
	if err != nil {
		return nil, err
	}
	r, ok := e.cfg.Resources[a]
	if !ok {
		return nil, fmt.Errorf("%s is not declared in the configuration; the endpoints are: %s", name, strings.Join(e.endpoints(), ", "))
	}
	dec, diags := e.scope.Decode(r)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", name, diags.Error())
	}
	ep := &endpointProbe{url: providers.String(dec.Value, "url"), address: providers.String(dec.Value, "probe_address")}
	if ep.url == "" {
		return nil, fmt.Errorf("%s: its url is not known (does it depend on a value not yet applied?)", name)
	}
	if ep.address != "" {
		if _, _, err := net.SplitHostPort(ep.address); err != nil {
			return nil, fmt.Errorf("%s: probe_address %q is not host:port", name, ep.address)
		}
	}
	if s := providers.String(dec.Value, "probe_timeout"); s != "" {
		ep.timeout, _ = providers.ParseDuration(s)
	}
	// The certificate certform installed, and the chain it was issued
	// with, from the state.
	for _, d := range r.Dependencies {
		if d.Kind != "certificate" {
			continue
		}
		cv, ok := e.rec[d.String()]
		if !ok {
			continue
		}
		ep.cert = d.String()
		ep.want = providers.String(e.rec[name], "certificate_fingerprint")
		for _, ch := range pemcert.Parse(providers.String(cv, "chain_pem")) {
			if ch.Subject.String() == ch.Issuer.String() && ch.CheckSignatureFrom(ch) == nil {
				ep.roots = append(ep.roots, ch)
			} else {
				ep.inters = append(ep.inters, ch)
			}
		}
		if len(ep.roots) > 0 {
			ep.rootsName = fmt.Sprintf("the root of %s's chain (from the state)", d)
		}
		break
	}
	return ep, nil
}

// trustChain returns the roots and intermediates of a trust chain as the
// state records it.
func (e *probeEnv) trustChain(name string) (roots, inters []*x509.Certificate, err error) {
	a, err := lang.ParseAddress(name)
	if err != nil || a.Kind != "trust_chain" {
		return nil, nil, fmt.Errorf("%q is not a trust chain address such as trust_chain.company", name)
	}
	v, ok := e.rec[name]
	if !ok {
		if _, declared := e.cfg.Resources[a]; !declared {
			return nil, nil, fmt.Errorf("%s is not declared in the configuration", name)
		}
		return nil, nil, fmt.Errorf("%s is not in the state yet: run certform apply first, or name the roots with --ca-file", name)
	}
	rootFPs := map[string]bool{}
	for _, fp := range providers.Strings(v, "roots") {
		rootFPs[fp] = true
	}
	for _, c := range pemcert.Parse(providers.String(v, "bundle_pem")) {
		if rootFPs[pemcert.Fingerprint(c)] {
			roots = append(roots, c)
		} else {
			inters = append(inters, c)
		}
	}
	if len(roots) == 0 {
		return nil, nil, fmt.Errorf("%s records no root certificate", name)
	}
	return roots, inters, nil
}

func shortFP(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "…"
	}
	return fp
}
