package pfx

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

// Encryption is how a PKCS#12 file protects its keys and certificates.
type Encryption string

const (
	// Modern is PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) with an
	// HMAC-SHA-256 MAC, 10,000 iterations: what Java 17's keytool writes.
	Modern Encryption = "modern"
	// Legacy is PBE with SHA-1 and 3DES and an HMAC-SHA-1 MAC, 2,048
	// iterations: what Windows calls TripleDES-SHA1, for Windows Server
	// 2016 and older, which cannot read Modern files.
	Legacy Encryption = "legacy"
)

// ErrWrongPassword is returned (wrapped) when the password does not open a
// file: its MAC does not verify, or decryption yields garbage.
var ErrWrongPassword = errors.New("wrong password")

// UnsupportedError reports a valid PKCS#12 feature this package does not
// implement, such as RC2 encryption.
type UnsupportedError struct {
	What string
}

func (e *UnsupportedError) Error() string { return "unsupported PKCS#12 feature: " + e.What }

// A Bag is one safe bag: a certificate or a private key, with the
// attributes that name it.
type Bag struct {
	// Cert is the DER of a certificate bag's certificate; nil for a key.
	Cert []byte
	// Key is the PKCS#8 DER of a key bag's private key.
	Key []byte
	// Shrouded is a key bag's EncryptedPrivateKeyInfo, set by Decode when
	// the key could not be decrypted with the file's password (Java
	// allows a key password of its own in theory). Encode writes it back
	// unchanged when Key is nil.
	Shrouded []byte
	// FriendlyName is the name Java uses as alias and Windows shows.
	FriendlyName string
	// LocalKeyID pairs a key with its certificate.
	LocalKeyID []byte
	// Trusted marks a certificate Java treats as a trusted certificate
	// entry (attribute 2.16.840.1.113894.746875.1.1).
	Trusted bool

	other []attribute // attributes not interpreted, written back as read
}

// IsKey reports whether b holds a private key.
func (b Bag) IsKey() bool { return b.Cert == nil }

// File is a decoded PKCS#12 file.
type File struct {
	Bags []Bag
	// Encryption is how the file is protected: Modern when everything is
	// encrypted with PBES2, Legacy when anything uses 3DES PBE, "" when
	// nothing is encrypted.
	Encryption Encryption
	// MAC names the MAC's digest ("SHA-256", "SHA-1"); "" without one.
	MAC string
}

var (
	oidDataContentType          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedDataContentType = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}

	oidKeyBag              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidPKCS8ShroudedKeyBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidCertTypeX509        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidJavaTrustedKeyUsage = asn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
	oidAnyExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
	errNotPKCS12           = errors.New("not a PKCS#12 file")
)

type pfxPdu struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type encryptedData struct {
	Version              int
	EncryptedContentInfo encryptedContentInfo
}

type encryptedContentInfo struct {
	ContentType                asn1.ObjectIdentifier
	ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedContent           []byte `asn1:"tag:0,optional"`
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes []attribute   `asn1:"set,optional"`
}

type attribute struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

// Decode reads every bag of a PKCS#12 file. A password that does not
// verify the MAC gives an error wrapping ErrWrongPassword; a file that is
// not PKCS#12 (or is truncated) an error saying so.
func Decode(data []byte, password string) (*File, error) {
	var pfx pfxPdu
	if err := unmarshal(data, &pfx); err != nil {
		return nil, fmt.Errorf("%w (%v): the file is truncated, damaged or of another format", errNotPKCS12, err)
	}
	if pfx.Version != 3 {
		return nil, &UnsupportedError{What: fmt.Sprintf("version %d", pfx.Version)}
	}
	if !pfx.AuthSafe.ContentType.Equal(oidDataContentType) {
		return nil, &UnsupportedError{What: "public-key integrity (signed PFX)"}
	}
	var authSafeBytes []byte
	if err := unmarshal(pfx.AuthSafe.Content.Bytes, &authSafeBytes); err != nil {
		return nil, fmt.Errorf("reading the authenticated safe: %w", err)
	}
	f := &File{}
	switch {
	case len(pfx.MacData.Mac.Algorithm.Algorithm) == 0:
		// No MAC: only acceptable for an unencrypted file, checked below.
	case pfx.MacData.Mac.Algorithm.Algorithm.Equal(oidPBMAC1):
		return nil, &UnsupportedError{What: "PBMAC1 integrity (openssl -pbmac1_pbkdf2)"}
	default:
		if err := verifyMAC(&pfx.MacData, authSafeBytes, password); err != nil {
			return nil, err
		}
		f.MAC = macName(pfx.MacData.Mac.Algorithm.Algorithm)
	}

	var safes []contentInfo
	if err := unmarshal(authSafeBytes, &safes); err != nil {
		return nil, fmt.Errorf("reading the authenticated safe: %w", err)
	}
	encs := map[Encryption]bool{}
	for _, ci := range safes {
		var contents []byte
		switch {
		case ci.ContentType.Equal(oidDataContentType):
			if err := unmarshal(ci.Content.Bytes, &contents); err != nil {
				return nil, fmt.Errorf("reading safe contents: %w", err)
			}
		case ci.ContentType.Equal(oidEncryptedDataContentType):
			var ed encryptedData
			if err := unmarshal(ci.Content.Bytes, &ed); err != nil {
				return nil, fmt.Errorf("reading encrypted safe contents: %w", err)
			}
			plain, enc, err := decrypt(ed.EncryptedContentInfo.ContentEncryptionAlgorithm, ed.EncryptedContentInfo.EncryptedContent, password)
			if err != nil {
				return nil, fmt.Errorf("decrypting certificates: %w", err)
			}
			encs[enc] = true
			contents = plain
		default:
			return nil, &UnsupportedError{What: "content type " + ci.ContentType.String()}
		}
		var bags []safeBag
		if err := unmarshal(contents, &bags); err != nil {
			return nil, fmt.Errorf("reading safe bags: %w", err)
		}
		for _, sb := range bags {
			b, enc, err := readBag(sb, password)
			if err != nil {
				return nil, err
			}
			if enc != "" {
				encs[enc] = true
			}
			if b != nil {
				f.Bags = append(f.Bags, *b)
			}
		}
	}
	switch {
	case encs[Legacy]:
		f.Encryption = Legacy
	case encs[Modern]:
		f.Encryption = Modern
	}
	return f, nil
}

