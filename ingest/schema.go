package ingest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/outcome"
)

// Column names of the ingest schema, as in the authors' BigQuery export.
const (
	ColProbe     = "prb_id"
	ColAnchor    = "anchor_id"
	ColStartTime = "start_time"
	ColV4        = "v4_duration"
	ColV6        = "v6_duration"
	// The outcome columns of FailuresSchema: outcome.Code names.
	ColV4Outcome = "v4_outcome"
	ColV6Outcome = "v6_outcome"
)

// Column indices of the ingest schema.
const (
	IdxProbe = iota
	IdxAnchor
	IdxStartTime
	IdxV4
	IdxV6
	IdxV4Outcome // FailuresSchema only
	IdxV6Outcome // FailuresSchema only
)

// TimestampType is the type of start_time: microseconds since the Unix epoch,
// UTC, the resolution of BigQuery's TIMESTAMP.
var TimestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// Schema is the one schema every afsel reader produces: one row per paired
// test, durations in milliseconds.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: ColProbe, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColAnchor, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColStartTime, Type: TimestampType},
	{Name: ColV4, Type: arrow.PrimitiveTypes.Float64},
	{Name: ColV6, Type: arrow.PrimitiveTypes.Float64},
}, nil)

// FailuresSchema is Schema extended for tests that may fail: a duration is
// null when its family's test failed, and each family has an outcome
// column holding an outcome.Code name ("ok", "connect_timeout", ...). Readers
// produce it only when Options.KeepFailures asks for failed tests; without
// it, rows with a failed test are dropped (counted by FailureReason), as
// the authors' query keeps only tests with status 200.
var FailuresSchema = arrow.NewSchema([]arrow.Field{
	{Name: ColProbe, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColAnchor, Type: arrow.PrimitiveTypes.Int64},
	{Name: ColStartTime, Type: TimestampType},
	{Name: ColV4, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: ColV6, Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: ColV4Outcome, Type: arrow.BinaryTypes.String},
	{Name: ColV6Outcome, Type: arrow.BinaryTypes.String},
}, nil)

// untimedFailuresSchema is FailuresSchema with a nullable start_time, as
// UntimedSchema is Schema's: batches of input with outcome columns but no
// times, which readers treat as they treat such input without outcomes.
var untimedFailuresSchema = func() *arrow.Schema {
	f := FailuresSchema.Fields()
	f[IdxStartTime].Nullable = true
	return arrow.NewSchema(f, nil)
}()

// batchSchema is the schema of a reader's batches: FailuresSchema when the
// batch has outcome columns, else Schema; their untimed variants when no
// row has a start_time.
func batchSchema(outcomes, untimed bool) *arrow.Schema {
	switch {
	case outcomes && untimed:
		return untimedFailuresSchema
	case outcomes:
		return FailuresSchema
	case untimed:
		return UntimedSchema
	}
	return Schema
}

// outcomeType reports whether a reader takes an outcome column of type t:
// utf8, large_utf8, or a dictionary of either (as pyarrow writes a
// categorical). Batches always hold utf8.
func outcomeType(t arrow.DataType) bool {
	if d, ok := t.(*arrow.DictionaryType); ok {
		t = d.ValueType
	}
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
}

// checkInputSchema checks s, the schema of an input that states one (Arrow
// IPC), and reports whether it has outcome columns: it must be Schema's
// five fields or FailuresSchema's seven, names and types in order
// (nullability and metadata are ignored; an outcome column may be of any
// outcomeType).
func checkInputSchema(s *arrow.Schema) (outcomes bool, err error) {
	switch s.NumFields() {
	case Schema.NumFields():
		return false, CheckSchema(s)
	case FailuresSchema.NumFields():
		for i, want := range FailuresSchema.Fields() {
			got := s.Field(i)
			ok := arrow.TypeEqual(got.Type, want.Type)
			if i >= IdxV4Outcome {
				ok = outcomeType(got.Type)
			}
			if got.Name != want.Name || !ok {
				return false, fmt.Errorf("schema field %d is %s %s, want %s %s", i, got.Name, got.Type, want.Name, want.Type)
			}
		}
		return true, nil
	}
	return false, fmt.Errorf("schema has %d fields, want %d (%s) or, with outcomes, %d (%s)",
		s.NumFields(), Schema.NumFields(), fieldNames(Schema), FailuresSchema.NumFields(), fieldNames(FailuresSchema))
}

