package acme

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-acme/lego/v4/acme"
	"github.com/hashicorp/hcl/v2"
)

// validationError is an authorization the ACME server refused: it could
// not see the challenge answer.
type validationError struct {
	domain    string
	challenge challengeSettings
	// problem is what the server reported; nil when it said nothing.
	problem *acme.ProblemDetails
	// status is the authorization's status when it was not "invalid".
	status string
}

func (e *validationError) Error() string {
	if e.problem != nil {
		return fmt.Sprintf("%s validation of %s failed: %s", e.challenge.typ, e.domain, e.problem.Detail)
	}
	return fmt.Sprintf("%s validation of %s failed: authorization %s", e.challenge.typ, e.domain, e.status)
}

// presentError is a challenge answer certform could not put in place.
type presentError struct {
	domain    string
	challenge challengeSettings
	err       error
}

func (e *presentError) Error() string {
	return fmt.Sprintf("presenting the %s challenge for %s: %v", e.challenge.typ, e.domain, e.err)
}

func (e *presentError) Unwrap() error { return e.err }

// offerError is an authorization without the configured challenge.
type offerError struct {
	domain    string
	challenge challengeSettings
	offered   []string
}

func (e *offerError) Error() string {
	return fmt.Sprintf("the ACME server does not offer %s for %s", e.challenge.typ, e.domain)
}

// unchanged ends every failure of an order: nothing was written.
const unchanged = "Nothing was changed: no key or file was written, and the state keeps what it recorded before."

// diagnose turns an error of an ACME operation into a diagnostic that says
// what happened and what to do. what describes the operation ("ordering a
// certificate for profacto.example.com").
func diagnose(address, what, directory string, err error) *hcl.Diagnostic {
	var (
		verr  *validationError
		perr  *presentError
		oerr  *offerError
		derr  *directoryError
		rerr  *acme.RateLimitedError
		prob  *acme.ProblemDetails
		lerr  *listenError
		execE *execError
	)
	switch {
	case errors.As(err, &verr):
		return validationDiag(address, verr)
	case errors.As(err, &lerr):
		return errorf(address, "Cannot answer the challenge", "%s. %s", lerr, unchanged)
	case errors.As(err, &execE):
		return errorf(address, "DNS command failed", "%s. %s", execE, unchanged)
	case errors.As(err, &perr):
		return errorf(address, "Cannot present the challenge",
			"%s. %s", perr, unchanged)
	case errors.As(err, &oerr):
		return errorf(address, "Challenge not offered",
			"The ACME server does not offer %s for %s; it offers %s. Wildcard names (*.example.com) can only be validated with dns01. Configure a challenge it offers. %s",
			oerr.challenge.typ, oerr.domain, strings.Join(oerr.offered, ", "), unchanged)
	case errors.As(err, &derr):
		return directoryDiag(address, derr)
	case errors.As(err, &rerr):
		when := "later"
		if t := retryAfter(rerr.RetryAfter); !t.IsZero() {
			when = "after " + t.UTC().Format(time.RFC3339)
		}
		return errorf(address, "ACME rate limit reached",
			"While %s, the ACME server at %s refused because a rate limit was reached: %s. Try again %s. Let's Encrypt's limits are explained at https://letsencrypt.org/docs/rate-limits/; test against its staging directory (https://acme-staging-v02.api.letsencrypt.org/directory), whose limits are far higher. %s",
			what, host(directory), rerr.Detail, when, unchanged)
	case errors.As(err, &prob):
		return problemDiag(address, what, directory, prob)
	case untrusted(err):
		return errorf(address, "ACME server not trusted",
			"While %s, the TLS certificate of %s could not be verified: %s. For a private ACME server (step-ca, Pebble) set ca_roots to the PEM of its root certificate. %s", what, host(directory), err, unchanged)
	case urlError(err):
		return errorf(address, "ACME server unreachable",
			"While %s, %s could not be reached: %s. Check the network route, firewall and proxy (HTTPS_PROXY) to it. %s", what, host(directory), err, unchanged)
	}
	return errorf(address, "ACME request failed", "While %s: %s. %s", what, err, unchanged)
}

