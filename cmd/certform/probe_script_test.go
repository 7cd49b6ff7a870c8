package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/certform/certform/providers/probe/probetest"
)

// Script commands for probes: TLS servers on 127.0.0.1 that the scripts
// start, and an exact exit code.

// scriptPKIs holds each script's test PKI.
var scriptPKIs sync.Map // *testscript.TestScript -> *probetest.PKI

// probeTB adapts a TestScript to probetest.TB.
type probeTB struct{ ts *testscript.TestScript }

func (p probeTB) Helper()             {}
func (p probeTB) Fatal(args ...any)   { p.ts.Fatalf("%s", fmt.Sprint(args...)) }
func (p probeTB) Cleanup(f func())    { p.ts.Defer(f) }
func (p probeTB) pki() *probetest.PKI { return scriptPKI(p.ts) }

// scriptPKI returns the script's PKI, made on first use; its root is
// written to $WORK/probe-root.pem, its intermediate to
// $WORK/probe-intermediate.pem.
func scriptPKI(ts *testscript.TestScript) *probetest.PKI {
	if v, ok := scriptPKIs.Load(ts); ok {
		return v.(*probetest.PKI)
	}
	pki := probetest.NewPKI(probeTB{ts}, "Script ")
	scriptPKIs.Store(ts, pki)
	ts.Defer(func() { scriptPKIs.Delete(ts) })
	ts.Check(os.WriteFile(ts.MkAbs("probe-root.pem"), []byte(pki.Root.PEM()), 0o644))
	ts.Check(os.WriteFile(ts.MkAbs("probe-intermediate.pem"), []byte(pki.Inter.PEM()), 0o644))
	return pki
}

// fileServers are the servers that serve certform's files, by script and
// name, for tlsswap.
var fileServers sync.Map // string -> *fileServer

// fileServer serves the certificate certform wrote to dir/fullchain.pem
// with dir/key.pem. A hot-reloading server (files) reads them on every
// handshake; a service (service) reads them when it starts and again
// whenever dir/restart changes, which is what a restart hook writes. A
// stale certificate, set by tlsswap, is served instead until the next
// restart (or tlsswap NAME files), as by a service that was not
// restarted or a load balancer with an old certificate.
type fileServer struct {
	dir     string
	service bool

	mu     sync.Mutex
	stale  *tls.Certificate
	loaded *tls.Certificate
	stamp  string // the content of dir/restart at the last load
}

func (f *fileServer) get() (*tls.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.service {
		stamp, _ := os.ReadFile(filepath.Join(f.dir, "restart"))
		if f.loaded == nil || string(stamp) != f.stamp {
			f.stamp, f.stale = string(stamp), nil
			c, err := f.load()
			if err != nil {
				return nil, err
			}
			f.loaded = c
		}
	}
	if f.stale != nil {
		return f.stale, nil
	}
	if f.service {
		return f.loaded, nil
	}
	return f.load()
}

func (f *fileServer) load() (*tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(filepath.Join(f.dir, "fullchain.pem"), filepath.Join(f.dir, "key.pem"))
	return &c, err
}

