package cert

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
)

// Defaults, documented where users meet them (the certificate block).
const (
	// defaultLeafValidity is 397 days: publicly trusted TLS certificates may
	// be valid for at most 398 days (CA/Browser Forum baseline requirements,
	// Apple since 2020); one day less leaves room for clock differences.
	defaultLeafValidity = "397d"
	// defaultCAValidity is ten years, a usual lifetime for a private root.
	defaultCAValidity  = "3650d"
	defaultRenewBefore = "30d"
	defaultAlgorithm   = "RSA"
	defaultRSABits     = 2048
	defaultCurve       = "P256"
)

// computedNames are the attributes known only once the certificate exists.
// chain_pem is not among them: it comes from the issuer and is known as soon
// as the issuer is.
func computedNames() []string {
	return []string{
		"pem", "serial", "not_before", "not_after", "fingerprint_sha256",
		"thumbprint_sha1", "subject", "issuer_name", "key_id",
	}
}

// keyType is the type of the recorded key object.
func keyType() cty.Type {
	return cty.Object(map[string]cty.Type{
		"algorithm": cty.String, "bits": cty.Number, "curve": cty.String,
	})
}

// desiredAttrs returns the configuration attributes of the value a
// certificate block asks for, with defaults filled in and durations and key
// names normalized ("720h" becomes "30d", "p-256" becomes "P256"), so that
// equal settings give equal values. Attributes that depend on unknown values
// are unknown. Invalid settings are passed through for Validate to report.
func desiredAttrs(cfg cty.Value) map[string]cty.Value {
	isCA := orDefault(attr(cfg, "is_ca"), cty.False)
	key := desiredKey(attr(cfg, "key"))
	alg := key.GetAttr("algorithm")

	validityDefault := cty.UnknownVal(cty.String)
	if isCA.IsKnown() {
		validityDefault = cty.StringVal(defaultLeafValidity)
		if isCA.True() {
			validityDefault = cty.StringVal(defaultCAValidity)
		}
	}

	usages := cty.UnknownVal(cty.List(cty.String))
	extUsages := cty.UnknownVal(cty.List(cty.String))
	if isCA.IsKnown() && alg.IsKnown() {
		usages = providers.StringList(defaultKeyUsages(isCA.True(), alg.AsString()))
	}
	if isCA.IsKnown() {
		extUsages = providers.StringList(defaultExtKeyUsages(isCA.True()))
	}

	return map[string]cty.Value{
		"common_name":    orDefault(attr(cfg, "common_name"), cty.StringVal("")),
		"dns_names":      stringList(attr(cfg, "dns_names"), cty.ListValEmpty(cty.String)),
		"ip_addresses":   stringList(attr(cfg, "ip_addresses"), cty.ListValEmpty(cty.String)),
		"organization":   orDefault(attr(cfg, "organization"), cty.StringVal("")),
		"is_ca":          isCA,
		"validity":       normalizeDuration(orDefault(attr(cfg, "validity"), validityDefault)),
		"renew_before":   normalizeDuration(orDefault(attr(cfg, "renew_before"), cty.StringVal(defaultRenewBefore))),
		"key":            key,
		"key_usages":     stringList(attr(cfg, "key_usages"), usages),
		"ext_key_usages": stringList(attr(cfg, "ext_key_usages"), extUsages),
	}
}

// desiredKey fills in the key block: RSA 2048 when absent, P256 for ECDSA.
// bits is null for ECDSA keys and curve null for RSA keys.
func desiredKey(block cty.Value) cty.Value {
	if block != cty.NilVal && !block.IsKnown() {
		return cty.UnknownVal(keyType())
	}
	alg := normalizeAlgorithm(orDefault(attr(block, "algorithm"), cty.StringVal(defaultAlgorithm)))
	bits := attr(block, "bits")
	curve := attr(block, "curve")
	if bits.IsNull() {
		bits = cty.NullVal(cty.Number)
	}
	if curve.IsNull() {
		curve = cty.NullVal(cty.String)
	} else {
		curve = normalizeCurve(curve)
	}
	switch {
	case !alg.IsKnown():
		// Leave bits and curve as written.
	case alg.AsString() == "RSA" && bits.IsNull():
		bits = cty.NumberIntVal(defaultRSABits)
	case alg.AsString() == "ECDSA" && curve.IsNull():
		curve = cty.StringVal(defaultCurve)
	}
	return cty.ObjectVal(map[string]cty.Value{"algorithm": alg, "bits": bits, "curve": curve})
}

// attr is providers.Attr, except that an attribute of an unknown object is
// unknown rather than null.
func attr(obj cty.Value, name string) cty.Value {
	if obj != cty.NilVal && !obj.IsKnown() {
		return cty.DynamicVal
	}
	return providers.Attr(obj, name)
}

// orDefault returns def when v is null, and an unknown of def's type when v
// is unknown.
func orDefault(v, def cty.Value) cty.Value {
	switch {
	case v == cty.NilVal || v.IsNull():
		return def
	case !v.IsKnown():
		return cty.UnknownVal(def.Type())
	}
	return v
}

// stringList returns a known list of strings as a canonical list value, def
// when it is null, and anything partly unknown unchanged.
func stringList(v, def cty.Value) cty.Value {
	switch {
	case v == cty.NilVal || v.IsNull():
		return def
	case !v.IsKnown():
		return cty.UnknownVal(cty.List(cty.String))
	case !v.IsWhollyKnown():
		return v
	}
	var ss []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return v // Validate reports it.
		}
		ss = append(ss, e.AsString())
	}
	return providers.StringList(ss)
}

// normalizeDuration writes a valid duration the way FormatDuration does.
func normalizeDuration(v cty.Value) cty.Value {
	if !v.IsKnown() || v.IsNull() {
		return v
	}
	d, err := providers.ParseDuration(v.AsString())
	if err != nil {
		return v
	}
	return cty.StringVal(providers.FormatDuration(d))
}

func normalizeAlgorithm(v cty.Value) cty.Value {
	if !v.IsKnown() || v.IsNull() {
		return v
	}
	s := strings.ToUpper(strings.TrimSpace(v.AsString()))
	if s == "EC" {
		s = "ECDSA"
	}
	return cty.StringVal(s)
}

func normalizeCurve(v cty.Value) cty.Value {
	if !v.IsKnown() || v.IsNull() {
		return v
	}
	s := strings.ToUpper(strings.TrimSpace(v.AsString()))
	s = strings.ReplaceAll(s, "-", "")
	return cty.StringVal(s)
}
