package acme

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-acme/lego/v4/acme"
	"github.com/go-acme/lego/v4/acme/api"
	"github.com/go-acme/lego/v4/challenge"
	"github.com/go-acme/lego/v4/challenge/tlsalpn01"

	"github.com/certform/certform/providers"
)

// validationTimeout bounds the wait for the CA to decide on one
// authorization, and for an order to be issued.
const validationTimeout = 3 * time.Minute

// pending is a challenge answer in place, awaiting validation.
type pending struct {
	authzURL string
	domain   string
	chlng    acme.Challenge
}

// authorize gets every authorization of the order validated: it puts all
// challenge answers in place, asks the CA to validate each, waits for the
// results and takes the answers away again, whatever happened.
func authorize(ctx context.Context, core *api.Core, s settings, order acme.ExtendedOrder, env *providers.Env, address string, servers *serverSet) error {
	var ps []pending
	var cleanups []func()
	defer func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}()
	for _, u := range order.Authorizations {
		authz, err := core.Authorizations.Get(u)
		if err != nil {
			return fmt.Errorf("fetching an authorization: %w", err)
		}
		domain := challenge.GetTargetedDomain(authz)
		if authz.Status == acme.StatusValid {
			env.Report(address, "%s is already validated for this account", domain)
			continue
		}
		ch, err := challenge.FindChallenge(challenge.Type(s.challenge.typ), authz)
		if err != nil {
			var offered []string
			for _, c := range authz.Challenges {
				offered = append(offered, c.Type)
			}
			return &offerError{domain: domain, challenge: s.challenge, offered: offered}
		}
		keyAuth, err := core.GetKeyAuthorization(ch.Token)
		if err != nil {
			return fmt.Errorf("computing the key authorization: %w", err)
		}
		cleanup, err := present(ctx, s.challenge, authz.Identifier.Value, ch.Token, keyAuth, env, address, servers)
		if err != nil {
			return &presentError{domain: domain, challenge: s.challenge, err: err}
		}
		cleanups = append(cleanups, cleanup)
		ps = append(ps, pending{authzURL: u, domain: domain, chlng: ch})
	}
	for _, p := range ps {
		env.Report(address, "waiting for the CA to validate %s (%s)", p.domain, s.challenge.typ)
		if _, err := core.Challenges.New(p.chlng.URL); err != nil {
			var prob *acme.ProblemDetails
			if errors.As(err, &prob) {
				return &validationError{domain: p.domain, challenge: s.challenge, problem: prob}
			}
			return fmt.Errorf("asking the CA to validate %s: %w", p.domain, err)
		}
	}
	for _, p := range ps {
		if err := waitValid(ctx, core, p.authzURL, p.domain, s.challenge); err != nil {
			return err
		}
		env.Report(address, "%s validated", p.domain)
	}
	return nil
}

// present puts the answer to one challenge in place and returns what takes
// it away again.
func present(ctx context.Context, ch challengeSettings, identifier, token, keyAuth string, env *providers.Env, address string, servers *serverSet) (func(), error) {
	switch ch.typ {
	case typeHTTP01:
		if ch.webroot != "" {
			return presentWebroot(env, ch.webroot, token, keyAuth)
		}
		cs, err := servers.acquire(typeHTTP01, ch.listen)
		if err != nil {
			return nil, err
		}
		cs.addToken(token, keyAuth)
		env.Report(address, "answering the http-01 challenge for %s on %s", identifier, ch.listen)
		return func() { cs.removeToken(token); servers.release(cs) }, nil
	case typeTLSALPN01:
		c, err := tlsalpn01.ChallengeCert(identifier, keyAuth)
		if err != nil {
			return nil, fmt.Errorf("making the validation certificate: %w", err)
		}
		cs, err := servers.acquire(typeTLSALPN01, ch.listen)
		if err != nil {
			return nil, err
		}
		cs.addCert(identifier, c)
		env.Report(address, "answering the tls-alpn-01 challenge for %s on %s", identifier, ch.listen)
		return func() { cs.removeCert(identifier); servers.release(cs) }, nil
	case typeDNS01:
		return presentDNS(ctx, ch, identifier, token, keyAuth, env, address)
	}
	return nil, fmt.Errorf("unknown challenge type %q", ch.typ)
}

