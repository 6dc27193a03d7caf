package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
)

// frow is one row of FailuresSchema, for comparisons. A null duration is
// Null4 or Null6 (V4 or V6 then 0); a null outcome, only in bad rows, is
// nullOutcome.
type frow struct {
	Probe, Anchor, Time int64
	V4, V6              float64
	Null4, Null6        bool
	O4, O6              string
}

const nullOutcome = "<null>"

// t0 is 2023-06-01 00:03:46.332507 UTC in µs.
const t0 = int64(1685577826332507)

// failureRows are tests of every outcome: failed tests with and without a
// duration, and tests that worked.
func failureRows() []frow {
	return []frow{
		{340, 6696, t0, 113.5, 104.25, false, false, "ok", "ok"},
		{340, 6696, t0 + 1e6, 110, 0, false, true, "ok", "connect_timeout"},
		{340, 6999, t0 + 2e6, 55.5, 92.75, false, false, "ok", "ok"},
		{340, 6999, t0 + 3e6, 3000, 90, false, false, "read_timeout", "ok"}, // a failed test's duration kept
		{341, 6696, t0 + 4e6, 0, 0, true, true, "dns_error", "dns_error"},
		{341, 6696, t0 + 5e6, 12, 13, false, false, "http_error", "http_error"},
		{341, 6696, t0 + 6e6, 0, 80, true, false, "connect_failed", "ok"},
		{341, 6404, t0 + 7e6, 20, 21, false, false, "ok", "ok"},
		{342, 6404, t0 + 8e6, 20, 0, false, true, "ok", "other"},
		{342, 6404, t0 + 9e6, 0.5, 0.25, false, false, "ok", "ok"},
	}
}

// failureDrops are the drops of failureRows read without KeepFailures: by
// the first failed family, v4 before v6.
var failureDrops = map[string]int64{
	"v4_outcome: read_timeout":    1,
	"v4_outcome: dns_error":       1,
	"v4_outcome: http_error":      1,
	"v4_outcome: connect_failed":  1,
	"v6_outcome: connect_timeout": 1,
	"v6_outcome: other":           1,
}

// succeeded are the rows of rs whose two tests worked, as rows of Schema.
func succeeded(rs []frow) []row {
	var out []row
	for _, r := range rs {
		if r.O4 == "ok" && r.O6 == "ok" {
			out = append(out, row{r.Probe, r.Anchor, r.Time, r.V4, r.V6})
		}
	}
	return out
}

// plainRows are rs without outcomes (every test taken as worked).
func plainRows(rs []frow) []row {
	out := make([]row, len(rs))
	for i, r := range rs {
		out[i] = row{r.Probe, r.Anchor, r.Time, r.V4, r.V6}
	}
	return out
}

// failuresSchemaOf is FailuresSchema with every field nullable, as pyarrow
// and BigQuery write them, and the given start_time and outcome types.
func failuresSchemaOf(ts, out arrow.DataType) *arrow.Schema {
	f := ingest.FailuresSchema.Fields()
	for i := range f {
		f[i].Nullable = true
	}
	f[ingest.IdxStartTime].Type = ts
	f[ingest.IdxV4Outcome].Type = out
	f[ingest.IdxV6Outcome].Type = out
	return arrow.NewSchema(f, nil)
}

// nullableFailures is FailuresSchema, every field nullable.
var nullableFailures = failuresSchemaOf(ingest.TimestampType, arrow.BinaryTypes.String)

// buildFailures makes one batch of rows with schema, a FailuresSchema
// whose start_time may be of any unit and whose outcomes may be utf8,
// large_utf8 or dictionary-encoded, bypassing afsel's writers.
func buildFailures(t testing.TB, mem memory.Allocator, schema *arrow.Schema, rows []frow) arrow.Record {
	t.Helper()
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	unit := schema.Field(ingest.IdxStartTime).Type.(*arrow.TimestampType).Unit
	for _, r := range rows {
		b.Field(ingest.IdxProbe).(*array.Int64Builder).Append(r.Probe)
		b.Field(ingest.IdxAnchor).(*array.Int64Builder).Append(r.Anchor)
		ts := r.Time
		switch unit {
		case arrow.Nanosecond:
			ts *= 1000
		case arrow.Millisecond:
			ts /= 1000
		case arrow.Second:
			ts /= 1_000_000
		}
		b.Field(ingest.IdxStartTime).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
		for _, d := range []struct {
			v    float64
			null bool
			i    int
		}{{r.V4, r.Null4, ingest.IdxV4}, {r.V6, r.Null6, ingest.IdxV6}} {
			if d.null {
				b.Field(d.i).AppendNull()
			} else {
				b.Field(d.i).(*array.Float64Builder).Append(d.v)
			}
		}
		for k, o := range []string{r.O4, r.O6} {
			fb := b.Field(ingest.IdxV4Outcome + k)
			if o == nullOutcome {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.Append(o)
			case *array.LargeStringBuilder:
				fb.Append(o)
			case *array.BinaryDictionaryBuilder:
				if err := fb.AppendString(o); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("outcome builder %T", fb)
			}
		}
	}
	return b.NewRecord()
}

