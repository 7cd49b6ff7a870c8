package pemfiles_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/pemfiles"
	"github.com/certform/certform/providers/providertest"
	"github.com/certform/certform/state"
)

const storeHCL = `
	certificate = var.ies
	cert        = "ies.crt"
	key         = "ies.key"`

// applied sets up a store in a fresh directory and returns its recorded
// value.
func applied(t *testing.T, f fixture, src string) (*providers.Env, string, cty.Value, cty.Value) {
	t.Helper()
	env, dir := providertest.NewEnv(t)
	f.install(t, dir)
	p := pemfiles.New()
	cfg := providertest.Decode(t, p, src, map[string]cty.Value{"ies": f.leaf})
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "store.pem_files.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if pl.Diagnostics.HasErrors() {
		t.Fatal(pl.Diagnostics.Error())
	}
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	return env, dir, cfg, roundTrip(t, ap.New)
}

// replan reads and plans in a new run (no cached reads).
func replan(t *testing.T, env *providers.Env, dir string, cfg, prior cty.Value) (cty.Value, providers.PlanResponse, *providers.Env) {
	t.Helper()
	e := *env
	e.FS = providers.NewDirFS(dir)
	p := pemfiles.New()
	ctx := context.Background()
	rd := p.Read(ctx, providers.ReadRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Env: &e})
	if rd.Diagnostics.HasErrors() {
		t.Fatal(rd.Diagnostics.Error())
	}
	pl := p.Plan(ctx, providers.PlanRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Live: rd.Live, Env: &e})
	if pl.Diagnostics.HasErrors() {
		t.Fatal(pl.Diagnostics.Error())
	}
	return rd.Live, pl, &e
}

func TestDrift(t *testing.T) {
	f := newFixture(t)
	leafPEM := str(f.leaf, "pem")
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		reason string
		file   string
		before string // content on disk the plan shows; "-" for none
		after  string
	}{
		{
			name: "edited",
			change: func(t *testing.T, dir string) {
				providertest.WriteFile(t, dir, "ies.crt", "edited by hand\n")
			},
			reason: "ies.crt changed outside certform", file: "ies.crt", before: "edited by hand\n", after: leafPEM,
		},
		{
			name: "removed",
			change: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "ies.crt")); err != nil {
					t.Fatal(err)
				}
			},
			reason: "ies.crt is missing", file: "ies.crt", before: "-", after: leafPEM,
		},
		{
			name: "key made readable",
			change: func(t *testing.T, dir string) {
				if err := os.Chmod(filepath.Join(dir, "ies.key"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			reason: "ies.key has mode 0644, want 0600", file: "ies.key",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, dir, cfg, prior := applied(t, f, storeHCL)
			tc.change(t, dir)
			live, pl, env2 := replan(t, env, dir, cfg, prior)
			if providers.Equal(live, prior) {
				t.Fatalf("Read did not see the change: %s", jsonOf(t, live))
			}
			if providers.Equal(pl.Planned, live) || pl.NoChange {
				t.Fatal("Plan is a no-op despite drift")
			}
			if pl.RequiresReplace {
				t.Error("a store is rewritten in place, never replaced")
			}
			if len(pl.Reasons) != 1 || pl.Reasons[0] != tc.reason {
				t.Errorf("reasons = %q, want [%q]", pl.Reasons, tc.reason)
			}
			if len(pl.Files) != 1 || pl.Files[0].Path != tc.file {
				t.Fatalf("files = %+v, want one change of %s", pl.Files, tc.file)
			}
			fc := pl.Files[0]
			if tc.file == "ies.key" {
				if !fc.Sensitive {
					t.Error("key file change not marked sensitive")
				}
				return
			}
			if tc.before == "-" && fc.Before != nil || tc.before != "-" && string(fc.Before) != tc.before {
				t.Errorf("Before = %q, want %q", fc.Before, tc.before)
			}
			if string(fc.After) != tc.after || fc.Sensitive || fc.AfterUnknown {
				t.Errorf("After = %q (sensitive %v, unknown %v), want %q", fc.After, fc.Sensitive, fc.AfterUnknown, tc.after)
			}

			// Apply repairs it, and the next plan is a no-op.
			ap := pemfiles.New().Apply(context.Background(), providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: pl.Planned, Env: env2})
			if ap.Diagnostics.HasErrors() {
				t.Fatal(ap.Diagnostics.Error())
			}
			live, pl, _ = replan(t, env, dir, cfg, roundTrip(t, ap.New))
			if !providers.Equal(pl.Planned, live) || len(pl.Files) > 0 || !pl.NoChange {
				t.Errorf("after repair: files %+v, reasons %q, NoChange %v", pl.Files, pl.Reasons, pl.NoChange)
			}
		})
	}
}

