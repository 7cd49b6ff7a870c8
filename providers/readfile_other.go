//go:build !linux

package providers

import (
	"io"
	"io/fs"
	"os"
)

// readFile is os.ReadFile that also returns what the open file's Stat
// says, which os.ReadFile asks for anyway: a later Stat of the same file
// then needs no system call of its own.
func readFile(name string) ([]byte, fs.FileInfo, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	// As os.ReadFile: room for the whole file and one byte more, so that
	// the read that finds the end needs no larger buffer.
	data := make([]byte, 0, max(fi.Size()+1, 512))
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, fi, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew
		}
	}
}
