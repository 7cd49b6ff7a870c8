package acme_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/acme"
	"github.com/certform/certform/providers/acme/acmetest"
	"github.com/certform/certform/providers/providertest"
)

// TestAccountReuse: one account across two certificates and two runs; the
// second run renews both certificates, which are within renew_before.
func TestAccountReuse(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	srv.AddA(t, "one.example.test", "two.example.test")
	w := newWorld(t)
	challenge := fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort)

	iss := w.issuer("le")
	certs := []*resource{w.cert("one"), w.cert("two")}
	runAll := func(env *providers.Env) []providers.PlanResponse {
		t.Helper()
		pl := iss.mustApply(env, issuerConfig(t, srv, challenge))
		if pl.RequiresReplace {
			t.Errorf("the issuer is replaced: %v", pl.Reasons)
		}
		var out []providers.PlanResponse
		for _, c := range certs {
			name := strings.TrimPrefix(c.addr, "certificate.")
			out = append(out, c.mustApply(env, certConfig(t, iss.state, fmt.Sprintf("dns_names = [%q]", name+".example.test"))))
		}
		return out
	}

	runAll(w.run(0))
	account := str(iss.state, "account_uri")
	if account == "" || str(iss.state, "account_key_id") == "" {
		t.Fatalf("the issuer records no account: %s", jsonOf(iss.state))
	}
	first := []string{str(certs[0].state, "serial"), str(certs[1].state, "serial")}

	// 70 days later the 90-day certificates are within the default
	// renew_before of 30 days: both are renewed with the same account.
	plans := runAll(w.run(70 * 24 * time.Hour))
	for i, pl := range plans {
		if !pl.RequiresReplace || !strings.Contains(strings.Join(pl.Reasons, ";"), ", renew_before is 30d") {
			t.Errorf("%s: replace %v, reasons %v; want a renewal because it expires within renew_before", certs[i].addr, pl.RequiresReplace, pl.Reasons)
		}
		if str(certs[i].state, "serial") == first[i] {
			t.Errorf("%s was not renewed", certs[i].addr)
		}
		if got := str(providers.Attr(certs[i].state, "acme"), "account_uri"); got != account {
			t.Errorf("%s was ordered by account %s, want %s", certs[i].addr, got, account)
		}
	}
	if got := str(iss.state, "account_uri"); got != account {
		t.Errorf("the account changed from %s to %s", account, got)
	}
	if n := srv.Accounts(); n != 1 {
		t.Errorf("Pebble holds %d accounts, want 1", n)
	}
	if n := srv.Orders(); n != 4 {
		t.Errorf("Pebble holds %d orders, want 4 (two certificates, twice)", n)
	}
	// Only the account key and the current certificate keys are kept.
	want := []string{str(iss.state, "account_key_id"), str(certs[0].state, "key_id"), str(certs[1].state, "key_id")}
	if got := w.secretIDs(); len(got) != len(want) {
		t.Errorf("Secrets holds %v, want the account key and the two current keys %v", got, want)
	}
}

// TestRenewalInformation: the CA's renewal information (ARI) replaces a
// certificate long before renew_before would, and the plan says why.
func TestRenewalInformation(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	srv.AddA(t, "ari.example.test")
	w := newWorld(t)
	iss := w.issuer("le")
	iss.mustApply(w.run(0), issuerConfig(t, srv, fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort)))
	crt := w.cert("ari")
	cfg := certConfig(t, iss.state, `dns_names = ["ari.example.test"]`)
	crt.mustApply(w.run(0), cfg)
	old := str(crt.state, "serial")

	// Pebble's own window lies two thirds into the lifetime: no renewal.
	if pl, _ := crt.plan(w.run(time.Hour), cfg); pl.RequiresReplace {
		t.Fatalf("renewed at once: %v", pl.Reasons)
	}
	// The CA moves the window into the past (as after an incident).
	start := time.Now().Add(-2 * time.Hour)
	srv.SetRenewalInfo(t, str(crt.state, "pem"), start, start.Add(time.Hour))
	pl := crt.mustApply(w.run(time.Hour), cfg)
	if !pl.RequiresReplace || len(pl.Reasons) != 1 || !strings.HasPrefix(pl.Reasons[0], "the ACME server asks for renewal (ARI window ") {
		t.Fatalf("replace %v, reasons %v; want a renewal asked for by ARI", pl.RequiresReplace, pl.Reasons)
	}
	if str(crt.state, "serial") == old {
		t.Fatal("not renewed")
	}
	checkIssued(t, srv, w, crt.state, "ari.example.test")
	if pl, _ := crt.plan(w.run(2*time.Hour), cfg); pl.RequiresReplace {
		t.Errorf("the new certificate is renewed again: %v", pl.Reasons)
	}
}

