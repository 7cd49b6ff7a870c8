package ini_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/ini"
	"github.com/certform/certform/providers/providertest"
)

const addr = "ini_file.ies"

// serverHCL configures the server's isps.cfg for TLS, as the InVision
// documentation describes.
const serverHCL = `
path = "server/isps.cfg"
section "InVision Enterprise Server" {
  ServerPort          = 0
  SSLPort             = 45054
  SSLCertificateStore = "MY"
  SSLProtocols        = "TLS12"
  SSLMaxCipherLength  = 0
}
section "IES System Local" {
  Url = var.url
}
section "InVision Xlink" {
  Url = var.url
}
`

func serverVars() map[string]cty.Value {
	return map[string]cty.Value{"url": cty.StringVal("iwfms://ies.example.test:45054")}
}

// setupServer copies the corpus isps.cfg to server/isps.cfg.
func setupServer(t *testing.T, dir string) {
	t.Helper()
	providertest.WriteFile(t, dir, "server/isps.cfg", string(corpus(t, "isps.cfg")))
}

func TestContract(t *testing.T) {
	providertest.Run(t, ini.New(), []providertest.Case{
		{
			Name:  "edit existing isps.cfg",
			HCL:   serverHCL,
			Vars:  serverVars(),
			Setup: setupServer,
			Check: func(t *testing.T, dir string, applied cty.Value) {
				golden(t, filepath.Join("testdata", "provider", "isps-applied.golden"), readFile(t, dir, "server/isps.cfg"))
				goldenValue(t, filepath.Join("testdata", "provider", "isps-state.golden"), applied)
				if got := readFile(t, dir, "server/isps.cfg"+ini.BackupSuffix); !bytes.Equal(got, corpus(t, "isps.cfg")) {
					t.Errorf("backup differs from the original file:\n%q", got)
				}
			},
		},
		{
			Name: "create new file",
			HCL: `
path   = "client/isps.cfg"
create = true
section "IES System Local" {
  Url     = "iwfms://ies.example.test:45054"
  Timeout = 30
  Secure  = true
}
`,
			Check: func(t *testing.T, dir string, applied cty.Value) {
				golden(t, filepath.Join("testdata", "provider", "created.golden"), readFile(t, dir, "client/isps.cfg"))
				if !applied.GetAttr("created_file").True() {
					t.Error("created_file is false")
				}
				if _, err := os.Stat(filepath.Join(dir, "client/isps.cfg"+ini.BackupSuffix)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a new file got a backup: %v", err)
				}
			},
		},
		{
			Name: "keys before the first section, file without final newline",
			HCL:  "path = \"p.ini\"\nsection \"\" { LogLevel = 4 }\nsection \"InVision Enterprise Server\" { SSLPort = 45054 }\n",
			Setup: func(t *testing.T, dir string) {
				providertest.WriteFile(t, dir, "p.ini", string(corpus(t, "preamble-no-eol.ini")))
			},
		},
	})
}

func TestDestroyRestoresOriginal(t *testing.T) {
	tests := []struct {
		name, file string
		hcl        string
	}{
		{"isps.cfg", "isps.cfg", serverHCL},
		{"no final newline", "preamble-no-eol.ini", "path = \"server/isps.cfg\"\nsection \"InVision Enterprise Server\" {\n SSLPort = 45054\n}\nsection \"New\" {\n A = 1\n}\n"},
		{"UTF-16", "utf16le.cfg", "path = \"server/isps.cfg\"\nsection \"IES System Local\" {\n Url = var.url\n Extra = \"x\"\n}\n"},
		{"CRLF and BOM", "crlf-bom.cfg", "path = \"server/isps.cfg\"\nsection \"InVision Enterprise Server\" {\n SSLProtocols = \"TLS13\"\n}\nsection \"Z\" {\n k = true\n}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ini.New()
			env, dir := providertest.NewEnv(t)
			original := corpus(t, tc.file)
			providertest.WriteFile(t, dir, "server/isps.cfg", string(original))
			cfg := providertest.Decode(t, p, tc.hcl, serverVars())
			applied := applyConfig(t, p, env, cfg, providers.Null)
			if bytes.Equal(readFile(t, dir, "server/isps.cfg"), original) {
				t.Fatal("apply changed nothing")
			}
			del := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: providers.Null, Env: freshEnv(env, dir)})
			mustOK(t, del.Diagnostics)
			if got := readFile(t, dir, "server/isps.cfg"); !bytes.Equal(got, original) {
				t.Errorf("after delete:\n got: %q\nwant: %q", got, original)
			}
		})
	}
}