func TestKeyFileMode(t *testing.T) {
	f := newFixture(t)
	_, dir, _, v := applied(t, f, storeHCL)
	fi, err := os.Stat(filepath.Join(dir, "ies.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", fi.Mode().Perm())
	}
	if got := jsonOf(t, v); strings.Contains(got, "PRIVATE KEY") {
		t.Errorf("value holds the key: %s", got)
	}
}

func TestAllFilesGone(t *testing.T) {
	f := newFixture(t)
	env, dir, cfg, prior := applied(t, f, storeHCL)
	for _, n := range []string{"ies.crt", "ies.key"} {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	live, pl, _ := replan(t, env, dir, cfg, prior)
	if !live.IsNull() {
		t.Errorf("Live = %s, want null when every file is gone", jsonOf(t, live))
	}
	if len(pl.Files) != 2 || len(pl.Reasons) != 2 || pl.Reasons[0] != "ies.crt is missing" {
		t.Errorf("files %d, reasons %q", len(pl.Files), pl.Reasons)
	}
}

func TestPathChangeRemovesOldFile(t *testing.T) {
	f := newFixture(t)
	env, dir, _, prior := applied(t, f, storeHCL)
	p := pemfiles.New()
	cfg := providertest.Decode(t, p, strings.Replace(storeHCL, "ies.crt", "server.crt", 1), map[string]cty.Value{"ies": f.leaf})
	_, pl, env2 := replan(t, env, dir, cfg, prior)
	var removed bool
	for _, fc := range pl.Files {
		removed = removed || fc.Path == "ies.crt" && fc.After == nil && !fc.AfterUnknown
	}
	if !removed {
		t.Errorf("plan does not remove ies.crt: %+v", pl.Files)
	}
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: pl.Planned, Env: env2})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if _, err := os.Stat(filepath.Join(dir, "ies.crt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ies.crt still exists (err %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "server.crt")); err != nil {
		t.Errorf("server.crt not written: %v", err)
	}
}

func TestCertificateBeingIssued(t *testing.T) {
	f := newFixture(t)
	env, dir, _, prior := applied(t, f, storeHCL)
	pending := cty.ObjectVal(map[string]cty.Value{
		"pem":                cty.UnknownVal(cty.String),
		"chain_pem":          cty.StringVal(""),
		"key_id":             cty.UnknownVal(cty.String),
		"fingerprint_sha256": cty.UnknownVal(cty.String),
	})
	p := pemfiles.New()
	cfg := providertest.Decode(t, p, storeHCL, map[string]cty.Value{"ies": pending})
	_, pl, _ := replan(t, env, dir, cfg, prior)
	if len(pl.Files) != 2 {
		t.Fatalf("files = %+v, want cert and key", pl.Files)
	}
	for _, fc := range pl.Files {
		if !fc.AfterUnknown || fc.After != nil || fc.Before == nil {
			t.Errorf("%s: AfterUnknown=%v After=%q Before set=%v", fc.Path, fc.AfterUnknown, fc.After, fc.Before != nil)
		}
		if fc.Path == "ies.key" && !fc.Sensitive {
			t.Error("key file not sensitive")
		}
	}
	if pl.Planned.GetAttr("files").IsWhollyKnown() {
		t.Error("file hashes known before the certificate is")
	}
}

