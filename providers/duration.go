package providers

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a duration as the configuration writes it: a whole
// number of days ("397d", "30d") or anything time.ParseDuration accepts
// ("720h", "90m"). Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("invalid duration %q: write whole days like \"397d\" or hours like \"720h\"", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid duration %q: write whole days like \"397d\" or hours like \"720h\"", s)
	}
	return d, nil
}

// FormatDuration writes a duration the way a reviewer reads it: whole days
// as "30d", anything else as Go does ("36h0m0s").
func FormatDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
