package ingest_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
)

// us parses a timestamp known to be good.
func us(t testing.TB, s string) int64 {
	t.Helper()
	v, err := ingest.ParseTimestamp(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const (
	ts1 = "2023-06-01 00:03:46.332507 UTC"
	ts2 = "2023-06-01 00:07:29.438105 UTC"
)

func TestCSVReaderColumns(t *testing.T) {
	want := []row{
		{340, 6696, us(t, ts1), 113.660974, 104.783884},
		{341, 6999, us(t, ts2), 55.5, 0},
	}
	tests := []struct {
		name, text string
		blank      int64 // blank lines: rows read and dropped, never an error
	}{
		{"authors' layout", header +
			"340,6696," + ts1 + ",113.660974,104.783884,1.084718085082626\n" +
			"341,6999," + ts2 + ",55.5,0,+Inf\n", 0},
		{"no ratio column", "prb_id,anchor_id,start_time,v4_duration,v6_duration\n" +
			"340,6696," + ts1 + ",113.660974,104.783884\n" +
			"341,6999," + ts2 + ",55.5,0\n", 0},
		{"other order, extra columns", "note,v6_duration,start_time,anchor_id,v4_v6_ratio,v4_duration,prb_id\n" +
			"a,104.783884," + ts1 + ",6696,x,113.660974,340\n" +
			"b,0," + ts2 + ",6999,,55.5,341\n", 0},
		{"BOM", "\ufeff" + header +
			"340,6696," + ts1 + ",113.660974,104.783884,1\n" +
			"341,6999," + ts2 + ",55.5,0,1\n", 0},
		{"BOM before quoted header", "\ufeff\"prb_id\",\"anchor_id\",\"start_time\",\"v4_duration\",\"v6_duration\"\n" +
			"340,6696," + ts1 + ",113.660974,104.783884\n" +
			"341,6999," + ts2 + ",55.5,0\n", 0},
		{"quoted fields", "\"prb_id\",\"anchor_id\",\"start_time\",\"v4_duration\",\"v6_duration\",\"v4_v6_ratio\"\n" +
			"\"340\",\"6696\",\"" + ts1 + "\",\"113.660974\",\"104.783884\",\"1,5\"\n" +
			"341,\"6999\",\"" + ts2 + "\",55.5,\"0\",\"say \"\"hi\"\"\nover two lines\"\n", 0},
		{"CRLF", strings.ReplaceAll("prb_id,anchor_id,start_time,v4_duration,v6_duration\n"+
			"340,6696,"+ts1+",113.660974,104.783884\n"+
			"341,6999,"+ts2+",55.5,0\n", "\n", "\r\n"), 0},
		{"no final newline", header +
			"340,6696," + ts1 + ",113.660974,104.783884,1\n" +
			"341,6999," + ts2 + ",55.5,0,1", 0},
		{"blank lines", header + "\n" +
			"340,6696," + ts1 + ",113.660974,104.783884,1\n\n\n" +
			"341,6999," + ts2 + ",55.5,0,1\n\n", 4},
		{"number forms", header +
			"+340,06696," + ts1 + ",1.13660974e2,104.783884,1\n" +
			"341,6999,2023-06-01T00:07:29.438105Z,55.50,-0,1\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, batches, st, err := readCSV(t, tt.text, ingest.Options{Name: "t.csv"})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			if !reflect.DeepEqual(batches, []int{2}) {
				t.Errorf("batches %v, want [2]", batches)
			}
			want := ingest.Stats{RowsRead: 2 + tt.blank, RowsKept: 2}
			if tt.blank > 0 {
				want.Dropped = map[string]int64{"blank line": tt.blank}
			}
			if !reflect.DeepEqual(st, want) {
				t.Errorf("stats %+v, want %+v", st, want)
			}
		})
	}
}

