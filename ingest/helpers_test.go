package ingest_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
)

// goldenCSV is the authors' export: 207,099 rows sorted by prb_id.
const (
	goldenCSV  = "../testdata/golden/data.csv.gz"
	goldenRows = 207099
)

// header is the authors' CSV header.
const header = "prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_v6_ratio\n"

// row is one ingest-schema row, for comparisons.
type row struct {
	Probe, Anchor, Time int64
	V4, V6              float64
}

// readAll drains r and returns its rows, the size of each batch and r.Err().
// It checks every batch against the ingest schema.
func readAll(t testing.TB, r array.RecordReader) (rows []row, batches []int, err error) {
	t.Helper()
	for r.Next() {
		rec := r.Record()
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			t.Fatalf("batch %d: %v", len(batches), err)
		}
		probe := rec.Column(ingest.IdxProbe).(*array.Int64)
		anchor := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := 0; c < int(rec.NumCols()); c++ {
				if rec.Column(c).IsNull(i) {
					t.Fatalf("batch %d row %d: null %s", len(batches), i, rec.ColumnName(c))
				}
			}
			rows = append(rows, row{probe.Value(i), anchor.Value(i), int64(ts.Value(i)), v4.Value(i), v6.Value(i)})
		}
		batches = append(batches, int(rec.NumRows()))
	}
	return rows, batches, r.Err()
}

// readCSV reads text with NewCSVReader and returns what readAll returns
// plus the final stats, which must satisfy the Stats invariant.
func readCSV(t testing.TB, text string, opts ingest.Options) ([]row, []int, ingest.Stats, error) {
	t.Helper()
	r, err := ingest.NewCSVReader(strings.NewReader(text), opts)
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	defer r.Release()
	rows, batches, err := readAll(t, r)
	st := r.Stats()
	checkStats(t, st)
	return rows, batches, st, err
}

// checkStats checks RowsRead == RowsKept + sum(Dropped).
func checkStats(t testing.TB, st ingest.Stats) {
	t.Helper()
	if st.RowsRead != st.RowsKept+st.DroppedTotal() {
		t.Errorf("stats invariant broken: read %d != kept %d + dropped %d (%v)",
			st.RowsRead, st.RowsKept, st.DroppedTotal(), st.Dropped)
	}
}

// checkRows compares rows exactly.
func checkRows(t testing.TB, got, want []row) {
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

var golden struct {
	once sync.Once
	text []byte
	err  error
}

// goldenText returns the golden CSV decompressed, read once per process.
func goldenText(t testing.TB) []byte {
	t.Helper()
	golden.once.Do(func() {
		f, err := os.Open(goldenCSV)
		if err != nil {
			golden.err = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			golden.err = err
			return
		}
		golden.text, golden.err = io.ReadAll(zr)
	})
	if golden.err != nil {
		t.Fatal(golden.err)
	}
	return golden.text
}

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes b to name in a new temporary directory and returns the path.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := t.TempDir() + "/" + name
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkEmptyDir fails unless dir has no entries (no output, no temp file).
func checkEmptyDir(t testing.TB, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in %s: %s", dir, e.Name())
	}
}

// leakCase opens path with a checked allocator, reads batches (0: all) and
// checks the rows read (-1: an error is expected) and that nothing leaks.
type leakCase struct {
	name    string
	path    string
	opts    ingest.Options
	batches int // stop after this many; 0 reads all
	rows    int // rows read, or -1 for an error
}

func runLeakCases(t *testing.T, tests []leakCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			tt.opts.Allocator = mem
			r, err := ingest.Open(tt.path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Release()
			rows, batches := 0, 0
			for r.Next() {
				rows += int(r.Record().NumRows())
				if batches++; batches == tt.batches {
					break
				}
			}
			if tt.rows < 0 {
				if r.Err() == nil {
					t.Errorf("no error after %d rows", rows)
				}
			} else if r.Err() != nil || rows != tt.rows {
				t.Errorf("%d rows, err %v; want %d rows", rows, r.Err(), tt.rows)
			}
		})
	}
}

// readGolden opens path, reads every batch and checks that it holds the
// golden set's rows; it returns the row count.
func readGolden(b *testing.B, path string) int64 {
	b.Helper()
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Release()
	var rows int64
	for r.Next() {
		rows += r.Record().NumRows()
	}
	if r.Err() != nil || rows != goldenRows {
		b.Fatalf("%d rows, err %v", rows, r.Err())
	}
	return rows
}
