package plan

// walk is unexported, so these tests are inside the package; everything
// else in plan is tested from plan_test.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// visits records the order in which walk starts and ends visits.
type visits struct {
	mu     sync.Mutex
	events []string
}

func (v *visits) add(e string) {
	v.mu.Lock()
	v.events = append(v.events, e)
	v.mu.Unlock()
}

func (v *visits) index(e string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Index(v.events, e)
}

func (v *visits) started() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for _, e := range v.events {
		if n, ok := strings.CutPrefix(e, "start "); ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestWalkOrder(t *testing.T) {
	// A diamond with a tail, and a node on its own:
	//
	//	root -> left, right -> join -> tail        alone
	nodes := []string{"tail", "join", "right", "left", "root", "alone"}
	deps := map[string][]string{
		"left":  {"root"},
		"right": {"root"},
		"join":  {"left", "right"},
		"tail":  {"join", "outside"}, // outside is not a node: ignored
	}
	for _, parallelism := range []int{1, 2, 10} {
		t.Run(fmt.Sprint("parallelism ", parallelism), func(t *testing.T) {
			v := &visits{}
			errs := walk(context.Background(), nodes, deps, parallelism, func(_ context.Context, n string) error {
				v.add("start " + n)
				time.Sleep(time.Millisecond)
				v.add("end " + n)
				return nil
			})
			if len(errs) != 0 {
				t.Errorf("errors: %v", errs)
			}
			if got, want := v.started(), []string{"alone", "join", "left", "right", "root", "tail"}; !slices.Equal(got, want) {
				t.Errorf("visited %v, want each of %v once", got, want)
			}
			for n, ds := range deps {
				for _, d := range ds {
					if d == "outside" {
						continue
					}
					if v.index("end "+d) > v.index("start "+n) {
						t.Errorf("%s started before its dependency %s ended: %v", n, d, v.events)
					}
				}
			}
		})
	}
}

func TestWalkParallelism(t *testing.T) {
	var nodes []string
	for i := range 40 {
		nodes = append(nodes, fmt.Sprint("n", i))
	}
	for _, tc := range []struct {
		parallelism, want int
	}{
		{1, 1},
		{3, 3},
		{0, 1},  // less than one means one
		{-5, 1}, //
	} {
		t.Run(fmt.Sprint(tc.parallelism), func(t *testing.T) {
			var running, peak, total atomic.Int32
			errs := walk(context.Background(), nodes, nil, tc.parallelism, func(context.Context, string) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
				total.Add(1)
				return nil
			})
			if len(errs) != 0 {
				t.Errorf("errors: %v", errs)
			}
			if total.Load() != int32(len(nodes)) {
				t.Errorf("%d visits, want %d", total.Load(), len(nodes))
			}
			if got := int(peak.Load()); got > tc.want {
				t.Errorf("%d visits ran at once, parallelism allows %d", got, tc.want)
			}
			if got := int(peak.Load()); tc.want > 1 && got < 2 {
				t.Errorf("at most %d visit ran at once with parallelism %d: the walk is not parallel", got, tc.parallelism)
			}
		})
	}
}

func TestWalkFailureSkipsDependants(t *testing.T) {
	nodes := []string{"a", "b", "c", "d", "e"}
	deps := map[string][]string{
		"b": {"a"},
		"c": {"b"},
		"e": {"d", "a"},
	}
	boom := errors.New("boom")
	v := &visits{}
	errs := walk(context.Background(), nodes, deps, 4, func(_ context.Context, n string) error {
		v.add("start " + n)
		if n == "a" {
			return boom
		}
		return nil
	})
	if got := v.started(); !slices.Equal(got, []string{"a", "d"}) {
		t.Errorf("visited %v, want [a d]", got)
	}
	if !errors.Is(errs["a"], boom) {
		t.Errorf("a: %v, want its own error", errs["a"])
	}
	for n, failed := range map[string]string{"b": "a", "c": "b", "e": "a"} {
		err := errs[n]
		if err == nil || !strings.Contains(err.Error(), failed) || !strings.Contains(err.Error(), "skipped") {
			t.Errorf("%s: error %v, want one saying it was skipped because %s failed", n, err, failed)
		}
	}
	if errs["d"] != nil {
		t.Errorf("d: %v", errs["d"])
	}
	if len(errs) != 4 {
		t.Errorf("errors for %d nodes, want 4: %v", len(errs), errs)
	}
}

// TestWalkCancelled: once the context is cancelled, no further visit may
// start; every node not visited reports the cancellation (or the
// cancelled dependency it waited for).
func TestWalkCancelled(t *testing.T) {
	var nodes []string
	deps := map[string][]string{}
	for i := range 100 {
		n := fmt.Sprint("n", i)
		nodes = append(nodes, n)
		if i%10 != 0 {
			deps[n] = []string{fmt.Sprint("n", i-i%10)}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var mu sync.Mutex
	visited := map[string]bool{}
	errs := walk(ctx, nodes, deps, len(nodes), func(_ context.Context, n string) error {
		mu.Lock()
		visited[n] = true
		mu.Unlock()
		return nil
	})
	if len(visited) != 0 {
		t.Errorf("%d of %d visits started after the context was cancelled, want none", len(visited), len(nodes))
	}
	checkCancelled(t, nodes, deps, errs, visited)
}

func TestWalkCancelledMidway(t *testing.T) {
	var nodes []string
	for i := range 30 {
		nodes = append(nodes, fmt.Sprint("n", i))
	}
	deps := map[string][]string{"n29": {"n28"}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	visited := map[string]bool{}
	errs := walk(ctx, nodes, deps, 1, func(ctx context.Context, n string) error {
		mu.Lock()
		first := len(visited) == 0
		visited[n] = true
		mu.Unlock()
		if first {
			cancel()
			<-ctx.Done()
		}
		return nil
	})
	if len(visited) == len(nodes) {
		t.Errorf("every node was visited although the context was cancelled during the first visit")
	}
	checkCancelled(t, nodes, deps, errs, visited)
}

// checkCancelled checks that every node not visited has an error: the
// context's, or a skip naming the dependency that did not run.
func checkCancelled(t *testing.T, nodes []string, deps map[string][]string, errs map[string]error, visited map[string]bool) {
	t.Helper()
	for _, n := range nodes {
		if visited[n] {
			if errs[n] != nil {
				t.Errorf("%s was visited and succeeded, but has error %v", n, errs[n])
			}
			continue
		}
		err := errs[n]
		switch {
		case err == nil:
			t.Errorf("%s was not visited and has no error", n)
		case errors.Is(err, context.Canceled):
		case len(deps[n]) > 0 && strings.Contains(err.Error(), deps[n][0]):
		default:
			t.Errorf("%s: error %v, want context.Canceled or a skip naming %v", n, err, deps[n])
		}
	}
}
