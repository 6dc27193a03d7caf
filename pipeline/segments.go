package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/tables"
)

// segmentsInMemory is the number of bytes of packed segments a run holds in
// memory; beyond it they go to a temporary file. A week of 50,000 pairs
// packs into about 2 MB; a year of the same pairs into some 90.
var segmentsInMemory = 4 << 20

// segmentStore holds the pairs' segments, packed (changepoint.Pack), while
// a run lasts: in memory up to segmentsInMemory bytes, beyond in an
// unlinked file in dir, read back from the page cache when the segments
// are written. So what a run holds of its results grows with its pairs,
// not with the length of their series. It is not safe for concurrent use.
type segmentStore struct {
	dir    string
	buf    []byte   // every pair's bytes while in memory
	f      *os.File // nil while in memory
	w      *bufio.Writer
	off    int64 // bytes written through w
	err    error
	closed bool
}

// segmentRef is where one pair's packed segments are in a segmentStore.
type segmentRef struct {
	off int64
	n   int32
}

// add stores p and returns where. After an error, it stores nothing and
// returns the error again.
func (s *segmentStore) add(p changepoint.Packed) (segmentRef, error) {
	if s.err != nil {
		return segmentRef{}, s.err
	}
	if s.f == nil {
		r := segmentRef{off: int64(len(s.buf)), n: int32(len(p))}
		s.buf = append(s.buf, p...)
		if len(s.buf) > segmentsInMemory {
			s.spill()
		}
		return r, s.err
	}
	r := segmentRef{off: s.off, n: int32(len(p))}
	if _, err := s.w.Write(p); err != nil {
		s.err = fmt.Errorf("segments: %w", err)
	}
	s.off += int64(len(p))
	return r, s.err
}

// spill moves the bytes held to a new file, and what comes next with them.
func (s *segmentStore) spill() {
	f, err := os.CreateTemp(s.dir, ".afsel-segments-*.tmp")
	if err != nil {
		s.err = fmt.Errorf("segments: %w", err)
		return
	}
	if runtime.GOOS != "windows" { // Windows cannot remove an open file
		os.Remove(f.Name())
	}
	s.f, s.w = f, bufio.NewWriterSize(f, 1<<20)
	if _, err := s.w.Write(s.buf); err != nil {
		s.err = fmt.Errorf("segments: %w", err)
	}
	s.off = int64(len(s.buf))
	s.buf = nil
}

// finish flushes what is buffered: the segments can then be read.
func (s *segmentStore) finish() error {
	if s.f != nil && s.err == nil {
		if err := s.w.Flush(); err != nil {
			s.err = fmt.Errorf("segments: %w", err)
		}
	}
	return s.err
}

// errClosed is read's error once the result is closed.
var errClosed = errors.New("segments: the result is closed")

// read appends the bytes of r to dst.
func (s *segmentStore) read(dst []byte, r segmentRef) ([]byte, error) {
	if s.closed {
		return nil, errClosed
	}
	if s.f == nil {
		return append(dst, s.buf[r.off:r.off+int64(r.n)]...), nil
	}
	dst = slices.Grow(dst[:0], int(r.n))[:r.n]
	if _, err := s.f.ReadAt(dst, r.off); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("segments: %w", err)
	}
	return dst, nil
}

// reset empties the store for a new reading of the input.
func (s *segmentStore) reset() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f, s.w = nil, nil
	}
	s.buf, s.off, s.err = nil, 0, nil
}

// close empties the store for good: reads then fail.
func (s *segmentStore) close() {
	s.reset()
	s.closed = true
}

// Segments returns the segments of Tables[i], appended to dst.
func (r *Result) Segments(dst []changepoint.Segment, i int) ([]changepoint.Segment, error) {
	segs, _, err := r.segmentsOf(dst, nil, i)
	return segs, err
}

// segmentsOf appends the segments of Tables[i] to dst, reading their bytes
// into scratch, which it returns for the next call.
func (r *Result) segmentsOf(dst []changepoint.Segment, scratch []byte, i int) ([]changepoint.Segment, []byte, error) {
	b, err := r.store.read(scratch[:0], r.segments[i])
	if err != nil {
		return dst, scratch, err
	}
	segs, err := changepoint.Packed(b).Unpack(dst)
	if err != nil {
		return dst, b, fmt.Errorf("segments of pair %v: %w", r.Tables[i].Key(), err)
	}
	return segs, b, nil
}

// TablesWithSegments returns a copy of Tables with each pair's segments.
func (r *Result) TablesWithSegments() ([]tables.Pair, error) {
	out := slices.Clone(r.Tables)
	for i := range out {
		var err error
		if out[i].Segments, err = r.Segments(nil, i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WriteChangePoints writes change_points.csv of the pairs, reading one
// pair's segments at a time.
func (r *Result) WriteChangePoints(w io.Writer, opt tables.WriteOptions) error {
	cw := tables.NewChangePointsWriter(w, opt)
	var buf []changepoint.Segment
	var scratch []byte
	for i := range r.Tables {
		p := r.Tables[i]
		var err error
		if buf, scratch, err = r.segmentsOf(buf[:0], scratch, i); err != nil {
			return err
		}
		p.Segments = buf
		cw.Write(&p)
	}
	return cw.Flush()
}
