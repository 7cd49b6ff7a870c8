package hook

// tailBuffer keeps the last max bytes written to it. exec.Cmd writes to it
// from one goroutine at a time when it is both Stdout and Stderr.
type tailBuffer struct {
	max       int
	buf       []byte
	truncated bool
}

// Write implements io.Writer; it never fails.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.truncated = true
	}
	return len(p), nil
}

// Bytes returns what was kept, marked when the beginning was dropped.
func (b *tailBuffer) Bytes() []byte {
	if b.truncated {
		return append([]byte("[earlier output dropped]\n"), b.buf...)
	}
	return b.buf
}
