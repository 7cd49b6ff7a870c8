package explain_test

import (
	"strings"
	"testing"

	"github.com/certform/certform/plan/checks"
	"github.com/certform/certform/plan/explain"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []string // entry ids, best first
	}{
		{"0x80090331", []string{"schannel-0x80090331"}},
		{"unable to finish SSL handshake (code 0x80090308)", []string{"schannel-0x80090308"}},
		{"80090308", []string{"schannel-0x80090308"}},
		{"-2146893007", []string{"schannel-0x80090331"}},
		{"unable to load credentials (code 0x8009030E)", []string{"schannel-0x8009030e"}},
		{"unable to load credentials", []string{"schannel-0x8009030e"}},
		{`unable to find certificate named "xyz" in store "ROOT" - The object or the property could not be found`, []string{"schannel-certificate-not-found"}},
		{"sun.security.validator.ValidatorException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target", []string{"java-pkix"}},
		{"unable to find valid certification path to requested target", []string{"java-pkix"}},
		{"verify error:num=20:unable to get local issuer certificate", []string{"openssl-local-issuer"}},
		{"Unable to get local issuer certificate", []string{"openssl-local-issuer"}},
		{"NET::ERR_CERT_AUTHORITY_INVALID", []string{"browser-authority-invalid"}},
		{"err_cert_authority_invalid", []string{"browser-authority-invalid"}},
		{"ERR_CERT_COMMON_NAME_INVALID", []string{"browser-common-name-invalid"}},
		{"NET::ERR_CERT_DATE_INVALID", []string{"browser-date-invalid"}},
		{"0x80090322", []string{"browser-common-name-invalid"}},
		{"0x8009033", nil},
		{"ERR_CERT_DATE_INVALIDX", nil},
		{"everything is fine", nil},
		{"", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var got []string
			for _, e := range explain.Lookup(tc.query) {
				got = append(got, e.ID)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("Lookup(%q) = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

// TestEntries checks that every entry is complete and names only checks
// that exist.
func TestEntries(t *testing.T) {
	known := map[string]bool{}
	for _, c := range checks.All() {
		known[c.ID] = true
	}
	ids := map[string]bool{}
	for _, e := range explain.All() {
		if ids[e.ID] {
			t.Errorf("duplicate id %s", e.ID)
		}
		ids[e.ID] = true
		if got := explain.Lookup(e.Name); len(got) == 0 || got[0] != e {
			t.Errorf("Lookup of its name %q does not find %s first", e.Name, e.ID)
		}
		if e.Title == "" || e.Where == "" || e.Cause == "" || len(e.Codes) == 0 || len(e.Confirm) == 0 || len(e.Fix) == 0 || len(e.Checks) == 0 {
			t.Errorf("%s is incomplete", e.ID)
		}
		for _, c := range e.Checks {
			if !known[c] {
				t.Errorf("%s names check %q, which does not exist", e.ID, c)
			}
		}
		for _, c := range e.Codes {
			if got := explain.Lookup(c); len(got) == 0 || got[0] != e {
				t.Errorf("Lookup of its own code %q does not find %s first", c, e.ID)
			}
		}
	}
	if len(explain.Known()) != len(explain.All()) {
		t.Error("Known does not list one code per entry")
	}
}
