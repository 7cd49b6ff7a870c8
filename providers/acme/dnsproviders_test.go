package acme

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestDNSProvidersFollowLego checks the built-in DNS providers against
// lego's own registry (providers/dns/zz_gen_dns_providers.go of the lego
// in go.mod): every name is lego's and builds the provider lego builds for
// it, and every provider lego has is either built in or listed in
// legoOnlyDNSProviders, so that an upgrade of lego shows what it added.
func TestDNSProvidersFollowLego(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-acme/lego/v4").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "providers", "dns", "zz_gen_dns_providers.go"))
	if err != nil {
		t.Fatal(err)
	}
	// case "acme-dns", "acmedns":
	//	return acmedns.NewDNSProvider()
	lego := map[string]string{} // name -> package
	re := regexp.MustCompile(`case ((?:"[^"]+",? ?)+):\s+return (\w+)\.NewDNSProvider\(\)`)
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		for _, q := range regexp.MustCompile(`"[^"]+"`).FindAllString(m[1], -1) {
			name, _ := strconv.Unquote(q)
			lego[name] = m[2]
		}
	}
	if len(lego) < 150 {
		t.Fatalf("read %d providers from lego's registry; has its layout changed?", len(lego))
	}

	ours := builtInPackages(t)
	if len(ours) != len(dnsProviders) {
		t.Fatalf("dnslist.go has %d entries of the form provider(PKG.NewDNSProvider), dnsProviders %d", len(ours), len(dnsProviders))
	}
	for name, pkg := range ours {
		switch {
		case lego[name] == "":
			t.Errorf("%q is not a name lego knows", name)
		case lego[name] != pkg:
			t.Errorf("%q builds %s.NewDNSProvider, lego builds %s's", name, pkg, lego[name])
		}
	}
	var missing []string
	for name, pkg := range lego {
		_, builtIn := ours[name]
		listed := slices.Contains(legoOnlyDNSProviders, name)
		switch {
		case builtIn && listed:
			t.Errorf("%q is built in and listed in legoOnlyDNSProviders", name)
		case !builtIn && !listed && name != "exec":
			missing = append(missing, name+" ("+pkg+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("lego has DNS providers certform neither builds in nor lists in legoOnlyDNSProviders: %s. Build in those that need no new module; list the others.", strings.Join(missing, ", "))
	}
	for _, name := range legoOnlyDNSProviders {
		if lego[name] == "" {
			t.Errorf("legoOnlyDNSProviders lists %q, which lego no longer has", name)
		}
	}
}

// builtInPackages reads dnslist.go: the lego package each built-in name's
// constructor comes from.
func builtInPackages(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "dnslist.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		key, ok1 := kv.Key.(*ast.BasicLit)
		call, ok2 := kv.Value.(*ast.CallExpr)
		if !ok1 || !ok2 || len(call.Args) != 1 {
			return true
		}
		if sel, ok := call.Args[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "NewDNSProvider" {
			if pkg, ok := sel.X.(*ast.Ident); ok {
				name, _ := strconv.Unquote(key.Value)
				out[name] = pkg.Name
			}
		}
		return true
	})
	return out
}

// TestUnknownDNSProvider: a lego provider that is not built in, a typo and
// an unknown name each get their own advice.
func TestUnknownDNSProvider(t *testing.T) {
	for _, tc := range []struct{ name, want, not string }{
		{"route53", `lego's "route53" DNS provider is not built into certform`, "Did you mean"},
		{"cloudflar", `Did you mean "cloudflare"?`, "lego's"},
		{"clouldflare", `Did you mean "cloudflare"?`, "lego's"},
		{"rfc-2136", `Did you mean "rfc2136"?`, "lego's"},
		{"my-own-dns", "is not one of the 137 lego DNS provider names built into certform", "Did you mean"},
	} {
		got := unknownDNSProvider(tc.name)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) || !strings.Contains(got, `provider = "exec"`) {
			t.Errorf("%s: %s\nwant it to say %q, to point to exec, and not to say %q", tc.name, got, tc.want, tc.not)
		}
	}
}
