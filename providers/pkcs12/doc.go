// Package pkcs12 implements `store "pkcs12" NAME` blocks: one PKCS#12
// file (.pfx, .p12) holding a certificate, its chain and its private key,
// for servers that load their TLS identity from such a file and for
// importing into the Windows certificate store (seed 000: "Installiere ein
// Zertifikat im PKCS12-Format").
//
// The file is protected with password (sensitive: it never reaches the
// state or the plan) and encrypted the modern way (PBES2 with AES-256 and
// PBKDF2-HMAC-SHA-256, HMAC-SHA-256 MAC) or, with encryption = "legacy",
// with 3DES and SHA-1 for Windows Server 2016 and older. friendly_name
// (default: the certificate's common name) names the key and the
// certificate; Windows shows it, and isps.cfg's SSLCertificate may use it.
// The encoding lives in providers/internal/pfx.
//
// Salts and IVs are derived from the content and the password
// (pki.NewRand), so the same certificate, key and settings always give
// the same bytes: the value records the file's hash, and a plan is a
// no-op exactly when the file on disk is the one certform would write.
// Read opens the live file with the password and reports what it holds
// (certificate and chain fingerprints, key id, friendly name, encryption),
// so drift is shown as what changed, not only as a new hash.
//
// A file that cannot be opened with the configured password is an error,
// and certform writes nothing, unless it is the file certform itself
// wrote last (same hash as recorded): then the password was changed in
// the configuration, and the file is rewritten with the new one.
package pkcs12
