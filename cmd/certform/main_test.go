package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/certform/certform/providers/acme/acmetest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"certform": func() { os.Exit(run(os.Args[1:], newStreams())) },
		// challtxt sets DNS-01 TXT records in the acmeserver's DNS server,
		// for dns01 { provider = "exec" command = ["challtxt"] }.
		"challtxt": func() { os.Exit(acmetest.TXTHook(os.Args[1:])) },
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
			"openssl":    cmdOpenSSL,
			"nosecrets":  cmdNoSecrets,
			"filemode":   cmdFileMode,
			"cpexample":  cmdCopyExample,
			"unchanged":  cmdUnchanged,
			"snapshot":   cmdSnapshot,
			"acmeserver": cmdACMEServer,
			"acmeari":    cmdACMEARI,
			"tlsserver":  cmdTLSServer,
			"tlsswap":    cmdTLSSwap,
			"exitcode":   cmdExitCode,
			"lockid":     cmdLockID,
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

// acmeServers are the Pebble servers the running scripts started.
var acmeServers sync.Map // *testscript.TestScript -> *acmetest.Server

// cmdACMEServer starts Pebble, the ACME test server, and its DNS server
// for this script, with A records for the names given: acmeserver NAME...
// It sets ACME_DIRECTORY, ACME_HTTP_LISTEN (where certform must answer
// HTTP-01 for Pebble to see it), ACME_TLS_LISTEN, ACME_FREE_LISTEN (an
// address Pebble does not look at), ACME_DNS, ACME_CHALLTESTSRV (for
// challtxt) and CERTFORM_VAR_ca_roots (the PEM of Pebble's TLS root), and
// writes Pebble's root and intermediate to $WORK/acme-root.pem and
// $WORK/acme-intermediate.pem.
func cmdACMEServer(ts *testscript.TestScript, neg bool, args []string) {
	tb := &scriptTB{ts: ts}
	srv := acmetest.Start(tb, acmetest.Options{})
	srv.AddA(tb, args...)
	acmeServers.Store(ts, srv)
	ts.Defer(func() { acmeServers.Delete(ts) })
	ts.Setenv("ACME_DIRECTORY", srv.Directory)
	ts.Setenv("ACME_HTTP_LISTEN", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort))
	ts.Setenv("ACME_TLS_LISTEN", fmt.Sprintf("127.0.0.1:%d", srv.TLSPort))
	ts.Setenv("ACME_FREE_LISTEN", fmt.Sprintf("127.0.0.1:%d", acmetest.FreePort(tb)))
	ts.Setenv("ACME_DNS", srv.DNS)
	ts.Setenv(acmetest.ChallSrvEnv, srv.ChallSrv)
	ts.Setenv("CERTFORM_VAR_ca_roots", srv.Roots)
	root, intermediate := srv.IssuerChain(tb)
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "acme-root.pem"), []byte(root), 0o644))
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "acme-intermediate.pem"), []byte(intermediate), 0o644))
}

// cmdACMEARI makes Pebble's renewal information for the certificate in
// FILE (PEM) say that its renewal window has passed: acmeari FILE.
func cmdACMEARI(ts *testscript.TestScript, neg bool, args []string) {
	v, ok := acmeServers.Load(ts)
	if !ok || len(args) != 1 {
		ts.Fatalf("usage: acmeari FILE, after acmeserver")
	}
	start := time.Now().Add(-2 * time.Hour)
	v.(*acmetest.Server).SetRenewalInfo(&scriptTB{ts: ts}, ts.ReadFile(args[0]), start, start.Add(time.Hour))
}

// scriptTB adapts a TestScript to what acmetest needs.
type scriptTB struct {
	ts *testscript.TestScript
	n  int
}

func (s *scriptTB) Helper()                           {}
func (s *scriptTB) Logf(format string, args ...any)   { s.ts.Logf(format, args...) }
func (s *scriptTB) Fatalf(format string, args ...any) { s.ts.Fatalf(format, args...) }

// Failed reports true so that the servers' output goes to the script's
// log, which is shown when the script fails.
func (s *scriptTB) Failed() bool     { return true }
func (s *scriptTB) Cleanup(f func()) { s.ts.Defer(f) }
func (s *scriptTB) TempDir() string {
	s.n++
	dir := filepath.Join(s.ts.Getenv("WORK"), fmt.Sprintf(".acmetest-%d", s.n))
	s.ts.Check(os.MkdirAll(dir, 0o755))
	return dir
}
