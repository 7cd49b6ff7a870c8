// Package trustchain implements `trust_chain NAME` blocks: the root and
// intermediate CA certificates a client needs to trust a server, in the
// order truststores want them.
//
// roots and intermediates are lists whose elements are certificate values
// (certificate.company_root, anything with a pem attribute) or PEM texts,
// each holding one or more certificates (file("pki/intermediate.pem")).
// The value is {roots, intermediates, bundle_pem}: the SHA-256
// fingerprints of the roots and of the intermediates, and every
// certificate as PEM, roots first, each once. Stores such as
// providers/pemfiles write bundle_pem; other blocks compare fingerprints.
//
// A trust chain refuses leaf (non-CA) certificates: a truststore needs the
// roots and intermediates that issued a server certificate, never the
// server certificate itself. Every intermediate must chain, through the
// other intermediates, to one of the roots; one that does not is an error
// naming the issuer that is missing. Roots that are not self-signed,
// self-signed intermediates and expired CA certificates get warnings.
//
// The provider is pure: Read returns the recorded value, Apply the value
// computed from the configuration.
package trustchain
