// Package state holds certform's record of what it manages: the state
// document, its JSON encoding, and the file it lives in.
//
// A [File] lists one [Resource] per address ("certificate.ies",
// "store.pem_files.ca") with the attributes its provider returned from
// Apply, the addresses it depends on and a hash of every file it manages,
// plus the configuration's non-sensitive outputs. The plan package reads a
// File to diff the desired graph (from lang) against what was applied last
// time, and the apply walker writes one back after every resource.
//
// A [Store] keeps a File on disk, by default as certform.state.json next to
// the configuration. Every save increments the serial, keeps the previous
// version as certform.state.json.backup and replaces the file atomically, so
// a crash leaves either the old or the new state, never a mix. A lock file,
// certform.state.json.lock, stops two runs from applying at once and names
// its holder.
//
// The state is meant to be reviewed and committed, so it never holds a
// private key or a password: providers keep keys in [providers.Secrets] and
// record only their fingerprints. [Marshal] refuses, as a last line of
// defence, any string that looks like a PEM private key and any value
// marked sensitive.
package state