// writeFailuresFile writes rows to path in the format its name says with
// afsel's writer (WriteFile), as one batch of FailuresSchema.
func writeFailuresFile(t testing.TB, path string, rows []frow) {
	t.Helper()
	rec := buildFailures(t, memory.DefaultAllocator, ingest.FailuresSchema, rows)
	defer rec.Release()
	src, err := array.NewRecordReader(ingest.FailuresSchema, []arrow.Record{rec})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	if n, err := ingest.WriteFile(context.Background(), path, src); err != nil || n != int64(len(rows)) {
		t.Fatalf("WriteFile %s: %d rows, %v", path, n, err)
	}
}

// writePlainFile writes rows to path in the format its name says with
// afsel's writer, as one batch of Schema.
func writePlainFile(t testing.TB, path string, rows []row) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, ingest.Schema)
	defer b.Release()
	probe, anchor, ts, v4, v6 := ingest.Builders(b)
	for _, r := range rows {
		probe.Append(r.Probe)
		anchor.Append(r.Anchor)
		ts.Append(arrow.Timestamp(r.Time))
		v4.Append(r.V4)
		v6.Append(r.V6)
	}
	rec := b.NewRecord()
	defer rec.Release()
	src, err := array.NewRecordReader(ingest.Schema, []arrow.Record{rec})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	if _, err := ingest.WriteFile(context.Background(), path, src); err != nil {
		t.Fatal(err)
	}
}

