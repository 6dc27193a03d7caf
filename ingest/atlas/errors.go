package atlas

import (
	"errors"
	"fmt"

	"github.com/afsel/afsel/ingest"
)

// ErrUnsorted is returned when Options.SortedByProbe is set and a result's
// prb_id is lower than an earlier one.
var ErrUnsorted = errors.New("results are not sorted by prb_id")

// RowError describes a malformed result: where it is and what is wrong.
// errors.Is(err, ingest.ErrBadRow) holds for it.
type RowError struct {
	File string // input name
	Line int64  // 1-based line, for one result per line; 0 otherwise
	// Offset is, for a JSON array, the byte offset of the result in the
	// decompressed input; for a syntax error, where reading it began (just
	// after the previous result).
	Offset int64
	Field  string // JSON field, or "" for the whole result
	Reason string // short cause, also the key under which skips are counted
	Value  string // offending text, possibly shortened
}

func (e *RowError) Error() string {
	loc := fmt.Sprintf("%s line %d", e.File, e.Line)
	if e.Line == 0 {
		loc = fmt.Sprintf("%s byte offset %d", e.File, e.Offset)
	}
	if e.Field != "" {
		loc += " field " + e.Field
	}
	if e.Value != "" {
		return fmt.Sprintf("%s: %s: %q", loc, e.Reason, e.Value)
	}
	return fmt.Sprintf("%s: %s", loc, e.Reason)
}

// Unwrap makes errors.Is(err, ingest.ErrBadRow) true.
func (e *RowError) Unwrap() error { return ingest.ErrBadRow }

// key is the reason under which a skipped result is counted.
func (e *RowError) key() string {
	if e.Field == "" {
		return "bad: " + e.Reason
	}
	return "bad: " + e.Field + ": " + e.Reason
}

func shorten(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
