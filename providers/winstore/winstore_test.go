package winstore_test

import (
	"context"
	"crypto/x509"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/internal/pki"
	"github.com/certform/certform/providers/internal/testpki"
	"github.com/certform/certform/providers/providertest"
	"github.com/certform/certform/providers/winstore"
)

const addr = "store.windows.ies"

// fakeStore is an in-memory certificate store.
type fakeStore struct {
	mu sync.Mutex
	m  map[string]winstore.Entry // location\store\thumbprint
}

func newFake() *fakeStore { return &fakeStore{m: map[string]winstore.Entry{}} }

func key(location, store, thumb string) string { return location + `\` + store + `\` + thumb }

func (f *fakeStore) Find(location, store, thumb string) (winstore.Entry, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.m[key(location, store, thumb)]
	return e, ok, nil
}

func (f *fakeStore) Add(location, store string, cert, k []byte, name string) error {
	c, err := x509.ParseCertificate(cert)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[key(location, store, pki.Thumbprint(c))] = winstore.Entry{FriendlyName: name, HasKey: k != nil}
	return nil
}

func (f *fakeStore) Remove(location, store, thumb string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, key(location, store, thumb))
	return nil
}

func (f *fakeStore) keys() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for k, e := range f.m {
		out = append(out, k+"="+e.FriendlyName)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestContract(t *testing.T) {
	k := testpki.New(t, "")
	thumb := pki.Thumbprint(mustParse(t, testpki.Str(k.Leaf, "pem")))
	fake := newFake()
	providertest.Run(t, winstore.NewWithStore(fake), []providertest.Case{
		{
			Name: "server certificate in LocalMachine MY, named for isps.cfg",
			HCL: `certificate   = var.cert
			      friendly_name = "myTestCertificate"`,
			Vars:  map[string]cty.Value{"cert": k.Leaf},
			Setup: k.Install,
			Check: func(t *testing.T, _ string, v cty.Value) {
				if got, want := fake.keys(), `LocalMachine\MY\`+thumb+"=myTestCertificate"; got != want {
					t.Errorf("store holds %q, want %q", got, want)
				}
				for n, want := range map[string]string{"store_name": "MY", "location": "LocalMachine", "friendly_name": "myTestCertificate", "thumbprint": thumb} {
					if got := testpki.Str(v, n); got != want {
						t.Errorf("%s = %q, want %q", n, got, want)
					}
				}
			},
		},
		{
			Name: "company CAs in CurrentUser ROOT",
			HCL:  "trust = [var.company]\nlocation = \"currentuser\"\nstore = \"root\"",
			Vars: map[string]cty.Value{"company": k.Chain()},
			Check: func(t *testing.T, _ string, v cty.Value) {
				if got := fake.keys(); !strings.Contains(got, `CurrentUser\ROOT\`) || !strings.Contains(got, "=Test Root CA") || strings.Count(got, "=") != 2 {
					t.Errorf("store holds %q", got)
				}
			},
		},
	})
}

func mustParse(t *testing.T, pemText string) *x509.Certificate {
	t.Helper()
	cs, err := pki.ParseCertificates([]byte(pemText))
	if err != nil || len(cs) == 0 {
		t.Fatal(err)
	}
	return cs[0]
}

func TestDriftAndRenewal(t *testing.T) {
	k := testpki.New(t, "")
	renewed := testpki.New(t, "")
	env, dir := providertest.NewEnv(t)
	k.Install(t, dir)
	renewed.Install(t, dir)
	fake := newFake()
	p := winstore.NewWithStore(fake)
	ctx := context.Background()
	cfg := providertest.Decode(t, p, "certificate = var.cert", map[string]cty.Value{"cert": k.Leaf})
	pl := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	prior := ap.New
	thumb := testpki.Str(prior, "thumbprint")

	// Renamed in certlm.msc.
	fake.Add("LocalMachine", "MY", mustParse(t, testpki.Str(k.Leaf, "pem")).Raw, []byte{1}, "renamed")
	rd := p.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: prior, Env: env})
	pl = p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: prior, Live: rd.Live, Env: env})
	if len(pl.Reasons) != 1 || pl.Reasons[0] != `friendly name of `+thumb+` is "renamed", want "ies.example.test"` {
		t.Errorf("reasons %q", pl.Reasons)
	}

	// Renewed: the new certificate goes in, the old one out.
	cfg = providertest.Decode(t, p, "certificate = var.cert", map[string]cty.Value{"cert": renewed.Leaf})
	pl = p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: prior, Live: rd.Live, Env: env})
	if len(pl.Reasons) != 2 || !strings.HasPrefix(pl.Reasons[1], "removes "+thumb) {
		t.Errorf("reasons %q", pl.Reasons)
	}
	ap = p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: prior, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if got := fake.keys(); strings.Contains(got, thumb) || strings.Count(got, "=") != 1 {
		t.Errorf("store holds %q", got)
	}
}

func TestNeedsWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("this host has a certificate store")
	}
	k := testpki.New(t, "")
	env, dir := providertest.NewEnv(t)
	k.Install(t, dir)
	p := winstore.New()
	cfg := providertest.Decode(t, p, "certificate = var.cert\nstore = \"ROOT\"", map[string]cty.Value{"cert": k.Leaf})
	if diags := p.Validate(addr, cfg); diags.HasErrors() {
		t.Fatalf("validate should work anywhere: %v", diags)
	}
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if !pl.Diagnostics.HasErrors() || pl.Diagnostics[0].Summary != `store "windows" needs Windows` || !strings.Contains(pl.Diagnostics[0].Detail, "this host runs "+runtime.GOOS) {
		t.Errorf("got %v", pl.Diagnostics)
	}
}

func TestValidate(t *testing.T) {
	k := testpki.New(t, "")
	p := winstore.NewWithStore(newFake())
	vars := map[string]cty.Value{"cert": k.Leaf, "company": k.Chain()}
	for _, tc := range []struct{ name, hcl, want string }{
		{"nothing", `store = "MY"`, "Nothing to store"},
		{"bad store", "certificate = var.cert\nstore = \"Personal\"", "Invalid store"},
		{"bad location", "certificate = var.cert\nlocation = \"Machine\"", "Invalid location"},
		{"name without certificate", "trust = [var.company]\nfriendly_name = \"x\"", "friendly_name without certificate"},
		{"valid", "certificate = var.cert\nstore = \"my\"\nlocation = \"LocalMachine\"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := p.Validate(addr, providertest.Decode(t, p, tc.hcl, vars))
			if tc.want == "" {
				if len(diags) > 0 {
					t.Fatal(diags.Error())
				}
				return
			}
			if len(diags) == 0 || diags[0].Summary != tc.want {
				t.Errorf("got %v, want %q", diags, tc.want)
			}
		})
	}
}

func TestPreview(t *testing.T) {
	p := winstore.NewWithStore(newFake())
	cfg := providertest.Decode(t, p, "certificate = var.cert\nlocation = \"currentuser\"\nstore = \"my\"\nfriendly_name = \"myTestCertificate\"",
		map[string]cty.Value{"cert": cty.UnknownVal(cty.DynamicPseudoType)})
	v := p.Preview(addr, cfg)
	for n, want := range map[string]string{"location": "CurrentUser", "store": "MY", "store_name": "MY", "friendly_name": "myTestCertificate"} {
		if got := testpki.Str(v, n); got != want {
			t.Errorf("%s = %q, want %q", n, got, want)
		}
	}
	if v.GetAttr("thumbprint").IsKnown() {
		t.Error("the thumbprint is known before the certificate is")
	}
}

// Holds reads the store itself: a certificate removed from it (certlm.msc)
// is not held any more.
func TestHolds(t *testing.T) {
	k := testpki.New(t, "")
	env, dir := providertest.NewEnv(t)
	k.Install(t, dir)
	fake := newFake()
	p := winstore.NewWithStore(fake)
	ctx := context.Background()
	cfg := providertest.Decode(t, p, "certificate = var.cert", map[string]cty.Value{"cert": k.Leaf})
	fp := testpki.Str(k.Leaf, "fingerprint_sha256")
	holds := func() []string {
		t.Helper()
		resp := p.Holds(ctx, providers.HoldsRequest{Address: addr, Config: cfg, Env: env})
		if resp.Diagnostics.HasErrors() {
			t.Fatal(resp.Diagnostics.Error())
		}
		return resp.Fingerprints
	}
	if got := holds(); len(got) != 0 {
		t.Errorf("an empty store holds %v", got)
	}
	pl := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if ap := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env}); ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if got := holds(); len(got) != 1 || got[0] != fp {
		t.Errorf("after apply the store holds %v, want [%s]", got, fp)
	}
	fake.Remove("LocalMachine", "MY", pki.Thumbprint(mustParse(t, testpki.Str(k.Leaf, "pem"))))
	if got := holds(); len(got) != 0 {
		t.Errorf("after removal the store holds %v", got)
	}
}