func macName(oid asn1.ObjectIdentifier) string {
	switch {
	case oid.Equal(oidSHA1):
		return "SHA-1"
	case oid.Equal(oidSHA256):
		return "SHA-256"
	case oid.Equal(oidSHA384):
		return "SHA-384"
	case oid.Equal(oidSHA512):
		return "SHA-512"
	}
	return oid.String()
}

func verifyMAC(md *macData, message []byte, password string) error {
	if err := checkIterations(md.Iterations); err != nil {
		return err
	}
	want := md.Mac.Digest
	got, err := mac(md.Mac.Algorithm.Algorithm, md.MacSalt, md.Iterations, message, bmpPassword(password))
	if err != nil {
		return err
	}
	if bytes.Equal(got, want) {
		return nil
	}
	if password == "" {
		// Some writers derive the MAC key for an empty password from no
		// bytes at all rather than from the two terminating zeros.
		if got, err := mac(md.Mac.Algorithm.Algorithm, md.MacSalt, md.Iterations, message, nil); err == nil && bytes.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("the MAC does not verify: %w", ErrWrongPassword)
}

// readBag converts one safe bag; nil for bag types that hold neither keys
// nor certificates (CRL and secret bags), which are skipped.
func readBag(sb safeBag, password string) (*Bag, Encryption, error) {
	b := &Bag{}
	for _, a := range sb.Attributes {
		switch {
		case a.ID.Equal(oidFriendlyName):
			var v asn1.RawValue
			if err := unmarshal(a.Value.Bytes, &v); err != nil || v.Tag != 30 || len(v.Bytes)%2 != 0 {
				return nil, "", errors.New("reading a friendly name: not a BMPString")
			}
			b.FriendlyName = decodeBMP(v.Bytes)
		case a.ID.Equal(oidLocalKeyID):
			if err := unmarshal(a.Value.Bytes, &b.LocalKeyID); err != nil {
				return nil, "", fmt.Errorf("reading a local key id: %w", err)
			}
		case a.ID.Equal(oidJavaTrustedKeyUsage):
			b.Trusted = true
			b.other = append(b.other, a)
		default:
			b.other = append(b.other, a)
		}
	}
	switch {
	case sb.ID.Equal(oidCertBag):
		var cb certBag
		if err := unmarshal(sb.Value.Bytes, &cb); err != nil {
			return nil, "", fmt.Errorf("reading a certificate bag: %w", err)
		}
		if !cb.ID.Equal(oidCertTypeX509) {
			return nil, "", nil
		}
		b.Cert = cb.Data
		return b, "", nil
	case sb.ID.Equal(oidKeyBag):
		b.Key = sb.Value.Bytes
		return b, "", nil
	case sb.ID.Equal(oidPKCS8ShroudedKeyBag):
		var epki encryptedPrivateKeyInfo
		if err := unmarshal(sb.Value.Bytes, &epki); err != nil {
			return nil, "", fmt.Errorf("reading a key bag: %w", err)
		}
		key, enc, err := decrypt(epki.Algorithm, epki.Data, password)
		if err != nil {
			if errors.Is(err, ErrWrongPassword) {
				// The MAC verified, so the key has a password of its
				// own; keep it as it is.
				b.Shrouded = sb.Value.Bytes
				return b, "", nil
			}
			return nil, "", fmt.Errorf("decrypting a private key: %w", err)
		}
		b.Key = key
		return b, enc, nil
	}
	return nil, "", nil
}

func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

func encodeBMP(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2*len(u))
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return out
}

