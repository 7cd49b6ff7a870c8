package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// TestTuneGC checks the two modes of tuneGC: collections held off to the
// memory budget while the live heap is small, and GOGC=200 without a limit
// once more than half the budget is live.
func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	t.Cleanup(func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
	tuneGC()
	runtime.GC()
	if gogc, limit := gcSettings(); gogc != math.MaxUint64 || limit != memoryBudget {
		t.Fatalf("with a small heap: GOGC %d, limit %d; want off (%d) and %d", gogc, limit, uint64(math.MaxUint64), memoryBudget)
	}

	live := make([]byte, memoryBudget/2+(16<<20))
	for i := range live {
		live[i] = byte(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC() // the finalizer of the last one runs meanwhile
		if gogc, limit := gcSettings(); gogc == 200 && limit == math.MaxInt64 {
			break
		}
		if time.Now().After(deadline) {
			gogc, limit := gcSettings()
			t.Fatalf("with %d MiB live: GOGC %d, limit %d; want 200 and no limit", len(live)>>20, gogc, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
}

// gcSettings returns GOGC (MaxUint64 when off) and the memory limit as the runtime
// reports them.
func gcSettings() (gogc, limit uint64) {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}
