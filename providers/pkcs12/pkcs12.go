package pkcs12

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pfx"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// defaultMode: the file holds a private key, readable by its owner only.
const defaultMode = "0600"

// Provider manages store "pkcs12" blocks. It holds no state of its own and
// is safe for concurrent use.
type Provider struct{}

var (
	_ providers.Provider          = (*Provider)(nil)
	_ providers.Validator         = (*Provider)(nil)
	_ providers.SecretFreeReasons = (*Provider)(nil)
)

// SecretFreeReasons implements providers.SecretFreeReasons: the plan's
// reasons name fingerprints, the friendly name, the encryption scheme and
// paths, never the password, so they stay visible although password is
// sensitive.
func (p *Provider) SecretFreeReasons() {}

// New returns the provider for store "pkcs12" blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	str := func(name string, required bool) hcldec.Spec {
		return &hcldec.AttrSpec{Name: name, Type: cty.String, Required: required}
	}
	return hcldec.ObjectSpec{
		"certificate":   &hcldec.AttrSpec{Name: "certificate", Type: cty.DynamicPseudoType, Required: true},
		"path":          str("path", true),
		"password":      str("password", true),
		"friendly_name": str("friendly_name", false),
		"encryption":    str("encryption", false),
		"file_mode":     str("file_mode", false),
	}
}

// Validate implements providers.Validator.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := parseSettings(address, config)
	return pki.DropNotKnown(diags)
}

// settings are the block's arguments, checked.
type settings struct {
	path     string
	password string
	// passwordKnown is false while the password is unknown (validate).
	passwordKnown bool
	encryption    pfx.Encryption
	friendlyName  cty.Value // null: the certificate's common name
	mode          fs.FileMode
}

func parseSettings(address string, config cty.Value) (settings, hcl.Diagnostics) {
	s := settings{encryption: pfx.Modern, friendlyName: providers.Attr(config, "friendly_name")}
	var diags hcl.Diagnostics
	var d hcl.Diagnostics
	s.path, d = storefile.Path(address, "path", providers.Attr(config, "path"))
	diags = append(diags, d...)
	switch pw := providers.Attr(config, "password"); {
	case pw.IsNull():
		diags = append(diags, pki.Errorf(address, "Missing password",
			"A PKCS#12 file is protected with a password; set password, from a sensitive variable such as var.pfx_password."))
	case pw.IsKnown():
		s.password, s.passwordKnown = pw.AsString(), true
	}
	switch e := providers.Attr(config, "encryption"); {
	case e.IsNull():
	case !e.IsKnown():
		diags = append(diags, pki.NotKnownf(address, "encryption"))
	case e.AsString() == string(pfx.Modern), e.AsString() == string(pfx.Legacy):
		s.encryption = pfx.Encryption(e.AsString())
	default:
		diags = append(diags, pki.Errorf(address, "Invalid encryption",
			fmt.Sprintf("encryption is %q; use \"modern\" (AES-256, SHA-256; the default) or \"legacy\" (3DES, SHA-1) for Windows Server 2016 and older, which cannot read the modern form.", e.AsString())))
	}
	if fn := s.friendlyName; !fn.IsKnown() {
		s.friendlyName = cty.UnknownVal(cty.String)
	}
	s.mode, d = storefile.ParseMode(address, "file_mode", providers.Attr(config, "file_mode"), defaultMode)
	diags = append(diags, d...)
	if w := storefile.KeyModeWarning(address, "file_mode", s.mode); w != nil && !d.HasErrors() {
		diags = append(diags, w)
	}
	return s, diags
}

// content is what the file holds, as the value records it.
type content struct {
	fingerprint  string
	thumbprint   string
	chain        []string
	keyID        string
	friendlyName string
	encryption   pfx.Encryption
}

// desired is the file certform would write and its value; data is nil
// while the certificate is unknown.
type desired struct {
	s     settings
	data  []byte
	value cty.Value
}

// resolve builds the desired file from the configuration.
func resolve(address string, config cty.Value, env *providers.Env) (desired, hcl.Diagnostics) {
	s, diags := parseSettings(address, config)
	if diags.HasErrors() {
		return desired{}, diags
	}
	c, known, d := pki.ReadCert(address, "certificate", providers.Attr(config, "certificate"), env, true)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return desired{}, diags
	}
	if !known || !s.passwordKnown || !s.friendlyName.IsKnown() {
		return desired{s: s, value: unknownValue(s)}, diags
	}
	name := pki.Name(c.Leaf)
	if c.Leaf.Subject.CommonName == "" {
		name = ""
	}
	if !s.friendlyName.IsNull() {
		name = s.friendlyName.AsString()
	}
	data, err := encode(c, s, name)
	if err != nil {
		return desired{}, append(diags, pki.Errorf(address, "Cannot encode PKCS#12", err.Error()+"."))
	}
	ct := content{
		fingerprint:  pki.Fingerprint(c.Leaf),
		thumbprint:   pki.Thumbprint(c.Leaf),
		keyID:        c.KeyID,
		friendlyName: name,
		encryption:   s.encryption,
	}
	for _, ch := range c.Chain {
		ct.chain = append(ct.chain, pki.Fingerprint(ch))
	}
	return desired{s: s, data: data, value: value(s, ct, storefile.Hash(data), storefile.FormatMode(s.mode))}, diags
}

