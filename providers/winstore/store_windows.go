package winstore

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/certform/certform/providers/internal/pfx"
)

// Property ids of wincrypt.h that golang.org/x/sys/windows does not name.
const (
	certKeyProvInfoPropID  = 2
	certFriendlyNamePropID = 11
)

var (
	crypt32                               = windows.NewLazySystemDLL("crypt32.dll")
	procCertGetCertificateContextProperty = crypt32.NewProc("CertGetCertificateContextProperty")
	procCertSetCertificateContextProperty = crypt32.NewProc("CertSetCertificateContextProperty")
)

// System returns the host's certificate stores, through CryptoAPI.
func System() Store { return &sysStore{} }

// sysStore serializes changes: CryptoAPI's system stores are safe for
// concurrent readers, but an import and a delete of the same certificate
// must not interleave.
type sysStore struct {
	mu sync.Mutex
}

const encoding = windows.X509_ASN_ENCODING | windows.PKCS_7_ASN_ENCODING

func openStore(location, name string, readOnly bool) (windows.Handle, error) {
	var flags uint32
	switch location {
	case "LocalMachine":
		flags = windows.CERT_SYSTEM_STORE_LOCAL_MACHINE
	case "CurrentUser":
		flags = windows.CERT_SYSTEM_STORE_CURRENT_USER
	default:
		return 0, fmt.Errorf("unknown store location %q", location)
	}
	if readOnly {
		flags |= windows.CERT_STORE_READONLY_FLAG | windows.CERT_STORE_OPEN_EXISTING_FLAG
	}
	p, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return 0, err
	}
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM_W, 0, 0, flags, uintptr(unsafe.Pointer(p)))
	if err != nil {
		return 0, fmt.Errorf("opening %s\\%s: %w", location, name, err)
	}
	return h, nil
}

// find returns the certificate with this thumbprint, nil when absent. The
// caller frees it.
func find(store windows.Handle, thumbprint string) (*windows.CertContext, error) {
	raw, err := hex.DecodeString(thumbprint)
	if err != nil || len(raw) != 20 {
		return nil, fmt.Errorf("invalid thumbprint %q", thumbprint)
	}
	blob := windows.CryptHashBlob{Size: uint32(len(raw)), Data: &raw[0]}
	ctx, err := windows.CertFindCertificateInStore(store, encoding, 0, windows.CERT_FIND_SHA1_HASH, unsafe.Pointer(&blob), nil)
	if err != nil {
		if errors.Is(err, syscall.Errno(windows.CRYPT_E_NOT_FOUND)) {
			return nil, nil
		}
		return nil, fmt.Errorf("looking up %s: %w", thumbprint, err)
	}
	return ctx, nil
}

// property reads a certificate context property; nil when it is not set.
func property(ctx *windows.CertContext, id uint32) ([]byte, bool) {
	var size uint32
	r, _, _ := procCertGetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)), uintptr(id), 0, uintptr(unsafe.Pointer(&size)))
	if r == 0 {
		return nil, false
	}
	if size == 0 {
		return []byte{}, true
	}
	buf := make([]byte, size)
	r, _, _ = procCertGetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)), uintptr(id), uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)))
	if r == 0 {
		return nil, false
	}
	return buf[:size], true
}

func setFriendlyName(ctx *windows.CertContext, name string) error {
	u, err := windows.UTF16FromString(name)
	if err != nil {
		return err
	}
	blob := windows.CryptDataBlob{Size: uint32(len(u) * 2), Data: (*byte)(unsafe.Pointer(&u[0]))}
	r, _, e := procCertSetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)), certFriendlyNamePropID, 0, uintptr(unsafe.Pointer(&blob)))
	if r == 0 {
		return fmt.Errorf("setting the friendly name: %w", e)
	}
	return nil
}

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return windows.UTF16ToString(u)
}

