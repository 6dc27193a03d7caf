package bigquery_test

import (
	"cmp"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	bqv2 "google.golang.org/api/bigquery/v2"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/internal/bqfake"
	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/queries"
)

// failCol is one result column of a failures query as the fake serves it:
// its name, the type of its values and the value of a row (nil for NULL).
type failCol struct {
	name string
	typ  arrow.DataType
	rest string // REST type
	val  func(r testRow) any
}

// nullable is v, or nil (NULL) when raw says the query left NULL as it is.
func nullable(v any, absent, raw bool) any {
	if raw && absent {
		return nil
	}
	return v
}

// failCols are the columns of paired_tests_failures.sql (series false) or
// paired_series_failures.sql, in the queries' order. With raw, absent
// statuses and errors are NULL rather than -1 and empty, as a query
// without IFNULL would give them (the reader takes both).
func failCols(series, raw bool) []failCol {
	dur := func(v float64, null bool) any {
		switch {
		case null && series: // an array holds no NULL: the query gives NaN
			return math.NaN()
		case null:
			return nil
		}
		return v
	}
	cols := []failCol{
		{"prb_id", arrow.PrimitiveTypes.Int64, "INTEGER", func(r testRow) any { return r.Probe }},
		{"anchor_id", arrow.PrimitiveTypes.Int64, "INTEGER", func(r testRow) any { return r.Anchor }},
		{"start_time", bqfake.TimestampType, "TIMESTAMP", func(r testRow) any { return arrow.Timestamp(r.Time) }},
		{"v4_duration", arrow.PrimitiveTypes.Float64, "FLOAT", func(r testRow) any { return dur(r.V4, r.Null4) }},
		{"v6_duration", arrow.PrimitiveTypes.Float64, "FLOAT", func(r testRow) any { return dur(r.V6, r.Null6) }},
	}
	status := func(k int) failCol {
		return failCol{[]string{"v4_status", "v6_status"}[k], arrow.PrimitiveTypes.Int64, "INTEGER", func(r testRow) any {
			s := []int64{r.S4, r.S6}[k]
			return nullable(s, s < 0, raw)
		}}
	}
	text := func(name string, get func(testRow) string) failCol {
		return failCol{name, arrow.BinaryTypes.String, "STRING", func(r testRow) any { return nullable(get(r), get(r) == "", raw) }}
	}
	e4 := text("v4_error", func(r testRow) string { return r.E4 })
	e6 := text("v6_error", func(r testRow) string { return r.E6 })
	d4 := text("v4_dns_error", func(r testRow) string { return r.D4 })
	d6 := text("v6_dns_error", func(r testRow) string { return r.D6 })
	if series {
		return append(cols, status(0), status(1), e4, e6, d4, d6)
	}
	return append(cols, status(0), e4, d4, status(1), e6, d6)
}

// arrowSchema is the schema the Storage Read API gives the columns.
func arrowSchema(cols []failCol, series bool) *arrow.Schema {
	var fields []arrow.Field
	for i, c := range cols {
		f := arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
		if series && i >= ingest.IdxStartTime {
			f = arrow.Field{Name: c.name, Type: arrow.ListOf(c.typ)}
		}
		fields = append(fields, f)
	}
	return arrow.NewSchema(fields, nil)
}

func restSchema(cols []failCol, series bool) *bqv2.TableSchema {
	s := &bqv2.TableSchema{}
	for i, c := range cols {
		f := &bqv2.TableFieldSchema{Name: c.name, Type: c.rest}
		if series && i >= ingest.IdxStartTime {
			f.Mode = "REPEATED"
		}
		s.Fields = append(s.Fields, f)
	}
	return s
}

// newFailuresFake is newFake serving the result of a failures query.
func newFailuresFake(t testing.TB, rows []testRow, seriesRows, raw bool, nStreams, batchRows int) *fake {
	cols := failCols(seriesRows, raw)
	schema := arrowSchema(cols, seriesRows)
	res := bqfake.Result{
		Arrow: schema, REST: restSchema(cols, seriesRows), Series: seriesRows,
		Batch: func(t testing.TB, units [][]testRow) []byte {
			return failuresMessage(t, schema, cols, units, seriesRows)
		},
		Row: func(u []testRow) *bqv2.TableRow { return failuresRESTRow(cols, u, seriesRows) },
	}
	if seriesRows {
		res.Units = series(rows)
	} else {
		for i := range rows {
			res.Units = append(res.Units, rows[i:i+1])
		}
	}
	return bqfake.Serve(t, res, nStreams, batchRows)
}