func TestCSVReaderHeader(t *testing.T) {
	tests := []struct {
		name, text string
		field      string // missing column named in the error
	}{
		{"no v6_duration", "prb_id,anchor_id,start_time,v4_duration,v4_v6_ratio\n1,2," + ts1 + ",1,1\n", ingest.ColV6},
		{"no prb_id", "anchor_id,start_time,v4_duration,v6_duration\n", ingest.ColProbe},
		{"case differs", "PRB_ID,anchor_id,start_time,v4_duration,v6_duration\n", ingest.ColProbe},
		{"space in name", "prb_id, anchor_id,start_time,v4_duration,v6_duration\n", ingest.ColAnchor},
		{"data, no header", "340,6696," + ts1 + ",113.660974,104.783884,1\n", ingest.ColProbe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ingest.NewCSVReader(strings.NewReader(tt.text), ingest.Options{Name: "t.csv"})
			if err == nil {
				r.Release()
				t.Fatal("no error")
			}
			re := checkRowError(t, err, 1, tt.field, "missing header column")
			if re.File != "t.csv" {
				t.Errorf("File %q, want t.csv", re.File)
			}
		})
	}
}

func TestCSVReaderEmpty(t *testing.T) {
	t.Run("empty input", func(t *testing.T) {
		for _, text := range []string{"", "\n\n"} {
			r, err := ingest.NewCSVReader(strings.NewReader(text), ingest.Options{Name: "t.csv"})
			if err == nil {
				r.Release()
				t.Fatalf("%q: no error", text)
			}
			if !strings.Contains(err.Error(), "t.csv") || !strings.Contains(err.Error(), "empty") {
				t.Errorf("%q: error %q should name the file and say it is empty", text, err)
			}
		}
	})
	t.Run("header only", func(t *testing.T) {
		for _, text := range []string{header, strings.TrimSuffix(header, "\n"), header + "\n\n"} {
			rows, batches, st, err := readCSV(t, text, ingest.Options{})
			if err != nil || len(rows) != 0 || len(batches) != 0 {
				t.Errorf("%q: %d rows in %d batches, err %v; want none", text, len(rows), len(batches), err)
			}
			// The blank lines after the header are rows, counted.
			want := ingest.Stats{}
			if blank := int64(strings.Count(text, "\n") - 1); blank > 0 {
				want = ingest.Stats{RowsRead: blank, Dropped: map[string]int64{"blank line": blank}}
			}
			if !reflect.DeepEqual(st, want) {
				t.Errorf("%q: stats %+v, want %+v", text, st, want)
			}
		}
	})
}

// checkRowError checks that err is a *RowError about line and field for
// reason, wrapping ErrBadRow, with a message naming all three.
func checkRowError(t testing.TB, err error, line int64, field, reason string) *ingest.RowError {
	t.Helper()
	if !errors.Is(err, ingest.ErrBadRow) {
		t.Errorf("error %q does not wrap ErrBadRow", err)
	}
	var re *ingest.RowError
	if !errors.As(err, &re) {
		t.Fatalf("error %q (%T) is not a *RowError", err, err)
	}
	if re.Line != line || re.Field != field || re.Reason != reason {
		t.Errorf("RowError line %d field %q reason %q, want line %d field %q reason %q",
			re.Line, re.Field, re.Reason, line, field, reason)
	}
	msg := err.Error()
	unit := re.Unit
	if unit == "" {
		unit = ingest.UnitLine
	}
	for _, s := range []string{re.File, fmt.Sprintf("%s %d", unit, line), field, reason} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not contain %q", msg, s)
		}
	}
	return re
}

