package cert_test

import (
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/providers"
	"github.com/certform/certform/providers/cert"
)

// TestDeterministicUntil: a certificate certform issued plans alike until
// its renewal window opens; one from ACME or imported does not.
func TestDeterministicUntil(t *testing.T) {
	value := func(kind, notAfter, renew string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"issuer_kind":  cty.StringVal(kind),
			"not_after":    cty.StringVal(notAfter),
			"renew_before": cty.StringVal(renew),
		})
	}
	window := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	p := cert.New()
	for _, tc := range []struct {
		name  string
		prior cty.Value
		want  time.Time
	}{
		{"self-signed", value("self_signed", "2027-01-31T00:00:00Z", "30d"), window},
		{"company CA", value("ca", "2027-01-31T00:00:00Z", "720h"), window},
		{"ACME", value("acme", "2027-01-31T00:00:00Z", "30d"), time.Time{}},
		{"imported", value("import", "2027-01-31T00:00:00Z", "30d"), time.Time{}},
		{"no not_after", value("ca", "", "30d"), time.Time{}},
		{"no renew_before", value("ca", "2027-01-31T00:00:00Z", ""), time.Time{}},
		{"null", providers.Null, time.Time{}},
	} {
		if got := p.DeterministicUntil(tc.prior); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	if !providers.PlansAlike(p, value("ca", "2027-01-31T00:00:00Z", "30d"), window.Add(-time.Second)) ||
		providers.PlansAlike(p, value("ca", "2027-01-31T00:00:00Z", "30d"), window) {
		t.Error("PlansAlike does not end when the renewal window opens")
	}
}
