package cert

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// spec is a fully known, checked certificate request, ready to issue.
type spec struct {
	commonName   string
	organization string
	dnsNames     []string
	ips          []net.IP
	isCA         bool
	validity     time.Duration
	algorithm    string // "RSA" or "ECDSA"
	bits         int    // RSA only
	curve        string // ECDSA only: "P256" or "P384"
	keyUsage     x509.KeyUsage
	extKeyUsage  []x509.ExtKeyUsage
}

// parseSpec reads desired attributes (see desiredAttrs) that checkAttrs
// has accepted.
func parseSpec(a map[string]cty.Value) (spec, error) {
	for name, v := range a {
		if !v.IsWhollyKnown() {
			return spec{}, fmt.Errorf("%s is still unknown", name)
		}
	}
	s := spec{
		commonName:   a["common_name"].AsString(),
		organization: a["organization"].AsString(),
		dnsNames:     knownStrings(a["dns_names"]),
		isCA:         a["is_ca"].True(),
		algorithm:    a["key"].GetAttr("algorithm").AsString(),
		curve:        stringOf(a["key"].GetAttr("curve")),
	}
	if bits := a["key"].GetAttr("bits"); !bits.IsNull() {
		s.bits, _ = intValue(bits)
	}
	for _, ip := range knownStrings(a["ip_addresses"]) {
		parsed := net.ParseIP(ip)
		if parsed == nil {
			return spec{}, fmt.Errorf("invalid IP address %q", ip)
		}
		s.ips = append(s.ips, parsed)
	}
	var err error
	if s.validity, err = providers.ParseDuration(a["validity"].AsString()); err != nil {
		return spec{}, err
	}
	if s.validity <= 0 {
		return spec{}, errors.New("validity must be longer than zero")
	}
	if s.keyUsage, err = parseKeyUsages(knownStrings(a["key_usages"])); err != nil {
		return spec{}, err
	}
	if s.extKeyUsage, err = parseExtKeyUsages(knownStrings(a["ext_key_usages"])); err != nil {
		return spec{}, err
	}
	return s, nil
}
