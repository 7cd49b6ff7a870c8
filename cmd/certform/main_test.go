package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
			"openssl":      cmdOpenSSL,
			"nosecrets":    cmdNoSecrets,
			"filemode":     cmdFileMode,
			"cpexample":    cmdCopyExample,
			"unchanged":    cmdUnchanged,
			"snapshot":     cmdSnapshot,
			"acmeserver":   cmdACMEServer,
			"acmeari":      cmdACMEARI,
			"acmestatus":   cmdACMEStatus,
			"acmeaccounts": cmdACMEAccounts,
			"acmewebroot":  cmdACMEWebroot,
			"tlsserver":    cmdTLSServer,
			"tlsswap":      cmdTLSSwap,
			"exitcode":     cmdExitCode,
			"lockid":       cmdLockID,
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
// for this script, with A records for the names given (127.0.0.1, or the
// address after "="): acmeserver [-eab KID=HMAC] [-validity DURATION]
// [-alternate-roots N] NAME[=IP]... With -eab Pebble registers accounts
// only with that external account binding; -validity is the lifetime of
// the certificates it issues (90 days by default); -alternate-roots offers
// chains to N more roots.
//
// It sets ACME_DIRECTORY, ACME_HTTP_LISTEN (where certform must answer
// HTTP-01 for Pebble to see it), ACME_TLS_LISTEN, ACME_FREE_LISTEN (an
// address Pebble does not look at), ACME_DNS, ACME_CHALLTESTSRV (for
// challtxt), ACME_HTTPREQ (an endpoint for lego's httpreq DNS provider)
// and CERTFORM_VAR_ca_roots (the PEM of Pebble's TLS root), and writes
// Pebble's root and intermediate to $WORK/acme-root.pem and
// $WORK/acme-intermediate.pem; with alternate roots, each to
// $WORK/acme-root-N.pem and the common name of the first to
// ACME_ALT_ROOT_CN.
func cmdACMEServer(ts *testscript.TestScript, neg bool, args []string) {
	tb := &scriptTB{ts: ts}
	var opts acmetest.Options
	fs := flag.NewFlagSet("acmeserver", flag.ContinueOnError)
	eab := fs.String("eab", "", "KID=HMAC")
	fs.DurationVar(&opts.Validity, "validity", 0, "certificate lifetime")
	fs.IntVar(&opts.AlternateRoots, "alternate-roots", 0, "alternate chains")
	ts.Check(fs.Parse(args))
	if kid, hmac, ok := strings.Cut(*eab, "="); ok {
		opts.EAB = map[string]string{kid: hmac}
	}
	srv := acmetest.Start(tb, opts)
	for _, a := range fs.Args() {
		name, ip, ok := strings.Cut(a, "=")
		if !ok {
			ip = "127.0.0.1"
		}
		srv.AddAddress(tb, name, ip)
	}
	acmeServers.Store(ts, srv)
	ts.Defer(func() { acmeServers.Delete(ts) })
	ts.Setenv("ACME_DIRECTORY", srv.Directory)
	ts.Setenv("ACME_HTTP_LISTEN", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort))
	ts.Setenv("ACME_TLS_LISTEN", fmt.Sprintf("127.0.0.1:%d", srv.TLSPort))
	ts.Setenv("ACME_FREE_LISTEN", fmt.Sprintf("127.0.0.1:%d", acmetest.FreePort(tb)))
	ts.Setenv("ACME_DNS", srv.DNS)
	ts.Setenv("ACME_HTTPREQ", srv.HTTPReq(tb))
	ts.Setenv(acmetest.ChallSrvEnv, srv.ChallSrv)
	ts.Setenv("CERTFORM_VAR_ca_roots", srv.Roots)
	root, intermediate := srv.IssuerChain(tb)
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "acme-root.pem"), []byte(root), 0o644))
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "acme-intermediate.pem"), []byte(intermediate), 0o644))
	for i := 1; i <= opts.AlternateRoots; i++ {
		alt := srv.Root(tb, i)
		ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), fmt.Sprintf("acme-root-%d.pem", i)), []byte(alt), 0o644))
		if i == 1 {
			ts.Setenv("ACME_ALT_ROOT_CN", readCert(ts, alt).Subject.CommonName)
		}
	}
}

// acmeServer returns the script's Pebble.
func acmeServer(ts *testscript.TestScript) *acmetest.Server {
	v, ok := acmeServers.Load(ts)
	if !ok {
		ts.Fatalf("no ACME server: run acmeserver first")
	}
	return v.(*acmetest.Server)
}

// cmdACMEARI makes Pebble's renewal information for the certificate in
// FILE (PEM) say that its renewal window has passed, or with -later that
// it opens in a year: acmeari [-later] FILE.
func cmdACMEARI(ts *testscript.TestScript, neg bool, args []string) {
	later := len(args) == 2 && args[0] == "-later"
	if later {
		args = args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: acmeari [-later] FILE")
	}
	start := time.Now().Add(-2 * time.Hour)
	if later {
		start = time.Now().AddDate(1, 0, 0)
	}
	acmeServer(ts).SetRenewalInfo(&scriptTB{ts: ts}, ts.ReadFile(args[0]), start, start.Add(time.Hour))
}

// cmdACMEStatus checks what Pebble says of the certificate in FILE (the
// first PEM block): acmestatus FILE Valid|Revoked.
func cmdACMEStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: acmestatus FILE Valid|Revoked")
	}
	serial := readCert(ts, ts.ReadFile(args[0])).SerialNumber.Text(16)
	if got := acmeServer(ts).CertStatus(&scriptTB{ts: ts}, serial); (got == args[1]) == neg {
		ts.Fatalf("Pebble says certificate %s is %q, want %q", serial, got, args[1])
	}
}

// cmdACMEAccounts checks how many accounts Pebble holds: acmeaccounts N.
func cmdACMEAccounts(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: acmeaccounts N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	if got := acmeServer(ts).Accounts(); (got == want) == neg {
		ts.Fatalf("Pebble holds %d accounts, want %d", got, want)
	}
}

// cmdACMEWebroot serves the files below DIR over HTTP where Pebble checks
// HTTP-01 answers (ACME_HTTP_LISTEN), as the web server of http01 {
// webroot = DIR } would, until the script ends: acmewebroot DIR.
func cmdACMEWebroot(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: acmewebroot DIR")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	ln, err := net.Listen("tcp", ts.Getenv("ACME_HTTP_LISTEN"))
	ts.Check(err)
	hs := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	ts.Defer(func() { _ = hs.Close() })
}

// readCert parses the first certificate of a PEM text.
func readCert(ts *testscript.TestScript, text string) *x509.Certificate {
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		ts.Fatalf("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	ts.Check(err)
	return c
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