func TestValidate(t *testing.T) {
	f := newFixture(t)
	p := pemfiles.New()
	vars := map[string]cty.Value{"ies": f.leaf, "chain": trustChain(str(f.ca, "pem"))}
	for _, tc := range []struct{ name, hcl, want string }{
		{"no paths", `certificate = var.ies`, "No files"},
		{"cert without certificate", `cert = "a.pem"`, "Missing certificate"},
		{"bundle without trust", `bundle = "ca.pem"`, "Missing trust"},
		{"trust without bundle", "trust = [var.chain]\ncert = \"a.pem\"\ncertificate = var.ies", "trust not written"},
		{"same path twice", "certificate = var.ies\ncert = \"a.pem\"\nfullchain = \"a.pem\"", "Same file twice"},
		{"bad mode", "certificate = var.ies\ncert = \"a.pem\"\nfile_mode = \"rw-r--r--\"", "Invalid file_mode"},
		{"valid", "certificate = var.ies\ncert = \"a.pem\"\ntrust = [var.chain]\nbundle = \"ca.pem\"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := p.Validate("store.pem_files.test", providertest.Decode(t, p, tc.hcl, vars))
			if tc.want == "" {
				if diags.HasErrors() {
					t.Fatal(diags.Error())
				}
				return
			}
			for _, d := range diags {
				if d.Summary == tc.want {
					return
				}
			}
			t.Errorf("got %v, want %q", diags, tc.want)
		})
	}
}

func TestDeleteRemovesFiles(t *testing.T) {
	f := newFixture(t)
	env, dir, cfg, prior := applied(t, f, storeHCL+"\nfullchain = \"full.pem\"")
	providertest.WriteFile(t, dir, "unrelated.pem", "not ours\n")
	ap := pemfiles.New().Apply(context.Background(), providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: providers.Null, Env: env})
	if ap.Diagnostics.HasErrors() || !ap.New.IsNull() {
		t.Fatalf("delete: %v, New %#v", ap.Diagnostics, ap.New)
	}
	for _, n := range []string{"ies.crt", "ies.key", "full.pem"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists (err %v)", n, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "unrelated.pem")); err != nil {
		t.Errorf("delete removed a file the store did not write: %v", err)
	}
	if _, err := env.Secrets.Get(str(f.leaf, "key_id")); err != nil {
		t.Errorf("deleting a store must leave the certificate's key in secrets: %v", err)
	}
}

// TestExistingFileKeptAndRestored: a file that was there before the store
// first wrote it is kept as FILE.certform.backup, with its mode, and put
// back on delete; files certform created are removed.
func TestExistingFileKeptAndRestored(t *testing.T) {
	f := newFixture(t)
	env, dir := providertest.NewEnv(t)
	f.install(t, dir)
	const old = "the certificate the server had\n"
	providertest.WriteFile(t, dir, "ies.crt", old)
	if err := os.Chmod(filepath.Join(dir, "ies.crt"), 0o640); err != nil {
		t.Fatal(err)
	}
	p := pemfiles.New()
	cfg := providertest.Decode(t, p, storeHCL, map[string]cty.Value{"ies": f.leaf})
	ctx := context.Background()
	pl := p.Plan(ctx, providers.PlanRequest{Address: "store.pem_files.test", Config: cfg, Prior: providers.Null, Live: providers.Null, Env: env})
	if want := "ies.crt exists: it is kept as ies.crt.certform.backup and replaced"; !slices.Contains(pl.Reasons, want) {
		t.Errorf("reasons %q, want %q", pl.Reasons, want)
	}
	ap := p.Apply(ctx, providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: providers.Null, Planned: pl.Planned, Env: env})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	backup := filepath.Join(dir, "ies.crt.certform.backup")
	if data, err := os.ReadFile(backup); err != nil || string(data) != old {
		t.Fatalf("backup %q (err %v), want the old file", data, err)
	}
	if fi, _ := os.Stat(backup); fi.Mode().Perm() != 0o640 {
		t.Errorf("backup mode %v, want the original's 0640", fi.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(dir, "ies.key.certform.backup")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a backup of a file that was not there (err %v)", err)
	}

	// A second apply, of the store's own file, keeps the first backup.
	prior := roundTrip(t, ap.New)
	providertest.WriteFile(t, dir, "ies.crt", "edited by hand\n")
	_, pl2, env2 := replan(t, env, dir, cfg, prior)
	if ap := p.Apply(ctx, providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: pl2.Planned, Env: env2}); ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if data, _ := os.ReadFile(backup); string(data) != old {
		t.Errorf("backup %q after a second apply, want the original", data)
	}

	env3 := *env
	env3.FS = providers.NewDirFS(dir)
	if ap := p.Apply(ctx, providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: providers.Null, Env: &env3}); ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	if data, err := os.ReadFile(filepath.Join(dir, "ies.crt")); err != nil || string(data) != old {
		t.Errorf("after delete ies.crt is %q (err %v), want the original back", data, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "ies.crt")); fi.Mode().Perm() != 0o640 {
		t.Errorf("restored mode %v, want 0640", fi.Mode().Perm())
	}
	for _, n := range []string{"ies.key", "ies.crt.certform.backup"} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists after delete (err %v)", n, err)
		}
	}
}

