package acme

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-acme/lego/v4/acme"
	"github.com/go-acme/lego/v4/certificate"
	"github.com/hashicorp/hcl/v2"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
)

// reviewTimeout bounds the renewal information request of one plan.
const reviewTimeout = 15 * time.Second

// Check implements cert.Remote. A public CA (an issuer without ca_roots)
// validates domain names that resolve on the internet: IP addresses and
// bare host names are refused before anything is ordered. Wildcard names
// can be validated with dns01 only.
func (r *Remote) Check(req cert.RemoteRequest) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if roots := attr(req.Issuer, "ca_roots"); known(roots) && roots.AsString() == "" {
		for _, ip := range req.IPAddresses {
			diags = append(diags, errorf(req.Address, "An IP address is not enough",
				"ip_addresses holds %s, but a public ACME CA such as Let's Encrypt certifies domain names: the server must be reachable under a domain (such as meinefirma.de or firma.dyndns.org) that points to its public address. Put that name into dns_names and remove ip_addresses.", ip))
		}
		for _, n := range req.DNSNames {
			if net.ParseIP(n) != nil {
				diags = append(diags, errorf(req.Address, "An IP address is not enough",
					"dns_names holds the IP address %s, but a public ACME CA such as Let's Encrypt certifies domain names: the server must be reachable under a domain (such as meinefirma.de or firma.dyndns.org) that points to its public address. Put that name into dns_names.", n))
				continue
			}
			if !strings.Contains(strings.Trim(n, "."), ".") {
				diags = append(diags, errorf(req.Address, "Not a domain name",
					"dns_names holds %q, a bare host name. A public ACME CA validates only names that resolve on the internet, such as %q; use the server's public domain name.", n, n+".example.com"))
			}
		}
	}
	typ := attr(attr(req.Issuer, "challenge"), "type")
	if known(typ) && typ.AsString() != typeDNS01 {
		for _, n := range req.DNSNames {
			if strings.HasPrefix(n, "*.") {
				diags = append(diags, errorf(req.Address, "Wildcard needs dns01",
					"dns_names holds %q; ACME CAs validate wildcard names with the dns-01 challenge only, and this issuer uses %s. Name the hosts one by one, or use an issuer with dns01.", n, typ.AsString()))
			}
		}
	}
	return diags
}

// Review implements cert.Remote. A certificate is replaced when the issuer
// now points at another directory, or when the CA's renewal information
// (ARI, RFC 9773) says its renewal window has opened. Within the window
// each certificate renews at its own point, derived from its serial
// number, so plan and apply agree and many certificates do not all renew
// at once; once the window has passed, it renews at any rate.
func (r *Remote) Review(ctx context.Context, req cert.ReviewRequest) ([]string, hcl.Diagnostics) {
	dir := attr(req.Issuer, "directory")
	if !known(dir) {
		return nil, nil
	}
	if rec := providers.String(req.Record, "directory"); rec != "" && rec != dir.AsString() {
		return []string{"issuer changed: its ACME directory is now " + dir.AsString()}, nil
	}
	roots := ""
	if v := attr(req.Issuer, "ca_roots"); known(v) {
		roots = v.AsString()
	}
	ctx, cancel := context.WithTimeout(ctx, reviewTimeout)
	defer cancel()
	info, err := renewalInfo(ctx, dir.AsString(), roots, req.Certificate)
	switch {
	case errors.Is(err, errNoARI):
		return nil, nil
	case err != nil:
		return nil, hcl.Diagnostics{warningf(req.Address, "No renewal information",
			"The ACME server's renewal information (ARI) for this certificate could not be fetched: %s. Only renew_before decides about renewal in this plan.", err)}
	}
	start, end := info.SuggestedWindow.Start, info.SuggestedWindow.End
	if start.IsZero() || end.Before(start) {
		return nil, nil
	}
	if req.Env.Now.Before(renewalPoint(req.Certificate, start, end)) {
		return nil, nil
	}
	reason := fmt.Sprintf("the ACME server asks for renewal (ARI window %s to %s)",
		start.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339))
	if info.ExplanationURL != "" {
		reason += ", see " + info.ExplanationURL
	}
	return []string{reason}, nil
}

// renewalPoint is the moment in the window [start, end] at which this
// certificate renews: a fraction of the window taken from its serial.
func renewalPoint(c *x509.Certificate, start, end time.Time) time.Time {
	sum := sha256.Sum256(c.SerialNumber.Bytes())
	frac := float64(binary.BigEndian.Uint64(sum[:8])>>11) / float64(1<<53)
	return start.Add(time.Duration(frac * float64(end.Sub(start))))
}

var errNoARI = errors.New("the ACME server offers no renewal information")

// renewalInfo fetches the renewal information of a certificate: the
// directory names the renewalInfo endpoint, which is read with a plain GET.
func renewalInfo(ctx context.Context, directory, caRoots string, c *x509.Certificate) (*acme.RenewalInfoResponse, error) {
	client, err := httpClient(ctx, caRoots)
	if err != nil {
		return nil, err
	}
	var dir acme.Directory
	if err := getJSON(client, directory, &dir); err != nil {
		return nil, err
	}
	if dir.RenewalInfo == "" {
		return nil, errNoARI
	}
	id, err := certificate.MakeARICertID(c)
	if err != nil {
		return nil, fmt.Errorf("certificate identifier: %w", err)
	}
	var info acme.RenewalInfoResponse
	if err := getJSON(client, strings.TrimSuffix(dir.RenewalInfo, "/")+"/"+id, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// getJSON fetches a JSON document.
func getJSON(client *http.Client, url string, v any) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(tail(string(data), 200)))
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	return nil
}
