package pfx

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"io"
	"math/big"
	"unicode/utf16"
)

// Object identifiers of the algorithms this package knows.
var (
	oidPBES2            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidPBEWithSHA3DES   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHA128RC2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHA40RC2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
	oidPBMAC1           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}

	oidHMACWithSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACWithSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACWithSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}

	oidAES128CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3   = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

type pbeParams struct {
	Salt       []byte
	Iterations int
}

type pbes2Params struct {
	KDF              pkix.AlgorithmIdentifier
	EncryptionScheme pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

// hashFor returns the hash of a digest or HMAC algorithm, and its block
// size (v in RFC 7292 appendix B).
func hashFor(oid asn1.ObjectIdentifier) (func() hash.Hash, int, bool) {
	switch {
	case oid.Equal(oidSHA1), oid.Equal(oidHMACWithSHA1):
		return sha1.New, 64, true
	case oid.Equal(oidSHA256), oid.Equal(oidHMACWithSHA256):
		return sha256.New, 64, true
	case oid.Equal(oidSHA384), oid.Equal(oidHMACWithSHA384):
		return sha512.New384, 128, true
	case oid.Equal(oidSHA512), oid.Equal(oidHMACWithSHA512):
		return sha512.New, 128, true
	}
	return nil, 0, false
}

// bmpPassword encodes a password as PKCS#12 key derivation and MACs want
// it: UTF-16 big endian with two terminating zero bytes (RFC 7292
// appendix B.1).
func bmpPassword(password string) []byte {
	u := utf16.Encode([]rune(password))
	out := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		out = append(out, byte(c>>8), byte(c))
	}
	return append(out, 0, 0)
}

// kdf is the PKCS#12 key derivation function of RFC 7292 appendix B.2:
// id 1 derives a cipher key, 2 an IV, 3 a MAC key.
func kdf(newHash func() hash.Hash, v int, salt, password []byte, iterations int, id byte, size int) []byte {
	h := newHash()
	D := bytes.Repeat([]byte{id}, v)
	fill := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		n := v * ((len(b) + v - 1) / v)
		out := make([]byte, n)
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	I := append(fill(salt), fill(password)...)
	one := big.NewInt(1)
	var out []byte
	for len(out) < size {
		h.Reset()
		h.Write(D)
		h.Write(I)
		A := h.Sum(nil)
		for r := 1; r < iterations; r++ {
			h.Reset()
			h.Write(A)
			A = h.Sum(A[:0])
		}
		out = append(out, A...)
		if len(out) >= size {
			break
		}
		// I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I.
		B := new(big.Int).SetBytes(fill(A)[:v])
		B.Add(B, one)
		for j := 0; j < len(I); j += v {
			Ij := new(big.Int).SetBytes(I[j : j+v])
			Ij.Add(Ij, B)
			b := Ij.Bytes()
			if len(b) > v {
				b = b[len(b)-v:]
			}
			block := I[j : j+v]
			clear(block)
			copy(block[v-len(b):], b)
		}
	}
	return out[:size]
}

// mac computes the PKCS#12 MAC of message (RFC 7292 appendix B, HMAC with
// a key from kdf id 3).
func mac(alg asn1.ObjectIdentifier, salt []byte, iterations int, message, password []byte) ([]byte, error) {
	newHash, v, ok := hashFor(alg)
	if !ok {
		return nil, &UnsupportedError{What: "MAC algorithm " + alg.String()}
	}
	key := kdf(newHash, v, salt, password, iterations, 3, newHash().Size())
	m := hmac.New(newHash, key)
	m.Write(message)
	return m.Sum(nil), nil
}

