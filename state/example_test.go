package state_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/certform/certform/state"
)

// An apply locks the state, loads it, records each resource as it is
// applied, and saves after each one.
func Example() {
	dir, err := os.MkdirTemp("", "certform")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store := state.NewStore(filepath.Join(dir, state.DefaultFileName))
	unlock, err := store.Lock(context.Background(), state.LockInfo{Operation: "apply"}, 10*time.Second)
	if err != nil {
		log.Fatal(err) // a *state.LockedError names the holder
	}
	defer unlock()

	f, err := store.Load() // a new, empty state the first time
	if err != nil {
		log.Fatal(err)
	}
	f.Set(&state.Resource{
		Address:    "certificate.ies",
		Kind:       "certificate",
		Attributes: cty.ObjectVal(map[string]cty.Value{"common_name": cty.StringVal("ies.example.internal")}),
	})
	if err := store.Save(f); err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Serial, f.Addresses())
	// Output: 1 [certificate.ies]
}