// writeRawFailures writes rec to path bypassing afsel's writers: Parquet,
// an Arrow IPC file or stream by the name.
func writeRawFailures(t testing.TB, path string, rec arrow.Record) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	switch filepath.Ext(path) {
	case ".parquet":
		// One write batch: arrow-go v15's writer fails on a dictionary
		// column longer than a write batch (1024 rows by default).
		props := parquet.NewWriterProperties(parquet.WithBatchSize(max(rec.NumRows(), 1)))
		w, err = pqarrow.NewFileWriter(rec.Schema(), f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	case ".arrow":
		w, err = ipc.NewFileWriter(f, ipc.WithSchema(rec.Schema()))
	case ".arrows":
		w = ipc.NewWriter(f, ipc.WithSchema(rec.Schema()))
	default:
		t.Fatalf("no raw writer for %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// failuresCSV is rows as CSV text with the outcome columns, written by
// hand: a null is an empty field.
func failuresCSV(rows []frow) string {
	var b strings.Builder
	b.WriteString(ingest.CSVFailuresHeader + "\n")
	num := func(v float64, null bool) string {
		switch {
		case null:
			return ""
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 1):
			return "+Inf"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	out := func(o string) string {
		if o == nullOutcome {
			return ""
		}
		return o
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "%d,%d,%s,%s,%s,,%s,%s\n", r.Probe, r.Anchor, ingest.FormatTimestamp(r.Time),
			num(r.V4, r.Null4), num(r.V6, r.Null6), out(r.O4), out(r.O6))
	}
	return b.String()
}

// readFailures drains r, whose batches must be of FailuresSchema, and
// returns its rows, batch sizes and error.
func readFailures(t testing.TB, r array.RecordReader) ([]frow, []int, error) {
	t.Helper()
	var (
		rows    []frow
		batches []int
	)
	for r.Next() {
		rec := r.Record()
		if err := ingest.CheckFailuresSchema(rec.Schema()); err != nil {
			t.Fatalf("batch %d: %v", len(batches), err)
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		o4 := rec.Column(ingest.IdxV4Outcome).(*array.String)
		o6 := rec.Column(ingest.IdxV6Outcome).(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			for _, c := range []int{ingest.IdxProbe, ingest.IdxAnchor, ingest.IdxV4Outcome, ingest.IdxV6Outcome} {
				if rec.Column(c).IsNull(i) {
					t.Fatalf("batch %d row %d: null %s", len(batches), i, rec.ColumnName(c))
				}
			}
			rows = append(rows, frow{p.Value(i), a.Value(i), int64(ts.Value(i)),
				v4.Value(i), v6.Value(i), v4.IsNull(i), v6.IsNull(i), o4.Value(i), o6.Value(i)})
			if v4.IsNull(i) {
				rows[len(rows)-1].V4 = 0
			}
			if v6.IsNull(i) {
				rows[len(rows)-1].V6 = 0
			}
		}
		batches = append(batches, int(rec.NumRows()))
	}
	return rows, batches, r.Err()
}

// openFailures opens path with KeepFailures and reads it whole.
func openFailures(t testing.TB, path string, opts ingest.Options) ([]frow, ingest.Stats, error) {
	t.Helper()
	opts.KeepFailures = true
	r, err := ingest.Open(path, opts)
	if err != nil {
		return nil, ingest.Stats{}, err
	}
	defer r.Release()
	if !r.Schema().Equal(ingest.FailuresSchema) {
		t.Errorf("Schema() = %s, want FailuresSchema", r.Schema())
	}
	rows, _, err := readFailures(t, r)
	st := r.Stats()
	checkStats(t, st)
	return rows, st, err
}

func checkFailureRows(t testing.TB, got, want []frow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestFailuresRoundTrip carries batches of FailuresSchema through every
// format afsel writes, one after another, each read back with
// KeepFailures: the same rows, nulls and outcomes, every time.
func TestFailuresRoundTrip(t *testing.T) {
	want := failureRows()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.arrow")
	writeFailuresFile(t, src, want)
	for _, name := range []string{"a.csv", "b.parquet", "c.arrows", "d.csv.gz", "e.arrow", "f.parquet", "g.csv"} {
		t.Run(name, func(t *testing.T) {
			dst := filepath.Join(dir, name)
			r, err := ingest.Open(src, ingest.Options{KeepFailures: true})
			if err != nil {
				t.Fatal(err)
			}
			n, err := ingest.WriteFile(context.Background(), dst, r)
			r.Release()
			if err != nil || n != int64(len(want)) {
				t.Fatalf("WriteFile: %d rows, %v", n, err)
			}
			got, st, err := openFailures(t, dst, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkFailureRows(t, got, want)
			if st.RowsRead != int64(len(want)) || st.RowsKept != int64(len(want)) {
				t.Errorf("stats %+v", st)
			}
			src = dst
		})
	}
	t.Run("csv layout", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "a.csv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i, want := range map[int]string{
			0: ingest.CSVFailuresHeader,
			1: "340,6696,2023-06-01 00:03:46.332507 UTC,113.5,104.25,1.0887290167865706,ok,ok",
			2: "340,6696,2023-06-01 00:03:47.332507 UTC,110,,,ok,connect_timeout",
			4: "340,6999,2023-06-01 00:03:49.332507 UTC,3000,90,,read_timeout,ok",
			5: "341,6696,2023-06-01 00:03:50.332507 UTC,,,,dns_error,dns_error",
		} {
			if lines[i] != want {
				t.Errorf("line %d: %q, want %q", i+1, lines[i], want)
			}
		}
	})
}

// TestFailuresInputTypes: outcome columns of the other string types a
// reader takes (large_utf8, dictionaries), timestamps in other units
// (Parquet) and outcomes written in another case read as afsel writes
// them: utf8 names.
func TestFailuresInputTypes(t *testing.T) {
	rows := failureRows()
	odd := failureRows()
	odd[0].O4, odd[2].O6, odd[3].O4 = "OK", " Ok ", "READ_TIMEOUT"
	want := failureRows()
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	tests := []struct {
		name   string
		schema *arrow.Schema
		rows   []frow
		want   []frow
		exts   []string
	}{
		{"utf8", nullableFailures, rows, rows, []string{".arrow", ".arrows", ".parquet"}},
		{"large utf8", failuresSchemaOf(ingest.TimestampType, arrow.BinaryTypes.LargeString), rows, rows, []string{".arrow", ".arrows", ".parquet"}},
		{"dictionary", failuresSchemaOf(ingest.TimestampType, dict), rows, rows, []string{".arrow", ".arrows", ".parquet"}},
		{"other case", nullableFailures, odd, want, []string{".arrow", ".arrows", ".parquet"}},
		{"ns timestamps", failuresSchemaOf(&arrow.TimestampType{Unit: arrow.Nanosecond}, arrow.BinaryTypes.String), rows, rows, []string{".parquet"}},
	}
	for _, tt := range tests {
		for _, ext := range tt.exts {
			t.Run(tt.name+ext, func(t *testing.T) {
				rec := buildFailures(t, memory.DefaultAllocator, tt.schema, tt.rows)
				defer rec.Release()
				path := filepath.Join(t.TempDir(), "x"+ext)
				writeRawFailures(t, path, rec)
				got, _, err := openFailures(t, path, ingest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				checkFailureRows(t, got, tt.want)
				plain, _, st, err := openAll(t, path, ingest.Options{})
				if err != nil {
					t.Fatal(err)
				}
				checkRows(t, plain, succeeded(tt.want))
				if !reflect.DeepEqual(st.Dropped, failureDrops) {
					t.Errorf("dropped %v, want %v", st.Dropped, failureDrops)
				}
			})
		}
	}
	t.Run("csv other case", func(t *testing.T) {
		path := writeFile(t, "x.csv", []byte(failuresCSV(odd)))
		got, _, err := openFailures(t, path, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkFailureRows(t, got, want)
	})
}

// TestFailuresBadRows puts the same bad row, third of four, into a file of
// every format: the error names the file, the row (the line, in CSV) and
// the field, and gives the same reason in every format; skipped, it is
// counted under the same key, whether failures are kept or not.
func TestFailuresBadRows(t *testing.T) {
	good := frow{340, 6696, t0, 10, 11, false, false, "ok", "ok"}
	failed := frow{340, 6696, t0, 0, 11, true, false, "connect_timeout", "ok"}
	tests := []struct {
		name   string
		bad    frow
		field  string
		reason string // CSV says "empty" for "null", as of every field
	}{
		{"unknown v6 outcome", frow{340, 6696, t0, 10, 11, false, false, "ok", "timeout"}, ingest.ColV6Outcome, "unknown outcome"},
		{"unknown v4 outcome", frow{340, 6696, t0, 10, 11, false, false, "200", "ok"}, ingest.ColV4Outcome, "unknown outcome"},
		{"outcome before duration", frow{340, 6696, t0, -1, 11, false, false, "ok", "fine"}, ingest.ColV6Outcome, "unknown outcome"},
		{"null outcome", frow{340, 6696, t0, 10, 11, false, false, nullOutcome, "ok"}, ingest.ColV4Outcome, "null"},
		{"worked without duration", frow{340, 6696, t0, 10, 0, false, true, "connect_failed", "ok"}, ingest.ColV6, "null"},
		{"worked, NaN", frow{340, 6696, t0, math.NaN(), 11, false, false, "ok", "ok"}, ingest.ColV4, "NaN"},
		{"failed, negative", frow{340, 6696, t0, 10, -1, false, false, "ok", "read_timeout"}, ingest.ColV6, "negative"},
		{"failed, infinite", frow{340, 6696, t0, math.Inf(1), 11, false, false, "http_error", "ok"}, ingest.ColV4, "infinite"},
	}
	for _, tt := range tests {
		for _, ext := range []string{".csv", ".parquet", ".arrow", ".arrows"} {
			t.Run(tt.name+"/"+ext, func(t *testing.T) {
				rows := []frow{good, failed, tt.bad, good}
				path := filepath.Join(t.TempDir(), "bad"+ext)
				line, reason := int64(3), tt.reason
				if ext == ".csv" {
					if err := os.WriteFile(path, []byte(failuresCSV(rows)), 0o644); err != nil {
						t.Fatal(err)
					}
					line++ // the header
					if reason == "null" {
						reason = "empty"
					}
				} else {
					rec := buildFailures(t, memory.DefaultAllocator, nullableFailures, rows)
					writeRawFailures(t, path, rec)
					rec.Release()
				}
				for _, keep := range []bool{false, true} {
					var err error
					if keep {
						_, _, err = openFailures(t, path, ingest.Options{})
					} else {
						_, _, _, err = openAll(t, path, ingest.Options{})
					}
					checkRowError(t, err, line, tt.field, reason)
					if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), " field "+tt.field+": "+reason) {
						t.Errorf("error %q does not name the file, field and reason", err)
					}
					want := ingest.Stats{RowsRead: 4, RowsKept: 2, Dropped: map[string]int64{tt.field + ": " + reason: 1, "v4_outcome: connect_timeout": 1}}
					var st ingest.Stats
					if keep {
						_, st, err = openFailures(t, path, ingest.Options{SkipBadRows: true})
						want.RowsKept = 3
						delete(want.Dropped, "v4_outcome: connect_timeout")
					} else {
						_, _, st, err = openAll(t, path, ingest.Options{SkipBadRows: true})
					}
					if err != nil || !reflect.DeepEqual(st, want) {
						t.Errorf("KeepFailures %v, skipping: %+v, %v; want %+v", keep, st, err, want)
					}
				}
			})
		}
	}
}

// TestKeepFailuresOnOff reads the same file with and without
// KeepFailures: without, it reads as the file without its rows with a
// failed test, and written out in any format gives the same bytes; the
// rows left out are counted by the first failed family's outcome.
func TestKeepFailuresOnOff(t *testing.T) {
	all := failureRows()
	for _, in := range []string{"in.csv", "in.csv.gz", "in.parquet", "in.arrow", "in.arrows"} {
		t.Run(in, func(t *testing.T) {
			dir := t.TempDir()
			with := filepath.Join(dir, "with-"+in)
			without := filepath.Join(dir, "without-"+in)
			writeFailuresFile(t, with, all)
			writePlainFile(t, without, succeeded(all))

			got, st, err := openFailures(t, with, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkFailureRows(t, got, all)
			if st.RowsRead != 10 || st.RowsKept != 10 || len(st.Dropped) != 0 {
				t.Errorf("KeepFailures: stats %+v", st)
			}

			r, err := ingest.Open(with, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Schema() != ingest.Schema {
				t.Errorf("Schema() = %s, want Schema", r.Schema())
			}
			plain, _, err := readAll(t, r)
			st = r.Stats()
			r.Release()
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, plain, succeeded(all))
			want := ingest.Stats{RowsRead: 10, RowsKept: 4, Dropped: failureDrops}
			if !reflect.DeepEqual(st, want) {
				t.Errorf("stats %+v, want %+v", st, want)
			}
			for reason := range st.Dropped {
				if !ingest.IsFailureReason(reason) {
					t.Errorf("IsFailureReason(%q) false", reason)
				}
			}

			for _, out := range []string{"o.csv", "o.csv.gz", "o.parquet", "o.arrow", "o.arrows"} {
				a := convertWith(t, filepath.Join(dir, "a-"+out), with, ingest.Options{})
				b := convertWith(t, filepath.Join(dir, "b-"+out), without, ingest.Options{KeepFailures: true})
				if !bytes.Equal(a, b) {
					t.Errorf("%s: %d bytes from the file with failures, %d from the file without", out, len(a), len(b))
				}
			}
		})
	}
	t.Run("csv batches", func(t *testing.T) {
		// CSV batches count the rows kept: those of the file without
		// the failed rows.
		var rows []frow
		for i := range 100 {
			r := all[i%len(all)]
			r.Time += int64(i) * 1e7
			rows = append(rows, r)
		}
		with := writeFile(t, "with.csv", []byte(failuresCSV(rows)))
		without := filepath.Join(t.TempDir(), "without.csv")
		writePlainFile(t, without, succeeded(rows))
		got, gotBatches, st, err := openAll(t, with, ingest.Options{BatchSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		want, wantBatches, _, err := openAll(t, without, ingest.Options{BatchSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, got, want)
		if !reflect.DeepEqual(gotBatches, wantBatches) {
			t.Errorf("batches %v, want %v", gotBatches, wantBatches)
		}
		if st.RowsRead != 100 || st.RowsKept != 40 || st.DroppedTotal() != 60 {
			t.Errorf("stats %+v", st)
		}
	})
}

// convertWith reads src with opts, writes it to dst and returns dst's bytes.
func convertWith(t testing.TB, dst, src string, opts ingest.Options) []byte {
	t.Helper()
	r, err := ingest.Open(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if _, err := ingest.WriteFile(context.Background(), dst, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFiveColumnsKeepFailures: input without outcome columns reads as it
// always did, whatever KeepFailures says.
func TestFiveColumnsKeepFailures(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"s.csv", "s.parquet", "s.arrow", "s.arrows"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if name == "s.csv" {
				path = "testdata/small.csv"
			} else {
				convert(t, path, "testdata/small.csv", ingest.WriteFile)
			}
			want, wantBatches, wantSt, err := openAll(t, path, ingest.Options{BatchSize: 7})
			if err != nil {
				t.Fatal(err)
			}
			r, err := ingest.Open(path, ingest.Options{BatchSize: 7, KeepFailures: true})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if r.Schema() != ingest.Schema {
				t.Errorf("Schema() = %s", r.Schema())
			}
			got, gotBatches, err := readAll(t, r)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			if !reflect.DeepEqual(gotBatches, wantBatches) || !reflect.DeepEqual(r.Stats(), wantSt) {
				t.Errorf("batches %v, stats %+v; want %v, %+v", gotBatches, r.Stats(), wantBatches, wantSt)
			}
		})
	}
}

// TestFailuresMixedFiles reads files with and without outcome columns as
// one stream.
func TestFailuresMixedFiles(t *testing.T) {
	dir := t.TempDir()
	all := failureRows()
	lines := strings.SplitAfter(readText(t, "testdata/small.csv"), "\n")
	a := writeFile(t, "a.csv", []byte(lines[0]+strings.Join(lines[1:11], "")))
	b := filepath.Join(dir, "b.parquet")
	writeFailuresFile(t, b, all)
	c := filepath.Join(dir, "c.arrow")
	convert(t, c, writeFile(t, "c.csv", []byte(lines[0]+strings.Join(lines[11:], ""))), ingest.WriteIPC)
	plainA, _, _, err := openAll(t, a, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plainC, _, _, err := openAll(t, c, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	asFailures := func(rs []row) []frow {
		out := make([]frow, len(rs))
		for i, r := range rs {
			out[i] = frow{r.Probe, r.Anchor, r.Time, r.V4, r.V6, false, false, "ok", "ok"}
		}
		return out
	}

	for _, order := range [][]string{{a, b, c}, {b, a, c}, {a, c, b}} {
		t.Run(fmt.Sprintf("%s,%s,%s", filepath.Base(order[0]), filepath.Base(order[1]), filepath.Base(order[2])), func(t *testing.T) {
			part := map[string][]row{a: plainA, b: succeeded(all), c: plainC}
			fpart := map[string][]frow{a: asFailures(plainA), b: all, c: asFailures(plainC)}
			var want []row
			var fwant []frow
			for _, p := range order {
				want = append(want, part[p]...)
				fwant = append(fwant, fpart[p]...)
			}

			r, err := ingest.OpenFiles(order, "", ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Schema() != ingest.Schema {
				t.Errorf("without KeepFailures: Schema() = %s", r.Schema())
			}
			got, _, err := readAll(t, r)
			st := r.Stats()
			r.Release()
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			checkStats(t, st)
			if st.RowsRead != 50 || st.RowsKept != 44 || !reflect.DeepEqual(st.Dropped, failureDrops) {
				t.Errorf("stats %+v", st)
			}

			r, err = ingest.OpenFiles(order, "", ingest.Options{KeepFailures: true})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			if r.Schema() != ingest.FailuresSchema {
				t.Errorf("KeepFailures: Schema() = %s, want FailuresSchema", r.Schema())
			}
			// Written out and read back, as `afsel ingest file --failures`.
			out := filepath.Join(t.TempDir(), "out.arrow")
			if _, err := ingest.WriteFile(context.Background(), out, r); err != nil {
				t.Fatal(err)
			}
			if st := r.Stats(); st.RowsRead != 50 || st.RowsKept != 50 {
				t.Errorf("stats %+v", st)
			}
			fgot, _, err := openFailures(t, out, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkFailureRows(t, fgot, fwant)
		})
	}
	t.Run("five columns only", func(t *testing.T) {
		r, err := ingest.OpenFiles([]string{a, c}, "", ingest.Options{KeepFailures: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		if r.Schema() != ingest.Schema {
			t.Errorf("Schema() = %s", r.Schema())
		}
		got, _, err := readAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, got, append(append([]row{}, plainA...), plainC...))
	})
	t.Run("cbor", func(t *testing.T) {
		// paths.cbor has no times and no outcomes: with a file with
		// outcomes, its rows are tests that worked, without times.
		cb := filepath.Join(dir, "x.cbor")
		writeCBORFrom(t, cb, a)
		r, err := ingest.OpenFiles([]string{cb, b}, "", ingest.Options{KeepFailures: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		var untimed, timed int64
		for r.Next() {
			rec := r.Record()
			if !ingest.HasOutcomes(rec.Schema()) {
				t.Fatalf("batch schema %s", rec.Schema())
			}
			if rec.Column(ingest.IdxStartTime).NullN() > 0 {
				untimed += rec.NumRows()
				if !rec.Schema().Field(ingest.IdxStartTime).Nullable || rec.Column(ingest.IdxV4Outcome).(*array.String).Value(0) != "ok" {
					t.Errorf("untimed batch %s", rec.Schema())
				}
			} else {
				timed += rec.NumRows()
			}
		}
		if r.Err() != nil || untimed != 10 || timed != 10 {
			t.Errorf("%d untimed rows, %d timed, err %v", untimed, timed, r.Err())
		}
	})
}

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFailuresHalfOutcomes: input with one of the two outcome columns is
// an error naming the other.
func TestFailuresHalfOutcomes(t *testing.T) {
	fields := ingest.FailuresSchema.Fields()[:ingest.IdxV6Outcome]
	half := arrow.NewSchema(fields, nil)
	for _, ext := range []string{".csv", ".parquet", ".arrow"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "half"+ext)
			if ext == ".csv" {
				os.WriteFile(path, []byte(ingest.CSVHeader+",v4_outcome\n"), 0o644)
			} else {
				b := array.NewRecordBuilder(memory.DefaultAllocator, half)
				rec := b.NewRecord()
				writeRawFailures(t, path, rec)
				rec.Release()
				b.Release()
			}
			r, err := ingest.Open(path, ingest.Options{KeepFailures: true})
			if err == nil {
				r.Release()
				t.Fatal("no error")
			}
			want := ingest.ColV6Outcome
			if ext == ".arrow" {
				want = "6 fields, want 5"
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q should name %s and say %q", err, path, want)
			}
		})
	}
}

// TestFailuresNoLeaks reads input with outcome columns through the
// checked allocator, failures kept or left out, bad rows skipped, outcomes
// dictionary-encoded, files mixed.
func TestFailuresNoLeaks(t *testing.T) {
	dir := t.TempDir()
	var rows []frow
	for i := range 5000 {
		r := failureRows()[i%10]
		r.Time += int64(i) * 1e7
		if i%97 == 0 {
			r.O6 = "bogus"
		}
		rows = append(rows, r)
	}
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	// 52 bad rows (i%97 == 0), 8 of them in the first 700; the rows
	// whose tests both worked and are good.
	const bad, badFirst = 52, 8
	worked := 0
	for i, r := range rows {
		if i%97 != 0 && r.O4 == "ok" && r.O6 == "ok" {
			worked++
		}
	}
	paths := map[string]*arrow.Schema{
		"p.parquet":    nullableFailures,
		"p.arrow":      nullableFailures,
		"d.arrows":     failuresSchemaOf(ingest.TimestampType, dict),
		"dict.parquet": failuresSchemaOf(ingest.TimestampType, dict),
		"large.arrow":  failuresSchemaOf(ingest.TimestampType, arrow.BinaryTypes.LargeString),
		"ms.parquet":   failuresSchemaOf(&arrow.TimestampType{Unit: arrow.Millisecond}, arrow.BinaryTypes.String),
	}
	var tests []leakCase
	for name, schema := range paths {
		path := filepath.Join(dir, name)
		rec := buildFailures(t, memory.DefaultAllocator, schema, rows)
		writeRawFailures(t, path, rec)
		rec.Release()
		first := 5000 - bad // an Arrow file's one batch
		if filepath.Ext(name) == ".parquet" {
			first = 700 - badFirst
		}
		tests = append(tests,
			leakCase{name + " bad row", path, ingest.Options{BatchSize: 700}, 0, -1},
			leakCase{name + " kept", path, ingest.Options{BatchSize: 700, SkipBadRows: true, KeepFailures: true}, 0, 5000 - bad},
			leakCase{name + " left out", path, ingest.Options{BatchSize: 700, SkipBadRows: true}, 0, worked},
			leakCase{name + " released early", path, ingest.Options{BatchSize: 700, SkipBadRows: true, KeepFailures: true}, 1, first},
		)
	}
	csvPath := writeFile(t, "f.csv", []byte(failuresCSV(rows)))
	tests = append(tests,
		leakCase{"csv kept", csvPath, ingest.Options{BatchSize: 700, SkipBadRows: true, KeepFailures: true}, 0, 5000 - bad},
		leakCase{"csv left out", csvPath, ingest.Options{BatchSize: 700, SkipBadRows: true}, 0, worked},
	)
	runLeakCases(t, tests)

	t.Run("mixed files", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := ingest.OpenFiles([]string{"testdata/small.csv", filepath.Join(dir, "d.arrows"), "testdata/small.csv"}, "",
			ingest.Options{Allocator: mem, KeepFailures: true, SkipBadRows: true})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		n := 0
		for r.Next() {
			n += int(r.Record().NumRows())
		}
		if r.Err() != nil || n != 80+5000-52 {
			t.Errorf("%d rows, err %v", n, r.Err())
		}
	})
}

// checkFailuresReads checks what a fuzzer read from one input with
// KeepFailures (kept, keptSt, keptErr) and without (plain, plainSt,
// plainErr): every row kept passes the rule of every format (known
// outcomes written by their names; a test that worked has a duration;
// every duration finite and not negative), and, both reads done, the
// rows read without KeepFailures are those kept whose tests both worked,
// the others counted by their first failed family.
func checkFailuresReads(t *testing.T, kept []frow, keptSt ingest.Stats, keptErr error, plain []row, plainSt ingest.Stats, plainErr error) {
	t.Helper()
	checkStats(t, keptSt)
	checkStats(t, plainSt)
	if keptErr == nil && keptSt.RowsKept != int64(len(kept)) { // CSV counts a batch's rows before an error drops it
		t.Errorf("RowsKept %d, %d rows delivered", keptSt.RowsKept, len(kept))
	}
	for _, r := range kept {
		for _, d := range []struct {
			o    string
			v    float64
			null bool
		}{{r.O4, r.V4, r.Null4}, {r.O6, r.V6, r.Null6}} {
			c, err := outcome.Parse(d.o)
			switch {
			case err != nil || c.String() != d.o:
				t.Errorf("kept a bad outcome: %+v", r)
			case d.null && !c.Failed():
				t.Errorf("kept a test that worked without a duration: %+v", r)
			case !d.null && (!(d.v >= 0) || math.IsInf(d.v, 0)):
				t.Errorf("kept a bad duration: %+v", r)
			}
		}
	}
	if keptErr != nil || plainErr != nil {
		return
	}
	checkRows(t, plain, succeeded(kept))
	want := ingest.Stats{RowsRead: keptSt.RowsRead, RowsKept: int64(len(plain))}
	for k, v := range keptSt.Dropped {
		ingest.Tally(&want.Dropped, k, v)
	}
	for _, r := range kept {
		switch {
		case r.O4 != "ok":
			ingest.Tally(&want.Dropped, "v4_outcome: "+r.O4, 1)
		case r.O6 != "ok":
			ingest.Tally(&want.Dropped, "v6_outcome: "+r.O6, 1)
		}
	}
	if !reflect.DeepEqual(plainSt, want) {
		t.Errorf("without KeepFailures: stats %+v, want %+v", plainSt, want)
	}
}

// fuzzRead reads an input as a fuzzer does, opened by open with and
// without KeepFailures, and checks the two reads (checkFailuresReads).
// Input without outcome columns must read the same either way. It reports
// whether the input opened.
func fuzzRead(t *testing.T, open func(ingest.Options) (ingest.Reader, error), opts ingest.Options) bool {
	t.Helper()
	opts.KeepFailures = false
	pr, err := open(opts)
	if err != nil {
		return false
	}
	defer pr.Release()
	plain, _, plainErr := readAll(t, pr) // an error ends the rows; they must still be good
	plainSt := pr.Stats()
	for _, r := range plain {
		if !(r.V4 >= 0) || !(r.V6 >= 0) || math.IsInf(r.V4, 0) || math.IsInf(r.V6, 0) {
			t.Errorf("kept a bad duration: %+v", r)
		}
	}

	opts.KeepFailures = true
	kr, err := open(opts)
	if err != nil {
		t.Fatalf("opens without KeepFailures, not with it: %v", err)
	}
	defer kr.Release()
	if !ingest.HasOutcomes(kr.Schema()) {
		rows, _, err := readAll(t, kr)
		if (err == nil) != (plainErr == nil) || !reflect.DeepEqual(kr.Stats(), plainSt) {
			t.Errorf("input without outcomes: KeepFailures read %d rows, %+v, %v; without, %d, %+v, %v", len(rows), kr.Stats(), err, len(plain), plainSt, plainErr)
		}
		checkRows(t, rows, plain)
		return true
	}
	kept, _, keptErr := readFailures(t, kr)
	checkFailuresReads(t, kept, kr.Stats(), keptErr, plain, plainSt, plainErr)
	return true
}

// fuzzOpen is fuzzRead of the file at path.
func fuzzOpen(t *testing.T, path string, opts ingest.Options) bool {
	t.Helper()
	return fuzzRead(t, func(o ingest.Options) (ingest.Reader, error) { return ingest.Open(path, o) }, opts)
}

// goldenFailuresText is the golden CSV with outcome columns: one row in 31
// has a v6 connect_timeout without a duration, one in 53 a v4 http_error
// with one (goldenFailed rows in all).
func goldenFailuresText(b *testing.B) []byte {
	b.Helper()
	lines := bytes.Split(bytes.TrimSuffix(goldenText(b), []byte("\n")), []byte("\n"))
	out := bytes.NewBuffer(make([]byte, 0, len(goldenText(b))*5/4))
	out.WriteString(ingest.CSVFailuresHeader + "\n")
	for i, l := range lines[1:] {
		f := bytes.Split(l, []byte(","))
		o4, o6 := "ok", "ok"
		switch {
		case i%31 == 0:
			f[4], f[5], o6 = nil, nil, "connect_timeout"
		case i%53 == 0:
			f[5], o4 = nil, "http_error"
		}
		out.Write(bytes.Join(f, []byte(",")))
		fmt.Fprintf(out, ",%s,%s\n", o4, o6)
	}
	return out.Bytes()
}

// goldenFailed is the number of rows of goldenFailuresText with a failed test.
const goldenFailed = 10462

// benchReadFailures reads the file at path with and without KeepFailures.
func benchReadFailures(b *testing.B, path string) {
	for _, keep := range []bool{false, true} {
		b.Run(fmt.Sprintf("keep=%v", keep), func(b *testing.B) {
			want := int64(goldenRows)
			if !keep {
				want -= goldenFailed
			}
			var total int64
			for b.Loop() {
				r, err := ingest.Open(path, ingest.Options{KeepFailures: keep})
				if err != nil {
					b.Fatal(err)
				}
				var rows int64
				for r.Next() {
					rows += r.Record().NumRows()
				}
				if r.Err() != nil || rows != want {
					b.Fatalf("%d rows, err %v; want %d", rows, r.Err(), want)
				}
				r.Release()
				total += goldenRows
			}
			b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// goldenFailuresFile writes goldenFailuresText to a file named name, in
// the format the name says, and returns its path.
func goldenFailuresFile(b *testing.B, name string) string {
	b.Helper()
	src := writeFile(b, "golden-failures.csv", goldenFailuresText(b))
	if name == "golden-failures.csv" {
		return src
	}
	path := filepath.Join(b.TempDir(), name)
	r, err := ingest.Open(src, ingest.Options{KeepFailures: true})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	if _, err := ingest.WriteFile(context.Background(), path, r); err != nil {
		b.Fatal(err)
	}
	return path
}

// TestFailuresDamagedDictionary: an outcome's dictionary index past the
// dictionary, which Arrow does not check, is an error naming the file and
// the rows, not a panic (FuzzArrowReader found it).
func TestFailuresDamagedDictionary(t *testing.T) {
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	schema := failuresSchemaOf(ingest.TimestampType, dict)
	good := buildFailures(t, memory.DefaultAllocator, schema, failureRows()[:2])
	defer good.Release()
	ib := array.NewInt8Builder(memory.DefaultAllocator)
	defer ib.Release()
	ib.AppendValues([]int8{0, 5}, nil)
	indices := ib.NewArray()
	defer indices.Release()
	values := good.Column(ingest.IdxV4Outcome).(*array.Dictionary).Dictionary()
	bad := array.NewDictionaryArray(dict, indices, values)
	defer bad.Release()
	cols := append(good.Columns()[:ingest.IdxV6Outcome:ingest.IdxV6Outcome], bad)
	rec := array.NewRecord(schema, cols, 2)
	defer rec.Release()
	for _, name := range []string{"d.arrow", "d.arrows"} {
		path := filepath.Join(t.TempDir(), name)
		writeRawFailures(t, path, rec)
		for _, keep := range []bool{false, true} {
			r, err := ingest.Open(path, ingest.Options{KeepFailures: keep, SkipBadRows: true})
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
			}
			err = r.Err()
			r.Release()
			if err == nil || !strings.Contains(err.Error(), path+": rows 1 to 2: damaged outcome column: dictionary index 5 of 1 values") {
				t.Errorf("%s, KeepFailures %v: error %v", name, keep, err)
			}
		}
	}
}
