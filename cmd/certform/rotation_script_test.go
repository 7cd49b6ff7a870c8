package main

import (
	"encoding/json"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdLockID sets $NAME to the id of the state lock a killed run left:
// lockid NAME (reads certform.state.json.lock), for certform force-unlock.
func cmdLockID(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: lockid NAME")
	}
	var lock struct {
		ID string `json:"id"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("certform.state.json.lock")), &lock))
	if lock.ID == "" {
		ts.Fatalf("the lock file has no id")
	}
	ts.Setenv(args[0], lock.ID)
}