func TestCSVReaderBadRows(t *testing.T) {
	good := "340,6696," + ts1 + ",113.660974,104.783884,1\n"
	tests := []struct {
		name   string
		bad    string // a data row, line 3 of the input
		field  string
		reason string
		value  string
	}{
		{"too few columns", "340,6696," + ts1 + ",1,2", "", "wrong column count", "5 columns, header has 6"},
		{"too many columns", "340,6696," + ts1 + ",1,2,3,4", "", "wrong column count", "7 columns, header has 6"},
		{"bare quote", "340,66\"96," + ts1 + ",1,2,3", "", "malformed CSV: bare \" in non-quoted-field", ""},
		{"unparsable prb_id", "x340,6696," + ts1 + ",1,2,3", ingest.ColProbe, "unparsable integer", "x340"},
		{"fractional anchor_id", "340,6696.0," + ts1 + ",1,2,3", ingest.ColAnchor, "unparsable integer", "6696.0"},
		{"overflowing prb_id", "99999999999999999999,6696," + ts1 + ",1,2,3", ingest.ColProbe, "unparsable integer", "99999999999999999999"},
		{"space in integer", "340, 6696," + ts1 + ",1,2,3", ingest.ColAnchor, "unparsable integer", " 6696"},
		{"empty prb_id", ",6696," + ts1 + ",1,2,3", ingest.ColProbe, "empty", ""},
		{"empty anchor_id", "340,," + ts1 + ",1,2,3", ingest.ColAnchor, "empty", ""},
		{"empty start_time", "340,6696,,1,2,3", ingest.ColStartTime, "empty", ""},
		{"empty v4_duration", "340,6696," + ts1 + ",,2,3", ingest.ColV4, "empty", ""},
		{"empty v6_duration", "340,6696," + ts1 + ",1,,3", ingest.ColV6, "empty", ""},
		{"unparsable timestamp", "340,6696,2023-02-30 00:00:00 UTC,1,2,3", ingest.ColStartTime, "unparsable timestamp", "2023-02-30 00:00:00 UTC"},
		{"unparsable number", "340,6696," + ts1 + ",1.2.3,2,3", ingest.ColV4, "unparsable number", "1.2.3"},
		{"number with unit", "340,6696," + ts1 + ",1,2ms,3", ingest.ColV6, "unparsable number", "2ms"},
		{"hexadecimal float", "340,6696," + ts1 + ",0x1p4,2,3", ingest.ColV4, "unparsable number", "0x1p4"},
		{"NaN", "340,6696," + ts1 + ",NaN,2,3", ingest.ColV4, "NaN", "NaN"},
		{"nan", "340,6696," + ts1 + ",1,nan,3", ingest.ColV6, "NaN", "nan"},
		{"Inf", "340,6696," + ts1 + ",+Inf,2,3", ingest.ColV4, "infinite", "+Inf"},
		{"-inf", "340,6696," + ts1 + ",1,-inf,3", ingest.ColV6, "infinite", "-inf"},
		{"overflow", "340,6696," + ts1 + ",1e400,2,3", ingest.ColV4, "infinite", "1e400"},
		{"negative", "340,6696," + ts1 + ",-0.5,2,3", ingest.ColV4, "negative", "-0.5"},
		{"negative v6", "340,6696," + ts1 + ",1,-1e-9,3", ingest.ColV6, "negative", "-1e-9"},
		{"long value shortened", "340,6696," + ts1 + "," + strings.Repeat("9", 70) + "x,2,3", ingest.ColV4, "unparsable number", strings.Repeat("9", 64) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := header + good + tt.bad + "\n" + good
			key := tt.reason
			if tt.field != "" {
				key = tt.field + ": " + tt.reason
			}

			t.Run("error", func(t *testing.T) {
				rows, _, st, err := readCSV(t, text, ingest.Options{Name: "t.csv"})
				if err == nil {
					t.Fatalf("no error; rows %v", rows)
				}
				re := checkRowError(t, err, 3, tt.field, tt.reason)
				if re.File != "t.csv" || re.Value != tt.value {
					t.Errorf("RowError file %q value %q, want t.csv, %q", re.File, re.Value, tt.value)
				}
				if len(rows) != 0 {
					t.Errorf("%d rows delivered from a failed batch", len(rows))
				}
				if st.DroppedTotal() != 0 {
					t.Errorf("dropped %v without SkipBadRows", st.Dropped)
				}
			})

			t.Run("skip", func(t *testing.T) {
				rows, _, st, err := readCSV(t, text, ingest.Options{Name: "t.csv", SkipBadRows: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 2 {
					t.Errorf("kept %d rows, want 2", len(rows))
				}
				want := ingest.Stats{RowsRead: 3, RowsKept: 2, Dropped: map[string]int64{key: 1}}
				if !reflect.DeepEqual(st, want) {
					t.Errorf("stats %+v, want %+v", st, want)
				}
			})
		})
	}
}

func TestCSVReaderLineNumbers(t *testing.T) {
	// A quoted field over two lines and blank lines: lines are physical
	// lines of the file, as an editor shows them.
	text := header +
		"340,6696," + ts1 + ",1,2,\"a\nb\"\n" + // lines 2-3
		"\n" + // line 4
		"340,6696," + ts1 + ",1,2,3\r\n" + // line 5
		"340,6696," + ts1 + ",1,\"x\ny\",3\n" // lines 6-7, v6 on 6
	_, _, _, err := readCSV(t, text, ingest.Options{Name: "t.csv"})
	checkRowError(t, err, 6, ingest.ColV6, "unparsable number")

	// A field that starts on line 2 is reported there.
	text = header + "340,6696,\"\n" + ts1 + "\",1,x,3\n"
	_, _, _, err = readCSV(t, text, ingest.Options{Name: "t.csv"})
	checkRowError(t, err, 2, ingest.ColStartTime, "unparsable timestamp")
}

func TestCSVReaderSkipCounts(t *testing.T) {
	good := "340,6696," + ts1 + ",1,2,3\n"
	text := header + good +
		"340,6696," + ts1 + ",-1,2,3\n" +
		good +
		"340,6696," + ts1 + ",1,-2,3\n" +
		"340,6696," + ts1 + ",-1,2,3\n" +
		"1,2\n" +
		",6696," + ts1 + ",1,2,3\n" +
		"340,6696,yesterday,1,2,3\n" +
		good +
		"340,6696,yesterday,NaN,2,3\n"
	rows, batches, st, err := readCSV(t, text, ingest.Options{SkipBadRows: true, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !reflect.DeepEqual(batches, []int{2, 1}) {
		t.Errorf("%d rows in batches %v, want 3 in [2 1]", len(rows), batches)
	}
	want := ingest.Stats{RowsRead: 10, RowsKept: 3, Dropped: map[string]int64{
		"v4_duration: negative":            2,
		"v6_duration: negative":            1,
		"wrong column count":               1,
		"prb_id: empty":                    1,
		"start_time: unparsable timestamp": 2, // the first bad field wins
	}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats\n%+v, want\n%+v", st, want)
	}
	wantReasons := []string{"prb_id: empty", "start_time: unparsable timestamp", "v4_duration: negative", "v6_duration: negative", "wrong column count"}
	if got := st.Reasons(); !reflect.DeepEqual(got, wantReasons) {
		t.Errorf("Reasons() = %q, want %q", got, wantReasons)
	}
}

// Stats is a snapshot: reading on must not change a copy taken earlier.
func TestCSVReaderStatsSnapshot(t *testing.T) {
	text := header + "1,2," + ts1 + ",-1,2,3\n" + "1,2," + ts1 + ",1,2,3\n" + "1,2," + ts1 + ",-1,2,3\n" + "1,2," + ts1 + ",1,2,3\n"
	r, err := ingest.NewCSVReader(strings.NewReader(text), ingest.Options{BatchSize: 1, SkipBadRows: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	first := r.Stats()
	for r.Next() {
	}
	checkStats(t, first)
	checkStats(t, r.Stats())
	if first.RowsRead != 2 || first.Dropped["v4_duration: negative"] != 1 {
		t.Errorf("first snapshot %+v changed after reading on", first)
	}
}

// The invariant holds also when reading stops at a bad row: the row that
// failed is reported by Err, not counted.
func TestCSVReaderStatsOnError(t *testing.T) {
	text := header + "1,2," + ts1 + ",1,2,3\n" + "1,2," + ts1 + ",1,2,3\n" + "1,2," + ts1 + ",-1,2,3\n" + "1,2," + ts1 + ",1,2,3\n"
	_, batches, st, err := readCSV(t, text, ingest.Options{BatchSize: 1})
	if !errors.Is(err, ingest.ErrBadRow) {
		t.Fatalf("err %v, want a bad row", err)
	}
	if len(batches) != 2 || st.RowsKept != 2 {
		t.Errorf("batches %v, stats %+v; want 2 rows kept in 2 batches", batches, st)
	}
}

func TestCSVReaderBatches(t *testing.T) {
	tests := []struct {
		rows, size int
		want       []int
	}{
		{10, 3, []int{3, 3, 3, 1}},
		{10, 5, []int{5, 5}},
		{10, 1, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{10, 10, []int{10}},
		{10, 11, []int{10}},
		{10, 0, []int{10}}, // default size
		{10, -1, []int{10}},
		{1, 3, []int{1}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("rows=%d,size=%d", tt.rows, tt.size), func(t *testing.T) {
			var b strings.Builder
			b.WriteString(header)
			var want []row
			for i := 0; i < tt.rows; i++ {
				fmt.Fprintf(&b, "%d,%d,2023-06-01 00:00:%02d.5 UTC,%d.25,%d.5,1\n", 100+i, 7000-i, i, i, 2*i)
				want = append(want, row{int64(100 + i), int64(7000 - i), us(t, fmt.Sprintf("2023-06-01 00:00:%02d.5 UTC", i)), float64(i) + 0.25, float64(2*i) + 0.5})
			}
			rows, batches, _, err := readCSV(t, b.String(), ingest.Options{BatchSize: tt.size})
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, rows, want)
			if !reflect.DeepEqual(batches, tt.want) {
				t.Errorf("batches %v, want %v", batches, tt.want)
			}
		})
	}
}

// Next keeps returning false after the end, and Retain/Release count.
func TestCSVReaderLifecycle(t *testing.T) {
	r, err := ingest.NewCSVReader(strings.NewReader(header+"1,2,"+ts1+",1,2,3\n"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Schema() != ingest.Schema {
		t.Error("Schema() is not ingest.Schema")
	}
	r.Retain()
	r.Release()
	if !r.Next() || r.Record().NumRows() != 1 {
		t.Fatal("want one batch of one row")
	}
	for i := 0; i < 3; i++ {
		if r.Next() {
			t.Fatal("Next after the end")
		}
	}
	if r.Err() != nil || r.Record() != nil {
		t.Errorf("after the end: err %v, record %v", r.Err(), r.Record())
	}
	r.Release()
}

// FuzzCSVReader feeds arbitrary bytes after a valid header. Skipping bad
// rows, every CSV record is kept or counted; without skipping, the rows
// delivered are a prefix of those kept and an error is a *RowError.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"340,6696,2023-06-01 00:03:46.332507 UTC,113.660974,104.783884,1.08\n",
		"340,6696,2023-06-01 00:03:46.332507 UTC,113.660974,104.783884,1.08\r\n341,1,2023-06-01T00:00:00Z,0,0,\n",
		"1,2,3\n4,5,6,7,8,9\n",
		"\"1\",\"2\",\"2023-06-01 00:03:46 UTC\",\"1\",\"2\",\"a\nb\"\n",
		"1,2\"x,3,4,5,6\n",
		"1,2,2023-06-01 00:03:46 UTC,NaN,-1,+Inf\n",
		"\"unterminated,1,2,3,4,5\n",
		"\n\n\n1,2,2023-06-01 00:03:46 UTC,1,2,3",
		"",
	} {
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, batch uint8) {
		text := header + string(data)
		opts := ingest.Options{BatchSize: int(batch%8) + 1}

		// The rows of the file: every physical line after the header but
		// the continuation lines of a quoted field over several lines.
		// Where encoding/csv finds no stray quote and no line is blank,
		// its records are the rows (it skips blank lines, and a stray
		// quote takes the rest of the input into one field).
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(data) == 0 {
			lines = nil
		}
		blank := false
		for _, l := range lines {
			blank = blank || strings.TrimSuffix(l, "\r") == ""
		}
		cr := csv.NewReader(strings.NewReader(text))
		cr.FieldsPerRecord = 6
		if _, err := cr.Read(); err != nil {
			t.Fatalf("header: %v", err)
		}
		var records int64
		quoteErr := false
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			var pe *csv.ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Fatalf("read error from a bytes reader: %v", err)
			}
			quoteErr = quoteErr || pe != nil && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote))
			records++
		}

		opts.SkipBadRows = true
		kept, batches, st, err := readCSV(t, text, opts)
		if err != nil {
			t.Fatalf("SkipBadRows: %v", err)
		}
		// A malformed record over several lines is one row, its first
		// line, and the lines after it are read again: between
		// encoding/csv's records and the lines.
		switch {
		case st.RowsRead > int64(len(lines)):
			t.Errorf("RowsRead %d, more than the %d lines", st.RowsRead, len(lines))
		case !strings.Contains(string(data), "\"") && st.RowsRead != int64(len(lines)):
			t.Errorf("RowsRead %d of %d lines without a quote", st.RowsRead, len(lines))
		case st.RowsRead < records:
			t.Errorf("RowsRead %d, fewer than encoding/csv's %d records", st.RowsRead, records)
		}
		_, _ = quoteErr, blank
		if st.RowsKept != int64(len(kept)) {
			t.Errorf("RowsKept %d, %d rows delivered", st.RowsKept, len(kept))
		}
		for i, n := range batches {
			if n < 1 || n > opts.BatchSize || (n < opts.BatchSize && i != len(batches)-1) {
				t.Errorf("batch sizes %v with BatchSize %d", batches, opts.BatchSize)
				break
			}
		}
		for _, r := range kept {
			if !(r.V4 >= 0) || !(r.V6 >= 0) || math.IsInf(r.V4, 0) || math.IsInf(r.V6, 0) {
				t.Errorf("kept a bad duration: %+v", r)
			}
		}

		opts.SkipBadRows = false
		strict, _, sst, err := readCSV(t, text, opts)
		if err != nil {
			var re *ingest.RowError
			if !errors.As(err, &re) || !errors.Is(err, ingest.ErrBadRow) {
				t.Errorf("error %v (%T) is not a *RowError", err, err)
			} else if re.Line < 2 || re.Reason == "" {
				t.Errorf("RowError %+v has no line or reason", re)
			}
		} else if st.DroppedTotal() != st.Dropped["blank line"] {
			t.Errorf("strict read succeeded but a skipping read dropped %v", st.Dropped)
		}
		if len(strict) > len(kept) || !slices.Equal(strict, kept[:len(strict)]) {
			t.Errorf("strict rows are not a prefix of the kept rows")
		}
		if err == nil && (len(strict) != len(kept) || sst.RowsRead != st.RowsRead) {
			t.Errorf("strict read: %d rows, %d read; skipping: %d, %d", len(strict), sst.RowsRead, len(kept), st.RowsRead)
		}
	})
}