// directoryDiag explains a directory that cannot be fetched.
func directoryDiag(address string, e *directoryError) *hcl.Diagnostic {
	var prob *acme.ProblemDetails
	switch {
	case untrusted(e.err):
		return errorf(address, "ACME server not trusted",
			"The TLS certificate of the ACME server %s could not be verified: %s. For a private ACME server (step-ca, Pebble) set ca_roots to the PEM text of its root certificate, such as ca_roots = file(\"acme-root.pem\"). %s",
			e.directory, e.err, unchanged)
	case errors.As(e.err, &prob) || !urlError(e.err):
		return errorf(address, "Not an ACME directory",
			"%s did not answer as an ACME directory: %s. Check the directory URL; Let's Encrypt's is https://acme-v02.api.letsencrypt.org/directory. %s",
			e.directory, e.err, unchanged)
	}
	return errorf(address, "ACME server unreachable",
		"The ACME directory %s cannot be reached: %s. Check the URL, the network route and firewall, and the proxy (HTTPS_PROXY) if one is needed. %s",
		e.directory, e.err, unchanged)
}

// problemDiag explains an error document from the ACME server.
func problemDiag(address, what, directory string, p *acme.ProblemDetails) *hcl.Diagnostic {
	typ := strings.TrimPrefix(p.Type, "urn:ietf:params:acme:error:")
	said := fmt.Sprintf("the ACME server at %s answered: %s", host(directory), problemText(p))
	detail := strings.ToLower(p.Detail)
	switch {
	case typ != "externalAccountRequired" && (strings.Contains(detail, "external account") || strings.Contains(detail, "eab")):
		return errorf(address, "External account binding refused",
			"While %s, %s. Check that eab kid and hmac are the key identifier and HMAC key the CA shows for this account, copied whole; some CAs accept each pair once only, so a new pair may be needed. %s", what, said, unchanged)
	}
	switch typ {
	case "externalAccountRequired":
		return errorf(address, "External account binding required",
			"While %s, %s. This CA registers accounts only with an external account binding: add eab { kid = \"...\" hmac = var.eab_hmac } with the values from your account at the CA (declare the variable sensitive). %s", what, said, unchanged)
	case "accountDoesNotExist", "unauthorized":
		if strings.Contains(what, "order") || strings.Contains(what, "account") {
			return errorf(address, "ACME account not accepted",
				"While %s, %s. If the account was deactivated or the CA was reset, register a new one: certform state rm the issuer \"acme\" block, then certform apply. %s", what, said, unchanged)
		}
	case "rejectedIdentifier":
		return errorf(address, "Name refused by the CA",
			"While %s, %s. The CA does not issue certificates for this name by its policy; public CAs need a registered domain name. %s", what, said, unchanged)
	case "invalidContact", "unsupportedContact":
		return errorf(address, "Contact refused",
			"While %s, %s. Set email to an address at a real domain. %s", what, said, unchanged)
	case "caa":
		return errorf(address, "CAA record forbids issuance",
			"While %s, %s. A CAA DNS record of the domain does not name this CA; add one for it (Let's Encrypt: 0 issue \"letsencrypt.org\"), or remove the CAA record. %s", what, said, unchanged)
	case "badCSR", "badPublicKey":
		return errorf(address, "Request refused",
			"While %s, %s. Use a key the CA accepts: RSA 2048 to 4096 bits or ECDSA P256 or P384. %s", what, said, unchanged)
	}
	return errorf(address, "ACME request failed", "While %s, %s. %s", what, said, unchanged)
}

// validationDiag explains a refused validation: domain, challenge, what
// the server said and the likely cause.
func validationDiag(address string, e *validationError) *hcl.Diagnostic {
	said := "it gave no reason"
	if e.problem != nil {
		said = "it reported: " + problemText(e.problem)
	} else if e.status != "" {
		said = "the authorization ended " + e.status
	}
	detail := fmt.Sprintf("The ACME server could not validate %s with the %s challenge (%s); %s.",
		e.domain, e.challenge.typ, e.challenge.describe(), said)
	if cause := likelyCause(e); cause != "" {
		detail += " Likely cause: " + cause
	}
	return errorf(address, "ACME validation failed for "+e.domain, "%s %s", detail, unchanged)
}

// problemText writes a problem document briefly: its detail and type, and
// the subproblems.
func problemText(p *acme.ProblemDetails) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(p.Detail))
	if p.Type != "" {
		fmt.Fprintf(&b, " (%s)", strings.TrimPrefix(p.Type, "urn:ietf:params:acme:error:"))
	}
	for _, s := range p.SubProblems {
		fmt.Fprintf(&b, "; %s: %s", s.Identifier.Value, s.Detail)
	}
	return b.String()
}

