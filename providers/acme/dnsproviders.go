package acme

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agext/levenshtein"
	"github.com/go-acme/lego/v4/challenge"
)

// The lego DNS providers built into certform are listed in dnslist.go, by
// the names lego gives them (`lego --dns NAME`): every provider of lego
// v4.34.0 that needs no Go module beyond those certform builds anyway (137
// names of 195). Each reads its settings from the environment variables
// lego documents for it (CLOUDFLARE_DNS_API_TOKEN, RFC2136_NAMESERVER, ...),
// which dns01 { env = {...} } may also set. TestDNSProvidersFollowLego
// checks the list against lego's own registry.
//
// The rest (legoOnlyDNSProviders: route53, azuredns, gcloud, ovh, ...) each
// pull in a vendor SDK. lego's registry of all of them,
// providers/dns.NewDNSChallengeProviderByName, was measured on a 2-CPU
// machine under load from other work, with empty module and build caches:
// it takes go.mod from 45 to 229 required modules (the module graph from
// 256 to 700, go.sum from 176 to 2,635 lines, the module download from
// 132 MB to 1.9 GB), the binary from 24.3 MB to 91.5 MB, and the CPU time
// of each full compile about fivefold: go build of cmd/certform from 1m22s
// to 6m45s (9m42s wall), GOOS=windows go vet from 1m04s to 6m15s (11m50s
// wall), the race-enabled test build from 1m30s to 6m53s (10m42s wall).
// make test compiles all three, so CI would pay about 16 more CPU minutes
// on every cold run. The list here costs no new module and about 4 MB of
// binary, with no measurable compile time. Any DNS service works through
// provider = "exec" with a command that sets the TXT record.

// provider adapts a lego provider constructor to dnsProviders.
func provider[P challenge.Provider](ctor func() (P, error)) func() (challenge.Provider, error) {
	return func() (challenge.Provider, error) {
		p, err := ctor()
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

// dnsProviderNames lists the built-in lego DNS providers and exec, sorted.
func dnsProviderNames() []string {
	out := []string{"exec"}
	for n := range dnsProviders {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// unknownDNSProvider explains a dns01 provider certform does not have: one
// of lego's that is not built in, or a name neither knows, with the closest
// built-in name for a typo.
func unknownDNSProvider(name string) string {
	exec := "Any DNS service works through provider = \"exec\" with a command that sets the TXT record (such as your DNS vendor's command-line tool)."
	for _, n := range legoOnlyDNSProviders {
		if n == name {
			return fmt.Sprintf("lego's %q DNS provider is not built into certform: it needs its vendor's Go libraries, which would make every build several times larger and slower. %s", name, exec)
		}
	}
	msg := fmt.Sprintf("dns01 provider %q is not one of the %d lego DNS provider names built into certform (docs/language.md lists them). %s", name, len(dnsProviders), exec)
	if s := closest(name, dnsProviderNames()); s != "" {
		msg += fmt.Sprintf(" Did you mean %q?", s)
	}
	return msg
}

// closest returns the name nearest to s, for typos: one that begins with s
// or that s begins with, else one within three edits; "" when none is near.
func closest(s string, names []string) string {
	best, bestDist := "", 4
	for _, n := range names {
		d := levenshtein.Distance(s, n, nil)
		if strings.HasPrefix(n, s) || strings.HasPrefix(s, n) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// envMu serializes the lego DNS providers while they run: they read their
// settings, and some of lego's (LEGO_DISABLE_CNAME_SUPPORT) while
// presenting, from the process environment.
var envMu sync.Mutex

// withEnv runs f with env set in the process environment, restoring it
// afterwards.
func withEnv(env map[string]string, f func() error) error {
	envMu.Lock()
	defer envMu.Unlock()
	type saved struct {
		value string
		set   bool
	}
	restore := map[string]saved{}
	for _, k := range sortedKeys(env) {
		v, set := os.LookupEnv(k)
		restore[k] = saved{v, set}
		os.Setenv(k, env[k])
	}
	defer func() {
		for k, s := range restore {
			if s.set {
				os.Setenv(k, s.value)
			} else {
				os.Unsetenv(k)
			}
		}
	}()
	return f()
}

// legoDNSProvider is a lego DNS provider that sees the block's env while
// it is made and while it presents and cleans up.
type legoDNSProvider struct {
	p   challenge.Provider
	env map[string]string
}

var _ challenge.ProviderTimeout = (*legoDNSProvider)(nil)

// newLegoDNSProvider builds a built-in lego DNS provider with env.
func newLegoDNSProvider(name string, env map[string]string) (*legoDNSProvider, error) {
	ctor, ok := dnsProviders[name]
	if !ok {
		return nil, fmt.Errorf("unknown DNS provider %q", name)
	}
	lp := &legoDNSProvider{env: env}
	err := withEnv(env, func() error {
		var err error
		lp.p, err = ctor()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setting up the %s DNS provider: %w", name, err)
	}
	return lp, nil
}

// Present implements challenge.Provider.
func (lp *legoDNSProvider) Present(domain, token, keyAuth string) error {
	return withEnv(lp.env, func() error { return lp.p.Present(domain, token, keyAuth) })
}

// CleanUp implements challenge.Provider.
func (lp *legoDNSProvider) CleanUp(domain, token, keyAuth string) error {
	return withEnv(lp.env, func() error { return lp.p.CleanUp(domain, token, keyAuth) })
}

// Timeout implements challenge.ProviderTimeout: the provider's propagation
// timeout, or zero when it sets none.
func (lp *legoDNSProvider) Timeout() (timeout, interval time.Duration) {
	if pt, ok := lp.p.(challenge.ProviderTimeout); ok {
		return pt.Timeout()
	}
	return 0, 0
}
