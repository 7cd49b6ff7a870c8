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
// error of every node that failed or was skipped. Once ctx is cancelled no
// further visit starts, and the nodes left report ctx.Err() (or the
// dependency that did not run). Nodes caught in a dependency cycle are not
// visited and report it.
//
// A fixed pool of parallelism workers takes the nodes whose dependencies
// are done from a queue. (A goroutine per node, waiting for its
// dependencies, cost a goroutine stack per resource: some 80 MB for 10,000
// resources, with the stacks grown again for every visit.)
func walk(ctx context.Context, nodes []string, deps map[string][]string, parallelism int, visit func(ctx context.Context, node string) error) map[string]error {
	if parallelism < 1 {
		parallelism = 1
	}
	w := newWalker(nodes, deps)
	var wg sync.WaitGroup
	for range min(parallelism, len(nodes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.work(ctx, visit)
		}()
	}
	wg.Wait()
	errs := map[string]error{}
	for i, err := range w.errs {
		if err != nil {
			errs[nodes[i]] = err
		}
	}
	return errs
}

// walker is the state of one walk. Nodes are numbered by their index in
// nodes; every field below mu is guarded by it.
type walker struct {
	nodes      []string
	deps       [][]int // the dependencies of each node, in the order given
	dependents [][]int

	mu      sync.Mutex
	cond    *sync.Cond // signalled when a node is ready or the walk ends
	pending []int      // dependencies of each node not yet finished
	ready   []int      // nodes whose dependencies are all finished
	done    []bool
	errs    []error
	left    int // nodes not finished
	running int // visits under way
}

func newWalker(nodes []string, deps map[string][]string) *walker {
	w := &walker{
		nodes:      nodes,
		deps:       make([][]int, len(nodes)),
		dependents: make([][]int, len(nodes)),
		pending:    make([]int, len(nodes)),
		done:       make([]bool, len(nodes)),
		errs:       make([]error, len(nodes)),
		left:       len(nodes),
	}
	w.cond = sync.NewCond(&w.mu)
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n] = i
	}
	for i, n := range nodes {
		for _, d := range deps[n] {
			if j, ok := index[d]; ok {
				w.deps[i] = append(w.deps[i], j)
				w.dependents[j] = append(w.dependents[j], i)
				w.pending[i]++
			}
		}
		if w.pending[i] == 0 {
			w.ready = append(w.ready, i)
		}
	}
	return w
}

// work visits ready nodes until none is left.
func (w *walker) work(ctx context.Context, visit func(ctx context.Context, node string) error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.ready) == 0 && w.left > 0 && w.running > 0 {
			w.cond.Wait()
		}
		if len(w.ready) == 0 {
			// Either every node is finished, or nothing runs and no
			// node is ready: the nodes left wait for each other.
			for i := range w.nodes {
				if !w.done[i] {
					w.finish(i, fmt.Errorf("skipped because of a dependency cycle"))
				}
			}
			return
		}
		i := w.ready[0]
		w.ready = w.ready[1:]
		if err := ctx.Err(); err != nil {
			w.finish(i, err)
			continue
		}
		w.running++
		w.mu.Unlock()
		err := visit(ctx, w.nodes[i])
		w.mu.Lock()
		w.running--
		w.finish(i, err)
	}
}

// finish records the outcome of node i and releases the nodes that depend
// on it: a node whose dependencies are all finished is ready, or, when one
// of them failed, skipped (and so finished in turn). w.mu must be held.
func (w *walker) finish(i int, err error) {
	w.done[i], w.errs[i] = true, err
	w.left--
	for _, j := range w.dependents[i] {
		w.pending[j]--
		if w.pending[j] > 0 || w.done[j] {
			continue
		}
		if d := w.firstFailed(j); d >= 0 {
			w.finish(j, fmt.Errorf("skipped because %s failed", w.nodes[d]))
		} else {
			w.ready = append(w.ready, j)
		}
	}
	w.cond.Broadcast()
}

// firstFailed returns the first dependency of node i, in the order given,
// that failed or was skipped; -1 when there is none.
func (w *walker) firstFailed(i int) int {
	for _, d := range w.deps[i] {
		if w.errs[d] != nil {
			return d
		}
	}
	return -1
}
