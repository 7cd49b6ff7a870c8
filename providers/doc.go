// Package providers holds the contract between the plan engine and the
// packages that manage real objects: certificates, PEM files, INI files and
// the like. Each kind of object lives in its own sub-package
// (providers/ini, providers/pemfiles, ...) and implements [Provider].
//
// The plan package drives providers through four calls: Schema tells lang how
// to decode a block, Read reports the live object, Plan proposes the new
// value, and Apply makes the change. Providers touch files only through
// [FS] and private keys only through [Secrets], so tests and remote hosts can
// substitute both. No provider imports lang, plan or cmd.
package providers