func TestDestroyRemovesCreatedFile(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, "path = \"new.cfg\"\ncreate = true\nsection \"S\" { k = 1 }\n", nil)
	applied := applyConfig(t, p, env, cfg, providers.Null)
	del := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: providers.Null, Env: env})
	mustOK(t, del.Diagnostics)
	if _, err := os.Stat(filepath.Join(dir, "new.cfg")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("created file still there after delete: %v", err)
	}
}

// TestNoChange checks that Plan says so when nothing changes, and hands
// Live back, and that it does not once a managed key differs.
func TestNoChange(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	cfg := providertest.Decode(t, p, serverHCL, serverVars())
	applied := applyConfig(t, p, env, cfg, providers.Null)
	plan := func() providers.PlanResponse {
		env2 := freshEnv(env, dir)
		read := p.Read(context.Background(), providers.ReadRequest{Address: addr, Prior: applied, Env: env2})
		mustOK(t, read.Diagnostics)
		pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: read.Live, Env: env2})
		mustOK(t, pl.Diagnostics)
		return pl
	}
	if pl := plan(); !pl.NoChange || !providers.Equal(pl.Planned, applied) {
		t.Fatalf("second plan: NoChange %v, reasons %q; want NoChange and the applied value", pl.NoChange, pl.Reasons)
	}
	data := readFile(t, dir, "server/isps.cfg")
	providertest.WriteFile(t, dir, "server/isps.cfg", strings.Replace(string(data), `"TLS12"`, `"TLS10"`, 1))
	if pl := plan(); pl.NoChange || len(pl.Reasons) != 1 {
		t.Fatalf("after a hand edit: NoChange %v, reasons %q; want a change with one reason", pl.NoChange, pl.Reasons)
	}
}

func TestDrift(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	cfg := providertest.Decode(t, p, serverHCL, serverVars())
	applied := applyConfig(t, p, env, cfg, providers.Null)
	want := readFile(t, dir, "server/isps.cfg")

	// Someone edits a managed key by hand.
	edited := bytes.Replace(want, []byte(`SSLProtocols                = "TLS12"`), []byte(`SSLProtocols                = "TLS10"`), 1)
	if bytes.Equal(edited, want) {
		t.Fatal("hand edit did not apply")
	}
	providertest.WriteFile(t, dir, "server/isps.cfg", string(edited))

	env2 := freshEnv(env, dir)
	read := p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: cfg, Prior: applied, Env: env2})
	mustOK(t, read.Diagnostics)
	if read.AsRecorded {
		t.Error("Read reports the file as recorded after a hand edit")
	}
	got := read.Live.GetAttr("keys").GetAttr("InVision Enterprise Server").GetAttr("SSLProtocols")
	if got.AsString() != "TLS10" {
		t.Fatalf("Read shows SSLProtocols = %#v, want the hand-edited TLS10", got)
	}
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: read.Live, Env: env2})
	mustOK(t, pl.Diagnostics)
	if providers.Equal(pl.Planned, read.Live) {
		t.Fatal("Plan proposes no change after a hand edit")
	}
	wantReason := `[InVision Enterprise Server] SSLProtocols changed from "TLS10" to "TLS12"`
	if len(pl.Reasons) != 1 || pl.Reasons[0] != wantReason {
		t.Errorf("reasons %q, want [%q]", pl.Reasons, wantReason)
	}
	if len(pl.Files) != 1 || !bytes.Equal(pl.Files[0].Before, edited) || !bytes.Equal(pl.Files[0].After, want) {
		t.Errorf("file change does not restore the managed value: %+v", pl.Files)
	}
	if !providers.Equal(pl.Planned, applied) {
		t.Errorf("Planned differs from the first apply:\n got: %s\nwant: %s", js(pl.Planned), js(applied))
	}
}

