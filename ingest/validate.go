package ingest

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/outcome"
)

// columns are the columns of a batch of typed rows, as a reader of a
// columnar format (Parquet, Arrow IPC) found them, with the unit of its
// timestamps.
type columns struct {
	probe, anchor *array.Int64
	ts            *array.Timestamp
	v4, v6        *array.Float64
	unit          arrow.TimeUnit
	// o4 and o6 are the outcome columns of input that has them (of an
	// outcomeType), else nil.
	o4, o6 arrow.Array
}

// arrowColumns are the columns of rec, a batch of an Arrow IPC input
// checked by checkInputSchema.
func arrowColumns(rec arrow.Record) columns {
	c := columns{
		probe:  rec.Column(IdxProbe).(*array.Int64),
		anchor: rec.Column(IdxAnchor).(*array.Int64),
		ts:     rec.Column(IdxStartTime).(*array.Timestamp),
		v4:     rec.Column(IdxV4).(*array.Float64),
		v6:     rec.Column(IdxV6).(*array.Float64),
		unit:   arrow.Microsecond,
	}
	if rec.NumCols() == int64(FailuresSchema.NumFields()) {
		c.o4, c.o6 = rec.Column(IdxV4Outcome), rec.Column(IdxV6Outcome)
	}
	return c
}

// Reasons of a bad value that every format gives (but CSV, which says
// "empty" for null, as of every field).
const (
	reasonNull           = "null"
	reasonUnknownOutcome = "unknown outcome"
)

// codeBad is no outcome: it marks a row's null or unknown outcome until
// check says which.
const codeBad outcome.Code = 255

// outcomes are a batch's outcome columns as utf8 and each row's codes
// (codeBad where the outcome is null or unknown).
type outcomes struct {
	s4, s6 *array.String
	c4, c6 []outcome.Code
	// bad: some outcome is codeBad; failed: some test failed; canonical:
	// every outcome is written as afsel writes it.
	bad, failed, canonical bool
}

// readOutcomes reads the n rows of c's outcome columns, into buffers kept
// in b between batches. Release the result. A damaged Arrow IPC input's
// string offsets or dictionary indices, which Arrow does not check, are an
// error: once every value is read, the columns are sound for whoever
// reads them next.
func (b *batches) readOutcomes(c columns, n int, mem memory.Allocator) (o *outcomes, err error) {
	o = &outcomes{canonical: true}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("damaged outcome column (%v)", p)
		}
		if err != nil {
			o.release()
			o = nil
		}
	}()
	if o.s4, err = utf8(mem, c.o4); err != nil {
		return o, err
	}
	if o.s6, err = utf8(mem, c.o6); err != nil {
		return o, err
	}
	b.codes[0], b.codes[1] = grow(b.codes[0], n), grow(b.codes[1], n)
	o.c4, o.c6 = b.codes[0], b.codes[1]
	for _, col := range []struct {
		s   *array.String
		dst []outcome.Code
	}{{o.s4, o.c4}, {o.s6, o.c6}} {
		for i := range n {
			if col.s.IsNull(i) {
				col.dst[i], o.bad = codeBad, true
				continue
			}
			code, canonical, ok := parseOutcome(col.s.Value(i))
			if !ok {
				code, o.bad = codeBad, true
			}
			col.dst[i] = code
			o.canonical = o.canonical && canonical
			o.failed = o.failed || ok && code.Failed()
		}
	}
	return o, nil
}

func (o *outcomes) release() {
	for _, s := range []*array.String{o.s4, o.s6} {
		if s != nil {
			s.Release()
		}
	}
}

func grow(s []outcome.Code, n int) []outcome.Code {
	if cap(s) < n {
		return make([]outcome.Code, n)
	}
	return s[:n]
}

// utf8 returns a, an outcome column of an outcomeType, as utf8: a itself,
// retained, or a copy of a large_utf8 or dictionary column. Release it.
func utf8(mem memory.Allocator, a arrow.Array) (*array.String, error) {
	if s, ok := a.(*array.String); ok {
		s.Retain()
		return s, nil
	}
	values, index := a, func(i int) int { return i }
	if d, ok := a.(*array.Dictionary); ok {
		values, index = d.Dictionary(), d.GetValueIndex
	}
	vs := values.(stringValues)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	for i := range a.Len() {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		switch j := index(i); {
		case j < 0 || j >= vs.Len():
			return nil, fmt.Errorf("damaged outcome column: dictionary index %d of %d values", j, vs.Len())
		case vs.IsNull(j):
			b.AppendNull()
		default:
			b.Append(vs.Value(j))
		}
	}
	return b.NewStringArray(), nil
}

