// Package pfx reads and writes PKCS#12 files (.pfx, .p12, and Java
// keystores of type PKCS12) with every safe bag and its attributes: the
// friendly name (a Java alias, the name Windows shows), the local key id
// that pairs a key with its certificate, and the mark Java sets on trusted
// certificate entries. software.sslmate.com/src/go-pkcs12 reads and
// writes one key with one chain, without friendly names; keystores hold
// many entries, and Windows and Java want them named, hence this package.
//
// Encode writes two forms (see [Encryption]): Modern, PBES2 with
// PBKDF2-HMAC-SHA-256 and AES-256-CBC and an HMAC-SHA-256 MAC, which
// OpenSSL 3, Java 11.0.12 and later and Windows Server 2019 and later read;
// and Legacy, PBE with SHA-1 and 3DES and an HMAC-SHA-1 MAC, for Windows
// Server 2016 and older. Decode reads both, and PBES2 with any of AES-128,
// AES-192, AES-256 and 3DES under PBKDF2 with SHA-1 or SHA-2. RC2 (OpenSSL
// -legacy's certificate encryption, Java before 11.0.12) is refused with
// an *UnsupportedError; go-pkcs12 reads those for imports.
//
// Output is a function of the bags, the password and the random source
// only, so that callers that pass a deterministic source (see
// pki.NewRand) get the same bytes for the same content: plans can then
// compare files by hash and show no change when there is none.
//
// Only DER is read: encoding/asn1 does not parse BER's indefinite lengths,
// which a few old Windows exports use.
package pfx
