// Package winstore implements `store "windows" NAME` blocks: certificates
// in a Windows certificate store, where Windows services (IIS, the
// InVision Enterprise Server of seed 000, anything using Schannel) look
// them up by store, location and name.
//
// location is LocalMachine (the default) or CurrentUser, store is MY (the
// default, "Personal"), ROOT, CA or TRUST: the values isps.cfg's
// SSLCertificateStoreLocation and SSLCertificateStore take. certificate
// is imported with its private key and friendly_name (default: its common
// name); trust = [trust_chain.NAME] adds CA certificates without keys.
// Certificates are identified by their SHA-1 thumbprint, as Windows does.
// The value exports location, store (also as store_name), friendly_name
// and thumbprint, so an ini_file can point a service at the certificate:
//
//	SSLCertificateStore         = store.windows.ies.store_name
//	SSLCertificateStoreLocation = store.windows.ies.location
//	SSLCertificate              = store.windows.ies.friendly_name
//
// The store is reached through [Store]. On Windows, [System] uses
// CryptoAPI (crypt32.dll, through golang.org/x/sys/windows): the key is
// imported from an in-memory PKCS#12 with PFXImportCertStore, not
// exportable, into the machine's or the user's key set. On other systems
// System returns a Store whose every call fails with [ErrNotWindows], and
// plan says that the block needs Windows. validate works everywhere, and
// the block's preview (location, store, friendly_name) lets it check the
// blocks that refer to it, such as isps.cfg's section.
//
// Read looks every recorded thumbprint up, so a certificate deleted or
// renamed in certlm.msc shows as drift and is put back. A replaced
// certificate's predecessor is removed from the store; its key container
// is left to Windows.
package winstore
