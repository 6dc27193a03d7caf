package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
)

// Options configures a Reader.
type Options struct {
	Anchors     *Anchors // required
	Dedup       bool     // keep only the closest IPv6 test per IPv4 test (ties: the earliest)
	SkipBadRows bool     // count and skip malformed results instead of failing
	// SortedByProbe promises that the results are sorted by prb_id (across
	// all inputs, in order), as in per-probe API downloads. Each probe is
	// then paired and handed on as soon as its last result is read, so
	// memory holds one probe's tests; a lower prb_id after a higher one is
	// ErrUnsorted. Without it the Reader buffers every kept test (about 48
	// bytes each) before the first batch.
	SortedByProbe bool
	// KeepFailures keeps failed tests (an err or dnserr, a status other
	// than 200, no status) as tests with an outcome (outcome.Classify)
	// instead of skipping them: they pair like working tests, either side
	// of a row may have failed, and batches are of ingest.FailuresSchema
	// with a failed test's duration null. The rows whose two tests worked
	// are then exactly the rows without it, in the same order (not so with
	// Dedup, whose closest IPv6 test may be a failed one). See the Reason
	// constants for what is still skipped.
	KeepFailures bool
	BatchSize    int              // rows per batch; defaults to ingest.DefaultBatchSize
	Allocator    memory.Allocator // defaults to memory.DefaultAllocator
}

// Input is one named source of results.
type Input struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Files returns the inputs at paths, opened in order when read.
func Files(paths ...string) []Input {
	in := make([]Input, len(paths))
	for i, p := range paths {
		in[i] = Input{Name: p, Open: func() (io.ReadCloser, error) { return os.Open(p) }}
	}
	return in
}

// Stats counts what a Reader did with its input.
//
// Every HTTP test entry is counted once: in Kept, or under one reason in
// Skipped (the Reason constants). A result skipped as a whole (another type,
// no entries, malformed, or the unreadable rest of an input) is counted once
// under its reason. So Kept + sum(Skipped) is the number of units examined,
// which equals Results when every result holds one entry.
//
// With Options.KeepFailures, failed tests are counted like working ones (in
// Kept when in a row); Failed tells how many of the kept tests failed.
type Stats struct {
	Files   int              `json:"files"`
	Results int64            `json:"results"` // results read, malformed ones included
	Kept    int64            `json:"kept"`    // tests in at least one row
	Skipped map[string]int64 `json:"skipped"` // by reason
	// Failed counts the kept tests that failed by ingest.FailureReason
	// ("v6_outcome: connect_timeout"), a part of Kept; KeepFailures only.
	Failed map[string]int64 `json:"failed,omitempty"`
	Rows   int64            `json:"rows"` // rows produced
}

func (s *Stats) skip(reason string, n int64) { ingest.Tally(&s.Skipped, reason, n) }

// FailedTotal is the number of kept tests that failed.
func (s Stats) FailedTotal() int64 { return ingest.Total(s.Failed) }

// SkippedTotal is the number of units skipped for any reason.
func (s Stats) SkippedTotal() int64 { return ingest.Total(s.Skipped) }

// Reasons lists the skip reasons in a stable order.
func (s Stats) Reasons() []string { return slices.Sorted(maps.Keys(s.Skipped)) }

// Reader pairs results into batches of ingest.Schema, or of
// ingest.FailuresSchema with Options.KeepFailures. It implements
// ingest.Reader.
type Reader struct {
	ctx    context.Context
	opts   Options
	schema *arrow.Schema
	inputs []Input

	cur    int // next input to open
	sc     *resultScanner
	closer io.Closer
	seq    int64
	p      parsed

	// Buffered tests: every kept test (unsorted) or the current probe's.
	tests  []test
	loaded bool // unsorted: all input read and sorted
	pos    int  // unsorted: start of the next probe in tests
	// Sorted mode: the probe being collected and the first tests of the next.
	probe    int64
	hasProbe bool
	carry    []test
	inputEnd bool

	pairer pairer
	rows   []row
	rowPos int
	rowPrb int64

	refs  atomic.Int64
	bld   *array.RecordBuilder
	rec   arrow.Record
	err   error
	done  bool
	stats Stats
}

// Open returns a Reader of the result files at paths, read in order.
func Open(ctx context.Context, paths []string, opts Options) (*Reader, error) {
	return NewReader(ctx, Files(paths...), opts)
}

