package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/afsel/afsel/ingest"
)

// convert reads src (in the format its name says) and writes it to dst
// with write.
func convert(t testing.TB, dst, src string, write func(context.Context, string, array.RecordReader) (int64, error)) int64 {
	t.Helper()
	r, err := ingest.Open(src, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	n, err := write(context.Background(), dst, r)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFormatsRoundTrip carries the golden CSV through Parquet, an Arrow IPC
// file and an Arrow IPC stream and back to Parquet, checking every stage
// reads back the CSV's values exactly.
func TestFormatsRoundTrip(t *testing.T) {
	want, _, _, err := openAll(t, goldenCSV, ingest.Options{})
	if err != nil || len(want) != goldenRows {
		t.Fatalf("%d rows, err %v", len(want), err)
	}
	dir := t.TempDir()
	steps := []struct {
		dst   string
		write func(context.Context, string, array.RecordReader) (int64, error)
	}{
		{"a.parquet", ingest.WriteParquet},
		{"b.arrow", ingest.WriteIPC},
		{"c.arrows", ingest.WriteIPCStream},
		{"d.ipc", ingest.WriteIPCStream}, // a stream under a file extension
		{"e.parquet", ingest.WriteParquet},
		{"f.feather", ingest.WriteIPC},
	}
	src := goldenCSV
	for _, s := range steps {
		t.Run(s.dst, func(t *testing.T) {
			dst := filepath.Join(dir, s.dst)
			if n := convert(t, dst, src, s.write); n != goldenRows {
				t.Errorf("wrote %d rows, want %d", n, goldenRows)
			}
			got, _, st, err := openAll(t, dst, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			if st.RowsRead != goldenRows || st.RowsKept != goldenRows {
				t.Errorf("stats %+v", st)
			}
			src = dst
		})
	}
}

func TestParquetRowGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.parquet")
	convert(t, path, goldenCSV, ingest.WriteParquet)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fr, err := pqarrow.ReadTable(context.Background(), f, parquet.NewReaderProperties(nil), pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Release()
	if fr.NumRows() != goldenRows {
		t.Errorf("%d rows", fr.NumRows())
	}
	if err := ingest.CheckSchema(fr.Schema()); err != nil {
		t.Errorf("stored schema: %v", err)
	}
}

// bqField is a nullable field, as BigQuery exports them.
func bqField(name string, typ arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: typ, Nullable: true}
}

// writeRawParquet writes one record of schema, filled by fill, to path.
func writeRawParquet(t testing.TB, path string, schema *arrow.Schema, fill func(*array.RecordBuilder)) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	fill(b)
	rec := b.NewRecord()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)), pqarrow.DefaultWriterProps())
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

// bqSchema is a BigQuery-export-like layout: other column order, ns
// timestamps without zone, an extra column, everything nullable.
var bqSchema = arrow.NewSchema([]arrow.Field{
	bqField("start_time", &arrow.TimestampType{Unit: arrow.Nanosecond}),
	bqField("anchor_id", arrow.PrimitiveTypes.Int64),
	bqField("prb_id", arrow.PrimitiveTypes.Int64),
	bqField("v4_duration", arrow.PrimitiveTypes.Float64),
	bqField("v6_duration", arrow.PrimitiveTypes.Float64),
	bqField("v4_v6_ratio", arrow.PrimitiveTypes.Float64),
}, nil)

type bqRow struct {
	ts            int64 // ns
	anchor, probe int64
	v4, v6        float64
	null          int // column index to leave null, or -1
}

func fillBQ(rows []bqRow) func(*array.RecordBuilder) {
	return func(b *array.RecordBuilder) {
		for _, r := range rows {
			vals := []any{r.ts, r.anchor, r.probe, r.v4, r.v6, r.v4 / r.v6}
			for c, v := range vals {
				fb := b.Field(c)
				if c == r.null {
					fb.AppendNull()
					continue
				}
				switch fb := fb.(type) {
				case *array.TimestampBuilder:
					fb.Append(arrow.Timestamp(v.(int64)))
				case *array.Int64Builder:
					fb.Append(v.(int64))
				case *array.Float64Builder:
					fb.Append(v.(float64))
				}
			}
		}
	}
}

