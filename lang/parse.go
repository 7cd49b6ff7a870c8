package lang

import (
	"bytes"
	"runtime"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// pieceSize is about the size of the pieces a configuration file is parsed
// in. The parser first turns a whole source into one slice of tokens, which
// for a large file grows through many copies and costs more than the
// parsing itself; pieces of a few KB keep that slice small, and let the
// pieces of one large file be parsed on every CPU.
const pieceSize = 4 << 10

// piece is a part of a configuration file: it starts at the beginning of
// the file or of a top-level block, and ends after a line holding only the
// "}" that closes one.
type piece struct {
	src   []byte
	start hcl.Pos
}

// cut splits src into pieces of about pieceSize bytes. A cut is made only
// after a line that is just "}"; when that line ends something other than
// a top-level block (a nested block not indented, a heredoc), parsing the
// pieces fails and the file is parsed whole (join).
func cut(src []byte) []piece {
	var out []piece
	start := hcl.InitialPos
	for len(src) > 2*pieceSize {
		n := cutAfter(src, pieceSize)
		if n < 0 {
			break
		}
		out = append(out, piece{src: src[:n], start: start})
		start = hcl.Pos{Line: start.Line + bytes.Count(src[:n], []byte{'\n'}), Column: 1, Byte: start.Byte + n}
		src = src[n:]
	}
	return append(out, piece{src: src, start: start})
}

// cutAfter returns the length of the first piece of src: up to the end of
// the first line "}" (or "}\r") that starts at or after offset from, or -1.
func cutAfter(src []byte, from int) int {
	for i := from; i < len(src); {
		j := bytes.Index(src[i:], []byte("\n}"))
		if j < 0 {
			return -1
		}
		end := i + j + 2 // after the "}"
		switch {
		case end < len(src) && src[end] == '\n':
			return end + 1
		case end+1 < len(src) && src[end] == '\r' && src[end+1] == '\n':
			return end + 2
		}
		i = end
	}
	return -1
}

// parsed is a piece parsed, with its top-level blocks (Config.splitFile).
type parsed struct {
	start  int // its first byte in the file
	file   *hcl.File
	diags  hcl.Diagnostics
	blocks []topBlock
}

// clean reports whether a piece parsed with nothing to report at its top
// level: no diagnostic, no argument outside a block. Only then is a file
// made of its pieces the file parsed whole (an argument could be set twice
// in two pieces; a diagnostic could come from a cut in the wrong place).
func (p parsed) clean() bool {
	body, ok := p.file.Body.(*hclsyntax.Body)
	return ok && len(p.diags) == 0 && len(body.Attributes) == 0 && len(p.blocks[0].diags) == 0
}

// join returns the file its parsed pieces make, as hclsyntax.ParseConfig
// returns it for the whole source (one body holding the blocks of every
// piece), with its top-level blocks. It returns false when the file has
// several pieces and one is not clean.
func join(src []byte, pieces []parsed) (*hcl.File, []topBlock, hcl.Diagnostics, bool) {
	if len(pieces) == 1 {
		return pieces[0].file, pieces[0].blocks, pieces[0].diags, true
	}
	first := pieces[0].file.Body.(*hclsyntax.Body)
	last := pieces[len(pieces)-1].file.Body.(*hclsyntax.Body)
	body := &hclsyntax.Body{
		Attributes: hclsyntax.Attributes{},
		SrcRange:   hcl.RangeBetween(first.SrcRange, last.SrcRange),
		EndRange:   last.EndRange,
	}
	nav := pieceNav{}
	blocks := []topBlock{{}}
	for _, p := range pieces {
		if !p.clean() {
			return nil, nil, nil, false
		}
		b := p.file.Body.(*hclsyntax.Body)
		body.Blocks = append(body.Blocks, b.Blocks...)
		blocks = append(blocks, p.blocks[1:]...)
		nav.starts = append(nav.starts, p.start)
		nav.navs = append(nav.navs, p.file.Nav)
	}
	return &hcl.File{Body: body, Bytes: src, Nav: nav}, blocks, nil, true
}

// pieceNav is the Nav of a file parsed in pieces: it asks the piece holding
// an offset, whose own Nav knows its blocks. hcl's diagnostics use it to
// name the block a problem is in.
type pieceNav struct {
	starts []int // the first byte of each piece
	navs   []any
}

// at returns the Nav of the piece holding offset.
func (n pieceNav) at(offset int) any {
	i := sort.Search(len(n.starts), func(i int) bool { return n.starts[i] > offset }) - 1
	if i < 0 {
		return nil
	}
	return n.navs[i]
}

// ContextString implements the interface hcl's diagnostic writer looks for.
func (n pieceNav) ContextString(offset int) string {
	if nav, ok := n.at(offset).(interface{ ContextString(int) string }); ok {
		return nav.ContextString(offset)
	}
	return ""
}

// ContextDefRange implements the interface of hcled.ContextDefRange.
func (n pieceNav) ContextDefRange(offset int) hcl.Range {
	if nav, ok := n.at(offset).(interface{ ContextDefRange(int) hcl.Range }); ok {
		return nav.ContextDefRange(offset)
	}
	return hcl.Range{}
}

// parallel calls f(0) ... f(n-1) on at most one goroutine per CPU: more
// would not finish sooner, and each parse holds its tokens until it ends.
func parallel(n int, f func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
