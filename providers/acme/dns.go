package acme

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-acme/lego/v4/challenge"
	"github.com/go-acme/lego/v4/challenge/dns01"
	"github.com/miekg/dns"
)

// execTimeout bounds one run of a dns01 exec command.
const execTimeout = 2 * time.Minute

// txtRecord returns the name and value of the DNS-01 TXT record for a
// domain (RFC 8555 section 8.4), without following CNAMEs: the name ends
// in a dot, the value is the base64url SHA-256 of the key authorization.
func txtRecord(domain, keyAuth string) (fqdn, value string) {
	sum := sha256.Sum256([]byte(keyAuth))
	return "_acme-challenge." + strings.TrimSuffix(domain, ".") + ".", base64.RawURLEncoding.EncodeToString(sum[:])
}

// execProvider sets and removes the TXT record with the user's command,
// called the way lego's exec provider calls its program, so the same
// scripts work with both:
//
//	COMMAND... present _acme-challenge.example.com. VALUE
//	COMMAND... cleanup _acme-challenge.example.com. VALUE
//
// The environment is certform's, plus the block's env and
// CERTFORM_ACME_DOMAIN, CERTFORM_ACME_RECORD and CERTFORM_ACME_VALUE.
type execProvider struct {
	ctx     context.Context
	command []string
	env     map[string]string
	dir     string
}

var _ challenge.Provider = (*execProvider)(nil)

// execError is a dns01 command that failed.
type execError struct {
	command []string
	action  string
	err     error
	output  string
}

func (e *execError) Error() string {
	msg := fmt.Sprintf("the dns01 command %q failed to %s the TXT record: %v", strings.Join(e.command, " "), e.action, e.err)
	if out := strings.TrimSpace(e.output); out != "" {
		msg += "; it printed: " + tail(out, 500)
	}
	return msg
}

func (e *execError) Unwrap() error { return e.err }

// Present implements challenge.Provider.
func (p *execProvider) Present(domain, _, keyAuth string) error {
	return p.run("present", domain, keyAuth)
}

// CleanUp implements challenge.Provider.
func (p *execProvider) CleanUp(domain, _, keyAuth string) error {
	return p.run("cleanup", domain, keyAuth)
}

func (p *execProvider) run(action, domain, keyAuth string) error {
	fqdn, value := txtRecord(domain, keyAuth)
	ctx, cancel := context.WithTimeout(p.ctx, execTimeout)
	defer cancel()
	name := p.command[0]
	if !filepath.IsAbs(name) && strings.ContainsAny(name, `/\`) {
		name = filepath.Join(p.dir, name)
	}
	args := append(append([]string{}, p.command[1:]...), action, fqdn, value)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = p.dir
	cmd.Env = os.Environ()
	for _, k := range sortedKeys(p.env) {
		cmd.Env = append(cmd.Env, k+"="+p.env[k])
	}
	cmd.Env = append(cmd.Env, "CERTFORM_ACME_DOMAIN="+domain, "CERTFORM_ACME_RECORD="+fqdn, "CERTFORM_ACME_VALUE="+value)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("no answer after %s", execTimeout)
		}
		return &execError{command: p.command, action: action, err: err, output: out.String()}
	}
	return nil
}

// waitTXT waits until the TXT record holds value at the resolvers given,
// or, without any, at the authoritative name servers of its zone, as the
// CA will look it up.
func waitTXT(ctx context.Context, fqdn, value string, resolvers []string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	recursive := len(resolvers) > 0
	var servers []string
	for _, r := range resolvers {
		addr, err := resolverAddress(r)
		if err != nil {
			return err
		}
		servers = append(servers, addr)
	}
	name := fqdn
	delay := 100 * time.Millisecond
	var last error
	for {
		if !recursive && len(servers) == 0 {
			name, servers, last = authoritative(name)
		}
		if len(servers) > 0 {
			done, next, err := txtEverywhere(ctx, name, value, servers, recursive)
			if done {
				return nil
			}
			last = err
			if next != name {
				// A CNAME: ask the name servers of its target next.
				name, servers = next, nil
			}
		}
		select {
		case <-ctx.Done():
			if last == nil {
				last = fmt.Errorf("the record did not appear")
			}
			where := "the zone's name servers"
			if recursive {
				where = strings.Join(servers, ", ")
			}
			return fmt.Errorf("waiting %s for TXT %s at %s: %w", timeout, fqdn, where, last)
		case <-time.After(delay):
		}
		delay = min(delay*2, 2*time.Second)
	}
}

// authoritative returns the name servers of the zone of fqdn, as host:53.
func authoritative(fqdn string) (string, []string, error) {
	zone, err := dns01.FindZoneByFqdn(fqdn)
	if err != nil {
		return fqdn, nil, err
	}
	nss, err := net.LookupNS(zone)
	if err != nil {
		return fqdn, nil, fmt.Errorf("looking up the name servers of %s: %w", zone, err)
	}
	var out []string
	for _, ns := range nss {
		out = append(out, net.JoinHostPort(strings.TrimSuffix(ns.Host, "."), "53"))
	}
	return fqdn, out, nil
}

// txtEverywhere reports whether every server answers the TXT query for
// name with value. A CNAME in an authoritative answer is followed: the
// name to ask for next comes back.
func txtEverywhere(ctx context.Context, name, value string, servers []string, recursive bool) (bool, string, error) {
	c := &dns.Client{Timeout: 5 * time.Second}
	for _, srv := range servers {
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(name), dns.TypeTXT)
		m.RecursionDesired = recursive
		r, _, err := c.ExchangeContext(ctx, m, srv)
		if err != nil {
			return false, name, fmt.Errorf("asking %s: %w", srv, err)
		}
		found := false
		for _, rr := range r.Answer {
			switch rr := rr.(type) {
			case *dns.TXT:
				if strings.Join(rr.Txt, "") == value {
					found = true
				}
			case *dns.CNAME:
				if !recursive && strings.EqualFold(rr.Hdr.Name, dns.Fqdn(name)) {
					return false, rr.Target, fmt.Errorf("%s is a CNAME for %s", name, rr.Target)
				}
			}
		}
		if !found {
			return false, name, fmt.Errorf("%s does not have it yet (%s)", srv, dns.RcodeToString[r.Rcode])
		}
	}
	return true, name, nil
}

// tail returns the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
