package plan

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

// touch changes st, as applying a resource does, so that the saver has
// something to write.
func touch(st *state.File) {
	st.Set(&state.Resource{Address: "ini_file.app", Kind: "ini_file", Attributes: cty.StringVal(time.Now().String())})
}

func TestSaverFoldsRequests(t *testing.T) {
	var saves atomic.Int32
	release := make(chan struct{})
	st := state.New()
	s := newSaver(st, func(*state.File) error {
		if saves.Add(1) == 1 {
			<-release // the first save is slow
		}
		return nil
	})
	touch(st)
	s.request()
	for saves.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// Requests made while a save runs fold into one.
	for range 100 {
		touch(st)
		s.request()
	}
	close(release)
	if err := s.final(); err != nil {
		t.Fatal(err)
	}
	// The first save, at most one for the folded requests (it may not
	// have come before final), and the final one.
	if n := saves.Load(); n < 2 || n > 3 {
		t.Errorf("%d saves, want 2 or 3", n)
	}
}

func TestSaverGap(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	st := state.New()
	s := newSaver(st, func(*state.File) error {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		return nil
	})
	deadline := time.Now().Add(3 * minSaveGap)
	for time.Now().Before(deadline) {
		touch(st)
		s.request()
		time.Sleep(minSaveGap / 20)
	}
	start := time.Now()
	if err := s.final(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > minSaveGap/2 {
		t.Errorf("final took %s: it must not wait for the gap", waited)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) < 3 {
		t.Fatalf("%d saves in %s of requests, want one at least every %s", len(times), 3*minSaveGap, minSaveGap)
	}
	// Every save but the final one follows the previous by the gap.
	for i := 1; i < len(times)-1; i++ {
		if d := times[i].Sub(times[i-1]); d < minSaveGap-10*time.Millisecond {
			t.Errorf("saves %d and %d are %s apart, want at least %s", i-1, i, d, minSaveGap)
		}
	}
}

// TestSaverReportsEarlierError: a save that failed is reported even when
// the final save succeeds.
func TestSaverReportsEarlierError(t *testing.T) {
	boom := errors.New("disk full")
	var calls atomic.Int32
	st := state.New()
	s := newSaver(st, func(*state.File) error {
		if calls.Add(1) == 1 {
			return boom
		}
		return nil
	})
	touch(st)
	s.request()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := s.final(); !errors.Is(err, boom) {
		t.Errorf("final = %v, want %v", err, boom)
	}
}

func TestSaverFinalError(t *testing.T) {
	boom := errors.New("boom")
	st := state.New()
	s := newSaver(st, func(*state.File) error { return boom })
	touch(st)
	if err := s.final(); !errors.Is(err, boom) {
		t.Errorf("final = %v, want %v", err, boom)
	}
}

// TestSaverSkipsUnchanged: requests for a state that did not change write
// nothing, not even the final save; a change is written once.
func TestSaverSkipsUnchanged(t *testing.T) {
	st := state.New()
	touch(st) // as read from disk: already saved
	var saves atomic.Int32
	s := newSaver(st, func(*state.File) error {
		saves.Add(1)
		return nil
	})
	for range 3 {
		s.request()
	}
	st.SetOutputs(nil)                // no outputs before either
	st.ClearFailedHook("hook.reload") // there was none
	st.Remove("certificate.none")     // nor such a resource
	if err := s.final(); err != nil {
		t.Fatal(err)
	}
	if n := saves.Load(); n != 0 {
		t.Errorf("%d saves of a state that did not change, want none", n)
	}

	s = newSaver(st, func(*state.File) error {
		saves.Add(1)
		return nil
	})
	st.SetFailedHook(state.FailedHook{Address: "hook.reload", Reason: "failed"})
	s.request()
	if err := s.final(); err != nil {
		t.Fatal(err)
	}
	if n := saves.Load(); n != 1 {
		t.Errorf("%d saves of a state that changed once, want 1", n)
	}
}
