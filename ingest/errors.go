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
	Line   int64  // 1-based line (CSV) or row (other formats)
	Field  string // column name, or "" for the whole row
	Reason string // short cause, also the key under which skips are counted
	Value  string // offending text, possibly shortened
}

func (e *RowError) Error() string {
	loc := fmt.Sprintf("%s line %d", e.File, e.Line)
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
