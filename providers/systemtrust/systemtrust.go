package systemtrust

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/storefile"
)

// style is how a distribution keeps its trust store.
type style struct {
	dir     string
	command []string
	bundle  string
}

// styles are the layouts certform knows, by the style argument's value.
var styles = map[string]style{
	"debian": {
		dir:     "/usr/local/share/ca-certificates",
		command: []string{"update-ca-certificates"},
		bundle:  "/etc/ssl/certs/ca-certificates.crt",
	},
	"rhel": {
		dir:     "/etc/pki/ca-trust/source/anchors",
		command: []string{"update-ca-trust", "extract"},
		bundle:  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	},
}

// fileMode: anchors are public certificates, and the update commands run
// as root but read them as anyone.
const fileMode fs.FileMode = 0o644

// commandTimeout bounds the update command; it rebuilds a few hundred
// hash links and takes a second or two.
const commandTimeout = 5 * time.Minute

// Provider manages store "system_trust" blocks. It holds no state of its
// own and is safe for concurrent use.
type Provider struct{}

var (
	_ providers.Provider  = (*Provider)(nil)
	_ providers.Validator = (*Provider)(nil)
)

// New returns the provider for store "system_trust" blocks.
func New() *Provider { return &Provider{} }

// Schema implements providers.Provider.
func (p *Provider) Schema() hcldec.Spec {
	return hcldec.ObjectSpec{
		"trust":   &hcldec.AttrSpec{Name: "trust", Type: cty.DynamicPseudoType, Required: true},
		"style":   &hcldec.AttrSpec{Name: "style", Type: cty.String},
		"dir":     &hcldec.AttrSpec{Name: "dir", Type: cty.String},
		"command": &hcldec.AttrSpec{Name: "command", Type: cty.List(cty.String)},
		"bundle":  &hcldec.AttrSpec{Name: "bundle", Type: cty.String},
		"root":    &hcldec.AttrSpec{Name: "root", Type: cty.String},
	}
}

// Validate implements providers.Validator. It checks the arguments without
// looking at the host.
func (p *Provider) Validate(address string, config cty.Value) hcl.Diagnostics {
	_, diags := parseSettings(address, config, nil)
	return pki.DropNotKnown(diags)
}

type settings struct {
	style   string
	dir     string
	command []string
	bundle  string // "" for no check
	prefix  string
}

// parseSettings reads the arguments, filling in the style's defaults. With
// a nil fsys the style is not detected (validate reads nothing live).
func parseSettings(address string, config cty.Value, fsys providers.FS) (settings, hcl.Diagnostics) {
	s := settings{prefix: "certform-" + pki.Slug(blockName(address)) + "-"}
	var diags hcl.Diagnostics
	for _, n := range []string{"style", "dir", "bundle", "command", "root"} {
		if v := providers.Attr(config, n); !v.IsWhollyKnown() {
			diags = append(diags, pki.NotKnownf(address, n))
		}
	}
	if diags.HasErrors() {
		return s, diags
	}
	s.style = providers.String(config, "style")
	if s.style != "" {
		if _, ok := styles[s.style]; !ok {
			return s, hcl.Diagnostics{pki.Errorf(address, "Invalid style",
				fmt.Sprintf("style is %q; use \"debian\" (update-ca-certificates) or \"rhel\" (update-ca-trust).", s.style))}
		}
	} else if fsys != nil {
		s.style = detect(fsys)
	}
	def := styles[s.style]
	s.dir, s.bundle, s.command = def.dir, def.bundle, def.command
	if root := providers.String(config, "root"); root != "" && root != "/" {
		s.dir, s.bundle = path.Join(root, def.dir), path.Join(root, def.bundle)
		switch s.style {
		case "debian":
			// update-ca-certificates changes into its certificates
			// directory first, so every directory it is given must be
			// absolute.
			abs := root
			if d, ok := fsys.(interface{ Path(string) string }); ok {
				abs = d.Path(root)
			}
			s.command = []string{"update-ca-certificates",
				"--certsconf", path.Join(abs, "etc/ca-certificates.conf"),
				"--certsdir", path.Join(abs, "usr/share/ca-certificates"),
				"--localcertsdir", path.Join(abs, def.dir),
				"--etccertsdir", path.Join(abs, "etc/ssl/certs"),
				"--hooksdir", path.Join(abs, "etc/ca-certificates/update.d"),
			}
		case "rhel":
			if providers.Attr(config, "command").IsNull() {
				diags = append(diags, pki.Errorf(address, "root needs command",
					"update-ca-trust always works on /etc/pki; with root, set command to what rebuilds the bundle inside it."))
			}
		}
	}
	if v := providers.Attr(config, "dir"); !v.IsNull() {
		s.dir = v.AsString()
	}
	if v := providers.Attr(config, "bundle"); !v.IsNull() {
		s.bundle = v.AsString()
	}
	if v := providers.Attr(config, "command"); !v.IsNull() {
		s.command = providers.Strings(config, "command")
		if len(s.command) == 0 {
			diags = append(diags, pki.Errorf(address, "Empty command",
				"command must name the program that rebuilds the trust store, such as [\"update-ca-certificates\"]."))
		}
	}
	if fsys != nil && (s.dir == "" || len(s.command) == 0) {
		diags = append(diags, pki.Errorf(address, "Unknown trust store",
			"This host has neither update-ca-certificates (Debian, Ubuntu) nor update-ca-trust (RHEL, Fedora). Set style, or dir and command."))
	}
	return s, diags
}