// presentWebroot writes the answer into the web root that another server
// serves on port 80, and removes it (and the directories it made) after.
func presentWebroot(env *providers.Env, webroot, token, keyAuth string) (func(), error) {
	wellKnown := filepath.Join(webroot, ".well-known")
	dir := filepath.Join(wellKnown, "acme-challenge")
	var made []string
	for _, d := range []string{wellKnown, dir} {
		if _, err := env.FS.Stat(d); errors.Is(err, fs.ErrNotExist) {
			made = append(made, d)
		}
	}
	file := filepath.Join(dir, token)
	if err := env.FS.WriteFile(file, []byte(keyAuth), 0o644); err != nil {
		return nil, err
	}
	return func() {
		_ = env.FS.Remove(file)
		for i := len(made) - 1; i >= 0; i-- {
			_ = env.FS.Remove(made[i]) // fails, harmlessly, if not empty
		}
	}, nil
}

// presentDNS publishes the TXT record with the configured DNS provider and
// waits until the name servers have it.
func presentDNS(ctx context.Context, ch challengeSettings, identifier, token, keyAuth string, env *providers.Env, address string) (func(), error) {
	var p challenge.Provider
	if ch.provider == "exec" {
		p = &execProvider{ctx: ctx, command: ch.command, env: ch.env, dir: configDir(env)}
	} else {
		var err error
		if p, err = newLegoDNSProvider(ch.provider, ch.env); err != nil {
			return nil, err
		}
	}
	fqdn, value := txtRecord(identifier, keyAuth)
	env.Report(address, "publishing TXT record %s (%s)", fqdn, ch.provider)
	if err := p.Present(identifier, token, keyAuth); err != nil {
		return nil, err
	}
	cleanup := func() {
		if err := p.CleanUp(identifier, token, keyAuth); err != nil {
			env.Report(address, "warning: the TXT record %s could not be removed: %v", fqdn, err)
		}
	}
	timeout := ch.propagationTimeout
	if timeout == 0 {
		timeout = defaultPropagationTimeout
		if pt, ok := p.(challenge.ProviderTimeout); ok {
			if t, _ := pt.Timeout(); t > 0 {
				timeout = t
			}
		}
	}
	where := "the zone's name servers"
	if len(ch.resolvers) > 0 {
		where = strings.Join(ch.resolvers, ", ")
	}
	env.Report(address, "waiting for TXT record %s to appear at %s", fqdn, where)
	if err := waitTXT(ctx, fqdn, value, ch.resolvers, timeout); err != nil {
		cleanup()
		return nil, err
	}
	return cleanup, nil
}

// configDir is the configuration directory, where relative commands are
// found and run.
func configDir(env *providers.Env) string {
	if p, ok := env.FS.(interface{ Path(string) string }); ok {
		return p.Path(".")
	}
	return "."
}

// waitValid polls an authorization until the CA has decided on it.
func waitValid(ctx context.Context, core *api.Core, url, domain string, ch challengeSettings) error {
	ctx, cancel := context.WithTimeout(ctx, validationTimeout)
	defer cancel()
	delay := 50 * time.Millisecond
	for {
		authz, err := core.Authorizations.Get(url)
		if err != nil {
			return fmt.Errorf("checking the validation of %s: %w", domain, err)
		}
		switch authz.Status {
		case acme.StatusValid:
			return nil
		case acme.StatusPending, acme.StatusProcessing:
		case acme.StatusInvalid:
			for _, c := range authz.Challenges {
				if c.Type == ch.typ && c.Error != nil {
					return &validationError{domain: domain, challenge: ch, problem: c.Error}
				}
			}
			return &validationError{domain: domain, challenge: ch, status: authz.Status}
		default:
			return &validationError{domain: domain, challenge: ch, status: authz.Status}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the CA did not decide on %s within %s", domain, validationTimeout)
		case <-time.After(delay):
		}
		delay = min(delay*2, 3*time.Second)
	}
}

// waitOrder polls a finalized order until its certificate is ready.
func waitOrder(ctx context.Context, core *api.Core, url string, o acme.ExtendedOrder) (acme.ExtendedOrder, error) {
	ctx, cancel := context.WithTimeout(ctx, validationTimeout)
	defer cancel()
	delay := 50 * time.Millisecond
	for {
		switch o.Status {
		case acme.StatusValid:
			return o, nil
		case acme.StatusInvalid:
			if o.Error != nil {
				return o, o.Error
			}
			return o, errors.New("the CA marked the order invalid")
		}
		select {
		case <-ctx.Done():
			return o, fmt.Errorf("the CA did not issue the certificate within %s (order %s)", validationTimeout, o.Status)
		case <-time.After(delay):
		}
		delay = min(delay*2, 3*time.Second)
		var err error
		if o, err = core.Orders.Get(url); err != nil {
			return o, err
		}
	}
}