// Find implements Store.
func (s *sysStore) Find(location, store, thumbprint string) (Entry, bool, error) {
	h, err := openStore(location, store, true)
	if err != nil {
		return Entry{}, false, err
	}
	defer windows.CertCloseStore(h, 0)
	ctx, err := find(h, thumbprint)
	if err != nil || ctx == nil {
		return Entry{}, false, err
	}
	defer windows.CertFreeCertificateContext(ctx)
	var e Entry
	if name, ok := property(ctx, certFriendlyNamePropID); ok {
		e.FriendlyName = utf16String(name)
	}
	_, e.HasKey = property(ctx, certKeyProvInfoPropID)
	return e, true, nil
}

// Add implements Store.
func (s *sysStore) Add(location, store string, cert, key []byte, friendlyName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := openStore(location, store, false)
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(h, 0)

	var ctx *windows.CertContext
	if key == nil {
		ctx, err = windows.CertCreateCertificateContext(encoding, &cert[0], uint32(len(cert)))
		if err != nil {
			return fmt.Errorf("reading the certificate: %w", err)
		}
	} else {
		if ctx, err = importWithKey(location, cert, key); err != nil {
			return err
		}
	}
	defer windows.CertFreeCertificateContext(ctx)
	var added *windows.CertContext
	if err := windows.CertAddCertificateContextToStore(h, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, &added); err != nil {
		return fmt.Errorf("adding the certificate to %s\\%s: %w", location, store, err)
	}
	defer windows.CertFreeCertificateContext(added)
	return setFriendlyName(added, friendlyName)
}

// importWithKey imports the certificate and its key through an in-memory
// PKCS#12 with a one-time password, which is how CryptoAPI takes keys.
// The key is stored in the machine's or the user's key set and is not
// exportable.
func importWithKey(location string, cert, key []byte) (*windows.CertContext, error) {
	pw := make([]byte, 16)
	if _, err := rand.Read(pw); err != nil {
		return nil, err
	}
	password := hex.EncodeToString(pw)
	c, err := x509.ParseCertificate(cert)
	if err != nil {
		return nil, err
	}
	// Legacy (3DES) encryption: every Windows version since XP reads it,
	// and the blob never leaves memory.
	data, err := pfx.Encode([]pfx.Bag{{Key: key, LocalKeyID: []byte{1}}, {Cert: cert, LocalKeyID: []byte{1}}}, password, pfx.Legacy, rand.Reader)
	if err != nil {
		return nil, err
	}
	flags := uint32(windows.CRYPT_USER_KEYSET)
	if location == "LocalMachine" {
		flags = windows.CRYPT_MACHINE_KEYSET
	}
	pwU, err := windows.UTF16PtrFromString(password)
	if err != nil {
		return nil, err
	}
	tmp, err := windows.PFXImportCertStore(&windows.CryptDataBlob{Size: uint32(len(data)), Data: &data[0]}, pwU, flags|windows.PKCS12_ALLOW_OVERWRITE_KEY)
	if err != nil {
		return nil, fmt.Errorf("importing the key: %w", err)
	}
	defer windows.CertCloseStore(tmp, 0)
	sum := sha1.Sum(c.Raw)
	thumb := strings.ToUpper(hex.EncodeToString(sum[:]))
	ctx, err := find(tmp, thumb)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, errors.New("the imported certificate is not in the imported store")
	}
	return ctx, nil
}

// Remove implements Store.
func (s *sysStore) Remove(location, store, thumbprint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := openStore(location, store, false)
	if err != nil {
		return err
	}
	defer windows.CertCloseStore(h, 0)
	ctx, err := find(h, thumbprint)
	if err != nil || ctx == nil {
		return err
	}
	// CertDeleteCertificateFromStore frees the context, even on failure.
	if err := windows.CertDeleteCertificateFromStore(ctx); err != nil {
		return fmt.Errorf("removing %s from %s\\%s: %w", thumbprint, location, store, err)
	}
	return nil
}
