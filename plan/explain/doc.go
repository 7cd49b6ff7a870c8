// Package explain knows the TLS errors administrators meet in logs and
// browsers — the Schannel codes of seed 000, Java's PKIX failure, OpenSSL's
// "unable to get local issuer certificate", the browsers' NET::ERR_CERT_*
// pages — and says for each its cause, how to confirm it, the fix, and the
// certform checks (package plan/checks) that catch it at plan time.
// `certform explain CODE|MESSAGE` prints them.
//
// The knowledge lives in entries.go. It is plain data, safe for concurrent
// use.
package explain