// FuzzCSVReaderFailures feeds arbitrary bytes after a header with outcome
// columns, read with and without KeepFailures, skipping bad rows or not:
// every row kept passes the rule of every format, and the rows read
// without KeepFailures are those kept whose tests both worked, in batches
// of BatchSize rows kept.
func FuzzCSVReaderFailures(f *testing.F) {
	for _, s := range []string{
		"340,6696,2023-06-01 00:03:46.332507 UTC,113.660974,104.783884,1.08,ok,ok\n",
		"340,6696,2023-06-01 00:03:46 UTC,113.66,,,ok,connect_timeout\n341,1,2023-06-01T00:00:00Z,,,,dns_error,read_timeout\n",
		"1,2,2023-06-01 00:03:46 UTC,5,6,,http_error,OK\n1,2,2023-06-01 00:03:46 UTC,,6,,ok,ok\n",
		"1,2,2023-06-01 00:03:46 UTC,5,6,,timeout,ok\n1,2,2023-06-01 00:03:46 UTC,-5,6,,other,ok\n",
		"1,2,2023-06-01 00:03:46 UTC,5,6,,,ok\n\n1,2,2023-06-01 00:03:46 UTC,NaN,6,,connect_failed,ok\n",
		"\"1\",\"2\",\"2023-06-01 00:03:46 UTC\",\"1\",\"\",\"\",\" Ok \",\"other\"\n",
		"",
	} {
		f.Add([]byte(s), uint8(2), false)
		f.Add([]byte(s), uint8(5), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, batch uint8, skip bool) {
		text := ingest.CSVFailuresHeader + "\n" + string(data)
		opts := ingest.Options{BatchSize: int(batch%8) + 1, SkipBadRows: skip}
		fuzzRead(t, func(o ingest.Options) (ingest.Reader, error) {
			return ingest.NewCSVReader(strings.NewReader(text), o)
		}, opts)
		_, batches, _, err := readCSV(t, text, opts)
		for i, n := range batches {
			if n < 1 || n > opts.BatchSize || (n < opts.BatchSize && i != len(batches)-1 && err == nil) {
				t.Errorf("batch sizes %v with BatchSize %d", batches, opts.BatchSize)
				break
			}
		}
		if err != nil {
			var re *ingest.RowError
			if skip || !errors.As(err, &re) || re.Line < 2 || re.Reason == "" {
				t.Errorf("error %v (%T), skipping %v", err, err, skip)
			}
		}
	})
}

