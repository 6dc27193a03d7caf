package rankstat

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
)

// Spill keeps the rows of two columns (a paired test's two durations) while
// an input is read once, for the passes of a computation over them: in
// memory up to a number of rows, beyond it in a temporary file. Reading 16
// bytes a row back from the page cache is far cheaper than decoding the
// input again, whatever its format. Rows come back in chunks, in the order
// added; Add is safe for concurrent use, the rest is not.
type Spill struct {
	mu     sync.Mutex
	dir    string
	memory int      // rows kept in memory before the file is made
	f      *os.File // nil while the rows are in memory
	w      *bufio.Writer
	p4, p6 []float64 // all the rows, or the chunk being gathered
	rows   int64
	err    error
}

// spillChunk is the number of rows per chunk: each chunk is one batch of
// a pass, large enough that a pass's per-batch work does not count.
const spillChunk = 1 << 16

// NewSpill returns a spill that keeps up to memory rows in memory and
// spills to a file in dir ("": the system's temporary directory, which may
// be a small in-memory file system) beyond.
func NewSpill(dir string, memory int) *Spill {
	return &Spill{dir: dir, memory: memory}
}

// InMemory reports whether every row is in memory (no file was made).
func (s *Spill) InMemory() bool { return s.f == nil }

// Rows is the number of rows added since the spill was made or reset.
func (s *Spill) Rows() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows
}

// create makes the file. Where the system allows it the file is unlinked at
// once, so that nothing is left behind (it can be gigabytes) even if the
// process is killed.
func (s *Spill) create() error {
	f, err := os.CreateTemp(s.dir, ".afsel-durations-*.tmp")
	if err != nil {
		return fmt.Errorf("spill: %w", err)
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

// Add appends some rows.
func (s *Spill) Add(v4, v6 []float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p4, s.p6 = append(s.p4, v4...), append(s.p6, v6...)
	s.rows += int64(len(v4))
	switch {
	case s.InMemory() && len(s.p4) > s.memory:
		if s.err == nil {
			s.err = s.create()
		}
		s.flushChunks()
	case !s.InMemory() && len(s.p4) >= spillChunk:
		s.flushChunks()
	}
}

// flushChunks writes the gathered rows as chunks of at most spillChunk
// rows: their number, the first column, the second.
func (s *Spill) flushChunks() {
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

// Finish writes the last chunk and flushes the file, if there is one; the
// spill is then ready for passes.
func (s *Spill) Finish() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.InMemory() {
		s.flushChunks()
		if s.err == nil {
			s.err = s.w.Flush()
		}
	}
	if s.err != nil {
		return fmt.Errorf("spill: write %s: %w", s.f.Name(), s.err)
	}
	return nil
}

// Reset empties the spill, for a second reading of the input.
func (s *Spill) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.p4, s.p6, s.rows = s.p4[:0], s.p6[:0], 0
	if s.InMemory() {
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

// Close closes the file, if any, and removes it if it is still there.
func (s *Spill) Close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// Pass returns a Pass over the chunks, each visited as read (after
// Finish).
func (s *Spill) Pass() Pass {
	if s.InMemory() {
		return ColumnsPass(s.p4, s.p6, spillChunk)
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
				return fmt.Errorf("spill: read %s: %w", s.f.Name(), err)
			}
			rows := int(binary.LittleEndian.Uint64(n[:]))
			if cap(buf) < 2*rows {
				buf = make([]float64, 2*rows)
			}
			buf = buf[:2*rows]
			if _, err := io.ReadFull(r, float64Bytes(buf)); err != nil {
				return fmt.Errorf("spill: read %s: %w", s.f.Name(), err)
			}
			if err := visit(buf[:rows], buf[rows:]); err != nil {
				return err
			}
		}
	}
}

// ReadAll reads the whole spill into two columns (which are the spill's
// own while it is in memory), after Finish.
func (s *Spill) ReadAll(ctx context.Context) (v4, v6 []float64, err error) {
	if s.InMemory() {
		return s.p4, s.p6, nil
	}
	v4, v6 = make([]float64, 0, s.rows), make([]float64, 0, s.rows)
	err = s.Pass()(ctx, func(a, b []float64) error {
		v4, v6 = append(v4, a...), append(v6, b...)
		return nil
	})
	return v4, v6, err
}
