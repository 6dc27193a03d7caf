package ingest_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/tables"
)

// readUntimed drains r, which must yield UntimedSchema batches with every
// start_time null, and returns the rows with Time 0.
func readUntimed(t testing.TB, r array.RecordReader) ([]row, []int, error) {
	t.Helper()
	var rows []row
	var batches []int
	for r.Next() {
		rec := r.Record()
		if !rec.Schema().Equal(ingest.UntimedSchema) {
			t.Fatalf("batch schema %s, want UntimedSchema", rec.Schema())
		}
		if n := rec.Column(ingest.IdxStartTime).NullN(); int64(n) != rec.NumRows() {
			t.Fatalf("%d of %d start times null", n, rec.NumRows())
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			rows = append(rows, row{p.Value(i), a.Value(i), 0, v4.Value(i), v6.Value(i)})
		}
		batches = append(batches, int(rec.NumRows()))
	}
	return rows, batches, r.Err()
}

// writeCBORFrom groups the tests of src by pair, as the simulator wants,
// and writes them to dst. It returns the series written, in order.
func writeCBORFrom(t testing.TB, dst, src string) []pairs.Series {
	t.Helper()
	r, err := ingest.Open(src, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	w, err := ingest.CreateCBOR(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	var all []pairs.Series
	_, err = pairs.InMemory(context.Background(), r, func(p pairs.Probe) error {
		for _, s := range p.Series {
			all = append(all, s)
			if err := w.Write(s.Probe, s.Anchor, s.V4, s.V6); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestCBORBytes checks a tiny file byte for byte against a hand-encoded
// CBOR (RFC 8949) rendering of [[6012, 7, [10.5, 11.0], [12.0, 13.25]]],
// which is also what Python's cbor.dumps (the package the artefacts use,
// Debian python3-cbor 1.0) returns for that list.
func TestCBORBytes(t *testing.T) {
	want := "81" + // array(1)
		"84" + // array(4): one pair
		"19177c" + // unsigned(6012), 2-byte argument
		"07" + // unsigned(7)
		"82" + "fb4025000000000000" + "fb4026000000000000" + // [10.5, 11.0] as float64
		"82" + "fb4028000000000000" + "fb402a800000000000" // [12.0, 13.25]
	dir := t.TempDir()
	path := filepath.Join(dir, "paths.cbor")
	w, err := ingest.CreateCBOR(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(6012, 7, []float64{10.5, 11}, []float64{12, 13.25}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != want {
		t.Errorf("bytes\n%x\nwant\n%s", got, want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d entries in the directory, want only paths.cbor (spool left?)", len(ents))
	}
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	rows, _, err := readUntimed(t, r)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows, []row{{6012, 7, 0, 10.5, 12}, {6012, 7, 0, 11, 13.25}})

	t.Run("empty", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "e.cbor")
		w, err := ingest.CreateCBOR(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(1, 2, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); hex.EncodeToString(got) != "8184010280"+"80" {
			t.Errorf("bytes %x, want 818401028080 (empty lists, not null)", got)
		}
	})
	t.Run("reset and abort", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.cbor")
		w, err := ingest.CreateCBOR(path)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(1, 2, []float64{1}, []float64{2})
		if err := w.Reset(); err != nil {
			t.Fatal(err)
		}
		w.Write(3, 4, []float64{5}, []float64{6})
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); hex.EncodeToString(got) != "818403048"+"1fb4014000000000000"+"81fb4018000000000000" {
			t.Errorf("bytes %x", got)
		}
		w2, _ := ingest.CreateCBOR(filepath.Join(dir, "gone.cbor"))
		w2.Write(1, 2, []float64{1}, []float64{2})
		w2.Abort()
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%d entries, want r.cbor only", len(ents))
		}
		if err := w.Write(1, 2, []float64{1}, nil); err == nil {
			t.Error("lists of different lengths written")
		}
	})
}

// cborHex builds CBOR from hex pieces.
func cborHex(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCBORReader(t *testing.T) {
	f := func(v float64) string { // float64 as CBOR
		var b [9]byte
		b[0] = 0xfb
		u := math.Float64bits(v)
		for i := 0; i < 8; i++ {
			b[8-i] = byte(u >> (8 * i))
		}
		return hex.EncodeToString(b[:])
	}
	pair := "8401028201" + f(2.5) + "82" + f(3) + "04" // [1, 2, [1, 2.5], [3.0, 4]]: ints allowed
	pairRows := []row{{1, 2, 0, 1, 3}, {1, 2, 0, 2.5, 4}}
	tests := []struct {
		name    string
		data    []byte
		opts    ingest.Options
		rows    []row
		dropped map[string]int64
		err     string // in the error; "" for none
	}{
		{"one pair", cborHex(t, "81", pair), ingest.Options{}, pairRows, nil, ""},
		{"no pairs", cborHex(t, "80"), ingest.Options{}, nil, nil, ""},
		{"1-byte count", cborHex(t, "9801", pair), ingest.Options{}, pairRows, nil, ""},
		{"8-byte count", cborHex(t, "9b0000000000000001", pair), ingest.Options{}, pairRows, nil, ""},
		{"negative ids", cborHex(t, "81", "84202181", f(1), "81", f(2)), ingest.Options{}, []row{{-1, -2, 0, 1, 2}}, nil, ""},
		{"indefinite", cborHex(t, "9f", pair, "ff"), ingest.Options{}, nil, nil, "indefinite-length"},
		{"not an array", cborHex(t, "a0"), ingest.Options{}, nil, nil, "content is text, not a CBOR array"},
		{"empty", nil, ingest.Options{}, nil, nil, "content is text, not a CBOR array"},
		{"truncated", cborHex(t, "82", pair, "8401"), ingest.Options{}, nil, nil, "entry 2: truncated: 1 of 2"},
		{"trailing", cborHex(t, "81", pair, "00"), ingest.Options{}, nil, nil, "data after the outer array"},
		{"three fields", cborHex(t, "81", "83010280"), ingest.Options{}, nil, nil, "entry 1: malformed CBOR"},
		{"string id", cborHex(t, "81", "846178028080"), ingest.Options{}, nil, nil, "malformed CBOR"},
		{"uint64 id", cborHex(t, "81", "841bffffffffffffffff028080"), ingest.Options{}, nil, nil, "malformed CBOR"},
		{"lengths differ", cborHex(t, "82", "840102820102"+"8103", pair), ingest.Options{}, nil, nil, "entry 1: v4 and v6 lists differ in length: \"2 and 1\""},
		{"lengths differ skipped", cborHex(t, "82", "840102820102"+"8103", pair), ingest.Options{SkipBadRows: true}, pairRows, map[string]int64{"v4 and v6 lists differ in length": 2}, ""},
		{"negative", cborHex(t, "81", "84010282", f(1), f(-1), "82", f(1), f(1)), ingest.Options{}, nil, nil, "entry 1 field v4_duration: negative"},
		{"NaN skipped", cborHex(t, "81", "84010282", f(1), f(2), "82", f(math.NaN()), f(1)), ingest.Options{SkipBadRows: true}, []row{{1, 2, 0, 2, 1}}, map[string]int64{"v6_duration: NaN": 1}, ""},
		// A null entry is a malformed row, counted, where it was passed
		// over unseen.
		{"null entry", cborHex(t, "82", "f6", pair), ingest.Options{}, nil, nil, "entry 1: null entry"},
		{"null entry skipped", cborHex(t, "82", "f6", pair), ingest.Options{SkipBadRows: true}, pairRows, map[string]int64{"null entry": 1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "x.cbor", tt.data)
			r, err := ingest.Open(path, tt.opts)
			badRow := err == nil // Open's format check is not about a row
			if err == nil {
				defer r.Release()
				var got []row
				got, _, err = readUntimed(t, r)
				if err == nil {
					checkRows(t, got, tt.rows)
					st := r.Stats()
					checkStats(t, st)
					if int(st.RowsKept) != len(tt.rows) || (len(tt.dropped) > 0 || len(st.Dropped) > 0) && !reflect.DeepEqual(st.Dropped, tt.dropped) {
						t.Errorf("stats %+v, want %d kept, dropped %v", st, len(tt.rows), tt.dropped)
					}
				}
			}
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err != "" && err == nil:
				t.Fatalf("no error, want %q", tt.err)
			case tt.err != "":
				if !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), path) || badRow && !errors.Is(err, ingest.ErrBadRow) {
					t.Errorf("error %q should be a bad row naming %s and saying %q", err, path, tt.err)
				}
			}
		})
	}
}

// TestCBORBatches checks that pairs longer than a batch are split and that
// the rows come out in file order.
func TestCBORBatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.cbor")
	w, err := ingest.CreateCBOR(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []row
	for p := int64(0); p < 30; p++ { // 30 pairs: a 1-byte array count
		var v4, v6 []float64
		for i := 0; i < int(p%7); i++ {
			v4 = append(v4, float64(i))
			v6 = append(v6, float64(p))
			want = append(want, row{100 - p, p, 0, float64(i), float64(p)})
		}
		if err := w.Write(100-p, p, v4, v6); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	r, err := ingest.Open(path, ingest.Options{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	got, batches, err := readUntimed(t, r)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, want)
	for i, n := range batches {
		if n != 4 && i != len(batches)-1 {
			t.Errorf("batch %d has %d rows: %v", i, n, batches)
		}
	}
}

// TestCBORGoldenTables converts the golden CSV to CBOR and checks that
// Tables 1 and 2 (which need no times: the CBOR keeps each pair's tests in
// time order) are those of the CSV.
func TestCBORGoldenTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "paths.cbor")
	series := writeCBORFrom(t, path, goldenCSV)
	run := func(p string) *pipeline.Result {
		in := pipeline.FileInput([]string{p}, "", ingest.Options{})
		res, err := pipeline.Run(context.Background(), in, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	want, got := run(goldenCSV), run(path)
	if !reflect.DeepEqual(tables.Rows1(got.Table1), tables.Rows1(want.Table1)) {
		t.Errorf("Table 1\n%v\nwant\n%v", tables.Rows1(got.Table1), tables.Rows1(want.Table1))
	}
	if !reflect.DeepEqual(tables.Rows2(got.Table2), tables.Rows2(want.Table2)) {
		t.Errorf("Table 2\n%v\nwant\n%v", tables.Rows2(got.Table2), tables.Rows2(want.Table2))
	}
	if got.Group != want.Group || got.Rows.RowsKept != goldenRows {
		t.Errorf("grouping %+v rows %+v, want %+v", got.Group, got.Rows, want.Group)
	}
	// The series read back are the CSV's, in time order, without times.
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	i := 0
	_, err = pairs.Stream(context.Background(), r, func(p pairs.Probe) error {
		for _, s := range p.Series {
			w := series[i]
			i++
			if s.HasTime() || s.Probe != w.Probe || s.Anchor != w.Anchor || !reflect.DeepEqual(s.V4, w.V4) || !reflect.DeepEqual(s.V6, w.V6) {
				t.Fatalf("series %d-%d differs from the CSV's %d-%d (or has times)", s.Probe, s.Anchor, w.Probe, w.Anchor)
			}
		}
		return nil
	})
	if err != nil || i != len(series) {
		t.Fatalf("%d of %d series, err %v", i, len(series), err)
	}
}

func TestCBORNoLeaks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.cbor")
	writeCBORFrom(t, path, goldenCSV)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, "t.cbor", data[:len(data)/2])
	gz := writeFile(t, "g.cbor.gz", gzipBytes(t, data))
	tests := []leakCase{
		{"golden", path, ingest.Options{}, 0, goldenRows},
		{"golden gzip small batches", gz, ingest.Options{BatchSize: 999}, 0, goldenRows},
		{"released early", path, ingest.Options{}, 1, 1 << 16},
		{"truncated", truncated, ingest.Options{}, 0, -1},
	}
	runLeakCases(t, tests)
}

// FuzzCBORReader feeds arbitrary bytes to the CBOR reader: it must not
// panic, every error must be a bad row (the input is in memory, so there
// are no I/O errors), and the counts must add up.
func FuzzCBORReader(f *testing.F) {
	f.Add(cborHex(f, "81", "8419177c0782fb4025000000000000fb402600000000000082fb4028000000000000fb402a800000000000"))
	f.Add(cborHex(f, "82", "840102820102820304", "8403048105810a"))
	f.Add(cborHex(f, "9f", "840102820102820304", "ff"))
	f.Add(cborHex(f, "81", "840102820102"+"8103"))
	f.Add(cborHex(f, "81", "8401029a7fffffff"))
	f.Add([]byte{})
	f.Add([]byte("prb_id,anchor_id"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, skip := range []bool{false, true} {
			r, err := ingest.NewCBORReader(bytes.NewReader(data), ingest.Options{SkipBadRows: skip, BatchSize: 3})
			if err != nil {
				if !errors.Is(err, ingest.ErrBadRow) {
					t.Fatalf("header error %v is not a bad row", err)
				}
				continue
			}
			var n int64
			for r.Next() {
				rec := r.Record()
				if rec.NumRows() == 0 || rec.NumRows() > 3 {
					t.Fatalf("batch of %d rows", rec.NumRows())
				}
				n += rec.NumRows()
			}
			if err := r.Err(); err != nil && !errors.Is(err, ingest.ErrBadRow) {
				t.Fatalf("error %v is not a bad row", err)
			}
			st := r.Stats()
			if st.RowsKept != n || st.RowsRead != st.RowsKept+st.DroppedTotal() {
				t.Fatalf("stats %+v after %d rows", st, n)
			}
			r.Release()
		}
	})
}

// BenchmarkCBORWrite writes the golden data's pairs to paths.cbor.
func BenchmarkCBORWrite(b *testing.B) {
	r, err := ingest.Open(goldenCSV, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var series []pairs.Series
	if _, err := pairs.InMemory(context.Background(), r, func(p pairs.Probe) error {
		series = append(series, p.Series...)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	r.Release()
	path := filepath.Join(b.TempDir(), "paths.cbor")
	var size int64
	for b.Loop() {
		w, err := ingest.CreateCBOR(path)
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range series {
			if err := w.Write(s.Probe, s.Anchor, s.V4, s.V6); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		if size == 0 {
			fi, _ := os.Stat(path)
			size = fi.Size()
			b.SetBytes(size)
		}
	}
	b.ReportMetric(float64(goldenRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCBORRead reads the golden data from paths.cbor.
func BenchmarkCBORRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "paths.cbor")
	writeCBORFrom(b, path, goldenCSV)
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
