// Package endpoint implements `endpoint NAME` blocks: a TLS service that
// clients reach at a URL ("iwfms://ies.example.test:45054"), with the
// certificate it serves.
//
// The value, {url, scheme, host, port, tls_only, certificate_fingerprint,
// served_fingerprint}, splits the URL so that other blocks can use its
// parts (SSLPort = endpoint.ies.port), and records which certificate the
// endpoint serves. Whether that certificate names every host clients use
// is a domain check (plan/checks), which sees the components' URLs too.
//
// Without probe, the provider is pure: Read returns the recorded value,
// Apply the value computed from the configuration. With probe = true
// (probe.go), Read connects to the endpoint (providers/probe) and puts the
// fingerprint of the certificate it serves into served_fingerprint, so
// that a service still serving an old certificate is drift; and Verify,
// called by the engine after apply and its hooks, waits until the endpoint
// serves the new certificate. An endpoint that cannot be reached is a
// warning, or an error with probe_required = true.
package endpoint
