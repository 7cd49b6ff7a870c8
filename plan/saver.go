package plan

import (
	"time"

	"github.com/certform/certform/state"
)

// minSaveGap is the least time between two saves during apply. Each save
// writes the whole state, so saving after each of thousands of resources
// that finish within milliseconds would cost more than applying them:
// requests that come sooner fold into the next save. A save that took
// longer than half of minSaveGap makes the gap twice its length, so that
// saving never takes more than a third of the time. The final save comes
// without delay.
const minSaveGap = 200 * time.Millisecond

// saver writes the state after changes without queueing a write per
// resource: saves run one at a time in their own goroutine, at least
// minSaveGap apart, and the requests that come meanwhile fold into the
// next one. Call final once, when no more requests come.
//
// It writes only a state whose content changed since it was last written
// (by its revision, state.File.Revision), as Terraform does: an apply
// that changed nothing, such as one whose first resource failed, leaves
// the state file, its serial and its backup as they were.
type saver struct {
	st   *state.File
	save func(*state.File) error
	// saved is the revision of st last written (at first, as it was read).
	// Only run uses it until stopped is closed, then only final.
	saved uint64

	wake    chan struct{} // holds a request not yet served
	stop    chan struct{}
	stopped chan struct{}
	err     error // the first save error; read after stopped is closed
}

func newSaver(st *state.File, save func(*state.File) error) *saver {
	s := &saver{
		st:      st,
		save:    save,
		saved:   st.Revision(),
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go s.run()
	return s
}

// request asks for a save of the state as it is now or later.
func (s *saver) request() {
	select {
	case s.wake <- struct{}{}:
	default: // a request is already waiting
	}
}

func (s *saver) run() {
	defer close(s.stopped)
	var next time.Time // no save before then
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		if wait := time.Until(next); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-s.stop:
				t.Stop()
				return
			case <-t.C:
			}
		}
		start := time.Now()
		if err := s.saveChanged(); err != nil && s.err == nil {
			s.err = err
		}
		took := time.Since(start)
		next = time.Now().Add(max(minSaveGap, 2*took))
	}
}

// saveChanged saves the state if it changed since it was last written.
func (s *saver) saveChanged() error {
	rev := s.st.Revision()
	if rev == s.saved {
		return nil
	}
	// A change made while save runs may or may not be written; it raises
	// the revision past rev, so the next save writes it in any case.
	if err := s.save(s.st); err != nil {
		return err
	}
	s.saved = rev
	return nil
}

// final waits for a save under way, saves once more if the state changed
// since it was last written, whatever requests are pending, and reports
// the first error of all saves.
func (s *saver) final() error {
	close(s.stop)
	<-s.stopped
	if err := s.saveChanged(); err != nil {
		return err
	}
	return s.err
}