func ExampleNewCSVReader() {
	const text = `prb_id,anchor_id,start_time,v4_duration,v6_duration,v4_v6_ratio
340,6696,2023-06-01 00:03:46.332507 UTC,113.660974,104.783884,1.084718085082626
340,6999,2023-06-01 00:07:29.438105 UTC,55.555814,-92.730801,-0.5991085313713617
340,6404,2023-06-01 00:08:05.848612 UTC,321.276688,306.688482,1.047566853195354
`
	r, err := ingest.NewCSVReader(strings.NewReader(text), ingest.Options{Name: "example.csv", SkipBadRows: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		probe := rec.Column(ingest.IdxProbe).(*array.Int64)
		anchor := rec.Column(ingest.IdxAnchor).(*array.Int64)
		start := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		for i := 0; i < int(rec.NumRows()); i++ {
			fmt.Println(probe.Value(i), anchor.Value(i), ingest.FormatTimestamp(int64(start.Value(i))), v4.Value(i), v6.Value(i))
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
		return
	}
	st := r.Stats()
	fmt.Println("read", st.RowsRead, "kept", st.RowsKept, "dropped", st.Dropped)
	// Output:
	// 340 6696 2023-06-01 00:03:46.332507 UTC 113.660974 104.783884
	// 340 6404 2023-06-01 00:08:05.848612 UTC 321.276688 306.688482
	// read 3 kept 2 dropped map[v6_duration: negative:1]
}

// BenchmarkCSVReader measures parsing alone: the golden CSV is decompressed
// into memory once.
func BenchmarkCSVReader(b *testing.B) {
	text := goldenText(b)
	for _, n := range []int{1000, 10000, goldenRows} {
		// The first n rows (and the header).
		end := 0
		for i := 0; i <= n && end < len(text); i++ {
			end += bytes.IndexByte(text[end:], '\n') + 1
		}
		in := text[:end]
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				r, err := ingest.NewCSVReader(bytes.NewReader(in), ingest.Options{})
				if err != nil {
					b.Fatal(err)
				}
				var rows int64
				for r.Next() {
					rows += r.Record().NumRows()
				}
				if r.Err() != nil || rows != int64(n) {
					b.Fatalf("%d rows, err %v", rows, r.Err())
				}
				r.Release()
			}
		})
	}
}

