package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestWalkCycle: nodes that wait for each other are not visited, and say
// so, instead of waiting forever; the rest of the walk goes on.
func TestWalkCycle(t *testing.T) {
	nodes := []string{"a", "b", "c", "d", "free"}
	deps := map[string][]string{"a": {"b"}, "b": {"a"}, "c": {"b"}, "d": {"d"}}
	var mu sync.Mutex
	var visited []string
	errs := walk(context.Background(), nodes, deps, 2, func(_ context.Context, n string) error {
		mu.Lock()
		visited = append(visited, n)
		mu.Unlock()
		return nil
	})
	if !slices.Equal(visited, []string{"free"}) {
		t.Errorf("visited %v, want [free]", visited)
	}
	for _, n := range []string{"a", "b", "c", "d"} {
		if errs[n] == nil || !strings.Contains(errs[n].Error(), "skipped") {
			t.Errorf("%s: error %v, want a skip", n, errs[n])
		}
	}
	if len(errs) != 4 {
		t.Errorf("errors for %d nodes, want 4: %v", len(errs), errs)
	}
}

// TestWalkLarge walks a long chain beside many independent nodes, as a
// large configuration has (every certificate after its issuer).
func TestWalkLarge(t *testing.T) {
	var nodes []string
	deps := map[string][]string{}
	for i := range 5000 {
		n := fmt.Sprint("chain", i)
		nodes = append(nodes, n, fmt.Sprint("free", i))
		if i > 0 {
			deps[n] = []string{fmt.Sprint("chain", i-1)}
		}
	}
	var mu sync.Mutex
	done := map[string]bool{}
	errs := walk(context.Background(), nodes, deps, 10, func(_ context.Context, n string) error {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range deps[n] {
			if !done[d] {
				t.Errorf("%s visited before %s", n, d)
			}
		}
		done[n] = true
		return nil
	})
	if len(errs) != 0 || len(done) != len(nodes) {
		t.Errorf("%d errors, %d of %d nodes visited", len(errs), len(done), len(nodes))
	}
}