func TestPlanReasonsAndFiles(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	cfg := providertest.Decode(t, p, serverHCL, serverVars())
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	mustOK(t, pl.Diagnostics)
	want := []string{
		`[InVision Enterprise Server] SSLCertificateStore changed from "ROOT" to "MY"`,
		`[InVision Enterprise Server] SSLProtocols changed from "TLS11, TLS12" to "TLS12"`,
		`[InVision Enterprise Server] SSLMaxCipherLength added with value "0"`,
		`[InVision Xlink] Url added with value "iwfms://ies.example.test:45054"`,
	}
	if strings.Join(pl.Reasons, "\n") != strings.Join(want, "\n") {
		t.Errorf("reasons:\n%s\nwant:\n%s", strings.Join(pl.Reasons, "\n"), strings.Join(want, "\n"))
	}
	if len(pl.Files) != 1 || pl.Files[0].Path != "server/isps.cfg" || !bytes.Equal(pl.Files[0].Before, corpus(t, "isps.cfg")) {
		t.Fatalf("files: %+v", pl.Files)
	}
	golden(t, filepath.Join("testdata", "provider", "isps-applied.golden"), pl.Files[0].After)
	if got := readFile(t, dir, "server/isps.cfg"); !bytes.Equal(got, corpus(t, "isps.cfg")) {
		t.Error("Plan changed the file")
	}
}

func TestPlanUnknownValue(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	cfg := providertest.Decode(t, p, serverHCL, map[string]cty.Value{"url": cty.UnknownVal(cty.String)})
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	mustOK(t, pl.Diagnostics)
	if len(pl.Files) != 1 || !pl.Files[0].AfterUnknown || pl.Files[0].After != nil {
		t.Errorf("want one file with unknown content, got %+v", pl.Files)
	}
	if url := pl.Planned.GetAttr("keys").GetAttr("IES System Local").GetAttr("Url"); url.IsKnown() {
		t.Errorf("planned Url = %#v, want unknown", url)
	}
}

func TestCaseInsensitiveAndQuoting(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	cfg := providertest.Decode(t, p, `
path = "server/isps.cfg"
section "invision enterprise server" {
  sslport        = 45055
  SSLPROTOCOLS   = "TLS13"
  SSLCertificate = 42
}
`, nil)
	applyConfig(t, p, env, cfg, providers.Null)
	got := string(readFile(t, dir, "server/isps.cfg"))
	for _, line := range []string{
		"SSLPort                     = 45055\r\n",
		"SSLProtocols                = \"TLS13\"\r\n",
		"SSLCertificate              = \"42\"\r\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("file lacks %q:\n%s", line, got)
		}
	}
	if strings.Contains(strings.ToLower(got), "sslport        =") || strings.Count(strings.ToLower(got), "sslport") != 1 {
		t.Errorf("a new key was added instead of the existing one changed:\n%s", got)
	}
}

func TestMissingFile(t *testing.T) {
	p := ini.New()
	env, _ := providertest.NewEnv(t)
	cfg := providertest.Decode(t, p, "path = \"server/isps.cfg\"\nsection \"S\" { k = 1 }\n", nil)
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if !pl.Diagnostics.HasErrors() {
		t.Fatal("Plan of a missing file succeeded")
	}
	msg := pl.Diagnostics.Error()
	for _, want := range []string{"server/isps.cfg", "create = true", addr} {
		if !strings.Contains(msg, want) {
			t.Errorf("diagnostic %q does not mention %q", msg, want)
		}
	}
}