func appendValue(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.TimestampBuilder:
		b.Append(v.(arrow.Timestamp))
	default:
		panic(b)
	}
}

// failuresMessage is recordMessage for a failures query's columns.
func failuresMessage(t testing.TB, s *arrow.Schema, cols []failCol, units [][]testRow, seriesRows bool) []byte {
	b := array.NewRecordBuilder(memory.DefaultAllocator, s)
	defer b.Release()
	for _, u := range units {
		for i, c := range cols {
			if !seriesRows || i < ingest.IdxStartTime {
				appendValue(b.Field(i), c.val(u[0]))
				continue
			}
			lb := b.Field(i).(*array.ListBuilder)
			lb.Append(true)
			for _, r := range u {
				appendValue(lb.ValueBuilder(), c.val(r))
			}
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	return bqfake.BatchMessage(t, rec)
}

// restValue is v as the REST API writes a cell's value.
func restValue(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64) // NaN as "NaN", as BigQuery does
	case arrow.Timestamp:
		return strconv.FormatInt(int64(v), 10)
	case string:
		return v
	}
	panic(v)
}

func failuresRESTRow(cols []failCol, u []testRow, seriesRows bool) *bqv2.TableRow {
	row := &bqv2.TableRow{}
	for i, c := range cols {
		if !seriesRows || i < ingest.IdxStartTime {
			row.F = append(row.F, &bqv2.TableCell{V: restValue(c.val(u[0]))})
			continue
		}
		var vs []any
		for _, r := range u {
			vs = append(vs, map[string]any{"v": restValue(c.val(r))})
		}
		row.F = append(row.F, &bqv2.TableCell{V: vs})
	}
	return row
}

// failureCases are what the failures fixture puts in some tests, with the
// outcome the reader must give each.
var failureCases = []struct {
	status      int64 // -1: none
	err, dnsErr string
	noDur       bool // the duration is NULL
	want        outcome.Code
}{
	{-1, "connect: timeout", "", true, outcome.ConnectTimeout},
	{-1, "connect: Connection refused", "", true, outcome.ConnectFailed},
	{-1, "connect: Network is unreachable", "", true, outcome.ConnectFailed},
	{503, "", "", false, outcome.HTTPError},                         // a duration, but the test failed
	{200, "timeout reading status", "", false, outcome.ReadTimeout}, // the error wins over the status
	{-1, "", "non-recoverable failure in name resolution", true, outcome.DNSError},
	{200, "", "", true, outcome.Other}, // status 200 without a duration
	{-1, "", "", true, outcome.Other},  // nothing at all
	{-1, "bad status line", "", false, outcome.Other},
}

// outRow is one row of a FailuresSchema file.
type outRow struct {
	Probe, Anchor, Time int64
	V4, V6              float64 // 0 when null
	Null4, Null6        bool
	O4, O6              string
}

func compareOut(a, b outRow) int {
	return cmp.Or(cmp.Compare(a.Probe, b.Probe), cmp.Compare(a.Anchor, b.Anchor), cmp.Compare(a.Time, b.Time),
		cmp.Compare(a.V4, b.V4), cmp.Compare(a.V6, b.V6), cmp.Compare(a.O4, b.O4), cmp.Compare(a.O6, b.O6))
}

// failuresFixture is the first n rows of the golden CSV with failures
// placed in some tests (an IPv6 test in 7, an IPv4 one in 29, both in some
// rows), and the rows a reader must write for them, sorted.
func failuresFixture(t testing.TB, n int) (rows []testRow, want []outRow, failed int) {
	t.Helper()
	rows = loadFixture(t, n).rows
	for i := range rows {
		r := &rows[i]
		r.S4, r.S6 = 200, 200
		o := outRow{Probe: r.Probe, Anchor: r.Anchor, Time: r.Time, V4: r.V4, V6: r.V6, O4: "ok", O6: "ok"}
		if i%29 == 11 {
			c := failureCases[(i/29)%len(failureCases)]
			r.S4, r.E4, r.D4, r.Null4 = c.status, c.err, c.dnsErr, c.noDur
			o.V4, o.Null4, o.O4 = 0, true, c.want.String()
			failed++
		}
		if i%7 == 3 {
			c := failureCases[(i/7)%len(failureCases)]
			r.S6, r.E6, r.D6, r.Null6 = c.status, c.err, c.dnsErr, c.noDur
			o.V6, o.Null6, o.O6 = 0, true, c.want.String()
			failed++
		}
		want = append(want, o)
	}
	slices.SortFunc(want, compareOut)
	return rows, want, failed
}

