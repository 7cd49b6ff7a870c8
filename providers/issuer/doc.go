// Package issuer implements `issuer "ca" NAME` blocks: a certificate
// authority made of a CA certificate that certform manages
// (providers/cert), which certificate blocks name as their issuer
// (issuer = issuer.ca.NAME).
//
// An issuer is pure: it creates nothing and reads nothing. Its value is a
// flat, address-independent copy of what signing needs from the CA
// certificate ({kind = "ca", pem, chain_pem, key_id, fingerprint_sha256,
// subject, not_after}), so that a certificate block sees the CA change
// (and is replaced) whenever the CA certificate is replaced. The CA's
// private key stays in providers.Secrets under key_id; the value never
// holds it.
package issuer
