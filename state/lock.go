package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"time"
)

// lockPoll is how often Lock looks again at a held lock: often enough that a
// waiting run starts soon after the other one ends, rarely enough to cost
// nothing.
const lockPoll = 200 * time.Millisecond

// LockInfo describes who holds the state lock. It is the content of the
// lock file.
type LockInfo struct {
	// ID identifies this lock, for force-unlock. Lock fills in a random
	// one when it is empty.
	ID string `json:"id"`
	// Operation is the command holding the lock, such as "apply".
	Operation string `json:"operation"`
	// Who is user@host; Lock fills it in when empty.
	Who string `json:"who"`
	// PID is the holder's process id; Lock fills it in when zero.
	PID int `json:"pid"`
	// Created is when the lock was taken; Lock fills it in when zero.
	Created time.Time `json:"created"`
}

// LockedError is returned by Lock when another run holds the state lock.
type LockedError struct {
	// Path is the lock file.
	Path string
	// Info describes the holder. It is zero when the lock file could not
	// be read, and Err says why.
	Info LockInfo
	// Err is why the lock file could not be read, or nil.
	Err error
}

// Error names the holder and says how to get the lock.
func (e *LockedError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("state is locked, but the lock file cannot be read (%v): wait for the other certform to finish, or if none is running remove %s by hand",
			e.Err, e.Path)
	}
	i := e.Info
	return fmt.Sprintf("state is locked by %s (pid %d) running %q since %s, lock id %s: wait for it to finish, or if it crashed run `certform force-unlock %s`",
		i.Who, i.PID, i.Operation, i.Created.UTC().Format(time.RFC3339), i.ID, i.ID)
}

// Unwrap returns why the lock file could not be read, or nil.
func (e *LockedError) Unwrap() error { return e.Err }

// Lock takes the state lock by creating the lock file, which must not
// exist, holding info. Empty fields of info are filled in (see LockInfo).
//
// While another run holds the lock, Lock tries again every 200ms until
// timeout has passed, then returns a [*LockedError] naming the holder; a
// timeout of 0 tries once. A lock file that cannot be read counts as held.
// If ctx ends first, Lock returns an error wrapping ctx.Err().
//
// The returned unlock removes the lock file if it still holds this lock's
// id; it returns an error, and leaves the file, when someone else's lock
// has replaced it. Calling unlock again returns the first result.
func (s *Store) Lock(ctx context.Context, info LockInfo, timeout time.Duration) (unlock func() error, err error) {
	info = fillLockInfo(info)
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("locking state: %w", err)
	}
	data = append(data, '\n')
	path := s.LockPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("locking state: %w", err)
	}

	deadline := time.Now().Add(timeout)
	for {
		err := createExclusive(path, data)
		if err == nil {
			return sync.OnceValue(func() error { return s.ForceUnlock(info.ID) }), nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("locking state: %w", err)
		}
		held, err := readLock(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released since we tried: try again now
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return nil, &LockedError{Path: path, Info: held, Err: err}
		}
		t := time.NewTimer(min(wait, lockPoll))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("waiting for the state lock: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// ForceUnlock removes the lock file, but only when it holds the lock with
// this id, so that a run cannot remove the lock of another that started
// since. It returns an error naming the real id when the ids differ, an
// error wrapping fs.ErrNotExist when the state is not locked, and an error
// when the lock file cannot be read (remove it by hand then).
func (s *Store) ForceUnlock(id string) error {
	path := s.LockPath()
	held, err := readLock(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("unlocking state: the state is not locked: %w", err)
	}
	if err != nil {
		return fmt.Errorf("unlocking state: %w; if no certform is running, remove %s by hand", err, path)
	}
	if held.ID != id {
		return fmt.Errorf("unlocking state: lock id %s does not match the lock held by %s (pid %d) running %q, whose id is %s",
			id, held.Who, held.PID, held.Operation, held.ID)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("unlocking state: %w", err)
	}
	return nil
}

// createExclusive writes a new file, failing with fs.ErrExist when it
// already exists.
func createExclusive(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// readLock reads a lock file. A file another run has created but not yet
// filled reads as invalid; callers treat that as held.
func readLock(path string) (LockInfo, error) {
	var info LockInfo
	data, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("reading lock file: %w", err)
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return LockInfo{}, fmt.Errorf("lock file %s is not valid JSON: %w", path, err)
	}
	if info.ID == "" {
		return LockInfo{}, fmt.Errorf("lock file %s has no lock id", path)
	}
	return info, nil
}

// fillLockInfo fills in the fields of info Lock documents as defaults.
func fillLockInfo(info LockInfo) LockInfo {
	if info.ID == "" {
		info.ID = newID()
	}
	if info.Who == "" {
		info.Who = whoAmI()
	}
	if info.PID == 0 {
		info.PID = os.Getpid()
	}
	if info.Created.IsZero() {
		info.Created = time.Now().UTC().Truncate(time.Second)
	}
	return info
}

// whoAmI returns user@host, with "unknown" for what cannot be found.
func whoAmI() string {
	name, host := "unknown", "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		host = h
	}
	return name + "@" + host
}
