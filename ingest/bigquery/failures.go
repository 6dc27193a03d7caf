package bigquery

import (
	"errors"
	"fmt"
	"math"
	"time"

	bq "cloud.google.com/go/bigquery"
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
)

// failureResultCols are the result columns of a failures query
// (queries.Config.Failures): those of the authors' query, then per family
// the status (-1 for none), the error text and the DNS error text (empty
// for none). NULL reads as none too.
var failureResultCols = append(wantCols[:len(wantCols):len(wantCols)],
	"v4_status", "v4_error", "v4_dns_error", "v6_status", "v6_error", "v6_dns_error")

// resultColType is the type of result column i of failureResultCols (of
// the elements, for a series query's arrays).
func resultColType(i int) arrow.DataType {
	switch {
	case i < len(wantCols):
		return ingest.Schema.Field(i).Type
	case (i-len(wantCols))%3 == 0:
		return arrow.PrimitiveTypes.Int64
	}
	return arrow.BinaryTypes.String
}

// outputSchema is the schema of the batches read with cfg.
func outputSchema(cfg *Config) *arrow.Schema {
	if cfg.Failures {
		return ingest.FailuresSchema
	}
	return ingest.Schema
}

// test is one side of a failures query's row: what tells how the test
// went, raw.
type test struct {
	status      int64 // < 0: none
	err, dnsErr string
	dur         float64
	hasDur      bool // not NULL, not NaN
}

// outcome classifies t with outcome.Classify, the rule every reader
// shares, and says whether its duration stands. A test that would be OK
// but has no duration is outcome.Other: it is neither a success, which
// needs a time, nor one of the named failures.
func (t test) outcome() (outcome.Code, bool) {
	status := int(t.status)
	if t.status < 0 || t.status > math.MaxInt32 {
		status = -1
	}
	c := outcome.Measured(outcome.Classify(status, t.err, t.dnsErr != ""), t.hasDur)
	return c, c == outcome.OK
}

// failureBuilders are the builders of a FailuresSchema batch.
type failureBuilders struct {
	probe, anchor *array.Int64Builder
	ts            *array.TimestampBuilder
	dur           [2]*array.Float64Builder
	out           [2]*array.StringBuilder
}

func newFailureBuilders(b *array.RecordBuilder) failureBuilders {
	var f failureBuilders
	f.probe, f.anchor, f.ts, f.dur[0], f.dur[1] = ingest.Builders(b)
	f.out[0], f.out[1] = ingest.FailureBuilders(b)
	return f
}

// appendTests appends the two tests of a row, their durations null unless
// they worked.
func (f failureBuilders) appendTests(tests [2]test) {
	for k, t := range tests {
		c, ok := t.outcome()
		if ok {
			f.dur[k].Append(t.dur)
		} else {
			f.dur[k].AppendNull()
		}
		f.out[k].Append(c.String())
	}
}

// failureArrays are the value arrays of a failures query's batch: its
// columns, or the values of its lists for a series query.
type failureArrays struct {
	ts     *array.Timestamp
	dur    [2]*array.Float64
	status [2]*array.Int64
	err    [2]*array.String
	dnsErr [2]*array.String
}

// convertFailures turns a failures query's batch, whose columns check
// found at idx (in the order of failureResultCols), into a FailuresSchema
// batch, expanding a series query's arrays.
func (c converter) convertFailures(rec arrow.Record, idx []int) (arrow.Record, error) {
	b := array.NewRecordBuilder(c.mem, ingest.FailuresSchema)
	defer b.Release()
	bld := newFailureBuilders(b)
	prb := rec.Column(idx[ingest.IdxProbe]).(*array.Int64)
	anc := rec.Column(idx[ingest.IdxAnchor]).(*array.Int64)
	// Value columns in failureResultCols order from start_time on.
	vals := make([]arrow.Array, len(idx)-ingest.IdxStartTime)
	var lists []*array.List
	for i := range vals {
		col := rec.Column(idx[ingest.IdxStartTime+i])
		if c.series {
			l := col.(*array.List)
			lists = append(lists, l)
			col = l.ListValues()
		}
		vals[i] = col
	}
	a := failureArrays{ts: vals[0].(*array.Timestamp)}
	a.dur[0], a.dur[1] = vals[1].(*array.Float64), vals[2].(*array.Float64)
	for k := range 2 {
		a.status[k] = vals[3+3*k].(*array.Int64)
		a.err[k] = vals[4+3*k].(*array.String)
		a.dnsErr[k] = vals[5+3*k].(*array.String)
	}
	// The value index of each array, in the order of vals: the row's for
	// a flat query, the start of the row's list for a series query.
	start := make([]int, len(vals))
	for i := range int(rec.NumRows()) {
		n := 1
		for l := range start {
			start[l] = i
			if c.series {
				from, to := lists[l].ValueOffsets(i)
				if l == 0 {
					n = int(to - from)
				} else if int(to-from) != n {
					return nil, fmt.Errorf("bigquery: row %d: arrays of %d times and %d %s", i, n, to-from, failureResultCols[ingest.IdxStartTime+l])
				}
				start[l] = int(from)
			}
		}
		for j := range n {
			appendInt(bld.probe, prb, i)
			appendInt(bld.anchor, anc, i)
			if t := start[0] + j; a.ts.IsNull(t) {
				bld.ts.AppendNull()
			} else {
				bld.ts.Append(a.ts.Value(t))
			}
			var tests [2]test
			for k := range 2 {
				tests[k] = a.test(k, start, j)
			}
			bld.appendTests(tests)
		}
	}
	return b.NewRecord(), nil
}