// readFailuresOutput reads a FailuresSchema Arrow IPC file, sorted. (With
// Arrow's reader: ingest's readers take FailuresSchema files elsewhere.)
func readFailuresOutput(t testing.TB, path string) []outRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Schema().Equal(ingest.FailuresSchema) {
		t.Fatalf("file schema %s, want FailuresSchema", r.Schema())
	}
	var out []outRow
	for k := range r.NumRecords() {
		rec, err := r.Record(k)
		if err != nil {
			t.Fatal(err)
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		d4 := rec.Column(ingest.IdxV4).(*array.Float64)
		d6 := rec.Column(ingest.IdxV6).(*array.Float64)
		o4 := rec.Column(ingest.IdxV4Outcome).(*array.String)
		o6 := rec.Column(ingest.IdxV6Outcome).(*array.String)
		for i := range int(rec.NumRows()) {
			x := outRow{Probe: p.Value(i), Anchor: a.Value(i), Time: int64(ts.Value(i)), Null4: d4.IsNull(i), Null6: d6.IsNull(i), O4: o4.Value(i), O6: o6.Value(i)}
			if !x.Null4 {
				x.V4 = d4.Value(i)
			}
			if !x.Null6 {
				x.V6 = d6.Value(i)
			}
			out = append(out, x)
		}
	}
	slices.SortFunc(out, compareOut)
	return out
}

func failuresConfig(t testing.TB, f *fake, ordered bool) bigquery.Config {
	t.Helper()
	cfg := config(t, f)
	kind := queries.Tests
	if f.Series() {
		kind = queries.Series
	}
	q, err := queries.Build(queries.Config{Kind: kind, Start: winStart, End: winEnd, Failures: true, Ordered: ordered})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Query, cfg.Failures = q, true
	return cfg
}

// TestIngestFailures reads a failures query's result, flat and grouped,
// over the Storage Read API and REST: every row arrives, failed tests with
// their outcome and no duration.
func TestIngestFailures(t *testing.T) {
	rows, want, failed := failuresFixture(t, 6000)
	t.Logf("%d rows, %d failed tests", len(rows), failed)
	for _, c := range []struct {
		name              string
		series, raw, rest bool
	}{
		{"tests", false, false, false},
		{"tests, NULLs left", false, true, false},
		{"series", true, false, false},
		{"tests over REST", false, false, true},
		{"tests over REST, NULLs left", false, true, true},
		{"series over REST", true, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFailuresFake(t, rows, c.series, c.raw, 3, 700)
			cfg := failuresConfig(t, f, false)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			cfg.Allocator, cfg.NoStorageAPI = mem, c.rest
			out := filepath.Join(t.TempDir(), "tests.arrow")
			res, err := bigquery.Ingest(context.Background(), cfg, out)
			if err != nil {
				t.Fatal(err)
			}
			mem.AssertSize(t, 0)
			if res.Rows != int64(len(rows)) || res.ResultRows != f.Total() || res.Accelerated == c.rest {
				t.Errorf("result %+v, want %d rows, %d result rows", res, len(rows), f.Total())
			}
			got := readFailuresOutput(t, out)
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("row %d: %+v, want %+v", i, got[i], want[i])
				}
			}
			if req := f.QueryRequests()[0].Query; !strings.Contains(req, "IFNULL(m.http_status, -1)") || strings.Contains(req, "http_status = 200") {
				t.Errorf("the query sent is not the failures variant:\n%s", req)
			}
		})
	}
}