// decrypt decrypts data encrypted with a password-based algorithm.
// password is the BMP-encoded password (see bmpPassword); PBES2 derives its
// key from the UTF-8 form, as OpenSSL and Java do.
func decrypt(alg pkix.AlgorithmIdentifier, data []byte, password string) ([]byte, Encryption, error) {
	mode, enc, err := cipherFor(alg, password, false)
	if err != nil {
		return nil, "", err
	}
	if len(data) == 0 || len(data)%mode.BlockSize() != 0 {
		return nil, "", errors.New("encrypted data is not a whole number of cipher blocks")
	}
	out := make([]byte, len(data))
	mode.CryptBlocks(out, data)
	n := int(out[len(out)-1])
	if n == 0 || n > mode.BlockSize() || n > len(out) || !bytes.Equal(out[len(out)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, "", ErrWrongPassword
	}
	return out[:len(out)-n], enc, nil
}

// encrypt pads and encrypts data.
func encrypt(alg pkix.AlgorithmIdentifier, data []byte, password string) ([]byte, error) {
	mode, _, err := cipherFor(alg, password, true)
	if err != nil {
		return nil, err
	}
	n := mode.BlockSize() - len(data)%mode.BlockSize()
	padded := append(bytes.Clone(data), bytes.Repeat([]byte{byte(n)}, n)...)
	mode.CryptBlocks(padded, padded)
	return padded, nil
}

// cipherFor sets up the block mode an algorithm identifier describes.
func cipherFor(alg pkix.AlgorithmIdentifier, password string, encrypting bool) (cipher.BlockMode, Encryption, error) {
	newMode := cipher.NewCBCDecrypter
	if encrypting {
		newMode = cipher.NewCBCEncrypter
	}
	switch {
	case alg.Algorithm.Equal(oidPBEWithSHA3DES):
		var p pbeParams
		if err := unmarshal(alg.Parameters.FullBytes, &p); err != nil {
			return nil, "", fmt.Errorf("reading PBE parameters: %w", err)
		}
		if err := checkIterations(p.Iterations); err != nil {
			return nil, "", err
		}
		pw := bmpPassword(password)
		key := kdf(sha1.New, 64, p.Salt, pw, p.Iterations, 1, 24)
		iv := kdf(sha1.New, 64, p.Salt, pw, p.Iterations, 2, 8)
		block, err := des.NewTripleDESCipher(key)
		if err != nil {
			return nil, "", err
		}
		return newMode(block, iv), Legacy, nil
	case alg.Algorithm.Equal(oidPBES2):
		return pbes2(alg, password, newMode)
	case alg.Algorithm.Equal(oidPBEWithSHA40RC2), alg.Algorithm.Equal(oidPBEWithSHA128RC2):
		return nil, "", &UnsupportedError{What: "RC2 encryption (pbeWithSHAAnd40BitRC2-CBC, as written by openssl -legacy and Java before 11.0.12)"}
	}
	return nil, "", &UnsupportedError{What: "encryption algorithm " + alg.Algorithm.String()}
}

func pbes2(alg pkix.AlgorithmIdentifier, password string, newMode func(cipher.Block, []byte) cipher.BlockMode) (cipher.BlockMode, Encryption, error) {
	var p pbes2Params
	if err := unmarshal(alg.Parameters.FullBytes, &p); err != nil {
		return nil, "", fmt.Errorf("reading PBES2 parameters: %w", err)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, "", &UnsupportedError{What: "PBES2 key derivation " + p.KDF.Algorithm.String()}
	}
	var kp pbkdf2Params
	if err := unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, "", fmt.Errorf("reading PBKDF2 parameters: %w", err)
	}
	if err := checkIterations(kp.Iterations); err != nil {
		return nil, "", err
	}
	prf := oidHMACWithSHA1 // the default of RFC 8018
	if len(kp.PRF.Algorithm) > 0 {
		prf = kp.PRF.Algorithm
	}
	newHash, _, ok := hashFor(prf)
	if !ok || prf.Equal(oidSHA1) || prf.Equal(oidSHA256) {
		return nil, "", &UnsupportedError{What: "PBKDF2 function " + prf.String()}
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.EncryptionScheme.Parameters.FullBytes, &iv); err != nil {
		return nil, "", fmt.Errorf("reading the IV: %w", err)
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch s := p.EncryptionScheme.Algorithm; {
	case s.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case s.Equal(oidAES192CBC):
		keyLen, newBlock = 24, aes.NewCipher
	case s.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case s.Equal(oidDESEDE3):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, "", &UnsupportedError{What: "PBES2 cipher " + s.String()}
	}
	key, err := pbkdf2.Key(newHash, password, kp.Salt, kp.Iterations, keyLen)
	if err != nil {
		return nil, "", fmt.Errorf("deriving the key: %w", err)
	}
	block, err := newBlock(key)
	if err != nil {
		return nil, "", err
	}
	if len(iv) != block.BlockSize() {
		return nil, "", errors.New("the IV does not fit the cipher")
	}
	return newMode(block, iv), Modern, nil
}

// maxIterations bounds the work a file may ask for: ten million rounds
// take seconds; more is a broken or hostile file.
const maxIterations = 10_000_000

func checkIterations(n int) error {
	if n < 1 || n > maxIterations {
		return fmt.Errorf("implausible iteration count %d", n)
	}
	return nil
}

// Parameters of the two forms Encode writes.
const (
	// modernIterations is what Java 17's keytool uses; OpenSSL 3 uses
	// 2048. Both read either.
	modernIterations = 10000
	// legacyIterations is what OpenSSL and Windows use for 3DES.
	legacyIterations = 2048
	saltSize         = 16
	legacySaltSize   = 8
)

// newAlgorithm returns the algorithm identifier for encrypting with enc,
// with salt and IV from rand.
func newAlgorithm(enc Encryption, rand io.Reader) (pkix.AlgorithmIdentifier, error) {
	if enc == Legacy {
		salt := make([]byte, legacySaltSize)
		if _, err := io.ReadFull(rand, salt); err != nil {
			return pkix.AlgorithmIdentifier{}, err
		}
		params, err := asn1.Marshal(pbeParams{Salt: salt, Iterations: legacyIterations})
		if err != nil {
			return pkix.AlgorithmIdentifier{}, err
		}
		return pkix.AlgorithmIdentifier{Algorithm: oidPBEWithSHA3DES, Parameters: asn1.RawValue{FullBytes: params}}, nil
	}
	salt := make([]byte, saltSize)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return pkix.AlgorithmIdentifier{}, err
	}
	if _, err := io.ReadFull(rand, iv); err != nil {
		return pkix.AlgorithmIdentifier{}, err
	}
	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt: salt, Iterations: modernIterations, KeyLength: 32,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1.NullRawValue},
	})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, err
	}
	ivParam, err := asn1.Marshal(iv)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF:              pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivParam}},
	})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, err
	}
	return pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, nil
}

// unmarshal reads exactly one ASN.1 value.
func unmarshal(in []byte, out any) error {
	rest, err := asn1.Unmarshal(in, out)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return errors.New("trailing data")
	}
	return nil
}