// detect names the host's style: "debian", "rhel", or "" when unknown.
func detect(fsys providers.FS) string {
	for _, c := range []struct{ style, path string }{
		{"debian", "/usr/sbin/update-ca-certificates"},
		{"debian", "/etc/debian_version"},
		{"rhel", "/usr/bin/update-ca-trust"},
		{"rhel", "/etc/redhat-release"},
	} {
		if _, err := fsys.Stat(c.path); err == nil {
			return c.style
		}
	}
	return ""
}

func blockName(address string) string {
	if i := strings.LastIndexByte(address, '.'); i >= 0 {
		return address[i+1:]
	}
	return address
}

// anchor is one file to install.
type anchor struct {
	path    string
	content []byte
	fp      string
	name    string
}

// desired is the anchors the configuration asks for; known is false while
// a trust chain is not known yet.
func desired(address string, s settings, config cty.Value) ([]anchor, bool, hcl.Diagnostics) {
	cas, known, diags := pki.ReadTrust(address, providers.Attr(config, "trust"))
	if !known || diags.HasErrors() {
		return nil, known, diags
	}
	if len(cas) == 0 {
		return nil, true, hcl.Diagnostics{pki.Errorf(address, "No CA certificates", "trust holds no certificates; list trust_chain blocks, such as trust = [trust_chain.company].")}
	}
	var out []anchor
	taken := map[string]bool{}
	for _, c := range cas {
		stem := s.prefix + pki.Slug(pki.Name(c))
		if taken[stem] {
			stem += "-" + pki.Fingerprint(c)[:8]
		}
		taken[stem] = true
		out = append(out, anchor{
			path:    path.Join(s.dir, stem+".crt"),
			content: pki.EncodePEM(c),
			fp:      pki.Fingerprint(c),
			name:    pki.Name(c),
		})
	}
	return out, true, nil
}

// value records the settings, the anchors' hashes and whether the bundle
// holds them; inBundle is null when there is no bundle to check.
func value(s settings, anchors []anchor, known bool, inBundle cty.Value) cty.Value {
	v := map[string]cty.Value{
		"style":        cty.StringVal(s.style),
		"dir":          cty.StringVal(s.dir),
		"command":      providers.StringList(s.command),
		"bundle":       cty.StringVal(s.bundle),
		"certificates": cty.UnknownVal(cty.List(cty.String)),
		"files":        cty.UnknownVal(cty.Map(cty.String)),
		"in_bundle":    inBundle,
	}
	if known {
		var fps []string
		files := map[string]cty.Value{}
		for _, a := range anchors {
			fps = append(fps, a.fp)
			files[a.path] = cty.StringVal(storefile.Hash(a.content))
		}
		v["certificates"] = providers.StringList(fps)
		v["files"] = cty.MapVal(files)
	}
	return cty.ObjectVal(v)
}

// missingFromBundle returns the names of the CAs (by fingerprint) that the
// bundle file does not hold.
func missingFromBundle(fsys providers.FS, bundle string, fps []string, names map[string]string) ([]string, error) {
	data, err := readUncached(fsys, bundle)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	have := map[string]bool{}
	if certs, err := pki.ParseCertificates(data); err == nil {
		for _, c := range certs {
			have[pki.Fingerprint(c)] = true
		}
	} else {
		// A bundle may hold other blocks (TRUSTED CERTIFICATE); read it
		// certificate by certificate.
		for _, block := range bytes.SplitAfter(data, []byte("-----END CERTIFICATE-----")) {
			if certs, err := pki.ParseCertificates(block); err == nil {
				for _, c := range certs {
					have[pki.Fingerprint(c)] = true
				}
			}
		}
	}
	var missing []string
	for _, fp := range fps {
		if !have[fp] {
			n := names[fp]
			if n == "" {
				n = "sha256:" + fp[:16] + "…"
			}
			missing = append(missing, n)
		}
	}
	return missing, nil
}

// readUncached reads the bundle from disk, past the caching of
// providers.DirFS: the update command rewrites it behind certform's back.
func readUncached(fsys providers.FS, name string) ([]byte, error) {
	if d, ok := fsys.(interface{ Path(string) string }); ok {
		return os.ReadFile(d.Path(name))
	}
	return fsys.ReadFile(name)
}

// lookPath finds a command in PATH, or else in the sbin directories,
// which Debian leaves out of ordinary users' PATH although
// update-ca-certificates lives there.
func lookPath(name string) string {
	if strings.ContainsRune(name, '/') {
		return name
	}
	if _, err := exec.LookPath(name); err == nil {
		return name
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if fi, err := os.Stat(path.Join(dir, name)); err == nil && !fi.IsDir() {
			return path.Join(dir, name)
		}
	}
	return name
}

// run runs the update command in the configuration directory.
func run(ctx context.Context, fsys providers.FS, argv []string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, lookPath(argv[0]), argv[1:]...)
	if d, ok := fsys.(interface{ Path(string) string }); ok {
		cmd.Dir = d.Path(".")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s failed: %w", strings.Join(argv, " "), err)
	}
	return out, nil
}

// entries returns the elements of a map or object value by key.
func entries(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if !providers.Exists(v) || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e
	}
	return out
}

func sortedKeys(m map[string]cty.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