// check returns what is wrong with row i, without its location, by the
// rule every format's rows are checked by (the text formats parse their
// fields first, with the same reasons): a null identifier or time (unless
// untimed); then, for input with outcome columns (o not nil), a null or
// unknown outcome; then a duration that is NaN, infinite or negative, or
// null unless its test failed.
func (c *columns) check(i int, untimed bool, o *outcomes) *RowError {
	if c.probe.IsNull(i) {
		return &RowError{Field: ColProbe, Reason: reasonNull}
	}
	if c.anchor.IsNull(i) {
		return &RowError{Field: ColAnchor, Reason: reasonNull}
	}
	if !untimed && c.ts.IsNull(i) {
		return &RowError{Field: ColStartTime, Reason: reasonNull}
	}
	c4, c6 := outcome.OK, outcome.OK
	if o != nil {
		c4, c6 = o.c4[i], o.c6[i]
		if c4 == codeBad || c6 == codeBad {
			_, _, e := RowOutcomes(o.s4, o.s6, i)
			return e
		}
	}
	if e := checkTest(c.v4, i, c4, ColV4); e != nil {
		return e
	}
	return checkTest(c.v6, i, c6, ColV6)
}

// checkTest checks the duration of a test of outcome code in row i of d.
func checkTest(d *array.Float64, i int, code outcome.Code, name string) *RowError {
	if d.IsNull(i) {
		if code.Failed() {
			return nil
		}
		return &RowError{Field: name, Reason: reasonNull}
	}
	return checkDuration(d.Value(i), name)
}

// allGood reports, faster than checking row by row, that no row is bad
// (no nulls, no bad outcome, every duration finite and not negative) and,
// unless failures are kept, that no test failed.
func (c *columns) allGood(untimed bool, o *outcomes, keepFailures bool) bool {
	if c.probe.NullN() > 0 || c.anchor.NullN() > 0 || !untimed && c.ts.NullN() > 0 || c.v4.NullN() > 0 || c.v6.NullN() > 0 {
		return false
	}
	if o != nil && (o.bad || o.failed && !keepFailures) {
		return false
	}
	good := func(x []float64) bool {
		for _, v := range x {
			if !(v >= 0 && v <= math.MaxFloat64) { // false for NaN
				return false
			}
		}
		return true
	}
	return good(c.v4.Float64Values()) && good(c.v6.Float64Values())
}

// checkDuration returns what is wrong with a duration, if anything.
func checkDuration(v float64, name string) *RowError {
	switch {
	case math.IsNaN(v):
		return &RowError{Field: name, Reason: "NaN", Value: "NaN"}
	case math.IsInf(v, 0):
		return &RowError{Field: name, Reason: "infinite", Value: fmt.Sprint(v)}
	case v < 0:
		return &RowError{Field: name, Reason: "negative", Value: fmt.Sprint(v)}
	}
	return nil
}

