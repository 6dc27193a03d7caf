package ingest

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/outcome"
)

// RowOutcomes returns the outcomes of row i of a FailuresSchema batch's
// outcome columns, or what is wrong with them: a null or unknown outcome.
func RowOutcomes(o4, o6 *array.String, i int) (c4, c6 outcome.Code, e *RowError) {
	if c4, e = outcomeAt(o4, i, ColV4Outcome); e != nil {
		return 0, 0, e
	}
	if c6, e = outcomeAt(o6, i, ColV6Outcome); e != nil {
		return 0, 0, e
	}
	return c4, c6, nil
}

// stringValues is a column of strings: utf8 or large_utf8.
type stringValues interface {
	arrow.Array
	Value(int) string
}

// outcomeAt returns the outcome of row i of the column field, or what is
// wrong with it: null, or no outcome.Code name.
func outcomeAt(col stringValues, i int, field string) (outcome.Code, *RowError) {
	if col.IsNull(i) {
		return 0, &RowError{Field: field, Reason: reasonNull}
	}
	c, _, ok := parseOutcome(col.Value(i))
	if !ok {
		return 0, &RowError{Field: field, Reason: reasonUnknownOutcome, Value: shorten(col.Value(i))}
	}
	return c, nil
}

// codeByName maps each outcome.Code's name to the code: the names as
// afsel writes them, looked up before outcome.Parse's lenient reading.
var codeByName = func() map[string]outcome.Code {
	m := make(map[string]outcome.Code)
	for _, c := range outcome.Codes() {
		m[c.String()] = c
	}
	return m
}()

// parseOutcome reads an outcome as a file holds it (outcome.Parse: case
// and surrounding space do not matter). canonical reports that s is
// written as afsel writes the code.
func parseOutcome(s string) (c outcome.Code, canonical, ok bool) {
	if s == "ok" { // most tests work: a third of a map lookup's time
		return outcome.OK, true, true
	}
	if c, ok := codeByName[s]; ok {
		return c, true, true
	}
	c, err := outcome.Parse(s)
	return c, false, err == nil
}

// failureDrop is the reason a row whose tests had outcomes c4 and c6 is
// left out when failures are not kept: FailureReason of its first failed
// family, v4 before v6; "" when both tests worked. Every reader and
// DropFailures count by it.
func failureDrop(c4, c6 outcome.Code) string {
	switch {
	case c4.Failed():
		return FailureReason(4, c4)
	case c6.Failed():
		return FailureReason(6, c6)
	}
	return ""
}

// IsFailureReason reports whether reason, a key of Stats.Dropped, counts
// rows left out because a test failed (FailureReason) rather than
// malformed rows.
func IsFailureReason(reason string) bool {
	for _, col := range []string{ColV4Outcome, ColV6Outcome} {
		if name, ok := strings.CutPrefix(reason, col+": "); ok {
			c, known := codeByName[name]
			return known && c.Failed()
		}
	}
	return false
}

// DropFailures returns a batch of Schema with the rows of rec, a checked
// batch of FailuresSchema (every outcome valid, every working test's
// duration set), whose two tests both worked: what the authors' query
// keeps. Each row left out is counted in *dropped under FailureReason of
// its first failed family. It returns nil when no row is left.
func DropFailures(mem memory.Allocator, rec arrow.Record, dropped *map[string]int64) (arrow.Record, error) {
	if err := CheckFailuresSchema(rec.Schema()); err != nil {
		return nil, err
	}
	o4 := rec.Column(IdxV4Outcome).(*array.String)
	o6 := rec.Column(IdxV6Outcome).(*array.String)
	n := int(rec.NumRows())
	keep := make([]bool, n)
	kept := 0
	for i := range n {
		c4, c6, e := RowOutcomes(o4, o6, i)
		if e != nil {
			return nil, fmt.Errorf("row %d of a batch: %w", i+1, e)
		}
		if reason := failureDrop(c4, c6); reason != "" {
			Tally(dropped, reason, 1)
			continue
		}
		keep[i] = true
		kept++
	}
	if kept == 0 {
		return nil, nil
	}
	schema := Schema
	if rec.Column(IdxStartTime).NullN() == n {
		schema = UntimedSchema
	}
	if kept == n && rec.Column(IdxV4).NullN() == 0 && rec.Column(IdxV6).NullN() == 0 {
		return array.NewRecord(schema, rec.Columns()[:IdxV4Outcome], int64(n)), nil
	}
	b := array.NewRecordBuilder(mem, Schema)
	defer b.Release()
	probe, anchor, ts, v4, v6 := Builders(b)
	p := rec.Column(IdxProbe).(*array.Int64)
	a := rec.Column(IdxAnchor).(*array.Int64)
	t := rec.Column(IdxStartTime).(*array.Timestamp)
	d4 := rec.Column(IdxV4).(*array.Float64)
	d6 := rec.Column(IdxV6).(*array.Float64)
	for i := range n {
		if !keep[i] {
			continue
		}
		probe.Append(p.Value(i))
		anchor.Append(a.Value(i))
		if t.IsNull(i) {
			ts.AppendNull()
		} else {
			ts.Append(t.Value(i))
		}
		v4.Append(d4.Value(i))
		v6.Append(d6.Value(i))
	}
	out := b.NewRecord()
	if schema == Schema {
		return out, nil
	}
	defer out.Release()
	return array.NewRecord(schema, out.Columns(), out.NumRows()), nil
}

// FailureBuilders returns the outcome column builders of b, a record
// builder of FailuresSchema.
func FailureBuilders(b *array.RecordBuilder) (o4, o6 *array.StringBuilder) {
	return b.Field(IdxV4Outcome).(*array.StringBuilder), b.Field(IdxV6Outcome).(*array.StringBuilder)
}

// SplitFailures splits s's drops into the rows left out for a failed test
// and the others (malformed rows).
func (s Stats) SplitFailures() (failed, malformed Stats) {
	for r, n := range s.Dropped {
		if IsFailureReason(r) {
			failed.drop(r, n)
		} else {
			malformed.drop(r, n)
		}
	}
	return failed, malformed
}
