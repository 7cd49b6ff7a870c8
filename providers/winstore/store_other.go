//go:build !windows

package winstore

// System returns the host's certificate stores: on this system, none.
func System() Store { return noStore{} }

type noStore struct{}

func (noStore) Find(string, string, string) (Entry, bool, error) {
	return Entry{}, false, ErrNotWindows
}
func (noStore) Add(string, string, []byte, []byte, string) error { return ErrNotWindows }
func (noStore) Remove(string, string, string) error              { return ErrNotWindows }
