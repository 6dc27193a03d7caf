package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/outcome"
)

// DefaultBatchSize is the number of rows per record batch.
const DefaultBatchSize = 64 * 1024

const bom = "\ufeff" // UTF-8 byte order mark

// Options configures a reader.
type Options struct {
	Name        string // input name used in errors; defaults to "input"
	BatchSize   int    // rows per batch; defaults to DefaultBatchSize
	SkipBadRows bool   // count and skip malformed rows instead of failing
	// KeepFailures keeps rows with a failed test: input with outcome
	// columns is read as FailuresSchema. Without it such rows are dropped,
	// counted by FailureReason, and batches are of Schema.
	KeepFailures bool
	Allocator    memory.Allocator // defaults to memory.DefaultAllocator
	// BytesRead, when set, counts the bytes read from the input files as
	// they are stored (compressed, if they are), for a progress meter
	// that compares it with their sizes: a file read whole adds its size
	// (Arrow IPC files and Parquet, read at offsets, about that).
	BytesRead *atomic.Int64
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "input"
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Allocator == nil {
		o.Allocator = memory.DefaultAllocator
	}
	return o
}

// CSVReader streams the authors' CSV layout
// (prb_id,anchor_id,start_time,v4_duration,v6_duration[,v4_v6_ratio]) as
// record batches of Schema. Columns are found by header name, so their order
// may vary and extra columns (v4_v6_ratio) are ignored.
//
// A header with the outcome columns v4_outcome and v6_outcome (outcome.Code
// names) makes the rows those of FailuresSchema: read as such with
// Options.KeepFailures, else without the rows with a failed test. A failed
// test's duration may be empty (null). A header with one of the two is an
// error.
type CSVReader struct {
	batches
	opts     Options
	r        *csvRecords
	cols     [7]int // input column of each schema column
	outcomes bool   // the header has the outcome columns
	keep     bool   // batches keep them (FailuresSchema)
	nfields  int
	done     bool
}

// NewCSVReader reads the header of r and returns a reader of its rows.
// A missing required header column is an error naming the column. A UTF-8
// byte order mark before the header is skipped.
func NewCSVReader(r io.Reader, opts Options) (*CSVReader, error) {
	opts = opts.withDefaults()
	// Skip a BOM before the CSV parser sees it: it would otherwise hide the
	// first column name, or make a quoted one a syntax error. (bufio returns
	// a large enough *bufio.Reader as is, so Open's buffer is reused.)
	br := bufio.NewReader(r)
	switch b, err := br.Peek(len(bom)); {
	case err == nil && string(b) == bom:
		br.Discard(len(bom))
	case err != nil && err != io.EOF: // Peek returns a read error only once
		return nil, fmt.Errorf("%s: read header: %w", opts.Name, err)
	}
	cr := newCSVRecords(br)
	var header []string
	var err error
	for { // blank lines before the header are no rows
		header, err = cr.next()
		var re *csvRecordError
		if !errors.As(err, &re) || !errors.Is(re.err, errBlank) {
			break
		}
	}
	var re *csvRecordError
	switch {
	case err == io.EOF:
		return nil, fmt.Errorf("%s: empty input, want a header line: %w", opts.Name, ErrBadRow)
	case errors.As(err, &re):
		return nil, &RowError{File: opts.Name, Line: re.line, Reason: "malformed CSV header: " + re.err.Error()}
	case err != nil:
		return nil, fmt.Errorf("%s: read header: %w", opts.Name, err)
	}
	header = slices.Clone(header)
	c := &CSVReader{opts: opts, r: cr, nfields: len(header)}
	c.outcomes = slices.Contains(header, ColV4Outcome) || slices.Contains(header, ColV6Outcome)
	c.keep = c.outcomes && opts.KeepFailures
	schema := Schema
	if c.outcomes {
		schema = FailuresSchema
	}
	for i, f := range schema.Fields() {
		c.cols[i] = slices.Index(header, f.Name)
		if c.cols[i] < 0 {
			return nil, &RowError{File: opts.Name, Line: 1, Field: f.Name, Reason: "missing header column"}
		}
	}
	c.start()
	c.bld = array.NewRecordBuilder(opts.Allocator, c.Schema())
	return c, nil
}

