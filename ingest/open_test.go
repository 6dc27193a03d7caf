package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
)

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		path string
		want ingest.Format
	}{
		{"data.csv", ingest.FormatCSV},
		{"data.csv.gz", ingest.FormatCSV},
		{"data.csv.bz2", ingest.FormatCSV},
		{"data.txt", ingest.FormatCSV},
		{"data", ingest.FormatCSV},
		{"data.arrow", ingest.FormatArrow},
		{"DATA.ARROW", ingest.FormatArrow},
		{"data.ipc", ingest.FormatArrow},
		{"data.feather", ingest.FormatArrow},
		{"dir.arrow/data.csv", ingest.FormatCSV},
		{"data.arrow.csv", ingest.FormatCSV},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := ingest.DetectFormat(tt.path); got != tt.want {
				t.Errorf("DetectFormat(%q) = %s, want %s", tt.path, got, tt.want)
			}
		})
	}
}

// openAll opens path and reads it to the end.
func openAll(t testing.TB, path string, opts ingest.Options) ([]row, []int, ingest.Stats, error) {
	t.Helper()
	r, err := ingest.Open(path, opts)
	if err != nil {
		return nil, nil, ingest.Stats{}, err
	}
	defer r.Release()
	rows, batches, err := readAll(t, r)
	st := r.Stats()
	checkStats(t, st)
	return rows, batches, st, err
}