// test returns family k's test, element j of the row whose values start
// at start[l] in array l of vals: dur[k] is array 1+k, status[k] 3+3k,
// err[k] 4+3k and dnsErr[k] 5+3k (failureResultCols from start_time on).
func (a *failureArrays) test(k int, start []int, j int) test {
	t := test{status: -1}
	if d, i := a.dur[k], start[1+k]+j; d.IsValid(i) && !math.IsNaN(d.Value(i)) {
		t.dur, t.hasDur = d.Value(i), true
	}
	if s, i := a.status[k], start[3+3*k]+j; s.IsValid(i) {
		t.status = s.Value(i)
	}
	if e, i := a.err[k], start[4+3*k]+j; e.IsValid(i) {
		t.err = e.Value(i)
	}
	if e, i := a.dnsErr[k], start[5+3*k]+j; e.IsValid(i) {
		t.dnsErr = e.Value(i)
	}
	return t
}

// appendFailuresRow appends a failures query's REST row, whose columns
// restColumns found at idx, expanding a series query's arrays.
func (c converter) appendFailuresRow(b *array.RecordBuilder, row []bq.Value, idx []int) error {
	bld := newFailureBuilders(b)
	get := func(i int) bq.Value { return row[idx[i]] }
	n := 1
	var arrays [][]bq.Value // from start_time on, for a series query
	if c.series {
		for i := ingest.IdxStartTime; i < len(idx); i++ {
			v, ok := get(i).([]bq.Value)
			if !ok && get(i) != nil {
				return fmt.Errorf("column %s: unexpected %T", failureResultCols[i], get(i))
			}
			if i == ingest.IdxStartTime {
				n = len(v)
			} else if len(v) != n {
				return errors.New("series arrays of different lengths")
			}
			arrays = append(arrays, v)
		}
	}
	// value returns column i of element j.
	value := func(i, j int) bq.Value {
		if c.series {
			return arrays[i-ingest.IdxStartTime][j]
		}
		return get(i)
	}
	for j := range n {
		for i, fb := range []*array.Int64Builder{bld.probe, bld.anchor} {
			switch v := get(i).(type) {
			case nil:
				fb.AppendNull()
			case int64:
				fb.Append(v)
			default:
				return fmt.Errorf("column %s: unexpected %T", failureResultCols[i], v)
			}
		}
		switch v := value(ingest.IdxStartTime, j).(type) {
		case nil:
			bld.ts.AppendNull()
		case time.Time:
			bld.ts.Append(arrow.Timestamp(v.UnixMicro()))
		default:
			return fmt.Errorf("column %s: unexpected %T", ingest.ColStartTime, v)
		}
		var tests [2]test
		for k := range 2 {
			t, err := restTest(failureResultCols, func(i int) bq.Value { return value(i, j) }, k)
			if err != nil {
				return err
			}
			tests[k] = t
		}
		bld.appendTests(tests)
	}
	return nil
}

// restTest reads family k's test from a REST row's values.
func restTest(names []string, value func(i int) bq.Value, k int) (test, error) {
	t := test{status: -1}
	d, s, e, n := ingest.IdxV4+k, len(wantCols)+3*k, len(wantCols)+3*k+1, len(wantCols)+3*k+2
	switch v := value(d).(type) {
	case nil:
	case float64:
		t.dur, t.hasDur = v, !math.IsNaN(v)
	default:
		return t, fmt.Errorf("column %s: unexpected %T", names[d], v)
	}
	switch v := value(s).(type) {
	case nil:
	case int64:
		t.status = v
	default:
		return t, fmt.Errorf("column %s: unexpected %T", names[s], v)
	}
	for _, f := range []struct {
		i   int
		dst *string
	}{{e, &t.err}, {n, &t.dnsErr}} {
		switch v := value(f.i).(type) {
		case nil:
		case string:
			*f.dst = v
		default:
			return t, fmt.Errorf("column %s: unexpected %T", names[f.i], v)
		}
	}
	return t, nil
}
