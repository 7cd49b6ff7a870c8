// Package probetest makes certificates and starts servers on 127.0.0.1 for
// the tests of providers/probe, providers/endpoint, plan/checks and
// cmd/certform: TLS servers with a good chain, a missing intermediate, a
// wrong name, an expired or self-signed certificate, TLS 1.0 only; a
// plain-text server; a silent one (for handshake timeouts); and a port where nothing listens. Servers stop when
// the test ends.
package probetest
