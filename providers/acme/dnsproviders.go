package acme

import (
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/go-acme/lego/v4/challenge"
	"github.com/go-acme/lego/v4/providers/dns/acmedns"
	"github.com/go-acme/lego/v4/providers/dns/cloudflare"
	"github.com/go-acme/lego/v4/providers/dns/digitalocean"
	"github.com/go-acme/lego/v4/providers/dns/dnsmadeeasy"
	"github.com/go-acme/lego/v4/providers/dns/duckdns"
	"github.com/go-acme/lego/v4/providers/dns/dynu"
	"github.com/go-acme/lego/v4/providers/dns/gandiv5"
	"github.com/go-acme/lego/v4/providers/dns/godaddy"
	"github.com/go-acme/lego/v4/providers/dns/hetzner"
	"github.com/go-acme/lego/v4/providers/dns/hostingde"
	"github.com/go-acme/lego/v4/providers/dns/httpreq"
	"github.com/go-acme/lego/v4/providers/dns/infomaniak"
	"github.com/go-acme/lego/v4/providers/dns/ionos"
	"github.com/go-acme/lego/v4/providers/dns/luadns"
	"github.com/go-acme/lego/v4/providers/dns/namecheap"
	"github.com/go-acme/lego/v4/providers/dns/netcup"
	"github.com/go-acme/lego/v4/providers/dns/pdns"
	"github.com/go-acme/lego/v4/providers/dns/rfc2136"
	"github.com/go-acme/lego/v4/providers/dns/technitium"
)

// dnsProviders are the lego DNS providers built into certform, by the name
// lego gives them (`lego --dns NAME`). Each reads its settings from the
// environment variables lego documents for it (CLOUDFLARE_DNS_API_TOKEN,
// RFC2136_NAMESERVER, ...), which dns01 { env = {...} } may also set.
//
// The list is limited to providers that need no vendor SDK: every SDK (AWS,
// Azure, Google Cloud, ...) adds dozens of modules to the build. Adding one
// is one line here; until then, any DNS service works through provider =
// "exec" with a command that sets the TXT record.
var dnsProviders = map[string]func() (challenge.Provider, error){
	"acme-dns":     func() (challenge.Provider, error) { return acmedns.NewDNSProvider() },
	"cloudflare":   func() (challenge.Provider, error) { return cloudflare.NewDNSProvider() },
	"digitalocean": func() (challenge.Provider, error) { return digitalocean.NewDNSProvider() },
	"dnsmadeeasy":  func() (challenge.Provider, error) { return dnsmadeeasy.NewDNSProvider() },
	"duckdns":      func() (challenge.Provider, error) { return duckdns.NewDNSProvider() },
	"dynu":         func() (challenge.Provider, error) { return dynu.NewDNSProvider() },
	"gandiv5":      func() (challenge.Provider, error) { return gandiv5.NewDNSProvider() },
	"godaddy":      func() (challenge.Provider, error) { return godaddy.NewDNSProvider() },
	"hetzner":      func() (challenge.Provider, error) { return hetzner.NewDNSProvider() },
	"hostingde":    func() (challenge.Provider, error) { return hostingde.NewDNSProvider() },
	"httpreq":      func() (challenge.Provider, error) { return httpreq.NewDNSProvider() },
	"infomaniak":   func() (challenge.Provider, error) { return infomaniak.NewDNSProvider() },
	"ionos":        func() (challenge.Provider, error) { return ionos.NewDNSProvider() },
	"luadns":       func() (challenge.Provider, error) { return luadns.NewDNSProvider() },
	"namecheap":    func() (challenge.Provider, error) { return namecheap.NewDNSProvider() },
	"netcup":       func() (challenge.Provider, error) { return netcup.NewDNSProvider() },
	"pdns":         func() (challenge.Provider, error) { return pdns.NewDNSProvider() },
	"rfc2136":      func() (challenge.Provider, error) { return rfc2136.NewDNSProvider() },
	"technitium":   func() (challenge.Provider, error) { return technitium.NewDNSProvider() },
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

// envMu serializes the construction of lego DNS providers, which read
// their settings from the process environment.
var envMu sync.Mutex

// newLegoDNSProvider builds a lego DNS provider with env set in the process
// environment while it reads its settings, and restored afterwards.
func newLegoDNSProvider(name string, env map[string]string) (challenge.Provider, error) {
	ctor, ok := dnsProviders[name]
	if !ok {
		return nil, fmt.Errorf("unknown DNS provider %q", name)
	}
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
	p, err := ctor()
	if err != nil {
		return nil, fmt.Errorf("setting up the %s DNS provider: %w", name, err)
	}
	return p, nil
}
