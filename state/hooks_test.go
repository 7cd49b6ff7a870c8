package state_test

import (
	"strings"
	"testing"
	"time"

	"github.com/certform/certform/state"
)

func TestFailedHooksRoundTrip(t *testing.T) {
	f := state.New()
	at := time.Date(2026, 11, 23, 18, 0, 5, 0, time.UTC)
	f.SetFailedHook(state.FailedHook{Address: "hook.restart_ies", Reason: "failed in the last apply with exit code 7", ExitCode: 7, FailedAt: at})
	f.SetFailedHook(state.FailedHook{Address: "hook.reload", Reason: "did not run in the last apply because ini_file.b failed", FailedAt: at})

	data, err := state.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"failed_hooks": [`, `"address": "hook.reload"`, `"exit_code": 7`, `"failed_at": "2026-11-23T18:00:05Z"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("state file lacks %s:\n%s", want, data)
		}
	}
	back, err := state.Parse(data, "certform.state.json")
	if err != nil {
		t.Fatal(err)
	}
	got := back.FailedHooks()
	if len(got) != 2 || got[0].Address != "hook.reload" || got[1] != f.FailedHooks()[1] {
		t.Fatalf("FailedHooks after a round trip = %+v, want %+v", got, f.FailedHooks())
	}
	if again, _ := state.Marshal(back); string(again) != string(data) {
		t.Errorf("a second round trip changed the file:\n%s\nthen\n%s", data, again)
	}
	if c := back.Clone(); len(c.FailedHooks()) != 2 {
		t.Errorf("Clone kept %d failed hooks, want 2", len(c.FailedHooks()))
	}

	if !back.ClearFailedHook("hook.reload") || back.ClearFailedHook("hook.reload") {
		t.Error("ClearFailedHook should report the record once")
	}
	back.ClearFailedHook("hook.restart_ies")
	data, _ = state.Marshal(back)
	if strings.Contains(string(data), "failed_hooks") {
		t.Errorf("a state with no failed hooks still names the field:\n%s", data)
	}
}

func TestFailedHooksBad(t *testing.T) {
	for name, doc := range map[string]string{
		"no address":   `{"format_version": 1, "serial": 1, "lineage": "x", "failed_hooks": [{"reason": "r"}], "resources": []}`,
		"bad time":     `{"format_version": 1, "serial": 1, "lineage": "x", "failed_hooks": [{"address": "hook.a", "failed_at": "yesterday"}], "resources": []}`,
		"not an array": `{"format_version": 1, "serial": 1, "lineage": "x", "failed_hooks": {"address": "hook.a"}, "resources": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := state.Parse([]byte(doc), "certform.state.json")
			if err == nil || !strings.Contains(err.Error(), "certform.state.json") {
				t.Fatalf("Parse = %v, want an error naming the file", err)
			}
		})
	}
}
