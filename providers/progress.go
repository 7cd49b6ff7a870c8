package providers

import "fmt"

// Report tells Progress, if set, what a resource is doing now. It is safe to
// call on a nil Env.
func (e *Env) Report(address, format string, args ...any) {
	if e == nil || e.Progress == nil {
		return
	}
	e.Progress(address, fmt.Sprintf(format, args...))
}
