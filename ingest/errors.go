package ingest

import (
	"errors"
	"fmt"
)

// ErrBadRow is wrapped by every error about a malformed input row.
var ErrBadRow = errors.New("bad row")

// RowError describes a malformed row: where it is and what is wrong.
type RowError struct {
	File   string // input name as given by the caller
	Line   int64  // 1-based, in Unit
	Unit   string // what Line counts: UnitLine (CSV, and the default), UnitRow (Parquet, Arrow) or UnitEntry (CBOR)
	Field  string // column name, or "" for the whole row
	Reason string // short cause, also the key under which skips are counted
	Value  string // offending text, possibly shortened
}

// Units of RowError.Line.
const (
	UnitLine  = "line"  // a line of a text file
	UnitRow   = "row"   // a row of a columnar file, counted from the first
	UnitEntry = "entry" // an entry (a pair) of a CBOR array
)

func (e *RowError) Error() string {
	unit := e.Unit
	if unit == "" {
		unit = UnitLine
	}
	loc := fmt.Sprintf("%s %s %d", e.File, unit, e.Line)
	if e.Line == 0 { // the file as a whole: its header
		loc = e.File
	}
	if e.Field != "" {
		loc += " field " + e.Field
	}
	if e.Value != "" {
		return fmt.Sprintf("%s: %s: %q", loc, e.Reason, e.Value)
	}
	return fmt.Sprintf("%s: %s", loc, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBadRow) true.
func (e *RowError) Unwrap() error { return ErrBadRow }

// key is the reason under which a skipped row is counted.
func (e *RowError) key() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func shorten(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
