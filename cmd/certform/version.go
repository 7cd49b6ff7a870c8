package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime/debug"
)

// engineVersion is the version the plan engine keys configuration digests
// with (plan.Engine.Version): a plan skips a resource only if the same
// build applied it, since another build may plan it differently. Built
// from source, every binary is version "0.1.0-dev", so the version is
// told apart by what the build records: its git commit, and, when the
// checkout had uncommitted changes, a digest of the executable itself.
func engineVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	return buildVersion(version, info, executableDigest)
}

// buildVersion returns version with the commit of the build, or the module
// version it was installed at, and for a build of a modified checkout the
// digest exe returns; "" (plan everything) when that digest is "".
func buildVersion(version string, info *debug.BuildInfo, exe func() string) string {
	var revision string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	switch {
	case revision == "" && info.Main.Version != "" && info.Main.Version != "(devel)":
		return version + "+" + info.Main.Version
	case revision == "":
		return version
	case !modified:
		return version + "+" + revision
	}
	d := exe()
	if d == "" {
		return ""
	}
	return version + "+" + revision + ".modified." + d
}

// executableDigest returns a SHA-256 of the running executable, or "" if
// it cannot be read.
func executableDigest() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
