package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"certform": func() { os.Exit(run(os.Args[1:], newStreams())) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the real
// command, run as a user would, against real files.
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				// root ignores file permissions, so permission tests
				// are skipped for it.
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"openssl":   cmdOpenSSL,
			"nosecrets": cmdNoSecrets,
			"filemode":  cmdFileMode,
			"cpexample": cmdCopyExample,
			"unchanged": cmdUnchanged,
			"snapshot":  cmdSnapshot,
		},
	})
}

// cmdOpenSSL runs openssl with the arguments; its output goes to the log.
func cmdOpenSSL(ts *testscript.TestScript, neg bool, args []string) {
	cmd := exec.Command("openssl", args...)
	cmd.Dir = ts.MkAbs(".")
	out, err := cmd.CombinedOutput()
	ts.Logf("openssl %s:\n%s", strings.Join(args, " "), out)
	if (err != nil) != neg {
		ts.Fatalf("openssl %s: %v", strings.Join(args, " "), err)
	}
}

// cmdNoSecrets checks that files hold no private key:
// nosecrets FILE... (each must exist and not contain "PRIVATE KEY").
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	for _, f := range args {
		data := ts.ReadFile(f)
		if strings.Contains(data, "PRIVATE KEY") {
			ts.Fatalf("%s holds a private key", f)
		}
	}
}

// cmdFileMode checks a file's permission bits: filemode 0600 FILE.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode MODE FILE")
	}
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	want := args[0]
	if perm := fi.Mode().Perm(); (formatPerm(perm) == want) == neg {
		ts.Fatalf("%s has mode %s, want %s", args[1], formatPerm(perm), want)
	}
}

func formatPerm(m os.FileMode) string { return fmt.Sprintf("%04o", uint32(m)) }

// cmdCopyExample copies examples/NAME into the work directory:
// cpexample NAME DIR.
func cmdCopyExample(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cpexample NAME DIR")
	}
	src := filepath.Join(ts.Getenv("EXAMPLES"), args[0])
	dst := ts.MkAbs(args[1])
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, fi.Mode().Perm())
	})
	ts.Check(err)
}

// cmdSnapshot records the content of every file below a directory in
// $WORK/.snapshot-NAME, for unchanged to compare: snapshot NAME DIR.
func cmdSnapshot(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: snapshot NAME DIR")
	}
	ts.Check(os.WriteFile(ts.MkAbs(".snapshot-"+args[0]), tree(ts, args[1]), 0o644))
}

// cmdUnchanged checks that no file below DIR changed since snapshot NAME:
// unchanged NAME DIR.
func cmdUnchanged(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: unchanged NAME DIR")
	}
	before := ts.ReadFile(".snapshot-" + args[0])
	after := tree(ts, args[1])
	if (before == string(after)) == neg {
		ts.Fatalf("files below %s changed:\nbefore:\n%s\nafter:\n%s", args[1], before, after)
	}
}

func tree(ts *testscript.TestScript, dir string) []byte {
	var b bytes.Buffer
	root := ts.MkAbs(dir)
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() || strings.HasPrefix(filepath.Base(p), ".snapshot-") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b.WriteString("== " + rel + " " + fi.Mode().Perm().String() + "\n")
		b.Write(data)
		b.WriteString("\n")
		return nil
	})
	ts.Check(err)
	return b.Bytes()
}