func TestParquetBigQueryLayout(t *testing.T) {
	const t0 = int64(1685577826332507) * 1000 // 2023-06-01 00:03:46.332507 UTC in ns
	good := []bqRow{
		{t0 + 999, 6001, 10, 20.5, 21, -1},  // ns digits past µs are floored
		{t0 + 60e9, 6001, 10, 22, 19.25, 5}, // null ratio: not read
		{-1500, 6002, 11, 1, 2, -1},         // before the epoch: floored
	}
	wantGood := []row{
		{10, 6001, t0 / 1000, 20.5, 21},
		{10, 6001, t0/1000 + 60e6, 22, 19.25},
		{11, 6002, -2, 1, 2},
	}
	t.Run("ns timestamps", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bq.parquet")
		writeRawParquet(t, path, bqSchema, fillBQ(good))
		got, _, st, err := openAll(t, path, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, got, wantGood)
		if st.RowsKept != 3 {
			t.Errorf("stats %+v", st)
		}
	})
	bad := append(append([]bqRow{}, good...),
		bqRow{t0, 6003, 12, 1, 2, 3},   // null v4
		bqRow{t0, 6003, 12, -1, 2, -1}, // negative v4
		bqRow{t0, 6003, 12, 1, 2, 0},   // null start_time
		bqRow{t0, 6003, 12, 1, 2, 2},   // null prb_id
		bqRow{t0 + 1000, 6003, 13, 3, 4, -1},
	)
	t.Run("bad rows fail", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bad.parquet")
		writeRawParquet(t, path, bqSchema, fillBQ(bad))
		_, _, _, err := openAll(t, path, ingest.Options{})
		var re *ingest.RowError
		if !errors.As(err, &re) || re.Line != 4 || re.Field != "v4_duration" || re.Reason != "null" || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v, want a null v4_duration at row 4 of %s", err, path)
		}
	})
	t.Run("bad rows skipped", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bad.parquet")
		writeRawParquet(t, path, bqSchema, fillBQ(bad))
		got, _, st, err := openAll(t, path, ingest.Options{SkipBadRows: true, BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, got, append(wantGood, row{13, 6003, t0/1000 + 1, 3, 4}))
		want := map[string]int64{"v4_duration: null": 1, "v4_duration: negative": 1, "start_time: null": 1, "prb_id: null": 1}
		if st.RowsRead != 8 || st.RowsKept != 4 || len(st.Dropped) != len(want) {
			t.Errorf("stats %+v", st)
		}
		for k, v := range want {
			if st.Dropped[k] != v {
				t.Errorf("dropped[%q] = %d, want %d", k, st.Dropped[k], v)
			}
		}
	})
	t.Run("schema errors", func(t *testing.T) {
		tests := []struct {
			name   string
			schema *arrow.Schema
			want   string
		}{
			{"no anchor", arrow.NewSchema([]arrow.Field{bqField("prb_id", arrow.PrimitiveTypes.Int64)}, nil), "anchor_id"},
			{"int32 ids", arrow.NewSchema([]arrow.Field{
				bqField("prb_id", arrow.PrimitiveTypes.Int32), bqField("anchor_id", arrow.PrimitiveTypes.Int64),
				bqField("start_time", ingest.TimestampType), bqField("v4_duration", arrow.PrimitiveTypes.Float64),
				bqField("v6_duration", arrow.PrimitiveTypes.Float64)}, nil), "column prb_id is int32"},
			{"string time", arrow.NewSchema([]arrow.Field{
				bqField("prb_id", arrow.PrimitiveTypes.Int64), bqField("anchor_id", arrow.PrimitiveTypes.Int64),
				bqField("start_time", arrow.BinaryTypes.String), bqField("v4_duration", arrow.PrimitiveTypes.Float64),
				bqField("v6_duration", arrow.PrimitiveTypes.Float64)}, nil), "column start_time is utf8"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "x.parquet")
				writeRawParquet(t, path, tt.schema, func(*array.RecordBuilder) {})
				r, err := ingest.Open(path, ingest.Options{})
				if err == nil {
					r.Release()
					t.Fatal("no error")
				}
				if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
					t.Errorf("error %q should name %s and say %q", err, path, tt.want)
				}
			})
		}
	})
}

