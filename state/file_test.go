package state_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

func TestNew(t *testing.T) {
	a, b := state.New(), state.New()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuid.MatchString(a.Lineage) {
		t.Errorf("lineage %q is not a UUIDv4", a.Lineage)
	}
	if a.Lineage == b.Lineage {
		t.Errorf("two new states share lineage %q", a.Lineage)
	}
	if a.Serial != 0 || len(a.Addresses()) != 0 {
		t.Errorf("new state has serial %d and resources %v", a.Serial, a.Addresses())
	}
}

func TestSetKeepsCopies(t *testing.T) {
	f := state.New()
	r := &state.Resource{Address: "ini_file.isps", Kind: "ini_file", Dependencies: []string{"certificate.ies"}, Files: map[string]string{"a": "sha256:00"}}
	f.Set(r)
	r.Dependencies[0] = "changed"
	r.Files["a"] = "changed"

	got := f.Resource("ini_file.isps")
	if got.Dependencies[0] != "certificate.ies" || got.Files["a"] != "sha256:00" {
		t.Errorf("Set kept the caller's slices: %+v", got)
	}
	got.Dependencies[0] = "changed again"
	if f.Resource("ini_file.isps").Dependencies[0] != "certificate.ies" {
		t.Error("Resource returned the stored resource, not a copy")
	}
	if f.Resource("ini_file.missing") != nil {
		t.Error("Resource of a missing address is not nil")
	}
}

func TestRemove(t *testing.T) {
	f := sample()
	if !f.Remove("hook.reload") {
		t.Error("Remove(hook.reload) = false, want true")
	}
	if f.Remove("hook.reload") {
		t.Error("second Remove(hook.reload) = true, want false")
	}
	want := []string{"certificate.ies", "ini_file.isps", "store.pem_files.ca"}
	if got := f.Addresses(); !slices.Equal(got, want) {
		t.Errorf("Addresses() = %v, want %v", got, want)
	}
}

func TestMove(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		wantErr  string
		want     []string
	}{
		{
			name: "rename",
			from: "certificate.ies", to: "certificate.ies_server",
			want: []string{"certificate.ies_server", "hook.reload", "ini_file.isps", "store.pem_files.ca"},
		},
		{
			name: "missing source",
			from: "certificate.nope", to: "certificate.other",
			wantErr: "moving certificate.nope to certificate.other: no resource certificate.nope in state",
		},
		{
			name: "target exists",
			from: "certificate.ies", to: "ini_file.isps",
			wantErr: "moving certificate.ies to ini_file.isps: state already has a resource ini_file.isps",
		},
		{
			name: "onto itself",
			from: "certificate.ies", to: "certificate.ies",
			wantErr: "state already has a resource certificate.ies",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sample()
			before := f.Addresses()
			err := f.Move(tc.from, tc.to)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Move error = %v, want %q", err, tc.wantErr)
				}
				if got := f.Addresses(); !slices.Equal(got, before) {
					t.Errorf("failed Move changed addresses to %v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Addresses(); !slices.Equal(got, tc.want) {
				t.Errorf("Addresses() = %v, want %v", got, tc.want)
			}
			if r := f.Resource(tc.to); r.Address != tc.to {
				t.Errorf("moved resource has address %q", r.Address)
			}
		})
	}

	// Dependencies on the moved resource follow it.
	f := sample()
	if err := f.Move("certificate.ies", "certificate.ies_server"); err != nil {
		t.Fatal(err)
	}
	want := []string{"store.pem_files.ca", "certificate.ies_server", "store.pem_files.ca"}
	if got := f.Resource("ini_file.isps").Dependencies; !slices.Equal(got, want) {
		t.Errorf("ini_file.isps dependencies = %v, want %v", got, want)
	}
}

func TestClone(t *testing.T) {
	f := sample()
	c := f.Clone()
	a, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := state.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Fatalf("clone marshals differently:\n%s\n%s", a, b)
	}
	c.Remove("hook.reload")
	c.Set(&state.Resource{Address: "certificate.new", Kind: "certificate"})
	c.SetOutputs(nil)
	c.Serial = 99
	if err := c.Move("ini_file.isps", "ini_file.moved"); err != nil {
		t.Fatal(err)
	}
	again, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(a) {
		t.Error("changing the clone changed the original")
	}
}