func TestNotTextFile(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	data := "[S]\r\nk = 1\r\n\x00\x01binary\r\n"
	providertest.WriteFile(t, dir, "server/isps.cfg", data)
	cfg := providertest.Decode(t, p, "path = \"server/isps.cfg\"\nsection \"S\" { k = 2 }\n", nil)
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: cfg, Env: env})
	for _, diags := range []hcl.Diagnostics{pl.Diagnostics, ap.Diagnostics} {
		if !diags.HasErrors() {
			t.Fatal("a binary file was accepted")
		}
		for _, want := range []string{"server/isps.cfg", "line 3"} {
			if !strings.Contains(diags.Error(), want) {
				t.Errorf("diagnostic %q does not mention %q", diags.Error(), want)
			}
		}
	}
	if got := string(readFile(t, dir, "server/isps.cfg")); got != data {
		t.Errorf("file changed: %q", got)
	}
}

func TestDropKeyRestoresIt(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	applied := applyConfig(t, p, env, providertest.Decode(t, p, serverHCL, serverVars()), providers.Null)
	smaller := providertest.Decode(t, p, `
path = "server/isps.cfg"
section "InVision Enterprise Server" {
  SSLProtocols = "TLS12"
}
`, nil)
	env2 := freshEnv(env, dir)
	applyConfig(t, p, env2, smaller, applied)
	want := bytes.Replace(corpus(t, "isps.cfg"), []byte(`"TLS11, TLS12"`), []byte(`"TLS12"`), 1)
	if got := readFile(t, dir, "server/isps.cfg"); !bytes.Equal(got, want) {
		t.Errorf("keys no longer configured were not restored:\n got: %q\nwant: %q", got, want)
	}
}

func TestPathChangeReplaces(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	providertest.WriteFile(t, dir, "other.cfg", "[S]\nk = 1\n")
	applied := applyConfig(t, p, env, providertest.Decode(t, p, serverHCL, serverVars()), providers.Null)
	cfg := providertest.Decode(t, p, "path = \"other.cfg\"\nsection \"S\" { k = 2 }\n", nil)
	env2 := freshEnv(env, dir)
	read := p.Read(context.Background(), providers.ReadRequest{Address: addr, Config: cfg, Prior: applied, Env: env2})
	pl := p.Plan(context.Background(), providers.PlanRequest{Address: addr, Config: cfg, Prior: applied, Live: read.Live, Env: env2})
	mustOK(t, pl.Diagnostics)
	if !pl.RequiresReplace || len(pl.Files) != 2 {
		t.Fatalf("replace=%v files=%d, want a replacement touching both files", pl.RequiresReplace, len(pl.Files))
	}
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: applied, Planned: pl.Planned, Env: env2})
	mustOK(t, ap.Diagnostics)
	if got := readFile(t, dir, "server/isps.cfg"); !bytes.Equal(got, corpus(t, "isps.cfg")) {
		t.Errorf("old file not restored:\n%q", got)
	}
	if got := string(readFile(t, dir, "other.cfg")); got != "[S]\nk = 2\n" {
		t.Errorf("new file: %q", got)
	}
}

func TestConcurrentEdits(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan hcl.Diagnostics, n)
	for i := range n {
		cfg := providertest.Decode(t, p, "path = \"server/isps.cfg\"\nsection \"Worker\" { Key"+string(rune('A'+i))+" = 1 }\n", nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: cfg, Env: env})
			errs <- ap.Diagnostics
		}()
	}
	wg.Wait()
	close(errs)
	for diags := range errs {
		mustOK(t, diags)
	}
	doc, err := ini.Parse(readFile(t, dir, "server/isps.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, ok := doc.Get("Worker", "Key"+string(rune('A'+i))); !ok {
			t.Errorf("Key%c lost: concurrent edits overwrote each other", 'A'+i)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown argument", "path = \"a\"\nmode = 1\n", `accepts the arguments "path" and "create"`},
		{"unknown block", "path = \"a\"\nkeys {}\n", `"section" blocks`},
		{"missing path", "create = true\n", "path"},
		{"list value", "path = \"a\"\nsection \"S\" { k = [1] }\n", "must be a string, number or bool"},
		{"null value", "path = \"a\"\nsection \"S\" { k = null }\n", "must be a string, number or bool"},
		{"duplicate section", "path = \"a\"\nsection \"S\" { a = 1 }\nsection \"s\" { b = 1 }\n", "Duplicate section block"},
		{"duplicate key", "path = \"a\"\nsection \"S\" {\n a = 1\n A = 2\n}\n", "Duplicate INI key"},
		{"nested block", "path = \"a\"\nsection \"S\" {\n x {}\n}\n", "Blocks are not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, diags := hclsyntax.ParseConfig([]byte(tc.src), "case.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			_, diags = ini.New().DecodeBody(f.Body, &hcl.EvalContext{})
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Errorf("diagnostics %q, want one mentioning %q", diags.Error(), tc.want)
			}
		})
	}
}

