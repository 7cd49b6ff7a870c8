package state

import (
	"cmp"
	"slices"
	"time"
)

// FailedHook records a hook that failed, or did not run, in an apply that
// planned it, the way Terraform marks a resource whose provisioner failed
// as tainted: the changes that triggered it are recorded as made, so
// without this record nothing would run it again. The next plan runs the
// hook again and gives Reason; once it succeeds the record is cleared.
type FailedHook struct {
	// Address names the hook, such as "hook.restart_ies".
	Address string
	// Reason says what happened, as the next plan shows it: "failed in
	// the last apply with exit code 7".
	Reason string
	// ExitCode is the command's exit status, or 0 when it did not exit
	// with one (it timed out, could not start or did not run).
	ExitCode int
	// FailedAt is when it failed; written in UTC to the second.
	FailedAt time.Time
}

// failedHookJSON is a FailedHook as the state file holds it.
type failedHookJSON struct {
	Address  string `json:"address"`
	Reason   string `json:"reason"`
	ExitCode int    `json:"exit_code,omitempty"`
	FailedAt string `json:"failed_at,omitempty"`
}

// SetFailedHook records h under h.Address, replacing an earlier record.
func (f *File) SetFailedHook(h FailedHook) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if old, ok := f.failedHooks[h.Address]; ok && old.json() == h.json() {
		return // the file would hold the same record
	}
	if f.failedHooks == nil {
		f.failedHooks = map[string]FailedHook{}
	}
	f.failedHooks[h.Address] = h
	f.revision++
}

// ClearFailedHook removes the record of the hook at addr and reports
// whether there was one.
func (f *File) ClearFailedHook(addr string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.failedHooks[addr]
	delete(f.failedHooks, addr)
	if ok {
		f.revision++
	}
	return ok
}

// FailedHooks returns the recorded failed hooks, sorted by address.
func (f *File) FailedHooks() []FailedHook {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FailedHook, 0, len(f.failedHooks))
	for _, h := range f.failedHooks {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b FailedHook) int { return cmp.Compare(a.Address, b.Address) })
	return out
}

// json returns h as the state file holds it.
func (h FailedHook) json() failedHookJSON {
	return failedHookJSON{Address: h.Address, Reason: h.Reason, ExitCode: h.ExitCode, FailedAt: formatTime(h.FailedAt)}
}

// failedHooksJSON returns the records as the file holds them, sorted, or
// nil when there are none (the field is then left out); f.mu must be held.
func (f *File) failedHooksJSON() []failedHookJSON {
	var out []failedHookJSON
	for _, h := range f.failedHooks {
		out = append(out, h.json())
	}
	slices.SortFunc(out, func(a, b failedHookJSON) int { return cmp.Compare(a.Address, b.Address) })
	return out
}