// checkBatch checks the n rows of c, whose first is row *row+1 of the
// input opts.Name, and returns a batch holding the good ones: a bad row is
// an error, or, with opts.SkipBadRows, counted and left out. Input with
// outcome columns gives a batch of FailuresSchema with
// opts.KeepFailures; without it, its rows with a failed test are left out,
// counted by failureDrop. Other batches are of Schema. Either is untimed
// (UntimedSchema, untimedFailuresSchema) when every start_time is null.
// It returns nil when no row is left. *row advances by n.
func (b *batches) checkBatch(c columns, n int, opts Options, row *int64) (arrow.Record, error) {
	untimed := n > 0 && c.ts.NullN() == n
	var o *outcomes
	if c.o4 != nil {
		var err error
		if o, err = b.readOutcomes(c, n, opts.Allocator); err != nil {
			return nil, fmt.Errorf("read %s: rows %d to %d: %w", opts.Name, *row+1, *row+int64(n), err)
		}
		defer o.release()
	}
	keep := o != nil && opts.KeepFailures // the batch keeps its outcomes
	var drop []int
	if !c.allGood(untimed, o, opts.KeepFailures) {
		for i := 0; i < n; i++ {
			e := c.check(i, untimed, o)
			if e == nil {
				if o == nil || keep {
					continue
				}
				reason := failureDrop(o.c4[i], o.c6[i])
				if reason == "" {
					continue
				}
				b.stats.RowsRead++
				b.stats.drop(reason, 1)
				drop = append(drop, i)
				continue
			}
			e.File, e.Line, e.Unit = opts.Name, *row+int64(i)+1, UnitRow
			if !opts.SkipBadRows {
				return nil, e
			}
			b.stats.RowsRead++
			b.stats.drop(e.key(), 1)
			drop = append(drop, i)
		}
	}
	*row += int64(n)
	kept := n - len(drop)
	b.stats.RowsRead += int64(kept)
	b.stats.RowsKept += int64(kept)
	if kept == 0 {
		return nil, nil
	}
	schema := batchSchema(keep, untimed)
	// Fast path: the input's arrays are the output's.
	if len(drop) == 0 && (untimed || arrow.TypeEqual(c.ts.DataType(), TimestampType)) && (!keep || o.canonical) {
		ts := arrow.Array(c.ts)
		if untimed {
			ts = array.MakeArrayOfNull(opts.Allocator, TimestampType, n)
			defer ts.Release()
		}
		cols := []arrow.Array{c.probe, c.anchor, ts, c.v4, c.v6}
		if keep {
			cols = append(cols, o.s4, o.s6)
		}
		return array.NewRecord(schema, cols, int64(n)), nil
	}
	if b.bld == nil {
		b.bld = array.NewRecordBuilder(opts.Allocator, batchSchema(keep, false))
	}
	probe, anchor, ts, v4, v6 := Builders(b.bld)
	for _, bl := range []array.Builder{probe, anchor, ts, v4, v6} {
		bl.Reserve(kept)
	}
	var o4, o6 *array.StringBuilder
	if keep {
		o4, o6 = FailureBuilders(b.bld)
		o4.Reserve(kept)
		o6.Reserve(kept)
	}
	for i := 0; i < n; i++ {
		if len(drop) > 0 && drop[0] == i {
			drop = drop[1:]
			continue
		}
		probe.UnsafeAppend(c.probe.Value(i))
		anchor.UnsafeAppend(c.anchor.Value(i))
		if untimed {
			ts.UnsafeAppendBoolToBitmap(false)
		} else {
			ts.UnsafeAppend(arrow.Timestamp(toMicros(int64(c.ts.Value(i)), c.unit)))
		}
		if !keep {
			v4.UnsafeAppend(c.v4.Value(i))
			v6.UnsafeAppend(c.v6.Value(i))
			continue
		}
		// A failed test's duration may be null; outcomes are written by
		// their names.
		appendDuration(v4, c.v4, i)
		appendDuration(v6, c.v6, i)
		o4.Append(o.c4[i].String())
		o6.Append(o.c6[i].String())
	}
	rec := b.bld.NewRecord()
	if !untimed {
		return rec, nil
	}
	defer rec.Release()
	return array.NewRecord(schema, rec.Columns(), rec.NumRows()), nil
}

// appendDuration appends row i of d, null or not, to b, reserved.
func appendDuration(b *array.Float64Builder, d *array.Float64, i int) {
	if d.IsNull(i) {
		b.UnsafeAppendBoolToBitmap(false)
	} else {
		b.UnsafeAppend(d.Value(i))
	}
}

// nextChecked sets the next batch of checked rows (checkBatch) as the
// current one, reading input batches with read, which the caller owns and
// which are released here, until one keeps a row; read returns nil at the
// end of input. It reports whether there is a batch.
func (b *batches) nextChecked(read func() (arrow.Record, error), cols func(arrow.Record) columns, opts Options, row *int64) bool {
	b.dropRecord()
	for b.err == nil {
		in, err := read()
		if err != nil {
			b.err = err
			return false
		}
		if in == nil {
			return false
		}
		// Arrow checks little of a damaged IPC batch: its arrays may
		// panic when read (a null count of a missing bitmap).
		first, n := *row+1, in.NumRows()
		var rec arrow.Record
		err = recovered(func() (err error) {
			rec, err = b.checkBatch(cols(in), int(n), opts, row)
			return err
		})
		in.Release()
		if errors.Is(err, errMetadata) {
			err = fmt.Errorf("read %s: rows %d to %d: %w", opts.Name, first, first+n-1, err)
		}
		if err != nil {
			b.err = err
			return false
		}
		if rec != nil {
			b.rec = rec
			return true
		}
	}
	return false
}
