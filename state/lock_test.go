package state_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/certform/certform/state"
)

var holder = state.LockInfo{
	ID:        "1234abcd-0000-4000-8000-000000000001",
	Operation: "apply",
	Who:       "root@ies-host",
	PID:       123,
	Created:   time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC),
}

func TestLockContention(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	unlock, err := s.Lock(ctx, holder, 0)
	if err != nil {
		t.Fatal(err)
	}

	// The lock file names its holder.
	var onDisk state.LockInfo
	if err := json.Unmarshal([]byte(readFile(t, s.LockPath())), &onDisk); err != nil {
		t.Fatal(err)
	}
	if onDisk != holder {
		t.Errorf("lock file holds %+v, want %+v", onDisk, holder)
	}

	tests := []struct {
		name    string
		timeout time.Duration
	}{
		{"try once", 0},
		{"wait then give up", 300 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := s.Lock(ctx, state.LockInfo{Operation: "plan"}, tc.timeout)
			waited := time.Since(start)
			var le *state.LockedError
			if !errors.As(err, &le) {
				t.Fatalf("second Lock = %v, want a *LockedError", err)
			}
			if le.Info != holder || le.Path != s.LockPath() {
				t.Errorf("LockedError = %+v, want holder %+v at %s", le, holder, s.LockPath())
			}
			want := "state is locked by root@ies-host (pid 123) running \"apply\" since 2026-11-23T18:00:00Z, lock id 1234abcd-0000-4000-8000-000000000001: " +
				"wait for it to finish, or if it crashed run `certform force-unlock 1234abcd-0000-4000-8000-000000000001`"
			if err.Error() != want {
				t.Errorf("error:\n%s\nwant:\n%s", err, want)
			}
			if waited < tc.timeout {
				t.Errorf("gave up after %v, before the %v timeout", waited, tc.timeout)
			}
		})
	}

	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.LockPath()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file still there after unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock = %v, want the first result (nil)", err)
	}
	unlock2, err := s.Lock(ctx, state.LockInfo{Operation: "plan"}, 0)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	s := newStore(t)
	unlock, err := s.Lock(context.Background(), holder, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() {
		if err := unlock(); err != nil {
			t.Error(err)
		}
	})
	unlock2, err := s.Lock(context.Background(), state.LockInfo{Operation: "apply"}, 5*time.Second)
	if err != nil {
		t.Fatalf("Lock did not get the released lock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}

func TestLockContextCancelled(t *testing.T) {
	s := newStore(t)
	unlock, err := s.Lock(context.Background(), holder, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = s.Lock(ctx, state.LockInfo{}, time.Minute)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock with a cancelled context = %v, want context.DeadlineExceeded", err)
	}
}

func TestLockFillsInfo(t *testing.T) {
	s := newStore(t)
	unlock, err := s.Lock(context.Background(), state.LockInfo{Operation: "apply"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, err = s.Lock(context.Background(), state.LockInfo{}, 0)
	var le *state.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock = %v, want a *LockedError", err)
	}
	i := le.Info
	if i.ID == "" || !strings.Contains(i.Who, "@") || i.PID != os.Getpid() || i.Created.IsZero() || i.Operation != "apply" {
		t.Errorf("lock info not filled in: %+v", i)
	}
}

func TestUnreadableLockCountsAsHeld(t *testing.T) {
	s := newStore(t)
	if err := os.WriteFile(s.LockPath(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.Lock(context.Background(), state.LockInfo{}, 0)
	var le *state.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("Lock over a garbage lock file = %v, want a *LockedError", err)
	}
	if le.Err == nil || !strings.Contains(err.Error(), "cannot be read") || !strings.Contains(err.Error(), s.LockPath()) {
		t.Errorf("error %q should say the lock file cannot be read and name it", err)
	}
	t.Log(err)
	if readFile(t, s.LockPath()) != "{not json" {
		t.Error("Lock changed a lock file it does not hold")
	}
}

func TestForceUnlock(t *testing.T) {
	tests := []struct {
		name     string
		id       string
		wantErr  []string // substrings; none means success
		wantHeld bool
	}{
		{
			name:     "wrong id",
			id:       "not-the-id",
			wantErr:  []string{"not-the-id", "root@ies-host", "whose id is " + holder.ID},
			wantHeld: true,
		},
		{
			name: "right id",
			id:   holder.ID,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if _, err := s.Lock(context.Background(), holder, 0); err != nil {
				t.Fatal(err)
			}
			err := s.ForceUnlock(tc.id)
			if len(tc.wantErr) == 0 && err != nil {
				t.Fatalf("ForceUnlock = %v", err)
			}
			if len(tc.wantErr) > 0 && err == nil {
				t.Fatal("ForceUnlock succeeded, want an error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			_, statErr := os.Stat(s.LockPath())
			if held := statErr == nil; held != tc.wantHeld {
				t.Errorf("lock held after ForceUnlock: %v, want %v", held, tc.wantHeld)
			}
		})
	}

	t.Run("not locked", func(t *testing.T) {
		err := newStore(t).ForceUnlock(holder.ID)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ForceUnlock without a lock = %v, want fs.ErrNotExist", err)
		}
	})
}

// After a force-unlock another run may take the lock; the first run's
// unlock must then leave that lock alone.
func TestUnlockAfterForceUnlock(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	unlock, err := s.Lock(ctx, holder, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ForceUnlock(holder.ID); err != nil {
		t.Fatal(err)
	}
	unlock2, err := s.Lock(ctx, state.LockInfo{Operation: "apply"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err == nil {
		t.Error("stale unlock succeeded, want an error")
	}
	if _, err := os.Stat(s.LockPath()); err != nil {
		t.Errorf("stale unlock removed the new lock: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Fatal(err)
	}
}