// Schema returns FailuresSchema for input with outcome columns read with
// Options.KeepFailures, else Schema.
func (c *CSVReader) Schema() *arrow.Schema { return batchSchema(c.keep, false) }

// Next reads the next batch. It returns false at the end of input or on error.
func (c *CSVReader) Next() bool {
	c.dropRecord()
	if c.done {
		return false
	}
	probe, anchor, ts, v4, v6 := Builders(c.bld)
	probe.Reserve(c.opts.BatchSize)
	anchor.Reserve(c.opts.BatchSize)
	ts.Reserve(c.opts.BatchSize)
	v4.Reserve(c.opts.BatchSize)
	v6.Reserve(c.opts.BatchSize)
	var o4, o6 *array.StringBuilder
	if c.keep {
		o4, o6 = FailureBuilders(c.bld)
	}

	n := 0
	for n < c.opts.BatchSize {
		fields, err := c.r.next()
		if err == io.EOF {
			c.done = true
			break
		}
		var re *csvRecordError
		switch {
		case errors.As(err, &re) && errors.Is(re.err, errBlank):
			// A blank line holds no test: it is counted, never an error.
			c.stats.RowsRead++
			c.stats.drop(re.err.Error(), 1)
			continue
		case errors.As(err, &re):
			if !c.bad(&RowError{File: c.opts.Name, Line: re.line, Reason: "malformed CSV: " + re.err.Error()}) {
				return false
			}
			continue
		case err != nil:
			c.fail(fmt.Errorf("read %s: %w", c.opts.Name, err))
			return false
		case len(fields) != c.nfields:
			e := &RowError{File: c.opts.Name, Line: c.r.start, Reason: "wrong column count",
				Value: fmt.Sprintf("%d columns, header has %d", len(fields), c.nfields)}
			c.r.resync()
			if !c.bad(e) {
				return false
			}
			continue
		}
		row, rerr := c.parse(fields)
		if rerr != nil {
			c.r.resync()
			if !c.bad(rerr) {
				return false
			}
			continue
		}
		if c.outcomes && !c.keep {
			// Left out as the columnar readers leave it out, and not
			// counted in the batch: its batches are those of the input
			// without the row.
			if reason := failureDrop(row.c4, row.c6); reason != "" {
				c.stats.RowsRead++
				c.stats.drop(reason, 1)
				continue
			}
		}
		probe.UnsafeAppend(row.probe)
		anchor.UnsafeAppend(row.anchor)
		ts.UnsafeAppend(arrow.Timestamp(row.ts))
		if c.keep {
			appendParsed(v4, row.v4, row.null4)
			appendParsed(v6, row.v6, row.null6)
			o4.Append(row.c4.String())
			o6.Append(row.c6.String())
		} else {
			v4.UnsafeAppend(row.v4)
			v6.UnsafeAppend(row.v6)
		}
		c.stats.RowsRead++
		c.stats.RowsKept++
		n++
	}
	if n == 0 {
		return false
	}
	c.rec = c.bld.NewRecord()
	return true
}

// bad handles a malformed row: counted when skipping, else the error.
func (c *CSVReader) bad(e *RowError) bool {
	if !c.opts.SkipBadRows {
		c.fail(e)
		return false
	}
	c.stats.RowsRead++
	c.stats.drop(e.key(), 1)
	return true
}

func (c *CSVReader) fail(err error) {
	c.err = err
	c.done = true
}

type csvRow struct {
	probe, anchor int64
	ts            int64
	v4, v6        float64
	// Of input with outcome columns: the outcomes, and whether a failed
	// test's duration is null (empty).
	c4, c6       outcome.Code
	null4, null6 bool
}

