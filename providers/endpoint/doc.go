// Package endpoint implements `endpoint NAME` blocks: a TLS service that
// clients reach at a URL ("iwfms://ies.example.test:45054"), with the
// certificate it serves.
//
// The value, {url, scheme, host, port, tls_only, certificate_fingerprint},
// splits the URL so that other blocks can use its parts
// (SSLPort = endpoint.ies.port), and records which certificate the
// endpoint serves. Plan warns when the host is not among the names of that
// certificate (clients check dns_names and ip_addresses, not the common
// name).
//
// The provider is pure: Read returns the recorded value, Apply the value
// computed from the configuration. Probing the live endpoint is left to a
// separate command.
package endpoint