// Encode writes a PKCS#12 file holding bags, in their order, as OpenSSL
// lays them out: the certificates in one encrypted safe, the keys (each
// encrypted) in a second, plain one. Salts and IVs come from rand.
func Encode(bags []Bag, password string, enc Encryption, rand io.Reader) ([]byte, error) {
	if enc != Modern && enc != Legacy {
		return nil, fmt.Errorf("unknown encryption %q", enc)
	}
	var certBags, keyBags []safeBag
	for _, b := range bags {
		sb, err := writeBag(b, password, enc, rand)
		if err != nil {
			return nil, err
		}
		if b.IsKey() {
			keyBags = append(keyBags, sb)
		} else {
			certBags = append(certBags, sb)
		}
	}
	var safes []contentInfo
	if len(certBags) > 0 {
		data, err := asn1.Marshal(certBags)
		if err != nil {
			return nil, err
		}
		alg, err := newAlgorithm(enc, rand)
		if err != nil {
			return nil, err
		}
		ciphertext, err := encrypt(alg, data, password)
		if err != nil {
			return nil, err
		}
		ed, err := asn1.Marshal(encryptedData{EncryptedContentInfo: encryptedContentInfo{
			ContentType:                oidDataContentType,
			ContentEncryptionAlgorithm: alg,
			EncryptedContent:           ciphertext,
		}})
		if err != nil {
			return nil, err
		}
		safes = append(safes, contentInfo{ContentType: oidEncryptedDataContentType, Content: explicit(ed)})
	}
	if len(keyBags) > 0 {
		data, err := asn1.Marshal(keyBags)
		if err != nil {
			return nil, err
		}
		ci, err := dataContent(data)
		if err != nil {
			return nil, err
		}
		safes = append(safes, ci)
	}
	authSafe, err := asn1.Marshal(safes)
	if err != nil {
		return nil, err
	}

	macAlg, iterations, saltLen := oidSHA256, modernIterations, saltSize
	if enc == Legacy {
		macAlg, iterations, saltLen = oidSHA1, legacyIterations, legacySaltSize
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, err
	}
	digest, err := mac(macAlg, salt, iterations, authSafe, bmpPassword(password))
	if err != nil {
		return nil, err
	}
	outer, err := dataContent(authSafe)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(pfxPdu{
		Version:  3,
		AuthSafe: outer,
		MacData: macData{
			Mac:        digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: macAlg, Parameters: asn1.NullRawValue}, Digest: digest},
			MacSalt:    salt,
			Iterations: iterations,
		},
	})
}

func writeBag(b Bag, password string, enc Encryption, rand io.Reader) (safeBag, error) {
	var attrs []attribute
	if b.FriendlyName != "" {
		v, err := asn1.Marshal(asn1.RawValue{Tag: 30, Bytes: encodeBMP(b.FriendlyName)})
		if err != nil {
			return safeBag{}, err
		}
		attrs = append(attrs, attribute{ID: oidFriendlyName, Value: set(v)})
	}
	if b.LocalKeyID != nil {
		v, err := asn1.Marshal(b.LocalKeyID)
		if err != nil {
			return safeBag{}, err
		}
		attrs = append(attrs, attribute{ID: oidLocalKeyID, Value: set(v)})
	}
	trustedWritten := false
	for _, a := range b.other {
		if a.ID.Equal(oidJavaTrustedKeyUsage) {
			if !b.Trusted {
				continue
			}
			trustedWritten = true
		}
		attrs = append(attrs, attribute{ID: a.ID, Value: set(a.Value.Bytes)})
	}
	if b.Trusted && !trustedWritten && !b.IsKey() {
		v, err := asn1.Marshal(oidAnyExtendedKeyUsage)
		if err != nil {
			return safeBag{}, err
		}
		attrs = append(attrs, attribute{ID: oidJavaTrustedKeyUsage, Value: set(v)})
	}

	if !b.IsKey() {
		cb, err := asn1.Marshal(certBag{ID: oidCertTypeX509, Data: b.Cert})
		if err != nil {
			return safeBag{}, err
		}
		return safeBag{ID: oidCertBag, Value: explicit(cb), Attributes: attrs}, nil
	}
	shrouded := b.Shrouded
	if b.Key != nil {
		alg, err := newAlgorithm(enc, rand)
		if err != nil {
			return safeBag{}, err
		}
		ciphertext, err := encrypt(alg, b.Key, password)
		if err != nil {
			return safeBag{}, err
		}
		if shrouded, err = asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: alg, Data: ciphertext}); err != nil {
			return safeBag{}, err
		}
	}
	if shrouded == nil {
		return safeBag{}, errors.New("a key bag without a key")
	}
	return safeBag{ID: oidPKCS8ShroudedKeyBag, Value: explicit(shrouded), Attributes: attrs}, nil
}

// explicit wraps DER as the [0] EXPLICIT content of a bag or content info.
func explicit(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

// set wraps DER as the contents of an attribute's SET OF values.
func set(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: der}
}

// dataContent wraps bytes as a ContentInfo of type data.
func dataContent(data []byte) (contentInfo, error) {
	octets, err := asn1.Marshal(data)
	if err != nil {
		return contentInfo{}, err
	}
	return contentInfo{ContentType: oidDataContentType, Content: explicit(octets)}, nil
}