// BenchmarkCSVReaderFailures is BenchmarkCSVReader of the golden CSV with
// outcome columns (goldenFailuresText), failed tests kept or left out.
func BenchmarkCSVReaderFailures(b *testing.B) {
	in := goldenFailuresText(b)
	for _, keep := range []bool{false, true} {
		b.Run(fmt.Sprintf("keep=%v", keep), func(b *testing.B) {
			want := int64(goldenRows)
			if !keep {
				want -= goldenFailed
			}
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				r, err := ingest.NewCSVReader(bytes.NewReader(in), ingest.Options{KeepFailures: keep})
				if err != nil {
					b.Fatal(err)
				}
				var rows int64
				for r.Next() {
					rows += r.Record().NumRows()
				}
				if r.Err() != nil || rows != want {
					b.Fatalf("%d rows, err %v", rows, r.Err())
				}
				r.Release()
			}
		})
	}
}

// onceErrReader fails its first read and then reports end of input, as a
// reader that does not repeat its error.
type onceErrReader struct{ done bool }

var errRead = errors.New("disk on fire")

func (r *onceErrReader) Read([]byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	r.done = true
	return 0, errRead
}

func TestCSVReaderReadError(t *testing.T) {
	t.Run("header", func(t *testing.T) {
		_, err := ingest.NewCSVReader(&onceErrReader{}, ingest.Options{Name: "t.csv"})
		if !errors.Is(err, errRead) || errors.Is(err, ingest.ErrBadRow) || !strings.Contains(err.Error(), "t.csv") {
			t.Errorf("error %v, want the read error naming t.csv", err)
		}
	})
	t.Run("rows", func(t *testing.T) {
		for _, skip := range []bool{false, true} {
			in := io.MultiReader(strings.NewReader(header+"1,2,"+ts1+",1,2,3\n"), iotest.ErrReader(errRead))
			r, err := ingest.NewCSVReader(in, ingest.Options{Name: "t.csv", SkipBadRows: skip})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = readAll(t, r)
			r.Release()
			if !errors.Is(err, errRead) || errors.Is(err, ingest.ErrBadRow) || !strings.Contains(err.Error(), "t.csv") {
				t.Errorf("SkipBadRows=%v: error %v, want the read error naming t.csv", skip, err)
			}
		}
	})
}

