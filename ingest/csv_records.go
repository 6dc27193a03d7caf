package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// csvRecords splits CSV text into records as encoding/csv does (RFC 4180:
// fields separated by commas, quoted fields with "" for a quote, which may
// span lines), but accounts for every physical line, so that a reader's
// rows_read is the number of rows in the file:
//
//   - a blank line is a row of its own (errBlank), where encoding/csv skips
//     it;
//   - a malformed record (a bare quote, a quote not followed by a comma, a
//     quoted field still open at the end of the input) is one row, its first
//     line: reading resumes on the next line. encoding/csv would take every
//     line up to the end of the input into a field opened by a stray quote,
//     and the rows of all of them would be lost.
type csvRecords struct {
	br      *bufio.Reader
	line    int64    // physical lines read from br
	pending [][]byte // lines read ahead, to read again after a malformed record
	// The current record: its fields, the line each starts on, and its
	// first line.
	fields []string
	starts []int64
	start  int64
	buf    []byte
	more   [][]byte // copies of the current record's lines after its first
	ends   []int
}

// errBlank is the error of a blank line.
var errBlank = errors.New("blank line")

// csvRecordError is a malformed record: the line it starts on and why.
type csvRecordError struct {
	line int64
	err  error
}

func (e *csvRecordError) Error() string { return e.err.Error() }

func newCSVRecords(r io.Reader) *csvRecords {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 1<<16 {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	return &csvRecords{br: br}
}

// readLine returns the next physical line without its line ending ("\n" or
// "\r\n"), and the line's number; io.EOF at the end of input.
func (c *csvRecords) readLine() ([]byte, int64, error) {
	if n := len(c.pending); n > 0 {
		l := c.pending[0]
		c.pending = c.pending[1:]
		return l, c.line - int64(n) + 1, nil
	}
	l, err := c.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// A line longer than the buffer: gather it.
		long := append([]byte(nil), l...)
		for errors.Is(err, bufio.ErrBufferFull) {
			l, err = c.br.ReadSlice('\n')
			long = append(long, l...)
		}
		l = long
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, err
	}
	if len(l) == 0 && errors.Is(err, io.EOF) {
		return nil, 0, io.EOF
	}
	c.line++
	l = bytes.TrimSuffix(l, []byte("\n"))
	l = bytes.TrimSuffix(l, []byte("\r"))
	return l, c.line, nil
}

// next reads the next record. It returns the fields (valid until the next
// call), or a *csvRecordError for a blank line or a malformed record, or
// io.EOF, or a read error.
func (c *csvRecords) next() ([]string, error) {
	l, n, err := c.readLine()
	if err != nil {
		return nil, err
	}
	c.start = n
	c.fields, c.starts, c.more = c.fields[:0], c.starts[:0], c.more[:0]
	if len(l) == 0 {
		return nil, &csvRecordError{n, errBlank}
	}
	if bytes.IndexByte(l, '"') < 0 {
		// No quote, as in every export: the fields are the line's
		// comma-separated parts, slices of one string.
		s := string(l)
		for {
			c.starts = append(c.starts, n)
			i := strings.IndexByte(s, ',')
			if i < 0 {
				c.fields = append(c.fields, s)
				return c.fields, nil
			}
			c.fields = append(c.fields, s[:i])
			s = s[i+1:]
		}
	}
	c.buf = c.buf[:0]
	ends := c.ends[:0] // end of each field in buf
	defer func() { c.ends = ends }()
	line := l
	for {
		// A field starts at line[0].
		c.starts = append(c.starts, n)
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, ',')
			f := line
			if i >= 0 {
				f = line[:i]
			}
			if bytes.IndexByte(f, '"') >= 0 {
				return nil, c.malformed(csv.ErrBareQuote)
			}
			c.buf = append(c.buf, f...)
			ends = append(ends, len(c.buf))
			if i < 0 {
				break
			}
			line = line[i+1:]
			continue
		}
		// A quoted field, perhaps over several lines.
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			if i < 0 {
				c.buf = append(c.buf, line...)
				next, m, err := c.readLine()
				if errors.Is(err, io.EOF) {
					return nil, c.malformed(csv.ErrQuote)
				}
				if err != nil {
					return nil, err
				}
				c.more = append(c.more, append([]byte(nil), next...))
				c.buf = append(c.buf, '\n')
				line, n = next, m
				continue
			}
			c.buf = append(c.buf, line[:i]...)
			line = line[i+1:]
			if len(line) > 0 && line[0] == '"' { // "" is a quote
				c.buf = append(c.buf, '"')
				line = line[1:]
				continue
			}
			break
		}
		ends = append(ends, len(c.buf))
		switch {
		case len(line) == 0:
		case line[0] == ',':
			line = line[1:]
			continue
		default:
			return nil, c.malformed(csv.ErrQuote)
		}
		break
	}
	// One string for the record; fields are slices of it.
	s := string(c.buf)
	prev := 0
	for _, e := range ends {
		c.fields = append(c.fields, s[prev:e])
		prev = e
	}
	return c.fields, nil
}

// malformed ends a malformed record at its first line: the lines after it
// are read again.
func (c *csvRecords) malformed(err error) error {
	c.resync()
	return &csvRecordError{c.start, err}
}

// resync takes back the current record's lines after its first, to be read
// again: the record, though well quoted, was found malformed, and a stray
// quote is likelier than a field over several lines in data whose fields
// are numbers and times.
func (c *csvRecords) resync() {
	if len(c.more) > 0 {
		c.pending = append(append([][]byte(nil), c.more...), c.pending...)
		c.more = c.more[:0]
	}
}

// fieldLine is the line field i of the current record starts on.
func (c *csvRecords) fieldLine(i int) int64 { return c.starts[i] }