// HasOutcomes reports whether s is FailuresSchema (or another schema with
// its seven fields): batches that carry outcome columns.
func HasOutcomes(s *arrow.Schema) bool { return CheckFailuresSchema(s) == nil }

// CheckFailuresSchema is CheckSchema for FailuresSchema.
func CheckFailuresSchema(s *arrow.Schema) error { return checkFields(s, FailuresSchema) }

// FailureReason is the drop reason of a row left out because a test
// failed, named after the first failed family's outcome column:
// "v6_outcome: connect_timeout".
func FailureReason(family int, code outcome.Code) string {
	col := ColV4Outcome
	if family == 6 {
		col = ColV6Outcome
	}
	return col + ": " + code.String()
}

// CheckSchema reports whether s has the ingest schema's fields, names and
// types in order (metadata is ignored).
func CheckSchema(s *arrow.Schema) error { return checkFields(s, Schema) }

func checkFields(s, want *arrow.Schema) error {
	if s.NumFields() != want.NumFields() {
		return fmt.Errorf("schema has %d fields, want %d (%s)", s.NumFields(), want.NumFields(), fieldNames(want))
	}
	for i, want := range want.Fields() {
		got := s.Field(i)
		if got.Name != want.Name || !arrow.TypeEqual(got.Type, want.Type) {
			return fmt.Errorf("schema field %d is %s %s, want %s %s", i, got.Name, got.Type, want.Name, want.Type)
		}
	}
	return nil
}

func fieldNames(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ",")
}

// Stats counts what a reader did with its input rows.
// Invariant: RowsRead == RowsKept + the sum of Dropped.
type Stats struct {
	RowsRead int64            `json:"rows_read"`
	RowsKept int64            `json:"rows_kept"`
	Dropped  map[string]int64 `json:"rows_dropped"` // by reason, e.g. "v4_duration: negative"
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	s.RowsRead += o.RowsRead
	s.RowsKept += o.RowsKept
	for k, v := range o.Dropped {
		s.drop(k, v)
	}
}

func (s *Stats) drop(reason string, n int64) { Tally(&s.Dropped, reason, n) }

// DroppedTotal is the number of rows dropped for any reason.
func (s Stats) DroppedTotal() int64 { return Total(s.Dropped) }

// DroppedText is the drops by reason for a message, in the order of
// Reasons: "v4_duration: negative 2, blank line 1".
func (s Stats) DroppedText() string {
	parts := make([]string, 0, len(s.Dropped))
	for _, r := range s.Reasons() {
		parts = append(parts, fmt.Sprintf("%s %d", r, s.Dropped[r]))
	}
	return strings.Join(parts, ", ")
}

// Reasons lists the drop reasons in a stable order.
func (s Stats) Reasons() []string { return slices.Sorted(maps.Keys(s.Dropped)) }

// Tally adds n to (*counts)[reason], making the map if needed; a count of
// 0 adds no reason. Readers count what they drop by reason with it.
func Tally(counts *map[string]int64, reason string, n int64) {
	if n == 0 {
		return
	}
	if *counts == nil {
		*counts = make(map[string]int64)
	}
	(*counts)[reason] += n
}

// Total is the sum of counts.
func Total(counts map[string]int64) int64 {
	var n int64
	for _, v := range counts {
		n += v
	}
	return n
}

// Builders returns the typed column builders of b, a record builder of
// Schema, for readers that fill batches value by value.
func Builders(b *array.RecordBuilder) (probe, anchor *array.Int64Builder, startTime *array.TimestampBuilder, v4, v6 *array.Float64Builder) {
	return b.Field(IdxProbe).(*array.Int64Builder), b.Field(IdxAnchor).(*array.Int64Builder),
		b.Field(IdxStartTime).(*array.TimestampBuilder),
		b.Field(IdxV4).(*array.Float64Builder), b.Field(IdxV6).(*array.Float64Builder)
}
