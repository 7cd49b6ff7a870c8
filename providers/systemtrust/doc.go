// Package systemtrust implements `store "system_trust" NAME` blocks: CA
// certificates installed into the operating system's trust store, for
// services that use it rather than a truststore of their own (seed 004:
// "Betriebssystem-Truststore").
//
// Each CA of trust = [trust_chain.NAME, ...] (several chains merge
// without duplicates) becomes one PEM file in the anchors directory, named
// certform-NAME-<common name>.crt, and the distribution's command rebuilds
// the system bundle:
//
//   - style "debian": /usr/local/share/ca-certificates and
//     update-ca-certificates, bundle /etc/ssl/certs/ca-certificates.crt;
//   - style "rhel": /etc/pki/ca-trust/source/anchors and
//     update-ca-trust extract, bundle
//     /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem.
//
// Without style, the host decides (an update-ca-certificates or
// update-ca-trust binary, /etc/debian_version or /etc/redhat-release).
// root (default "/") moves the whole layout below another directory, for
// tests, images and chroots: for style "debian" the command then gets
// --certsconf, --certsdir, --localcertsdir, --etccertsdir and --hooksdir
// below root, all of which update-ca-certificates takes (its --help does
// not list them). update-ca-trust always works on /etc/pki, so with root
// style "rhel" needs command: p11-kit's trust extract, which is what
// update-ca-trust runs (TestRHELLayout). dir, command and bundle override
// each default.
//
// The value records each file's hash, as providers/pemfiles does, and
// whether every CA is in the bundle. Read hashes the files and looks for
// the CAs in the bundle, so a removed anchor, an edited one, or a bundle
// rebuilt without them shows as drift. Apply writes the files and runs the
// command whenever a file changed or a CA is missing from the bundle, and
// then checks the bundle; destroy removes the files and runs it again.
package systemtrust