func TestOpenCompression(t *testing.T) {
	plain, err := os.ReadFile("testdata/small.csv")
	if err != nil {
		t.Fatal(err)
	}
	bz, err := os.ReadFile("testdata/small.csv.bz2")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _, err := readCSV(t, string(plain), ingest.Options{})
	if err != nil || len(want) != 40 {
		t.Fatalf("small.csv: %d rows, err %v", len(want), err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"small.csv", plain},
		{"small.txt", plain},
		{"small.csv.gz", gzipBytes(t, plain)},
		{"small.csv.bz2", bz},
		{"gzip named.csv", gzipBytes(t, plain)},
		{"bzip2 named.csv", bz},
		{"gzip named.csv.bz2", gzipBytes(t, plain)},
		{"two gzip members.csv.gz", append(gzipBytes(t, plain[:100]), gzipBytes(t, plain[100:])...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, st, err := openAll(t, writeFile(t, tt.name, tt.data), ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			if st.RowsRead != 40 || st.RowsKept != 40 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestOpenTruncated(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "%d,%d,2023-06-01 00:%02d:%02d.%06d UTC,%d.%03d,%d.5,1\n", 1000+i/50, 6000+i%7, i/60%60, i%60, i*7919%1000000, i%500, i%1000, i%300)
	}
	gz := gzipBytes(t, []byte(b.String()))
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("SkipBadRows=%v", skip), func(t *testing.T) {
			rows, _, _, err := openAll(t, writeFile(t, "x.csv.gz", gz[:len(gz)/2]), ingest.Options{SkipBadRows: skip})
			if err == nil {
				t.Fatalf("truncated gzip read without error (%d rows)", len(rows))
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ingest.ErrBadRow) {
				t.Errorf("error %q: want an unexpected EOF, not a bad row", err)
			}
			if !strings.Contains(err.Error(), "x.csv.gz") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	t.Run("header cut", func(t *testing.T) {
		_, _, _, err := openAll(t, writeFile(t, "x.csv.gz", gz[:12]), ingest.Options{})
		if err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("bzip2", func(t *testing.T) {
		bz, err := os.ReadFile("testdata/small.csv.bz2")
		if err != nil {
			t.Fatal(err)
		}
		rows, _, _, err := openAll(t, writeFile(t, "x.csv.bz2", bz[:len(bz)/2]), ingest.Options{})
		if err == nil {
			t.Fatalf("truncated bzip2 read without error (%d rows)", len(rows))
		}
	})
}

func TestOpenErrors(t *testing.T) {
	arrowFile := filepath.Join(t.TempDir(), "small.arrow")
	writeIPC(t, arrowFile, "testdata/small.csv")
	arrowData, err := os.ReadFile(arrowFile)
	if err != nil {
		t.Fatal(err)
	}
	csvData, err := os.ReadFile("testdata/small.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string // in the error
	}{
		{"csv.arrow", csvData, "not an Arrow IPC file"},
		{"gzip.arrow", gzipBytes(t, csvData), "not an Arrow IPC file"},
		{"empty.arrow", nil, "not an Arrow IPC file"},
		{"arrow.csv", arrowData, "content is an Arrow IPC file"},
		{"arrow.csv.gz", arrowData, "content is an Arrow IPC file"},
		{"empty.csv", nil, "empty"},
		{"truncated.arrow", arrowData[:len(arrowData)-20], "read "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.data)
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
	t.Run("missing", func(t *testing.T) {
		_, err := ingest.Open(filepath.Join(t.TempDir(), "none.csv"), ingest.Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v, want fs.ErrNotExist", err)
		}
	})
}

// writeIPC converts the CSV file src to an Arrow IPC file at dst.
func writeIPC(t testing.TB, dst, src string) {
	t.Helper()
	r, err := ingest.Open(src, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if _, err := ingest.WriteIPC(context.Background(), dst, r); err != nil {
		t.Fatal(err)
	}
}

func TestIPCRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts ingest.Options
		rows int
	}{
		{"golden", goldenCSV, ingest.Options{}, goldenRows},
		{"small batches", "testdata/small.csv", ingest.Options{BatchSize: 7}, 40},
		{"header only", "", ingest.Options{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if src == "" {
				src = writeFile(t, "h.csv", []byte(header))
			}
			want, wantBatches, _, err := openAll(t, src, tt.opts)
			if err != nil || len(want) != tt.rows {
				t.Fatalf("%s: %d rows, err %v", src, len(want), err)
			}

			r, err := ingest.Open(src, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			dir := t.TempDir()
			path := filepath.Join(dir, "out.arrow")
			n, err := ingest.WriteIPC(context.Background(), path, r)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(tt.rows) {
				t.Errorf("WriteIPC wrote %d rows, want %d", n, tt.rows)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("directory holds %d entries, want just out.arrow", len(ents))
			}

			got, gotBatches, st, err := openAll(t, path, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			if !reflect.DeepEqual(gotBatches, wantBatches) {
				t.Errorf("batches %v, want %v", gotBatches, wantBatches)
			}
			if want := (ingest.Stats{RowsRead: int64(tt.rows), RowsKept: int64(tt.rows)}); !reflect.DeepEqual(st, want) {
				t.Errorf("stats %+v, want %+v", st, want)
			}
		})
	}
}

// writeRawIPC writes one record of the given schema and columns to an
// Arrow IPC file.
func writeRawIPC(t testing.TB, path string, schema *arrow.Schema, fill func(*array.RecordBuilder)) {
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
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
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

func TestOpenSchemaMismatch(t *testing.T) {
	i64 := arrow.PrimitiveTypes.Int64
	f64 := arrow.PrimitiveTypes.Float64
	field := func(name string, typ arrow.DataType) arrow.Field { return arrow.Field{Name: name, Type: typ} }
	tests := []struct {
		name   string
		fields []arrow.Field
		want   string
	}{
		{"int32 prb_id", []arrow.Field{field("prb_id", arrow.PrimitiveTypes.Int32), field("anchor_id", i64), field("start_time", ingest.TimestampType), field("v4_duration", f64), field("v6_duration", f64)}, "schema field 0"},
		{"renamed", []arrow.Field{field("probe", i64), field("anchor_id", i64), field("start_time", ingest.TimestampType), field("v4_duration", f64), field("v6_duration", f64)}, "schema field 0 is probe"},
		{"ms timestamps", []arrow.Field{field("prb_id", i64), field("anchor_id", i64), field("start_time", &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}), field("v4_duration", f64), field("v6_duration", f64)}, "schema field 2"},
		{"no time zone", []arrow.Field{field("prb_id", i64), field("anchor_id", i64), field("start_time", &arrow.TimestampType{Unit: arrow.Microsecond}), field("v4_duration", f64), field("v6_duration", f64)}, "schema field 2"},
		{"swapped", []arrow.Field{field("prb_id", i64), field("anchor_id", i64), field("start_time", ingest.TimestampType), field("v6_duration", f64), field("v4_duration", f64)}, "schema field 3"},
		{"missing", []arrow.Field{field("prb_id", i64), field("anchor_id", i64), field("start_time", ingest.TimestampType), field("v4_duration", f64)}, "4 fields, want 5"},
		{"extra", append(ingest.Schema.Fields(), field("v4_v6_ratio", f64)), "6 fields, want 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.arrow")
			writeRawIPC(t, path, arrow.NewSchema(tt.fields, nil), func(b *array.RecordBuilder) {})
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
	t.Run("metadata ignored", func(t *testing.T) {
		md := arrow.NewMetadata([]string{"source"}, []string{"test"})
		path := filepath.Join(t.TempDir(), "x.arrow")
		writeRawIPC(t, path, arrow.NewSchema(ingest.Schema.Fields(), &md), func(b *array.RecordBuilder) {
			b.Field(0).(*array.Int64Builder).Append(1)
			b.Field(1).(*array.Int64Builder).Append(2)
			b.Field(2).(*array.TimestampBuilder).Append(3)
			b.Field(3).(*array.Float64Builder).Append(4)
			b.Field(4).(*array.Float64Builder).Append(5)
		})
		rows, _, _, err := openAll(t, path, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, rows, []row{{1, 2, 3, 4, 5}})
	})
}

// cancelAfter cancels a context when its reader has delivered n batches.
type cancelAfter struct {
	ingest.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Next() bool {
	if c.n == 0 {
		c.cancel()
	}
	c.n--
	return c.Reader.Next()
}

func TestWriteIPCFailure(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := 0; i < 100; i++ {
		if i == 60 {
			b.WriteString("1,2,2023-06-01 00:00:00 UTC,-1,1,1\n")
		}
		fmt.Fprintf(&b, "%d,2,2023-06-01 00:00:00 UTC,1,1,1\n", i)
	}
	good := header + "1,2,2023-06-01 00:00:00 UTC,1,1,1\n"
	tests := []struct {
		name    string
		text    string
		timing  int // cancel before the Next call with this index; -1 never
		before  bool
		wantErr error
	}{
		{"bad row mid-way", b.String(), -1, false, ingest.ErrBadRow},
		{"cancelled before", good, -1, true, context.Canceled},
		{"cancelled mid-way", b.String(), 3, false, context.Canceled},
		{"cancelled at the end", good, 1, false, context.Canceled},
		{"cancelled, empty input", header, -1, true, context.Canceled},
	}
	for _, tt := range tests {
		for _, existing := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/existing=%v", tt.name, existing), func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "out.arrow")
				if existing {
					if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				r, err := ingest.NewCSVReader(strings.NewReader(tt.text), ingest.Options{BatchSize: 10})
				if err != nil {
					t.Fatal(err)
				}
				defer r.Release()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.before {
					cancel()
				}
				var src ingest.Reader = r
				if tt.timing >= 0 {
					src = &cancelAfter{Reader: r, n: tt.timing, cancel: cancel}
				}
				_, err = ingest.WriteIPC(ctx, path, src)
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v, want %v", err, tt.wantErr)
				}
				if existing {
					if b, err := os.ReadFile(path); err != nil || string(b) != "old" {
						t.Errorf("existing file changed: %d bytes %.10q, err %v", len(b), b, err)
					}
					os.Remove(path)
				}
				checkEmptyDir(t, dir)
			})
		}
	}
	t.Run("no directory", func(t *testing.T) {
		r, err := ingest.NewCSVReader(strings.NewReader(good), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		if _, err := ingest.WriteIPC(context.Background(), filepath.Join(t.TempDir(), "no", "out.arrow"), r); err == nil {
			t.Error("no error")
		}
	})
}

// TestNoLeaks reads through the checked allocator and checks every buffer
// is freed, on success, on error and when the reader is released early.
func TestNoLeaks(t *testing.T) {
	gz, err := os.ReadFile(goldenCSV)
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, "half.csv.gz", gz[:len(gz)/2])
	arrowFile := filepath.Join(t.TempDir(), "golden.arrow")
	writeIPC(t, arrowFile, goldenCSV)

	text := goldenText(t)
	mid := len(text) / 2
	mid += strings.IndexByte(string(text[mid:]), '\n') + 1
	badMid := writeFile(t, "bad.csv", append(append(append([]byte{}, text[:mid]...), "1,2,3\n"...), text[mid:]...))

	tests := []leakCase{
		{"golden csv.gz", goldenCSV, ingest.Options{}, 0, goldenRows},
		{"golden csv.gz small batches", goldenCSV, ingest.Options{BatchSize: 1000}, 0, goldenRows},
		{"golden arrow", arrowFile, ingest.Options{}, 0, goldenRows},
		{"truncated gzip", truncated, ingest.Options{}, 0, -1},
		{"bad row half-way", badMid, ingest.Options{BatchSize: 1000}, 0, -1},
		{"bad row skipped", badMid, ingest.Options{SkipBadRows: true}, 0, goldenRows},
		{"csv released early", goldenCSV, ingest.Options{}, 1, 1 << 16},
		{"arrow released early", arrowFile, ingest.Options{}, 1, 1 << 16},
	}
	runLeakCases(t, tests)
}

// BenchmarkOpenGzip measures Open on the golden .csv.gz: decompression and
// parsing. Bytes are the uncompressed CSV, to compare with BenchmarkCSVReader.
func BenchmarkOpenGzip(b *testing.B) {
	b.SetBytes(int64(len(goldenText(b))))
	for b.Loop() {
		readGolden(b, goldenCSV)
	}
}

// BenchmarkOpenArrow reads the golden data from an Arrow IPC file.
func BenchmarkOpenArrow(b *testing.B) {
	path := filepath.Join(b.TempDir(), "golden.arrow")
	writeIPC(b, path, goldenCSV)
	b.SetBytes(int64(len(goldenText(b))))
	for b.Loop() {
		readGolden(b, path)
	}
}

// BenchmarkOpenArrowFailures is BenchmarkOpenArrow of the golden data with
// outcome columns (goldenFailuresText), failed tests kept or left out.
func BenchmarkOpenArrowFailures(b *testing.B) {
	benchReadFailures(b, goldenFailuresFile(b, "golden-failures.arrow"))
}
