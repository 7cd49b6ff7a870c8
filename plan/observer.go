package plan

import "time"

// Observer is told about progress while planning and applying, so a view can
// show it. Calls may come from several goroutines at once.
type Observer interface {
	PreRefresh(addr string)
	PreApply(addr string, action Action)
	PostApply(addr string, action Action, err error, elapsed time.Duration)
	HookOutput(addr string, output []byte, err error)
}

// NopObserver ignores everything; embed it to implement only some methods.
type NopObserver struct{}

// PreRefresh implements Observer.
func (NopObserver) PreRefresh(string) {}

// PreApply implements Observer.
func (NopObserver) PreApply(string, Action) {}

// PostApply implements Observer.
func (NopObserver) PostApply(string, Action, error, time.Duration) {}

// HookOutput implements Observer.
func (NopObserver) HookOutput(string, []byte, error) {}