// TestCSVReaderStrayQuote: a stray quote makes its line one malformed row,
// and the rows after it are read; it used to open a quoted field that took
// the rest of the file, which --skip-bad-rows then dropped as one row.
func TestCSVReaderStrayQuote(t *testing.T) {
	good := "340,6696," + ts1 + ",1,2,3\n"
	for _, tt := range []struct {
		name, bad string
		line      int64
		rows      int64  // bad rows
		reason    string // of the first
	}{
		{"opening quote never closed", "340,\"6696," + ts1 + ",1,2,3\n", 1002, 1, "malformed CSV"},
		{"quote after a quoted field", "340,\"6696\"x," + ts1 + ",1,2,3\n", 1002, 1, "malformed CSV"},
		{"bare quote", "340,66\"96," + ts1 + ",1,2,3\n", 1002, 1, "malformed CSV"},
		// Two stray quotes far apart make a well-quoted record over many
		// lines, with the wrong columns: its first line is a bad row, the
		// lines after it are read again, the last with a bare quote.
		{"two quotes far apart", "\"340,6696," + ts1 + ",1,2,3\n" + strings.Repeat(good, 50) + "340,6696," + ts1 + ",1,2,3\"\n", 1002, 2, "wrong column count"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := header + strings.Repeat(good, 1000) + tt.bad + strings.Repeat(good, 29000)
			lines := int64(strings.Count(text, "\n") - 1)
			rows, _, st, err := readCSV(t, text, ingest.Options{Name: "t.csv", SkipBadRows: true})
			if err != nil {
				t.Fatal(err)
			}
			bad := tt.rows
			if int64(len(rows)) != lines-bad || st.RowsRead != lines || st.DroppedTotal() != bad {
				t.Errorf("kept %d rows, read %d, dropped %v; want %d of the file's %d", len(rows), st.RowsRead, st.Dropped, lines-bad, lines)
			}
			_, _, _, err = readCSV(t, text, ingest.Options{Name: "t.csv"})
			var re *ingest.RowError
			if !errors.As(err, &re) || re.Line != tt.line || !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("without skipping: %v, want a malformed row at line %d", err, tt.line)
			}
		})
	}
}