// TestParquetNoLeaks reads Parquet through the checked allocator: whole,
// released early, failing on a bad row, skipping bad rows and converting
// ns timestamps.
func TestParquetNoLeaks(t *testing.T) {
	golden := filepath.Join(t.TempDir(), "g.parquet")
	convert(t, golden, goldenCSV, ingest.WriteParquet)
	bq := filepath.Join(t.TempDir(), "bq.parquet")
	var rows []bqRow
	for i := 0; i < 5000; i++ {
		r := bqRow{int64(i) * 1e9, 6000 + int64(i%3), int64(i / 100), float64(i % 50), 2, -1}
		if i%97 == 0 {
			r.null = 3
		}
		rows = append(rows, r)
	}
	writeRawParquet(t, bq, bqSchema, fillBQ(rows))
	tests := []leakCase{
		{"golden", golden, ingest.Options{}, 0, goldenRows},
		{"golden small batches", golden, ingest.Options{BatchSize: 1000}, 0, goldenRows},
		{"golden released early", golden, ingest.Options{}, 1, 1 << 16},
		{"bq bad row", bq, ingest.Options{BatchSize: 700}, 0, -1},
		{"bq skipped", bq, ingest.Options{BatchSize: 700, SkipBadRows: true}, 0, 5000 - 52},
	}
	runLeakCases(t, tests)
}

// FuzzParquetReader reads arbitrary bytes as a Parquet file, with and
// without KeepFailures, skipping bad rows or not: never a panic, every row
// kept passes the checks, the counts add up, and the rows read without
// KeepFailures are those kept whose tests both worked. The seeds are
// uncompressed and plainly encoded, so that mutations reach the values.
func FuzzParquetReader(f *testing.F) {
	dir := f.TempDir()
	plain := buildFailures(f, memory.DefaultAllocator, nullableFailures, failureRows())
	defer plain.Release()
	five := array.NewRecord(arrow.NewSchema(nullableFailures.Fields()[:5], nil), plain.Columns()[:5], plain.NumRows())
	defer five.Release()
	bad := buildFailures(f, memory.DefaultAllocator, nullableFailures, append(failureRows()[:3],
		frow{1, 2, 3, 4, 5, false, false, "ok", "bogus"},
		frow{1, 2, 3, 0, 5, true, false, "ok", "ok"},
		frow{1, 2, 3, -1, 5, false, false, "other", "ok"}))
	defer bad.Release()
	for i, rec := range []arrow.Record{five, plain, bad} {
		path := filepath.Join(dir, fmt.Sprint(i))
		out, err := os.Create(path)
		if err != nil {
			f.Fatal(err)
		}
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Uncompressed), parquet.WithDictionaryDefault(false))
		w, err := pqarrow.NewFileWriter(rec.Schema(), out, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			f.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			f.Fatal(err)
		}
		if err := w.Close(); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		path := filepath.Join(t.TempDir(), "t.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fuzzOpen(t, path, ingest.Options{SkipBadRows: skip, BatchSize: 3})
	})
}

// BenchmarkParquetRead reads the golden data from a Parquet file written
// by WriteParquet. MB/s is of the Parquet file; rows/s is reported too.
func BenchmarkParquetRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "golden.parquet")
	convert(b, path, goldenCSV, ingest.WriteParquet)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	var total int64
	for b.Loop() {
		rows := readGolden(b, path)
		total += rows
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParquetReadFailures is BenchmarkParquetRead of the golden data
// with outcome columns (goldenFailuresText), failed tests kept or left out.
func BenchmarkParquetReadFailures(b *testing.B) {
	benchReadFailures(b, goldenFailuresFile(b, "golden-failures.parquet"))
}

// BenchmarkParquetWrite writes the golden data (read from an Arrow file)
// to Parquet.
func BenchmarkParquetWrite(b *testing.B) {
	src := filepath.Join(b.TempDir(), "golden.arrow")
	writeIPC(b, src, goldenCSV)
	dst := filepath.Join(b.TempDir(), "out.parquet")
	var total int64
	for b.Loop() {
		total += convert(b, dst, src, ingest.WriteParquet)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}