// encode writes the file: the key and the certificate, named and paired
// by local key id, then the chain.
func encode(c *pki.Cert, s settings, friendlyName string) ([]byte, error) {
	id := sha1.Sum(c.Leaf.Raw) // the local key id OpenSSL uses
	bags := []pfx.Bag{
		{Key: c.KeyDER, FriendlyName: friendlyName, LocalKeyID: id[:]},
		{Cert: c.Leaf.Raw, FriendlyName: friendlyName, LocalKeyID: id[:]},
	}
	seed := [][]byte{[]byte("certform pkcs12 store"), []byte(s.password), []byte(s.encryption), []byte(friendlyName), c.KeyDER, c.Leaf.Raw}
	for _, ch := range c.Chain {
		bags = append(bags, pfx.Bag{Cert: ch.Raw})
		seed = append(seed, ch.Raw)
	}
	return pfx.Encode(bags, s.password, s.encryption, pki.NewRand(seed...))
}

// decode reads what a file holds.
func decode(data []byte, password string) (content, error) {
	f, err := pfx.Decode(data, password)
	if err != nil {
		return content{}, err
	}
	var key *pfx.Bag
	var certs []pfx.Bag
	for i, b := range f.Bags {
		if b.IsKey() {
			if key == nil {
				key = &f.Bags[i]
			}
			continue
		}
		certs = append(certs, b)
	}
	if len(certs) == 0 {
		return content{}, errors.New("the file holds no certificate")
	}
	ct := content{encryption: f.Encryption}
	leaf := 0
	if key != nil {
		ct.friendlyName = key.FriendlyName
		if id, err := keyID(key.Key); err == nil {
			ct.keyID = id
		}
		// The certificate is the one with the key's local key id, or else
		// the one with the key's public key.
		found := false
		for i, b := range certs {
			if key.LocalKeyID != nil && string(b.LocalKeyID) == string(key.LocalKeyID) {
				leaf, found = i, true
				break
			}
		}
		for i := 0; !found && ct.keyID != "" && i < len(certs); i++ {
			if c, err := x509.ParseCertificate(certs[i].Cert); err == nil {
				if id, err := pki.KeyID(c.PublicKey); err == nil && id == ct.keyID {
					leaf, found = i, true
				}
			}
		}
	}
	for i, b := range certs {
		c, err := x509.ParseCertificate(b.Cert)
		if err != nil {
			return content{}, fmt.Errorf("certificate %d: %w", i+1, err)
		}
		if i == leaf {
			ct.fingerprint, ct.thumbprint = pki.Fingerprint(c), pki.Thumbprint(c)
			if ct.friendlyName == "" {
				ct.friendlyName = b.FriendlyName
			}
			continue
		}
		ct.chain = append(ct.chain, pki.Fingerprint(c))
	}
	return ct, nil
}

// keyID names a PKCS#8 key by its public key.
func keyID(der []byte) (string, error) {
	if der == nil {
		return "", errors.New("the key is encrypted with another password")
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return "", err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return "", fmt.Errorf("unsupported key type %T", k)
	}
	return pki.KeyID(s.Public())
}

// value is the store's value.
func value(s settings, c content, hash, mode string) cty.Value {
	chain := providers.StringList(c.chain)
	return cty.ObjectVal(map[string]cty.Value{
		"path":                    cty.StringVal(s.path),
		"encryption":              cty.StringVal(string(c.encryption)),
		"friendly_name":           cty.StringVal(c.friendlyName),
		"file_mode":               cty.StringVal(storefile.FormatMode(s.mode)),
		"certificate_fingerprint": cty.StringVal(c.fingerprint),
		"thumbprint_sha1":         cty.StringVal(c.thumbprint),
		"chain":                   chain,
		"key_id":                  cty.StringVal(c.keyID),
		"file_hash":               cty.StringVal(hash),
		"mode":                    cty.StringVal(mode),
	})
}

// unknownValue is the value while the certificate is not known yet.
func unknownValue(s settings) cty.Value {
	u := cty.UnknownVal(cty.String)
	fn := s.friendlyName
	if fn.IsNull() {
		fn = u
	}
	return cty.ObjectVal(map[string]cty.Value{
		"path":                    cty.StringVal(s.path),
		"encryption":              cty.StringVal(string(s.encryption)),
		"friendly_name":           fn,
		"file_mode":               cty.StringVal(storefile.FormatMode(s.mode)),
		"certificate_fingerprint": u,
		"thumbprint_sha1":         u,
		"chain":                   cty.UnknownVal(cty.List(cty.String)),
		"key_id":                  u,
		"file_hash":               u,
		"mode":                    cty.StringVal(storefile.FormatMode(s.mode)),
	})
}
