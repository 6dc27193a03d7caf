package pipeline

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"github.com/afsel/afsel/figures"
)

// durationSpill keeps every paired test's two durations while the analysis
// reads the input once, for Figure 1: in memory up to a number of tests,
// beyond it in a temporary file, for the passes of figures.Figure1Passes.
// Reading 16 bytes a test back from the page cache is far cheaper than
// decoding the input again, whatever its format, and the file holds the
// durations only. Figure 1 does not depend on the order of the tests, so
// workers may add them in any order.
type durationSpill struct {
	mu     sync.Mutex
	dir    string
	memory int      // tests kept in memory before the file is made
	f      *os.File // nil while the tests are in memory
	w      *bufio.Writer
	p4, p6 []float64 // all the tests, or the chunk being gathered
	rows   int64
	err    error
}

// spillChunk is the number of tests per chunk: each chunk is one batch of
// a pass, large enough that a pass's per-batch work does not count.
const spillChunk = 1 << 16

// newDurationSpill returns a spill that keeps up to memory tests in memory
// and spills to a file in dir (the output directory: a temporary directory
// may be a small in-memory file system) beyond.
func newDurationSpill(dir string, memory int) *durationSpill {
	return &durationSpill{dir: dir, memory: memory}
}

// inMemory reports whether every test is in p4 and p6.
func (s *durationSpill) inMemory() bool { return s.f == nil }

// create makes the file. Where the system allows it the file is unlinked at
// once, so that nothing is left behind (it can be gigabytes) even if the
// process is killed.
func (s *durationSpill) create() error {
	f, err := os.CreateTemp(s.dir, ".afsel-durations-*.tmp")
	if err != nil {
		return fmt.Errorf("figure 1: %w", err)
	}
	if runtime.GOOS != "windows" { // Windows cannot remove an open file
		os.Remove(f.Name())
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
	return nil
}

// float64Bytes views x as its bytes in the machine's order: the file is
// read back by the same process.
func float64Bytes(x []float64) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 8*len(x))
}

// add appends the durations of some tests.
func (s *durationSpill) add(v4, v6 []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p4, s.p6 = append(s.p4, v4...), append(s.p6, v6...)
	s.rows += int64(len(v4))
	switch {
	case s.inMemory() && len(s.p4) > s.memory:
		if s.err == nil {
			s.err = s.create()
		}
		s.flushChunks()
	case !s.inMemory() && len(s.p4) >= spillChunk:
		s.flushChunks()
	}
}

// flushChunks writes the gathered tests as chunks of at most spillChunk
// tests: their number, the v4 durations, the v6 durations.
func (s *durationSpill) flushChunks() {
	if s.err != nil {
		return
	}
	for i := 0; i < len(s.p4); i += spillChunk {
		p4, p6 := s.p4[i:min(i+spillChunk, len(s.p4))], s.p6[i:min(i+spillChunk, len(s.p6))]
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(p4)))
		s.w.Write(n[:])
		s.w.Write(float64Bytes(p4))
		if _, s.err = s.w.Write(float64Bytes(p6)); s.err != nil {
			return
		}
	}
	s.p4, s.p6 = s.p4[:0], s.p6[:0]
}

// finish writes the last chunk and flushes the file, if there is one; the
// spill is then ready for passes.
func (s *durationSpill) finish() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inMemory() {
		s.flushChunks()
		if s.err == nil {
			s.err = s.w.Flush()
		}
	}
	if s.err != nil {
		return fmt.Errorf("figure 1: write %s: %w", s.f.Name(), s.err)
	}
	return nil
}

// reset empties the spill, for a second reading of the input.
func (s *durationSpill) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p4, s.p6, s.rows = s.p4[:0], s.p6[:0], 0
	if s.inMemory() {
		return
	}
	s.w.Reset(s.f)
	if _, err := s.f.Seek(0, io.SeekStart); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.f.Truncate(0); err != nil && s.err == nil {
		s.err = err
	}
}

// close closes the file, if any, and removes it if it is still there.
func (s *durationSpill) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// pass returns a figures.Pass over the chunks, each visited as read.
func (s *durationSpill) pass() figures.Pass {
	if s.inMemory() {
		return figures.ColumnsPass(s.p4, s.p6, spillChunk)
	}
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		r := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), 1<<20)
		var buf []float64
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			var n [8]byte
			if _, err := io.ReadFull(r, n[:]); err == io.EOF {
				return nil
			} else if err != nil {
				return fmt.Errorf("figure 1: read %s: %w", s.f.Name(), err)
			}
			rows := int(binary.LittleEndian.Uint64(n[:]))
			if cap(buf) < 2*rows {
				buf = make([]float64, 2*rows)
			}
			buf = buf[:2*rows]
			if _, err := io.ReadFull(r, float64Bytes(buf)); err != nil {
				return fmt.Errorf("figure 1: read %s: %w", s.f.Name(), err)
			}
			if err := visit(buf[:rows], buf[rows:]); err != nil {
				return err
			}
		}
	}
}

// readAll reads the whole spill into two columns (which are the spill's
// own while it is in memory).
func (s *durationSpill) readAll(ctx context.Context) (v4, v6 []float64, err error) {
	if s.inMemory() {
		return s.p4, s.p6, nil
	}
	v4, v6 = make([]float64, 0, s.rows), make([]float64, 0, s.rows)
	err = s.pass()(ctx, func(a, b []float64) error {
		v4, v6 = append(v4, a...), append(v6, b...)
		return nil
	})
	return v4, v6, err
}
