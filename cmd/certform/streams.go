package main

import (
	"bufio"
	"io"
	"os"

	"golang.org/x/term"
)

// streams are where a command reads and writes; tests substitute them.
type streams struct {
	in       io.Reader
	out, err io.Writer
	// interactive is set when input and output are a terminal, so the
	// command may ask for confirmation.
	interactive bool
	// color is the default for colored output: a terminal. The NO_COLOR
	// environment variable and --no-color turn it off (see run).
	color bool
	// width of the terminal, for diagnostics.
	width uint
	env   []string
}

func newStreams() *streams {
	s := &streams{in: os.Stdin, out: os.Stdout, err: os.Stderr, env: os.Environ(), width: 78}
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	s.interactive = term.IsTerminal(int(os.Stdin.Fd())) && outTTY
	s.color = outTTY
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
		s.width = uint(w)
	}
	return s
}

// confirm asks a yes/no question on the terminal.
func (s *streams) confirm(question string) bool {
	_, _ = io.WriteString(s.out, question+"\n  Only 'yes' will be accepted.\n\n  Enter a value: ")
	line, _ := bufio.NewReader(s.in).ReadString('\n')
	return line == "yes\n" || line == "yes\r\n" || line == "yes"
}
