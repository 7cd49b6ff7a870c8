package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// memoryBudget is the memory the Go runtime may use (its heap, and what it
// needs to manage the heap) before the garbage collector has to run: 260
// MiB keeps a plan of 10,000 resources under 300 MB of resident memory, the
// target of `make bench`.
const memoryBudget = 260 << 20

// tuneGC makes the garbage collector run less often. certform is a
// short-lived command that builds its data once and mostly keeps it, so
// Go's default, a collection whenever the heap has doubled since the last
// one, spends a fifth of a large plan's CPU time marking the same live
// objects again and again while the heap is small. Instead, collections
// wait until the runtime's memory nears memoryBudget (a memory limit, with
// GOGC off).
//
// Near the limit, every collection frees less, and a configuration whose
// live data fills the budget would collect all the time. So once more than
// half the budget stays live after a collection, the limit goes, and the
// next collection comes when the heap has tripled (GOGC=200, where Go's
// default is 100): for the same reason, a large configuration is planned
// faster (by some 7% for 20,000 resources) for a third more memory.
//
// GOGC or GOMEMLIMIT in the environment turn this off: the runtime then
// does what they say.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(memoryBudget)
	watchGC()
}

// watchGC arranges for afterGC to run when the next collection is done:
// the runtime queues the finalizer of an unreachable object in the
// collection that finds it.
func watchGC() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) { afterGC() })
}

// afterGC leaves the limit for GOGC=200 when the live heap is more than
// half the budget, and otherwise waits for the next collection.
func afterGC() {
	if liveHeap() > memoryBudget/2 {
		debug.SetGCPercent(200)
		debug.SetMemoryLimit(math.MaxInt64)
		return
	}
	watchGC()
}

// liveHeap returns the bytes the last collection found live.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
