// Package probe connects to a live TLS server and reports what it serves,
// like `openssl s_client -connect HOST:PORT` (the check seeds 000 and 004
// advise): the protocol and cipher it negotiated, the chain it sent, whether
// that chain verifies against the system roots or given ones, whether the
// certificate names the host, and how many days it has left. What is wrong
// is said in words an administrator can act on ("the server sent no
// intermediate", "the server answered in plain text: is ServerPort still
// open / did you forget iwfms://?", "connection refused").
//
// It is a library, not a provider kind: the endpoint provider
// (providers/endpoint) uses it to find the certificate an endpoint really
// serves, during refresh and after apply, and `certform probe` prints its
// results. It never sends application data: after the handshake the
// connection is closed.
//
// WARNING: verification here does no revocation checking, as crypto/x509
// does none.
package probe