// NewReader returns a Reader of inputs, read in order. Inputs are opened
// when reading reaches them; Release closes the open one. Reading stops
// with ctx's error once ctx is done.
func NewReader(ctx context.Context, inputs []Input, opts Options) (*Reader, error) {
	if opts.Anchors == nil {
		return nil, errors.New("atlas: Options.Anchors is nil")
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = ingest.DefaultBatchSize
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	r := &Reader{ctx: ctx, opts: opts, inputs: inputs, schema: ingest.Schema}
	if opts.KeepFailures {
		r.schema = ingest.FailuresSchema
	}
	r.pairer.dedup = opts.Dedup
	r.refs.Store(1)
	r.bld = array.NewRecordBuilder(opts.Allocator, r.schema)
	return r, nil
}

// Schema returns ingest.Schema, or ingest.FailuresSchema with
// Options.KeepFailures.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Counts returns a copy of the counts so far; final once Next has returned
// false.
func (r *Reader) Counts() Stats {
	st := r.stats
	st.Skipped = maps.Clone(st.Skipped)
	st.Failed = maps.Clone(st.Failed)
	return st
}

// Stats returns the counts in ingest's terms: RowsRead is the units examined
// (Kept + sum of Skipped), RowsKept the tests in at least one row, Dropped
// the skip reasons. Rows produced are in Counts().Rows.
func (r *Reader) Stats() ingest.Stats {
	st := r.Counts()
	return ingest.Stats{RowsRead: st.Kept + st.SkippedTotal(), RowsKept: st.Kept, Dropped: st.Skipped}
}

// Record returns the current batch, valid until the next call to Next or
// Release.
func (r *Reader) Record() arrow.Record { return r.rec }

// Err returns the first error met, or nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// Retain increases the reference count.
func (r *Reader) Retain() { r.refs.Add(1) }

// Release decreases the reference count and frees the reader's buffers and
// closes its open input when it reaches zero.
func (r *Reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.bld != nil {
		r.bld.Release()
		r.bld = nil
	}
	r.closeInput()
	r.tests, r.carry, r.rows = nil, nil, nil
}

func (r *Reader) closeInput() {
	if r.sc != nil {
		r.sc.stop()
	}
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
	r.sc = nil
}

// Next produces the next batch of rows. It returns false at the end of
// input or on error.
func (r *Reader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.done {
		return false
	}
	probe, anchor, ts, v4, v6 := ingest.Builders(r.bld)
	var o4, o6 *array.StringBuilder
	if r.opts.KeepFailures {
		o4, o6 = ingest.FailureBuilders(r.bld)
	}
	n := 0
	for n < r.opts.BatchSize {
		if r.rowPos == len(r.rows) {
			if !r.nextProbe() {
				r.done = true
				break
			}
			continue
		}
		w := r.rows[r.rowPos]
		r.rowPos++
		probe.Append(r.rowPrb)
		anchor.Append(w.anchor)
		ts.Append(arrow.Timestamp(w.t4 * 1e6))
		if o4 == nil {
			v4.Append(w.rt4)
			v6.Append(w.rt6)
		} else {
			appendTest(v4, o4, w.rt4, w.c4)
			appendTest(v6, o6, w.rt6, w.c6)
		}
		n++
	}
	if r.err != nil || n == 0 {
		return false
	}
	r.stats.Rows += int64(n)
	r.rec = r.bld.NewRecord()
	return true
}

// appendTest appends one test's duration, null when it failed, and outcome.
func appendTest(d *array.Float64Builder, o *array.StringBuilder, rt float64, c outcome.Code) {
	if c.Failed() {
		d.AppendNull()
	} else {
		d.Append(rt)
	}
	o.Append(c.String())
}

// failureCodes are the outcomes of a failed test.
var failureCodes = outcome.Failures()

// nextProbe pairs the next probe's tests into r.rows; false at the end or
// on error (r.err).
func (r *Reader) nextProbe() bool {
	var ts []test
	if r.opts.SortedByProbe {
		var ok bool
		if ts, ok = r.collectProbe(); !ok {
			return false
		}
	} else {
		if !r.loaded {
			for r.readResult() {
				r.tests = append(r.tests, r.p.tests...)
			}
			if r.err != nil {
				return false
			}
			r.loaded = true
			slices.SortFunc(r.tests, cmpTest)
		}
		if r.pos == len(r.tests) {
			r.tests = nil
			return false
		}
		end := r.pos + 1
		for end < len(r.tests) && r.tests[end].probe == r.tests[r.pos].probe {
			end++
		}
		ts = r.tests[r.pos:end]
		r.pos = end
	}
	r.rowPrb = ts[0].probe
	var u4, u6 int64
	r.rows, u4, u6 = r.pairer.pair(ts, r.rows[:0])
	slices.SortFunc(r.rows, cmpRow)
	r.rowPos = 0
	r.stats.Kept += int64(len(ts)) - u4 - u6
	r.stats.skip(ReasonUnpairedV4, u4)
	r.stats.skip(ReasonUnpairedV6, u6)
	if r.opts.KeepFailures {
		for fam := range r.pairer.failed {
			for _, c := range failureCodes {
				ingest.Tally(&r.stats.Failed, ingest.FailureReason(4+2*fam, c), r.pairer.failed[fam][c])
			}
			clear(r.pairer.failed[fam][:])
		}
	}
	return true
}

// collectProbe reads the results of the next probe (sorted mode) and
// returns its tests sorted by cmpTest.
func (r *Reader) collectProbe() ([]test, bool) {
	r.tests = append(r.tests[:0], r.carry...)
	r.carry = r.carry[:0]
	for !r.inputEnd {
		if !r.readResult() {
			r.inputEnd = true
			break
		}
		if !r.p.http {
			continue // another type: no prb_id to check the order by
		}
		switch {
		case !r.hasProbe:
			r.probe, r.hasProbe = r.p.probe, true
		case r.p.probe < r.probe:
			r.err = fmt.Errorf("%w: probe %d after probe %d", ErrUnsorted, r.p.probe, r.probe)
			return nil, false
		case r.p.probe > r.probe:
			r.probe = r.p.probe
			r.carry = append(r.carry, r.p.tests...)
			if len(r.tests) > 0 {
				slices.SortFunc(r.tests, cmpTest)
				return r.tests, true
			}
			r.tests = append(r.tests[:0], r.carry...)
			r.carry = r.carry[:0]
			continue
		}
		r.tests = append(r.tests, r.p.tests...)
	}
	if r.err != nil || len(r.tests) == 0 {
		return nil, false
	}
	slices.SortFunc(r.tests, cmpTest)
	return r.tests, true
}

// readResult reads and classifies the next result into r.p, counting its
// skips. It returns false at the end of all inputs or on error (r.err).
func (r *Reader) readResult() bool {
	for {
		if r.sc == nil {
			if r.cur == len(r.inputs) {
				return false
			}
			if err := r.ctx.Err(); err != nil {
				return r.fail(err)
			}
			in := r.inputs[r.cur]
			r.cur++
			rc, err := in.Open()
			if err != nil {
				r.err = err
				return false
			}
			r.closer = rc
			r.stats.Files++
			sc, err := newResultScanner(in.Name, rc)
			if err != nil {
				r.closeInput()
				var re *RowError
				if errors.As(err, &re) && r.bad(re) {
					continue
				}
				return r.fail(err)
			}
			r.sc = sc
		}
		raw, line, off, err := r.sc.next()
		if err != nil {
			r.closeInput() // the rest of this input is unreadable
			if r.bad(err.(*RowError)) {
				continue
			}
			return false
		}
		if raw == nil {
			r.closeInput()
			continue
		}
		r.stats.Results++
		if r.stats.Results%4096 == 0 {
			if err := r.ctx.Err(); err != nil {
				return r.fail(err)
			}
		}
		bad, rerr := parseResult(raw, r.opts.Anchors, r.opts.KeepFailures, &r.p)
		if rerr != nil {
			bad = append(bad, rerr)
		}
		for _, e := range bad {
			e.File, e.Line, e.Offset = r.sc.name, line, off
			if !r.bad(e) {
				return false
			}
		}
		for i, n := range r.p.skipped[:len(reasons)] {
			r.stats.skip(reasons[i], n)
		}
		if rerr != nil {
			continue
		}
		for i := range r.p.tests {
			r.p.tests[i].seq = r.seq
			r.seq++
		}
		return true
	}
}

// bad handles a malformed result: counted when skipping, else the error.
func (r *Reader) bad(e *RowError) bool {
	if !r.opts.SkipBadRows {
		r.err = e
		return false
	}
	r.stats.skip(e.key(), 1)
	return true
}

func (r *Reader) fail(err error) bool {
	r.err = err
	return false
}

var _ ingest.Reader = (*Reader)(nil)
