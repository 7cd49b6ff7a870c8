// Package testport hands out TCP ports on 127.0.0.1 for tests: a port
// where nothing listens yet, which the test (or a program it starts) then
// listens on, or leaves closed to see a connection refused.
//
// A port found free by listening on port 0 and closing again is soon
// handed out again by the system, to the next program that asks for a
// free port: a test that started Pebble saw it and challtestsrv given the
// same port. On Linux, Reserve therefore keeps the port bound, without
// listening, until the test ends: the system hands it to nobody else,
// a connection to it is refused, and a listener of the test can still
// take it, as Go's listeners (and openssl's) set SO_REUSEADDR.
package testport

// Cleaner is what Reserve needs of a test: a *testing.T has it.
type Cleaner interface {
	Cleanup(func())
}

// Reserve returns a port on 127.0.0.1 that nothing listens on, held for
// the test until it ends (on Linux; elsewhere only found free).
func Reserve(t Cleaner) (int, error) {
	return reserve(t)
}
