package plan

import (
	"context"
	"fmt"
	"sync"
)

// walk calls visit for every node once all the nodes it depends on have
// been visited without error, running at most parallelism visits at once.
// A node whose dependency failed is not visited; its error says which
// dependency failed. Dependencies outside nodes are ignored. It returns the
// error of every node that failed or was skipped.
func walk(ctx context.Context, nodes []string, deps map[string][]string, parallelism int, visit func(ctx context.Context, node string) error) map[string]error {
	if parallelism < 1 {
		parallelism = 1
	}
	done := make(map[string]chan struct{}, len(nodes))
	for _, n := range nodes {
		done[n] = make(chan struct{})
	}
	var mu sync.Mutex
	errs := map[string]error{}
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[n])
			for _, d := range deps[n] {
				ch, ok := done[d]
				if !ok {
					continue
				}
				<-ch
				mu.Lock()
				failed := errs[d] != nil
				mu.Unlock()
				if failed {
					mu.Lock()
					errs[n] = fmt.Errorf("skipped because %s failed", d)
					mu.Unlock()
					return
				}
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				mu.Lock()
				errs[n] = ctx.Err()
				mu.Unlock()
				return
			}
			if err := ctx.Err(); err != nil {
				<-sem
				mu.Lock()
				errs[n] = err
				mu.Unlock()
				return
			}
			err := visit(ctx, n)
			<-sem
			if err != nil {
				mu.Lock()
				errs[n] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errs
}