func TestVariables(t *testing.T) {
	f, diags := hclsyntax.ParseConfig([]byte(serverHCL+"create = var.create\n"), "case.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var got []string
	for _, tr := range ini.New().Variables(f.Body) {
		got = append(got, tr.RootName()+"."+tr[1].(hcl.TraverseAttr).Name)
	}
	if want := "var.create var.url var.url"; strings.Join(got, " ") != want {
		t.Errorf("Variables = %q, want %q", strings.Join(got, " "), want)
	}
}

// applyConfig reads, plans and applies a configuration and returns the
// value to record, as it comes back from state.
func applyConfig(t *testing.T, p *ini.Provider, env *providers.Env, cfg, prior cty.Value) cty.Value {
	t.Helper()
	ctx := context.Background()
	read := p.Read(ctx, providers.ReadRequest{Address: addr, Config: cfg, Prior: prior, Env: env})
	mustOK(t, read.Diagnostics)
	pl := p.Plan(ctx, providers.PlanRequest{Address: addr, Config: cfg, Prior: prior, Live: read.Live, Env: env})
	mustOK(t, pl.Diagnostics)
	ap := p.Apply(ctx, providers.ApplyRequest{Address: addr, Config: cfg, Prior: prior, Planned: pl.Planned, Env: env})
	mustOK(t, ap.Diagnostics)
	var back ctyjson.SimpleJSONValue
	if err := back.UnmarshalJSON([]byte(js(ap.New))); err != nil {
		t.Fatal(err)
	}
	return back.Value
}

// freshEnv returns env with a new DirFS, forgetting cached reads as a new
// run would.
func freshEnv(env *providers.Env, dir string) *providers.Env {
	e := *env
	e.FS = providers.NewDirFS(dir)
	return &e
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustOK(t *testing.T, diags hcl.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
}

func js(v cty.Value) string {
	data, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(data)
}

// goldenValue compares a value's indented JSON with a golden file.
func goldenValue(t *testing.T, path string, v cty.Value) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(js(v)), "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	golden(t, path, buf.Bytes())
}

// failingFS fails every write of one file.
type failingFS struct {
	providers.FS
	name string
}

func (f failingFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if name == f.name {
		return fmt.Errorf("writing %s: %w", name, fs.ErrPermission)
	}
	return f.FS.WriteFile(name, data, perm)
}

// TestFailedWriteLeavesNoBackup: when the file cannot be written, the
// backup made just before is removed again, so the file system is as it
// was, and the next apply backs up the original again.
func TestFailedWriteLeavesNoBackup(t *testing.T) {
	p := ini.New()
	env, dir := providertest.NewEnv(t)
	setupServer(t, dir)
	env.FS = failingFS{FS: env.FS, name: "server/isps.cfg"}
	cfg := providertest.Decode(t, p, serverHCL, serverVars())
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: addr, Config: cfg, Prior: providers.Null, Planned: cfg, Env: env})
	if !ap.Diagnostics.HasErrors() || !strings.Contains(ap.Diagnostics.Error(), "permission denied") {
		t.Fatalf("diagnostics %v, want permission denied", ap.Diagnostics)
	}
	if _, err := os.Stat(filepath.Join(dir, "server/isps.cfg"+ini.BackupSuffix)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("backup left behind (stat: %v)", err)
	}
	if got := readFile(t, dir, "server/isps.cfg"); !bytes.Equal(got, corpus(t, "isps.cfg")) {
		t.Errorf("file changed")
	}
}
