// Package pemcert reads X.509 certificates from PEM text, the form
// certificate values carry them in (pem, chain_pem, bundle_pem), and keeps
// what it parsed for the rest of a run.
//
// A plan looks at every certificate more than once: providers/cert parses
// the recorded certificate and its issuer's for each certificate block, and
// the domain checks (plan/checks) parse the same texts again, as do the
// endpoint probes of cmd/certform. [Parse], [First] and [Fingerprint] are the
// one implementation all of them share; a [Cache], made for one run and
// handed to providers in [github.com/certform/certform/providers.Env] and to
// the checks in [github.com/certform/certform/plan.CheckRequest], makes each
// text cost one parse per run.
//
// Certificates come back as *x509.Certificate values that callers share:
// they must not change them.
package pemcert
