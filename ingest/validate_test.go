package ingest_test

import (
	"fmt"
	"math"
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

// nrow is a row that may hold nulls (a nil pointer).
type nrow struct {
	probe  *int64
	v4, v6 *float64
}

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }

// writeArrow writes rows of the ingest schema, nulls included, as an Arrow
// IPC file or stream, bypassing afsel's writers (which check rows).
func writeArrow(t *testing.T, path string, stream bool, rows []nrow) {
	writeArrowRows(t, path, stream, rows)
}

func writeArrowRows(t testing.TB, path string, stream bool, rows []nrow) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, ingest.UntimedSchema)
	defer b.Release()
	probe, anchor, ts, v4, v6 := ingest.Builders(b)
	for i, r := range rows {
		if r.probe == nil {
			probe.AppendNull()
		} else {
			probe.Append(*r.probe)
		}
		anchor.Append(6696)
		ts.Append(arrow.Timestamp(1685577600000000 + int64(i)*1e9))
		for _, x := range []struct {
			b *array.Float64Builder
			v *float64
		}{{v4, r.v4}, {v6, r.v6}} {
			if x.v == nil {
				x.b.AppendNull()
			} else {
				x.b.Append(*x.v)
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if stream {
		w := ipc.NewWriter(f, ipc.WithSchema(ingest.UntimedSchema))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.Close()
		return
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(ingest.UntimedSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()
}

// TestArrowRowChecks: Arrow inputs get the row checks every format gets,
// with the same reasons and counts, and errors naming the file, row and
// field. They used to accept negative durations and let NaN, infinities
// and nulls through to fail later without a location.
func TestArrowRowChecks(t *testing.T) {
	good := nrow{i64(340), f64(10), f64(11)}
	tests := []struct {
		name   string
		bad    nrow
		field  string
		reason string
	}{
		{"negative", nrow{i64(340), f64(-1), f64(11)}, ingest.ColV4, "negative"},
		{"NaN", nrow{i64(340), f64(10), f64(math.NaN())}, ingest.ColV6, "NaN"},
		{"infinite", nrow{i64(340), f64(math.Inf(1)), f64(11)}, ingest.ColV4, "infinite"},
		{"null duration", nrow{i64(340), nil, f64(11)}, ingest.ColV4, "null"},
		{"null probe", nrow{nil, f64(10), f64(11)}, ingest.ColProbe, "null"},
	}
	for _, stream := range []bool{false, true} {
		name := "t.arrow"
		if stream {
			name = "t.arrows"
		}
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), name)
				writeArrow(t, path, stream, []nrow{good, good, tt.bad, good})
				_, _, _, err := openAll(t, path, ingest.Options{})
				re := checkRowError(t, err, 3, tt.field, tt.reason)
				if re.Unit != ingest.UnitRow || !strings.Contains(err.Error(), path+" row 3 field "+tt.field) {
					t.Errorf("error %q does not name the file, row 3 and the field", err)
				}
				rows, _, st, err := openAll(t, path, ingest.Options{SkipBadRows: true})
				want := ingest.Stats{RowsRead: 4, RowsKept: 3, Dropped: map[string]int64{tt.field + ": " + tt.reason: 1}}
				if err != nil || len(rows) != 3 || !reflect.DeepEqual(st, want) {
					t.Errorf("skipping: %d rows, %+v, %v; want 3 rows, %+v", len(rows), st, err, want)
				}
			})
		}
	}
}

// TestCorruptArrow: a damaged Arrow file is an error naming the file and
// saying what is wrong, not a recovered panic's text.
func TestCorruptArrow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.arrow")
	rows := make([]nrow, 1000)
	for i := range rows {
		rows[i] = nrow{i64(340), f64(10), f64(11)}
	}
	writeArrow(t, path, false, rows)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite the batch's metadata and body, keeping the magic and the
	// footer: the file opens, its batch does not read.
	for i := 100; i < len(data)/2; i++ {
		data[i] = 0xff
	}
	os.WriteFile(path, data, 0o644)
	_, _, _, err = openAll(t, path, ingest.Options{})
	if err == nil {
		t.Fatal("no error")
	}
	if msg := err.Error(); !strings.Contains(msg, path) || strings.Contains(msg, "makeslice") && !strings.Contains(msg, "corrupt") {
		t.Errorf("error %q does not name the file and the damage", msg)
	}
}

// FuzzArrowReader reads arbitrary bytes as an Arrow IPC file or stream:
// never a panic, and every row kept passes the checks, the counts adding
// up.
func FuzzArrowReader(f *testing.F) {
	dir := f.TempDir()
	for i, stream := range []bool{false, true} {
		rows := []nrow{{i64(1), f64(2), f64(3)}, {i64(1), f64(-1), f64(3)}, {nil, f64(2), nil}}
		path := filepath.Join(dir, fmt.Sprint(i))
		writeArrowRows(f, path, stream, rows)
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
		f.Add(b, false)
	}
	// Inputs with outcome columns, bad rows among them.
	for i, name := range []string{"f.arrow", "f.arrows"} {
		rows := append(failureRows()[:4],
			frow{1, 2, 3, 4, 5, false, false, "ok", "bogus"},
			frow{1, 2, 3, 0, 5, true, false, "ok", "ok"},
			frow{1, 2, 3, -1, 5, false, false, "other", "ok"})
		schema := nullableFailures
		if i == 1 {
			schema = failuresSchemaOf(ingest.TimestampType, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String})
		}
		rec := buildFailures(f, memory.DefaultAllocator, schema, rows)
		path := filepath.Join(dir, name)
		writeRawFailures(f, path, rec)
		rec.Release()
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		path := filepath.Join(t.TempDir(), "t.arrow")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := ingest.Open(path, ingest.Options{SkipBadRows: skip})
		if err != nil {
			return
		}
		defer r.Release()
		rows, _, _ := readAll(t, r) // an error ends the rows; they must still be good
		st := r.Stats()
		checkStats(t, st)
		if st.RowsKept != int64(len(rows)) {
			t.Errorf("RowsKept %d, %d rows delivered", st.RowsKept, len(rows))
		}
		for _, row := range rows {
			if !(row.V4 >= 0) || !(row.V6 >= 0) || math.IsInf(row.V4, 0) || math.IsInf(row.V6, 0) {
				t.Errorf("kept a bad duration: %+v", row)
			}
		}
		// With and without KeepFailures, for input with outcome columns.
		fuzzOpen(t, path, ingest.Options{SkipBadRows: skip})
	})
}