// likelyCause guesses, from what the server reported, what the user has to
// fix.
func likelyCause(e *validationError) string {
	if e.problem == nil {
		return ""
	}
	msg := strings.ToLower(e.problem.Detail + " " + e.problem.Type)
	for _, s := range e.problem.SubProblems {
		msg += " " + strings.ToLower(s.Detail+" "+s.Type)
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(msg, w) {
				return true
			}
		}
		return false
	}
	ch := e.challenge
	switch {
	case has(":error:caa", "caa record"): // not "caa" alone: challenge tokens in URLs are random letters
		return fmt.Sprintf("a CAA record of %s does not allow this CA to issue for it: add one for the CA, or remove the CAA record.", e.domain)
	case ch.typ != typeDNS01 && has("no such host", "nxdomain", "could not resolve", "no valid a records", "no valid ip", "dns problem", "error occurred while resolving", "servfail"):
		return fmt.Sprintf("%s does not resolve: create a DNS A (or AAAA) record for it that points to this server's public address.", e.domain)
	case ch.typ == typeHTTP01 && has("connection refused", "connect: refused", "connection reset"):
		if ch.webroot != "" {
			return fmt.Sprintf("connection refused on port 80: no web server answers on port 80 of %s. Start the web server whose document root is %s, or forward port 80 to it.", e.domain, ch.webroot)
		}
		return fmt.Sprintf("connection refused on port 80: is port 80 forwarded to %s? The CA connects to port 80 of %s; certform answers on %s while the order is pending, so the router or firewall must forward port 80 there.", ch.listen, e.domain, ch.listen)
	case ch.typ == typeHTTP01 && has("timeout", "timed out", "deadline exceeded", "i/o timeout"):
		return fmt.Sprintf("the connection to port 80 of %s timed out: a firewall drops it, or the domain points at another address. Open port 80 to the internet and forward it to %s.", e.domain, firstNonEmpty(ch.listen, "the web server serving "+ch.webroot))
	case ch.typ == typeHTTP01 && has("404", "non-200", "did not match", "invalid response", "unauthorized", "incorrect"):
		if ch.webroot != "" {
			return fmt.Sprintf("the web server on port 80 of %s does not serve files from %s/.well-known/acme-challenge/: point webroot at that server's document root, and allow the path .well-known/acme-challenge/.", e.domain, ch.webroot)
		}
		return fmt.Sprintf("the CA reached a server on port 80 of %s that is not certform: port 80 is forwarded to another server or port. Forward it to %s.", e.domain, ch.listen)
	case ch.typ == typeTLSALPN01 && has("connection refused", "connect: refused", "connection reset"):
		return fmt.Sprintf("connection refused on port 443: is port 443 forwarded to %s? The CA connects to port 443 of %s; certform answers on %s while the order is pending.", ch.listen, e.domain, ch.listen)
	case ch.typ == typeTLSALPN01 && has("timeout", "timed out", "deadline exceeded"):
		return fmt.Sprintf("the connection to port 443 of %s timed out: a firewall drops it. Open port 443 and forward it to %s.", e.domain, ch.listen)
	case ch.typ == typeTLSALPN01 && has("no certs", "incorrect validation certificate", "alpn", "acme-tls/1", "handshake"):
		return fmt.Sprintf("port 443 of %s reaches another TLS server, not certform: forward port 443 to %s while certificates are issued, or use http01 or dns01.", e.domain, ch.listen)
	case ch.typ == typeDNS01 && has("txt", "nxdomain", "no valid", "incorrect"):
		return fmt.Sprintf("the CA did not find the TXT record _acme-challenge.%s. with the expected value: check that %s writes it into the zone the internet sees for %s, and that any CNAME for _acme-challenge points where the record is written.",
			strings.TrimPrefix(e.domain, "*."), ch.describe(), e.domain)
	case ch.typ == typeDNS01 && has("servfail", "timeout", "timed out"):
		return fmt.Sprintf("the CA could not query the name servers of %s: check that they answer from the internet.", e.domain)
	}
	return ""
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Now().Add(time.Duration(n) * time.Second)
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		return t
	}
	return time.Time{}
}

// listenError is a challenge address certform could not listen on.
type listenError struct {
	challenge string
	addr      string
	err       error
}

func (e *listenError) Error() string {
	msg := fmt.Sprintf("certform cannot listen on %s to answer the %s challenge: %v", e.addr, e.challenge, e.err)
	text := strings.ToLower(e.err.Error())
	switch {
	case strings.Contains(text, "in use") || strings.Contains(text, "only one usage"):
		msg += ". Another program listens there, perhaps the web server itself: stop it while certificates are issued, or use http01 { webroot = ... } with that server's document root"
	case strings.Contains(text, "permission denied") || strings.Contains(text, "access permissions"):
		if _, port, err := net.SplitHostPort(e.addr); err == nil {
			if n, _ := strconv.Atoi(port); n < 1024 {
				msg += ". Ports below 1024 need administrator rights: listen on a high port such as :8080 and forward the public port to it"
			}
		}
	}
	return msg
}

func (e *listenError) Unwrap() error { return e.err }

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