// TestFailuresOrdered: the variant with ORDER BY is read from one stream,
// sorted by probe, as the authors' query is.
func TestFailuresOrdered(t *testing.T) {
	rows, want, _ := failuresFixture(t, 3000)
	for _, series := range []bool{false, true} {
		f := newFailuresFake(t, rows, series, false, 4, 500)
		out := filepath.Join(t.TempDir(), "tests.arrow")
		res, err := bigquery.Ingest(context.Background(), failuresConfig(t, f, true), out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Streams != 1 {
			t.Errorf("series %v: %d streams read", series, res.Streams)
		}
		if got := readFailuresOutput(t, out); !slices.Equal(got, want) {
			t.Errorf("series %v: output differs from the fixture", series)
		}
	}
}

// TestFailuresRowCount: the row count check holds for the variant.
func TestFailuresRowCount(t *testing.T) {
	rows, _, _ := failuresFixture(t, 2000)
	f := newFailuresFake(t, rows, false, false, 3, 500)
	f.ExtraTableRows = 1
	dir := t.TempDir()
	_, err := bigquery.Ingest(context.Background(), failuresConfig(t, f, false), filepath.Join(dir, "tests.arrow"))
	if !errors.Is(err, bigquery.ErrIncomplete) || !strings.Contains(err.Error(), "read 2000 of 2001") {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
	noFile(t, dir)
}

// TestFailuresMismatch: a failures result read without Config.Failures is
// an error (its failed tests' durations would pass for those of tests that
// worked), and the authors' result read with it lacks columns.
func TestFailuresMismatch(t *testing.T) {
	rows, _, _ := failuresFixture(t, 500)
	for _, rest := range []bool{false, true} {
		f := newFailuresFake(t, rows, false, false, 2, 100)
		cfg := failuresConfig(t, f, false)
		cfg.Failures, cfg.NoStorageAPI = false, rest
		dir := t.TempDir()
		if _, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow")); err == nil || !strings.Contains(err.Error(), "Config.Failures") {
			t.Errorf("REST %v: failures result without Failures: err = %v", rest, err)
		}
		noFile(t, dir)

		plain := newFake(t, loadFixture(t, 500).rows, false, 2, 100)
		cfg = config(t, plain)
		cfg.Failures, cfg.NoStorageAPI = true, rest
		if _, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow")); err == nil || !strings.Contains(err.Error(), `no column "v4_status"`) {
			t.Errorf("REST %v: authors' result with Failures: err = %v", rest, err)
		}
		noFile(t, dir)
	}
}

// TestFailuresColumns: the fake serves the columns the failures queries
// select, so that the tests above read what BigQuery would give.
func TestFailuresColumns(t *testing.T) {
	for _, series := range []bool{false, true} {
		kind := queries.Tests
		if series {
			kind = queries.Series
		}
		q, err := queries.Build(queries.Config{Kind: kind, Start: winStart, End: winEnd, Failures: true})
		if err != nil {
			t.Fatal(err)
		}
		// The final SELECT's items, in order.
		sel := q.SQL[strings.LastIndex(q.SQL, "\nSELECT\n")+len("\nSELECT\n"):]
		sel = sel[:strings.Index(sel, "\nFROM ")]
		var names []string
		for _, item := range strings.Split(sel, ",\n") {
			item = strings.TrimSpace(item)
			if _, alias, ok := strings.Cut(item, " AS "); ok {
				item = alias
			}
			item = strings.TrimPrefix(item, "v4.")
			names = append(names, item)
		}
		var fake []string
		for _, c := range failCols(series, false) {
			fake = append(fake, c.name)
		}
		if !slices.Equal(names, fake) {
			t.Errorf("%s selects %v, the fake serves %v", kind.FailuresFile(), names, fake)
		}
	}
}

// TestFailuresParams: the variant's parameters are those of the authors'
// query.
func TestFailuresParams(t *testing.T) {
	rows, _, _ := failuresFixture(t, 100)
	f := newFailuresFake(t, rows, true, false, 1, 100)
	if _, err := bigquery.Ingest(context.Background(), failuresConfig(t, f, false), filepath.Join(t.TempDir(), "x.arrow")); err != nil {
		t.Fatal(err)
	}
	params := map[string]string{}
	for _, p := range f.QueryRequests()[0].QueryParameters {
		params[p.Name] = p.ParameterType.Type + " " + p.ParameterValue.Value
	}
	if !strings.HasPrefix(params["start"], "TIMESTAMP "+winStart.Format(time.DateTime)) || params["pair_minutes"] != "INT64 2" || len(params) != 3 {
		t.Errorf("parameters %v", params)
	}
}

// BenchmarkIngestFailures is BenchmarkIngest for the failures queries, on
// the golden CSV's rows with failuresFixture's failures.
func BenchmarkIngestFailures(b *testing.B) {
	rows, _, _ := failuresFixture(b, 1<<30)
	for _, series := range []bool{false, true} {
		name := "tests"
		if series {
			name = "series"
		}
		b.Run(name, func(b *testing.B) {
			f := newFailuresFake(b, rows, series, false, 4, 4096)
			cfg := failuresConfig(b, f, false)
			out := filepath.Join(b.TempDir(), "tests.arrow")
			var wire int64
			for b.Loop() {
				cfg.Progress = &bigquery.Progress{}
				if _, err := bigquery.Ingest(context.Background(), cfg, out); err != nil {
					b.Fatal(err)
				}
				wire = cfg.Progress.Bytes.Load()
			}
			b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(wire)/float64(len(rows)), "wireB/row")
		})
	}
}
