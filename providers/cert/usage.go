package cert

import (
	"crypto/x509"
	"fmt"
	"strings"
)

// keyUsageNames lists the names key_usages accepts, in the order of RFC 5280
// section 4.2.1.3.
func keyUsageNames() []string {
	return []string{
		"digital_signature", "content_commitment", "key_encipherment",
		"data_encipherment", "key_agreement", "cert_sign", "crl_sign",
		"encipher_only", "decipher_only",
	}
}

// keyUsage maps a key_usages name to its x509 bit.
func keyUsage(name string) (x509.KeyUsage, bool) {
	switch name {
	case "digital_signature":
		return x509.KeyUsageDigitalSignature, true
	case "content_commitment":
		return x509.KeyUsageContentCommitment, true
	case "key_encipherment":
		return x509.KeyUsageKeyEncipherment, true
	case "data_encipherment":
		return x509.KeyUsageDataEncipherment, true
	case "key_agreement":
		return x509.KeyUsageKeyAgreement, true
	case "cert_sign":
		return x509.KeyUsageCertSign, true
	case "crl_sign":
		return x509.KeyUsageCRLSign, true
	case "encipher_only":
		return x509.KeyUsageEncipherOnly, true
	case "decipher_only":
		return x509.KeyUsageDecipherOnly, true
	}
	return 0, false
}

// extKeyUsageNames lists the names ext_key_usages accepts.
func extKeyUsageNames() []string {
	return []string{
		"server_auth", "client_auth", "code_signing", "email_protection",
		"time_stamping", "ocsp_signing", "any",
	}
}

// extKeyUsage maps an ext_key_usages name to its x509 value.
func extKeyUsage(name string) (x509.ExtKeyUsage, bool) {
	switch name {
	case "server_auth":
		return x509.ExtKeyUsageServerAuth, true
	case "client_auth":
		return x509.ExtKeyUsageClientAuth, true
	case "code_signing":
		return x509.ExtKeyUsageCodeSigning, true
	case "email_protection":
		return x509.ExtKeyUsageEmailProtection, true
	case "time_stamping":
		return x509.ExtKeyUsageTimeStamping, true
	case "ocsp_signing":
		return x509.ExtKeyUsageOCSPSigning, true
	case "any":
		return x509.ExtKeyUsageAny, true
	}
	return 0, false
}

// defaultKeyUsages: a CA signs certificates and revocation lists; a TLS
// server with an RSA key signs (ECDHE) and, for RSA key exchange in TLS 1.2
// and older, decrypts; an ECDSA key only signs.
func defaultKeyUsages(isCA bool, algorithm string) []string {
	switch {
	case isCA:
		return []string{"cert_sign", "crl_sign"}
	case algorithm == "ECDSA":
		return []string{"digital_signature"}
	}
	return []string{"digital_signature", "key_encipherment"}
}

// defaultExtKeyUsages: leaves are TLS servers; a CA carries no extended key
// usage, so it may issue certificates for any purpose.
func defaultExtKeyUsages(isCA bool) []string {
	if isCA {
		return nil
	}
	return []string{"server_auth"}
}

// parseKeyUsages turns key_usages names into x509 bits.
func parseKeyUsages(names []string) (x509.KeyUsage, error) {
	var ku x509.KeyUsage
	for _, n := range names {
		u, ok := keyUsage(n)
		if !ok {
			return 0, fmt.Errorf("unknown key usage %q: use %s", n, strings.Join(keyUsageNames(), ", "))
		}
		ku |= u
	}
	return ku, nil
}

// parseExtKeyUsages turns ext_key_usages names into x509 values.
func parseExtKeyUsages(names []string) ([]x509.ExtKeyUsage, error) {
	var out []x509.ExtKeyUsage
	for _, n := range names {
		u, ok := extKeyUsage(n)
		if !ok {
			return nil, fmt.Errorf("unknown extended key usage %q: use %s", n, strings.Join(extKeyUsageNames(), ", "))
		}
		out = append(out, u)
	}
	return out, nil
}