// cmdTLSServer starts a server and sets $NAME to its host:port and
// $NAME_PORT to its port: tlsserver NAME KIND [ARGS]. KIND is good (leaf
// and intermediate), nointer (leaf only), wrongsan, expired, selfsigned,
// tls10 (TLS 1.0 only), plain (a plain-text server), silent (accepts and
// never answers), closed (nothing listens), with DIR files or service
// (see fileServer), or openssl CERT KEY [CHAIN]: openssl s_server serving
// those PEM files.
func cmdTLSServer(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: tlsserver NAME KIND [ARGS]")
	}
	tb := probeTB{ts}
	pki := tb.pki()
	leaf := func(o probetest.Options) *probetest.Cert {
		if o.CommonName == "" {
			o.CommonName, o.DNSNames = "ies.example.test", []string{"ies.example.test"}
		}
		return pki.NewLeaf(tb, o)
	}
	var addr string
	switch args[1] {
	case "good":
		addr = probetest.StartTLS(tb, probetest.Chain(pki.Leaf, pki.Inter)).Addr
	case "nointer":
		addr = probetest.StartTLS(tb, probetest.Chain(pki.Leaf)).Addr
	case "wrongsan":
		addr = probetest.StartTLS(tb, probetest.Chain(leaf(probetest.Options{CommonName: "other.example.test", DNSNames: []string{"other.example.test"}}), pki.Inter)).Addr
	case "expired":
		addr = probetest.StartTLS(tb, probetest.Chain(leaf(probetest.Options{NotBefore: time.Now().Add(-400 * 24 * time.Hour), NotAfter: time.Now().Add(-20 * 24 * time.Hour)}), pki.Inter)).Addr
	case "selfsigned":
		self := probetest.New(tb, nil, false, probetest.Options{CommonName: "ies.example.test", DNSNames: []string{"ies.example.test"}})
		addr = probetest.StartTLS(tb, probetest.Chain(self)).Addr
	case "tls10":
		addr = probetest.StartTLS(tb, probetest.Chain(pki.Leaf, pki.Inter), probetest.TLSOptions{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10}).Addr
	case "plain":
		addr = probetest.StartPlain(tb).Addr
	case "silent":
		addr = probetest.StartSilent(tb, 0).Addr
	case "closed":
		addr = probetest.ClosedPort(tb)
	case "openssl":
		if len(args) < 4 || len(args) > 5 {
			ts.Fatalf("usage: tlsserver NAME openssl CERT KEY [CHAIN]")
		}
		chain := ""
		if len(args) == 5 {
			chain = ts.MkAbs(args[4])
		}
		addr = probetest.StartOpenSSL(tb, ts.MkAbs(args[2]), ts.MkAbs(args[3]), chain)
	case "files", "service":
		if len(args) != 3 {
			ts.Fatalf("usage: tlsserver NAME %s DIR", args[1])
		}
		f := &fileServer{dir: ts.MkAbs(args[2]), service: args[1] == "service"}
		fileServers.Store(ts.Getenv("WORK")+"\x00"+args[0], f)
		addr = probetest.StartTLSFunc(tb, f.get).Addr
	default:
		ts.Fatalf("tlsserver: unknown kind %q", args[1])
	}
	_, port, _ := net.SplitHostPort(addr)
	ts.Setenv(args[0], addr)
	ts.Setenv(args[0]+"_PORT", port)
}

// cmdTLSSwap makes a files or service server serve an old certificate
// (stale) or its files again (files): tlsswap NAME stale|files. stale sets
// $NAME_STALE_FP to the fingerprint of the old certificate and
// $NAME_FILES_FP to that of the one in the files, and $NAME_STALE_FP16
// and $NAME_FILES_FP16 to their first 16 digits, as messages shorten
// them.
func cmdTLSSwap(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: tlsswap NAME stale|files")
	}
	v, ok := fileServers.Load(ts.Getenv("WORK") + "\x00" + args[0])
	if !ok {
		ts.Fatalf("no files server %s", args[0])
	}
	f := v.(*fileServer)
	switch args[1] {
	case "stale":
		pki := scriptPKI(ts)
		old := probetest.Chain(pki.Leaf, pki.Inter)
		files, err := f.load()
		ts.Check(err)
		sum := sha256.Sum256(files.Certificate[0])
		setFP := func(name, fp string) {
			ts.Setenv(args[0]+"_"+name, fp)
			ts.Setenv(args[0]+"_"+name+"16", fp[:16])
		}
		setFP("STALE_FP", pki.Leaf.Fingerprint())
		setFP("FILES_FP", hex.EncodeToString(sum[:]))
		f.mu.Lock()
		f.stale = &old
		f.mu.Unlock()
	case "files":
		f.mu.Lock()
		f.stale = nil
		f.mu.Unlock()
	default:
		ts.Fatalf("usage: tlsswap NAME stale|files")
	}
}

// cmdExitCode runs a command and checks its exit code:
// exitcode 3 certform probe URL. Its output is kept for stdout and stderr.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exitcode: %v", err)
	}
	if (got == want) == neg {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
