// Package acme implements `issuer "acme" NAME` blocks and obtains the
// certificates that name them (issuer = issuer.acme.NAME) from an ACME
// server, such as Let's Encrypt, with github.com/go-acme/lego/v4.
//
// Two types divide the work:
//
//   - [Provider] manages the issuer block: the ACME account. Apply
//     registers the account once (with external account binding when the
//     block has eab), keeps its private key in providers.Secrets under
//     account_key_id and records the account URI; later runs reuse it. Its
//     value carries what a certificate needs (directory, contact, challenge,
//     ca_roots, account reference) and never the EAB HMAC or a key.
//   - [Remote] is the cert.Remote that providers/cert hands certificates
//     with an ACME issuer to. The certificate provider still makes the
//     private key and decides when to renew; Remote places the order,
//     answers the challenge (HTTP-01 served by certform itself or through a
//     web root, TLS-ALPN-01, DNS-01 with a lego DNS provider or the user's
//     command), finalizes and downloads, asks the server's renewal
//     information (ARI, RFC 9773) whether to renew early, and revokes.
//
// Failures are written for the person at the router: a refused validation
// names the domain, the challenge, what the server said and the likely
// cause ("connection refused on port 80: is port 80 forwarded to :8080?").
//
// Package acmetest starts Pebble, the ACME test server, for tests.
package acme