// appendParsed appends a duration, null or not, to b, reserved.
func appendParsed(b *array.Float64Builder, v float64, null bool) {
	if null {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.UnsafeAppend(v)
	}
}

func (c *CSVReader) parse(f []string) (csvRow, *RowError) {
	var row csvRow
	var err *RowError
	if row.probe, err = c.parseInt(f, IdxProbe, ColProbe); err != nil {
		return row, err
	}
	if row.anchor, err = c.parseInt(f, IdxAnchor, ColAnchor); err != nil {
		return row, err
	}
	s := f[c.cols[IdxStartTime]]
	if s == "" {
		return row, c.rowErr(IdxStartTime, ColStartTime, "empty", "")
	}
	t, perr := ParseTimestamp(s)
	if perr != nil {
		return row, c.rowErr(IdxStartTime, ColStartTime, "unparsable timestamp", s)
	}
	row.ts = t
	if !c.outcomes {
		if row.v4, err = c.parseDuration(f, IdxV4, ColV4); err != nil {
			return row, err
		}
		row.v6, err = c.parseDuration(f, IdxV6, ColV6)
		return row, err
	}
	// In the order of the columnar formats' checks (columns.check).
	if row.c4, err = c.parseOutcome(f, IdxV4Outcome, ColV4Outcome); err != nil {
		return row, err
	}
	if row.c6, err = c.parseOutcome(f, IdxV6Outcome, ColV6Outcome); err != nil {
		return row, err
	}
	if row.v4, row.null4, err = c.parseTest(f, IdxV4, ColV4, row.c4); err != nil {
		return row, err
	}
	row.v6, row.null6, err = c.parseTest(f, IdxV6, ColV6, row.c6)
	return row, err
}

func (c *CSVReader) parseOutcome(f []string, idx int, name string) (outcome.Code, *RowError) {
	s := f[c.cols[idx]]
	if s == "" {
		return 0, c.rowErr(idx, name, "empty", "")
	}
	code, _, ok := parseOutcome(s)
	if !ok {
		return 0, c.rowErr(idx, name, reasonUnknownOutcome, s)
	}
	return code, nil
}

// parseTest parses the duration of a test of outcome code: empty (null)
// only if the test failed (checkTest).
func (c *CSVReader) parseTest(f []string, idx int, name string, code outcome.Code) (float64, bool, *RowError) {
	if f[c.cols[idx]] == "" && code.Failed() {
		return 0, true, nil
	}
	v, err := c.parseDuration(f, idx, name)
	return v, false, err
}

func (c *CSVReader) rowErr(idx int, field, reason, value string) *RowError {
	return &RowError{File: c.opts.Name, Line: c.r.fieldLine(c.cols[idx]), Field: field, Reason: reason, Value: shorten(value)}
}

func (c *CSVReader) parseInt(f []string, idx int, name string) (int64, *RowError) {
	s := f[c.cols[idx]]
	if s == "" {
		return 0, c.rowErr(idx, name, "empty", "")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, c.rowErr(idx, name, "unparsable integer", s)
	}
	return v, nil
}

func (c *CSVReader) parseDuration(f []string, idx int, name string) (float64, *RowError) {
	s := f[c.cols[idx]]
	if s == "" {
		return 0, c.rowErr(idx, name, "empty", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	// ParseFloat also reads Go's hexadecimal floats (0x1p4), which no
	// export writes: a duration is decimal.
	case err != nil && !errors.Is(err, strconv.ErrRange), isHex(s):
		return 0, c.rowErr(idx, name, "unparsable number", s)
	case math.IsNaN(v):
		return 0, c.rowErr(idx, name, "NaN", s)
	case math.IsInf(v, 0):
		return 0, c.rowErr(idx, name, "infinite", s)
	case v < 0:
		return 0, c.rowErr(idx, name, "negative", s)
	}
	return v, nil
}

// isHex reports whether s is written as a hexadecimal number: "0x" or "0X"
// after an optional sign.
func isHex(s string) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
}
