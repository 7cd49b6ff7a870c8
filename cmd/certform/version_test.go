package main

import (
	"runtime/debug"
	"testing"
)

// TestBuildVersion: builds of other commits, of a modified checkout or of
// other module versions key their digests differently; a build that
// records nothing keeps the plain version.
func TestBuildVersion(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	exe := func() string { return "feed" }
	for _, tc := range []struct {
		name string
		info debug.BuildInfo
		exe  func() string
		want string
	}{
		{"nothing recorded", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, exe, "1.0"},
		{"installed module", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, exe, "1.0+v1.2.3"},
		{"clean checkout", debug.BuildInfo{Settings: settings("vcs.revision", "abc", "vcs.modified", "false")}, exe, "1.0+abc"},
		{"modified checkout", debug.BuildInfo{Settings: settings("vcs.revision", "abc", "vcs.modified", "true")}, exe, "1.0+abc.modified.feed"},
		{"unreadable executable", debug.BuildInfo{Settings: settings("vcs.revision", "abc", "vcs.modified", "true")}, func() string { return "" }, ""},
	} {
		if got := buildVersion("1.0", &tc.info, tc.exe); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if d := executableDigest(); len(d) != 16 {
		t.Errorf("executableDigest() = %q, want 16 hex digits", d)
	}
}