func TestOutputs(t *testing.T) {
	f := state.New()
	in := map[string]cty.Value{"url": cty.StringVal("https://x")}
	f.SetOutputs(in)
	in["url"] = cty.StringVal("changed")
	out := f.Outputs()
	if !out["url"].RawEquals(cty.StringVal("https://x")) {
		t.Errorf("Outputs() = %#v, SetOutputs kept the caller's map", out)
	}
	out["other"] = cty.True
	if len(f.Outputs()) != 1 {
		t.Error("Outputs() returned the stored map")
	}
}

func TestFileHash(t *testing.T) {
	got := state.FileHash([]byte("hello\n"))
	want := "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	if got != want {
		t.Errorf("FileHash = %s, want %s", got, want)
	}
}

func TestCheckLineage(t *testing.T) {
	if err := state.CheckLineage("a", "a"); err != nil {
		t.Errorf("CheckLineage(a, a) = %v", err)
	}
	err := state.CheckLineage("plan-lineage", "state-lineage")
	var le *state.LineageError
	if !errors.As(err, &le) || le.Want != "plan-lineage" || le.Got != "state-lineage" {
		t.Fatalf("CheckLineage = %#v, want a *LineageError", err)
	}
	t.Log(err)
}

// TestConcurrentUse is for the race detector: the apply walker sets and
// removes resources from many goroutines while state is marshalled.
func TestConcurrentUse(t *testing.T) {
	f := state.New()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			addr := fmt.Sprintf("certificate.c%d", i)
			for j := range 50 {
				f.Set(&state.Resource{Address: addr, Kind: "certificate", Attributes: cty.ObjectVal(map[string]cty.Value{"n": cty.NumberIntVal(int64(j))})})
				_ = f.Resource(addr)
				_ = f.Addresses()
				if _, err := state.Marshal(f); err != nil {
					t.Error(err)
					return
				}
				_ = f.Clone()
			}
			if i%2 == 0 {
				f.Remove(addr)
			}
		})
	}
	wg.Wait()
	if got := len(f.Addresses()); got != 8 {
		t.Errorf("%d resources left, want 8", got)
	}
}

// TestRevision: the revision counts changes to what the file would hold,
// and only those, so that apply writes a state only when it changed.
func TestRevision(t *testing.T) {
	f := state.New()
	f.Set(&state.Resource{Address: "certificate.ies", Kind: "certificate", Attributes: cty.ObjectVal(map[string]cty.Value{"cn": cty.StringVal("ies")})})
	f.SetOutputs(map[string]cty.Value{"names": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})})
	f.SetFailedHook(state.FailedHook{Address: "hook.restart", Reason: "failed", ExitCode: 3, FailedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	data, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	read, err := state.Parse(data, "certform.state.json")
	if err != nil {
		t.Fatal(err)
	}
	if read.Revision() != 0 {
		t.Errorf("a state just read has revision %d, want 0", read.Revision())
	}

	// None of these changes what the file holds: a list output read back
	// as a tuple, the same record of a failed hook (its time to the
	// second), nothing to remove or clear.
	read.SetOutputs(map[string]cty.Value{"names": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})})
	read.SetFailedHook(state.FailedHook{Address: "hook.restart", Reason: "failed", ExitCode: 3, FailedAt: time.Date(2025, 1, 2, 3, 4, 5, 400, time.UTC)})
	read.Remove("certificate.other")
	read.ClearFailedHook("hook.other")
	if err := read.Move("certificate.other", "certificate.x"); err == nil {
		t.Fatal("moved a resource that is not there")
	}
	if read.Revision() != 0 {
		t.Errorf("revision %d after changes that change nothing, want 0", read.Revision())
	}
	again, err := state.Marshal(read)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("the state reads back differently:\n%s\nwant:\n%s", again, data)
	}

	// Each of these does.
	for i, change := range []func(){
		func() { read.SetOutputs(map[string]cty.Value{"names": cty.ListVal([]cty.Value{cty.StringVal("a")})}) },
		func() { read.SetOutputs(nil) },
		func() { read.SetFailedHook(state.FailedHook{Address: "hook.restart", Reason: "failed", ExitCode: 4}) },
		func() { read.ClearFailedHook("hook.restart") },
		func() { read.Move("certificate.ies", "certificate.ies2") },
		func() { read.Set(read.Resource("certificate.ies2")) },
		func() { read.Remove("certificate.ies2") },
	} {
		before := read.Revision()
		change()
		if read.Revision() != before+1 {
			t.Errorf("change %d: revision %d, want %d", i, read.Revision(), before+1)
		}
	}
}