// TestExternalAccountBinding: a CA that requires EAB refuses an account
// without it, with a message saying so, and registers one with it; the
// HMAC appears nowhere in the value.
func TestExternalAccountBinding(t *testing.T) {
	t.Parallel()
	const kid, hmac = "kid-certform", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
	// The same key in base64url (as Pebble takes it) and in standard base64.
	const stdURL, stdHMAC = "-__7__v_-__7__v_-__7__v_-__7__v_-__7__v_-__7__v_-__7_w", "+//7//v/+//7//v/+//7//v/+//7//v/+//7//v/+//7//v/+//7/w=="
	srv := acmetest.Start(t, acmetest.Options{EAB: map[string]string{kid: hmac, "kid-std": stdURL}})
	srv.AddA(t, "eab.example.test")
	w := newWorld(t)
	challenge := fmt.Sprintf("http01 {\nlisten = \"127.0.0.1:%d\"\n}", srv.HTTPPort)

	iss := w.issuer("zerossl")
	_, diags := iss.apply(w.run(0), issuerConfig(t, srv, challenge))
	if !diags.HasErrors() || diags[len(diags)-1].Summary != "External account binding required" || !strings.Contains(diags.Error(), "eab {") {
		t.Fatalf("got %v, want External account binding required with a hint to add eab", diags)
	}
	if providers.Exists(iss.state) || len(w.secretIDs()) != 0 {
		t.Fatalf("a failed registration left state %s and keys %v", jsonOf(iss.state), w.secretIDs())
	}

	// A wrong HMAC is refused by the server, and said so.
	wrong := issuerConfig(t, srv, challenge+"\neab {\nkid = \""+kid+"\"\nhmac = \"d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5IQ\"\n}")
	if _, diags := iss.apply(w.run(0), wrong); !diags.HasErrors() || diags[len(diags)-1].Summary != "External account binding refused" {
		t.Fatalf("got %v, want External account binding refused", diags)
	}

	cfg := issuerConfig(t, srv, challenge+"\neab {\nkid = \""+kid+"\"\nhmac = \""+hmac+"\"\n}")
	iss.mustApply(w.run(0), cfg)
	if js := jsonOf(iss.state); strings.Contains(js, hmac) || !strings.Contains(js, kid) {
		t.Errorf("the issuer value must hold the key id and not the HMAC: %s", js)
	}
	crt := w.cert("eab")
	crt.mustApply(w.run(0), certConfig(t, iss.state, `dns_names = ["eab.example.test"]`))
	checkIssued(t, srv, w, crt.state, "eab.example.test")

	// Some CAs show the key in standard base64 (+, /, =), which lego does
	// not read; certform hands it on as base64url.
	other := w.issuer("std")
	other.mustApply(w.run(0), issuerConfig(t, srv, challenge+"\neab {\nkid = \"kid-std\"\nhmac = \""+stdHMAC+"\"\n}"))
	if n := srv.Accounts(); n != 2 {
		t.Errorf("Pebble holds %d accounts, want 2", n)
	}
}

// TestIssuerContract puts the issuer block through the contract every
// provider passes.
func TestIssuerContract(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	providertest.Run(t, acme.New(), []providertest.Case{{
		Name: "account with http-01",
		HCL: `
			directory        = var.directory
			email            = "admin@example.test"
			account_key_type = "RSA2048"
			ca_roots         = var.roots
			http01 {
				listen = ":8080"
			}`,
		Vars: map[string]cty.Value{"directory": cty.StringVal(srv.Directory), "roots": cty.StringVal(srv.Roots)},
	}})
}

// TestAccountChanges: a new email updates the account in place; a new
// directory or key type registers a new account.
func TestAccountChanges(t *testing.T) {
	t.Parallel()
	srv := acmetest.Start(t, acmetest.Options{})
	w := newWorld(t)
	iss := w.issuer("le")
	config := func(email, keyType string) cty.Value {
		return decode(t, iss.p, fmt.Sprintf("directory = %q\nca_roots = var.roots\nemail = %q\naccount_key_type = %q\nhttp01 {\nlisten = \":8080\"\n}", srv.Directory, email, keyType),
			map[string]cty.Value{"roots": cty.StringVal(srv.Roots)})
	}
	iss.mustApply(w.run(0), config("old@example.test", "P256"))
	account := str(iss.state, "account_uri")

	pl := iss.mustApply(w.run(0), config("new@example.test", "P256"))
	if pl.RequiresReplace || strings.Join(pl.Reasons, ";") != "email changed" {
		t.Errorf("replace %v, reasons %v; want an update for the email", pl.RequiresReplace, pl.Reasons)
	}
	if str(iss.state, "account_uri") != account || str(iss.state, "email") != "new@example.test" || !w.said(`updating the account's contact to "new@example.test"`) {
		t.Errorf("the email was not updated on the same account: %s", jsonOf(iss.state))
	}

	pl, _ = iss.plan(w.run(0), config("new@example.test", "P384"))
	if !pl.RequiresReplace || pl.Reasons[0] != "account_key_type changed: a new account is registered" {
		t.Errorf("replace %v, reasons %v; want a new account for a new key type", pl.RequiresReplace, pl.Reasons)
	}
	old := str(iss.state, "account_key_id")
	iss.mustApply(w.run(0), config("new@example.test", "P384"))
	if str(iss.state, "account_uri") == account || srv.Accounts() != 2 {
		t.Errorf("no new account: %s (Pebble holds %d)", jsonOf(iss.state), srv.Accounts())
	}
	if _, err := w.env.Secrets.Get(old); err == nil {
		t.Errorf("the old account key is still in Secrets")
	}
}