// A failed write leaves a value that records the files as they are: the
// old ones not removed yet and the ones written, with their hashes, and
// not the one that could not be written. Once the cause is fixed, the
// next plan and apply finish the job.
func TestFailedWriteRecordsWhatIsOnDisk(t *testing.T) {
	f := newFixture(t)
	env, dir, _, prior := applied(t, f, storeHCL)
	// A regular file where the key's new directory should be: its write fails.
	if err := os.WriteFile(filepath.Join(dir, "blocked"), []byte("not a directory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	moved := strings.NewReplacer("ies.crt", "server.crt", "ies.key", "blocked/ies.key").Replace(storeHCL)
	p := pemfiles.New()
	cfg := providertest.Decode(t, p, moved, map[string]cty.Value{"ies": f.leaf})
	_, pl, env2 := replan(t, env, dir, cfg, prior)
	ap := p.Apply(context.Background(), providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: prior, Planned: pl.Planned, Env: env2})
	if !ap.Diagnostics.HasErrors() || !strings.Contains(ap.Diagnostics.Error(), "Cannot write file") {
		t.Fatalf("apply diagnostics = %v, want Cannot write file", ap.Diagnostics)
	}
	got := roundTrip(t, ap.New)
	files := map[string]string{}
	for it := got.GetAttr("files").ElementIterator(); it.Next(); {
		k, v := it.Element()
		files[k.AsString()] = v.AsString()
	}
	for _, name := range []string{"ies.crt", "ies.key", "server.crt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := state.FileHash(data); files[name] != want {
			t.Errorf("files[%s] = %q, want the hash of the file on disk %q", name, files[name], want)
		}
	}
	if len(files) != 3 {
		t.Errorf("files = %v, want ies.crt, ies.key and server.crt only", files)
	}

	// Fix the cause and apply again: the key is written, the old files go.
	if err := os.Remove(filepath.Join(dir, "blocked")); err != nil {
		t.Fatal(err)
	}
	_, pl, env3 := replan(t, env, dir, cfg, got)
	ap = p.Apply(context.Background(), providers.ApplyRequest{Address: "store.pem_files.test", Config: cfg, Prior: got, Planned: pl.Planned, Env: env3})
	if ap.Diagnostics.HasErrors() {
		t.Fatal(ap.Diagnostics.Error())
	}
	for _, name := range []string{"ies.crt", "ies.key"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s still exists (err %v)", name, err)
		}
	}
	if _, pl, _ = replan(t, env, dir, cfg, roundTrip(t, ap.New)); len(pl.Files) != 0 {
		t.Errorf("plan after the second apply changes %d files, want none", len(pl.Files))
	}
}
