// Package cert implements the `certificate` block: an X.509 certificate and
// its private key, either self-signed (issuer = self_signed) or signed by a
// certificate authority that certform manages (issuer = issuer.ca.NAME, see
// providers/issuer).
//
// The certificate itself lives in the state: its PEM and everything a
// reviewer or another block needs (fingerprints, serial, validity dates) are
// attributes of the value. The private key never does. Apply puts it into
// [providers.Secrets] under its key id, "sha256:" followed by the hex SHA-256
// of the DER SubjectPublicKeyInfo, and values carry only that key_id. Blocks
// that write keys to disk (providers/pemfiles) fetch them from Secrets.
//
// Plan replaces a certificate, with a reason a reviewer understands, when it
// expires within renew_before, has expired, when any attribute that is baked
// into the certificate changes (names, key, usages, validity, issuer) or when
// its private key is missing from the secrets directory. A change of
// renew_before alone is an update in place. When a certificate is replaced,
// the key of the certificate it replaces is deleted from Secrets.
package cert
