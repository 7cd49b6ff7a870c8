package cert

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "less than a minute"},
		{time.Minute, "1 minute"},
		{59 * time.Minute, "59 minutes"},
		{time.Hour, "1 hour"},
		{47*time.Hour + 20*time.Minute, "47 hours"},
		{2 * day, "2 days"},
		{12*day - 5*time.Minute, "12 days"},
		{12*day + 11*time.Hour, "12 days"},
	} {
		if got := humanDuration(tc.d); got != tc.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
