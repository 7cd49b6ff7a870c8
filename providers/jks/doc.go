// Package jks implements `store "java_keystore" NAME` blocks: a Java
// keystore of type PKCS12 (the default since Java 9) or JKS, holding a key
// entry (certificate, with its chain, under alias) and trusted entries
// (trust = [trust_chain.NAME, ...], one alias per CA, named after the CA
// with alias_prefix before it). Seed 004: a Java application's truststore
// needs the root and every intermediate, never the server certificate.
//
// Keystores are shared: administrators add aliases with keytool. certform
// touches only the aliases it manages (those recorded in the state) and
// keeps every other one byte for byte (JKS) or bag for bag (PKCS12). Read
// opens the keystore with the password and reports the managed aliases as
// they are, so an alias changed or deleted with keytool shows as drift and
// is put back; aliases someone added do not count as drift. A wanted alias
// that already exists with another certificate, and that certform does not
// manage, is an error rather than overwritten.
//
// JKS files are read and written with
// github.com/pavlo-v-chernykh/keystore-go/v4, PKCS12 ones with
// providers/internal/pfx, marked the way Java marks trusted certificate
// entries. Key entries are protected with the store password, as keytool
// requires for PKCS12. A change of type converts the keystore.
//
// A keystore that cannot be opened with the password is an error and is
// never rewritten: the aliases certform does not manage would be lost. The
// password is never stored; destroy takes certform's aliases out using the
// password the same run's refresh saw, and without it removes the file only
// when it is exactly what certform last wrote and held nothing else.
package jks
