package ingest

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// columns are the five columns of a batch of typed rows, as a reader of a
// columnar format (Parquet, Arrow IPC) found them, with the unit of its
// timestamps.
type columns struct {
	probe, anchor *array.Int64
	ts            *array.Timestamp
	v4, v6        *array.Float64
	unit          arrow.TimeUnit
}

// schemaColumns are the columns of rec, a batch of Schema.
func schemaColumns(rec arrow.Record) columns {
	return columns{
		probe:  rec.Column(IdxProbe).(*array.Int64),
		anchor: rec.Column(IdxAnchor).(*array.Int64),
		ts:     rec.Column(IdxStartTime).(*array.Timestamp),
		v4:     rec.Column(IdxV4).(*array.Float64),
		v6:     rec.Column(IdxV6).(*array.Float64),
		unit:   arrow.Microsecond,
	}
}

// check returns what is wrong with row i, without its location: a null
// identifier or time (unless untimed), or a duration that is null, NaN,
// infinite or negative. Every format's rows are checked by these rules
// (the text formats parse their fields first, with the same reasons).
func (c *columns) check(i int, untimed bool) *RowError {
	if c.probe.IsNull(i) {
		return &RowError{Field: ColProbe, Reason: "null"}
	}
	if c.anchor.IsNull(i) {
		return &RowError{Field: ColAnchor, Reason: "null"}
	}
	if !untimed && c.ts.IsNull(i) {
		return &RowError{Field: ColStartTime, Reason: "null"}
	}
	if c.v4.IsNull(i) {
		return &RowError{Field: ColV4, Reason: "null"}
	}
	if e := checkDuration(c.v4.Value(i), ColV4); e != nil {
		return e
	}
	if c.v6.IsNull(i) {
		return &RowError{Field: ColV6, Reason: "null"}
	}
	return checkDuration(c.v6.Value(i), ColV6)
}

// allGood reports, faster than checking row by row, that no row is bad:
// no nulls, and every duration finite and not negative.
func (c *columns) allGood(untimed bool) bool {
	if c.probe.NullN() > 0 || c.anchor.NullN() > 0 || !untimed && c.ts.NullN() > 0 || c.v4.NullN() > 0 || c.v6.NullN() > 0 {
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
// input opts.Name, and returns a batch of Schema (UntimedSchema when every
// start_time is null) holding the good ones: a bad row is an error, or,
// with opts.SkipBadRows, counted and left out. It returns nil when no row
// is left. *row advances by n.
func (b *batches) checkBatch(c columns, n int, opts Options, row *int64) (arrow.Record, error) {
	untimed := n > 0 && c.ts.NullN() == n
	var drop []int
	if !c.allGood(untimed) {
		for i := 0; i < n; i++ {
			e := c.check(i, untimed)
			if e == nil {
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
	schema := Schema
	if untimed {
		schema = UntimedSchema
	}
	// Fast path: the input's arrays are the output's.
	if len(drop) == 0 && (untimed || arrow.TypeEqual(c.ts.DataType(), TimestampType)) {
		ts := arrow.Array(c.ts)
		if untimed {
			ts = array.MakeArrayOfNull(opts.Allocator, TimestampType, n)
			defer ts.Release()
		}
		return array.NewRecord(schema, []arrow.Array{c.probe, c.anchor, ts, c.v4, c.v6}, int64(n)), nil
	}
	if b.bld == nil {
		b.bld = array.NewRecordBuilder(opts.Allocator, Schema)
	}
	probe, anchor, ts, v4, v6 := Builders(b.bld)
	for _, bl := range []array.Builder{probe, anchor, ts, v4, v6} {
		bl.Reserve(kept)
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
		v4.UnsafeAppend(c.v4.Value(i))
		v6.UnsafeAppend(c.v6.Value(i))
	}
	rec := b.bld.NewRecord()
	if !untimed {
		return rec, nil
	}
	defer rec.Release()
	return array.NewRecord(UntimedSchema, rec.Columns(), rec.NumRows()), nil
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
		rec, err := b.checkBatch(cols(in), int(in.NumRows()), opts, row)
		in.Release()
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
