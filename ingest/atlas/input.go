package atlas

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

var (
	magicGzip  = []byte{0x1f, 0x8b}
	magicBzip2 = []byte("BZh")
)

// decompress returns the text of r, decompressed when its magic bytes say
// gzip or bzip2, and a function to call when done with it.
func decompress(r io.Reader) (*bufio.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return bufio.NewReaderSize(zr, 64<<10), func() {}, nil
	case bytes.HasPrefix(head, magicBzip2):
		// bzip2 is slow to decode: do it beside the JSON parsing.
		ra := readAhead(bzip2.NewReader(br))
		return bufio.NewReaderSize(ra, 64<<10), func() { ra.Close() }, nil
	}
	return br, func() {}, nil
}

// readAhead reads r in a goroutine, a few chunks ahead of the returned
// reader's caller. The goroutine ends at the end of r or on its error, or
// when the returned reader is closed (Close is for early stops).
func readAhead(r io.Reader) io.ReadCloser {
	const chunk = 1 << 20
	a := &aheadReader{ch: make(chan aheadChunk, 4), stop: make(chan struct{})}
	go func() {
		defer close(a.ch)
		for {
			buf := make([]byte, chunk)
			n := 0
			var err error
			for empty := 0; n < len(buf) && err == nil; {
				var m int
				m, err = r.Read(buf[n:])
				n += m
				if m > 0 {
					empty = 0
				} else if empty++; empty == 100 {
					err = io.ErrNoProgress
				}
			}
			if n > 0 {
				select {
				case a.ch <- aheadChunk{buf: buf[:n]}:
				case <-a.stop:
					return
				}
			}
			if err != nil {
				select {
				case a.ch <- aheadChunk{err: err}:
				case <-a.stop:
				}
				return
			}
		}
	}()
	return a
}

type aheadChunk struct {
	buf []byte
	err error
}

type aheadReader struct {
	ch   chan aheadChunk
	stop chan struct{}
	cur  []byte
	err  error
	once bool
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		c, ok := <-a.ch
		if !ok {
			a.err = io.EOF
			continue
		}
		a.cur, a.err = c.buf, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

func (a *aheadReader) Close() error {
	if !a.once {
		a.once = true
		close(a.stop)
	}
	return nil
}

// resultScanner yields the raw JSON results of one input, with their
// location, from a JSON array or from one object per line.
type resultScanner struct {
	name  string
	text  *bufio.Reader
	array bool
	stop  func()        // ends decompression
	dec   *json.Decoder // array mode
	line  int64         // lines mode: current line
	buf   []byte
	done  bool
}

func newResultScanner(name string, r io.Reader) (*resultScanner, error) {
	text, stop, err := decompress(r)
	if err != nil {
		return nil, &RowError{File: name, Line: 1, Reason: "unreadable input: " + err.Error()}
	}
	s := &resultScanner{name: name, text: text, stop: stop}
	// Skip leading white space to see whether this is an array.
	for {
		b, err := text.ReadByte()
		if err == io.EOF {
			s.done = true
			return s, nil
		}
		if err != nil {
			stop()
			return nil, s.readErr(err, 0)
		}
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' {
			if b == '\n' {
				s.line++
			}
			continue
		}
		text.UnreadByte()
		if b == '[' {
			s.array = true
			s.dec = json.NewDecoder(text)
			if _, err := s.dec.Token(); err != nil {
				stop()
				return nil, s.readErr(err, 0)
			}
		}
		return s, nil
	}
}

// readErr turns an error of the underlying stream into a RowError at off
// (array mode) or the current line.
func (s *resultScanner) readErr(err error, off int64) *RowError {
	e := &RowError{File: s.name, Line: s.line + 1, Offset: off}
	if s.array {
		e.Line = 0
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		e.Reason = "malformed JSON: " + se.Error()
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Reason = "truncated input"
	default:
		e.Reason = "unreadable input: " + err.Error()
	}
	return e
}

// next returns the next result's JSON (not yet validated, for one object
// per line) and its location. At the end of the input it returns nil, nil.
// Its errors are RowErrors about a stream that cannot go on (truncated,
// corrupt, or a syntax error inside an array): they end the scanner.
func (s *resultScanner) next() (raw []byte, line, off int64, err error) {
	if s.done {
		return nil, 0, 0, nil
	}
	if s.array {
		return s.nextElem()
	}
	for {
		s.buf = s.buf[:0]
		var rerr error
		for {
			chunk, err := s.text.ReadSlice('\n')
			s.buf = append(s.buf, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			rerr = err
			break
		}
		if rerr != nil && rerr != io.EOF {
			s.done = true
			return nil, 0, 0, s.readErr(rerr, 0)
		}
		if len(s.buf) > 0 {
			s.line++
		}
		t := bytes.TrimSpace(s.buf)
		if len(t) > 0 {
			if rerr == io.EOF {
				s.done = true
			}
			return t, s.line, 0, nil
		}
		if rerr == io.EOF {
			s.done = true
			return nil, 0, 0, nil
		}
	}
}

func (s *resultScanner) nextElem() ([]byte, int64, int64, error) {
	off := s.dec.InputOffset()
	if !s.dec.More() {
		// Expect the closing bracket, then only white space.
		s.done = true
		if _, err := s.dec.Token(); err != nil {
			return nil, 0, 0, s.readErr(err, off)
		}
		if _, err := s.dec.Token(); err != io.EOF {
			if err == nil {
				return nil, 0, 0, &RowError{File: s.name, Offset: off, Reason: "malformed JSON: data after the array"}
			}
			return nil, 0, 0, s.readErr(err, off)
		}
		return nil, 0, 0, nil
	}
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		s.done = true
		return nil, 0, 0, s.readErr(err, off)
	}
	// Offset of the element itself, past the separator and white space.
	t := bytes.TrimLeft(raw, " \t\r\n")
	return t, 0, s.dec.InputOffset() - int64(len(t)), nil
}
