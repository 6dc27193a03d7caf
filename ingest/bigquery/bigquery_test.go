package bigquery_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/queries"
)

// fixtureRows keeps the tests fast; the golden CSV has 207,099 rows.
const fixtureRows = 20000

func checksum(rows []testRow) [32]byte {
	h := sha256.New()
	var b [40]byte
	for _, r := range rows {
		binary.LittleEndian.PutUint64(b[0:], uint64(r.Probe))
		binary.LittleEndian.PutUint64(b[8:], uint64(r.Anchor))
		binary.LittleEndian.PutUint64(b[16:], uint64(r.Time))
		binary.LittleEndian.PutUint64(b[24:], math.Float64bits(r.V4))
		binary.LittleEndian.PutUint64(b[32:], math.Float64bits(r.V6))
		h.Write(b[:])
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

var (
	winStart = time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	winEnd   = time.Date(2023, 6, 8, 0, 0, 0, 0, time.UTC)
)

func config(t testing.TB, f *fake) bigquery.Config {
	t.Helper()
	kind := queries.Tests
	if f.Series() {
		kind = queries.Series
	}
	q, err := queries.Build(queries.Config{Kind: kind, Start: winStart, End: winEnd})
	if err != nil {
		t.Fatal(err)
	}
	rest, storage := f.Options()
	return bigquery.Config{
		Project: fakeProject, Location: "EU", Query: q, Series: f.Series(),
		MaxBytesBilled: -1, Timeout: 30 * time.Second,
		ClientOptions: rest, StorageOptions: storage,
	}
}

// noFile fails unless nothing, not even a temporary file, is in dir.
func noFile(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind: %s", e.Name())
	}
}

func TestIngest(t *testing.T) {
	fx := loadFixture(t, fixtureRows)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)
	for _, tc := range []struct {
		name   string
		series bool
	}{{"tests", false}, {"series", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, fx.rows, tc.series, 4, 1000)
			cfg := config(t, f)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			cfg.Allocator = mem
			cfg.Progress = &bigquery.Progress{}
			out := filepath.Join(t.TempDir(), "tests.arrow")
			start := time.Now()
			res, err := bigquery.Ingest(context.Background(), cfg, out)
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%s: %d rows (%d result rows) over %d streams in %s: %.0f rows/s through the fake",
				tc.name, res.Rows, res.ResultRows, res.Streams, el.Round(time.Millisecond), float64(res.Rows)/el.Seconds())
			mem.AssertSize(t, 0)
			if !res.Accelerated || res.Streams != 4 || res.Rows != int64(len(want)) || res.ResultRows != f.Total() || res.JobID != fakeJob || res.BytesProcessed != f.BytesProcessed {
				t.Errorf("result = %+v", res)
			}
			got := readOutput(t, out)
			if len(got) != len(want) || checksum(got) != checksum(want) {
				t.Fatalf("got %d rows, checksum %x; want %d, %x", len(got), checksum(got), len(want), checksum(want))
			}
			if tc.series {
				checkSeriesOrder(t, out)
			}
			// Parameters went as parameters, not in the text.
			if len(f.QueryRequests()) != 1 {
				t.Fatalf("%d jobs.query calls", len(f.QueryRequests()))
			}
			req := f.QueryRequests()[0]
			if strings.Contains(req.Query, "2023") || !strings.Contains(req.Query, "@start") {
				t.Errorf("query text carries values:\n%s", req.Query)
			}
			params := map[string]string{}
			for _, p := range req.QueryParameters {
				params[p.Name] = p.ParameterType.Type + " " + p.ParameterValue.Value
			}
			wantParams := map[string]string{"start": "TIMESTAMP 2023-06-01 00:00:00", "end": "TIMESTAMP 2023-06-08 00:00:00", "pair_minutes": "INT64 2"}
			for k, v := range wantParams {
				if !strings.HasPrefix(params[k], v) {
					t.Errorf("parameter %s = %q, want %q...", k, params[k], v)
				}
			}
			if req.Location != "EU" || req.UseLegacySql == nil || *req.UseLegacySql {
				t.Errorf("location %q, legacy SQL %v", req.Location, req.UseLegacySql)
			}
			for _, m := range f.MaxStreams() {
				if m == 1 {
					t.Error("the client asked for one stream: it thinks the query is ordered")
				}
			}
		})
	}
}

// checkSeriesOrder checks that each pair's tests are contiguous and in time
// order in the file, as the expansion of paired_series.sql writes them.
func checkSeriesOrder(t *testing.T, path string) {
	t.Helper()
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	type key struct{ p, a int64 }
	seen := map[key]bool{}
	var last key
	var lastT int64
	first := true
	for r.Next() {
		rec := r.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			k := key{rec.Column(0).(interface{ Value(int) int64 }).Value(i), rec.Column(1).(interface{ Value(int) int64 }).Value(i)}
			tm := int64(rec.Column(2).(interface {
				Value(int) arrow.Timestamp
			}).Value(i))
			if first || k != last {
				if seen[k] {
					t.Fatalf("pair %v not contiguous", k)
				}
				seen[k] = true
			} else if tm < lastT {
				t.Fatalf("pair %v not in time order", k)
			}
			first, last, lastT = false, k, tm
		}
	}
}

// TestOrdered: with ORDER BY the client reads one stream and the file is
// sorted by probe, which tables groups without falling back to memory.
func TestOrdered(t *testing.T) {
	fx := loadFixture(t, 8000)
	for _, series := range []bool{false, true} {
		f := newFake(t, fx.rows, series, 4, 500)
		cfg := config(t, f)
		kind := queries.Tests
		if series {
			kind = queries.Series
		}
		q, err := queries.Build(queries.Config{Kind: kind, Start: winStart, End: winEnd, Ordered: true})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Query = q
		out := filepath.Join(t.TempDir(), "tests.arrow")
		res, err := bigquery.Ingest(context.Background(), cfg, out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Streams != 1 || len(f.MaxStreams()) != 1 || f.MaxStreams()[0] != 1 {
			t.Errorf("series %v: %d streams read, max stream counts asked %v", series, res.Streams, f.MaxStreams())
		}
		checkSortedByProbe(t, out)
		r, err := ingest.Open(out, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = pairs.Stream(context.Background(), r, func(pairs.Probe) error { return nil })
		r.Release()
		if err != nil {
			t.Fatalf("series %v: pairs.Stream: %v", series, err)
		}
	}
}

func checkSortedByProbe(t *testing.T, path string) {
	t.Helper()
	r, err := ingest.Open(path, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	last := int64(-1)
	for r.Next() {
		p := r.Record().Column(ingest.IdxProbe).(interface{ Value(int) int64 })
		for i := 0; i < int(r.Record().NumRows()); i++ {
			if p.Value(i) < last {
				t.Fatalf("probe %d after %d: not sorted", p.Value(i), last)
			}
			last = p.Value(i)
		}
	}
}

func TestDryRun(t *testing.T) {
	f := newFake(t, loadFixture(t, 10).rows, false, 1, 10)
	f.BytesProcessed = 1 << 40
	est, err := bigquery.DryRun(context.Background(), config(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if est.BytesProcessed != 1<<40 || est.CostUSD != bigquery.PricePerTiB {
		t.Errorf("estimate = %+v", est)
	}
	// The window, then its first day (TestDryRunPartitions).
	ins := f.InsertRequests()
	if len(ins) != 2 {
		t.Fatalf("%d jobs.insert requests, want 2", len(ins))
	}
	for i, wantEnd := range []string{"2023-06-08 00:00:00", "2023-06-02 00:00:00"} {
		qc := ins[i].Configuration.Query
		if !ins[i].Configuration.DryRun || len(qc.QueryParameters) != 3 {
			t.Errorf("jobs.insert %d: dry run %v, %d parameters", i, ins[i].Configuration.DryRun, len(qc.QueryParameters))
		}
		for _, p := range qc.QueryParameters {
			if p.Name == "end" && !strings.HasPrefix(p.ParameterValue.Value, wantEnd) {
				t.Errorf("jobs.insert %d: @end = %s, want %s", i, p.ParameterValue.Value, wantEnd)
			}
		}
	}
	if f.ReadRowsCalls() != 0 || len(f.QueryRequests()) != 0 {
		t.Error("a dry run read rows")
	}
}

func TestBytesCap(t *testing.T) {
	f := newFake(t, loadFixture(t, 10).rows, false, 1, 10)
	cfg := config(t, f)
	cfg.MaxBytesBilled = 0 // the default cap, one byte below what the query processes
	f.BytesProcessed = bigquery.DefaultMaxBytesBilled + 1
	dir := t.TempDir()
	_, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow"))
	if !errors.Is(err, bigquery.ErrBytesBilled) || !strings.Contains(err.Error(), "raise the cap") {
		t.Fatalf("err = %v, want ErrBytesBilled", err)
	}
	if got := f.QueryRequests()[0].MaximumBytesBilled; got != bigquery.DefaultMaxBytesBilled {
		t.Errorf("maximumBytesBilled sent = %d", got)
	}
	noFile(t, dir)
}

func TestFaults(t *testing.T) {
	fx := loadFixture(t, 4000)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)

	t.Run("unavailable mid-stream resumes", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.UnavailableOnce = true
		f.QueryFailOnce = true // and a transient REST error
		cfg := config(t, f)
		cfg.Progress = &bigquery.Progress{}
		out := filepath.Join(t.TempDir(), "tests.arrow")
		if _, err := bigquery.Ingest(context.Background(), cfg, out); err != nil {
			t.Fatal(err)
		}
		if got := readOutput(t, out); checksum(got) != checksum(want) {
			t.Fatal("output differs from the fixture")
		}
		if !f.FailedOnce() || cfg.Progress.Retries.Load() != 1 || len(f.QueryRequests()) != 2 {
			t.Errorf("fault injected %v, retries %d, jobs.query calls %d", f.FailedOnce(), cfg.Progress.Retries.Load(), len(f.QueryRequests()))
		}
		// Stream 1 failed after its first batch of 500 rows: read again
		// from there, in the same read session.
		if got := f.Offsets(); !slices.Equal(got, []int64{500}) || len(f.MaxStreams()) != 1 {
			t.Errorf("ReadRows offsets %v, read sessions %d; want [500], 1", got, len(f.MaxStreams()))
		}
	})

	t.Run("permission denied", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.PermissionDenied = true
		dir := t.TempDir()
		_, err := bigquery.Ingest(context.Background(), config(t, f), filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, bigquery.ErrPermission) || !strings.Contains(err.Error(), "no output written") || !strings.Contains(err.Error(), "readSessionUser") {
			t.Fatalf("err = %v", err)
		}
		t.Log(err)
		noFile(t, dir)
	})

	t.Run("read session denied", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.SessionDenied = true
		dir := t.TempDir()
		_, err := bigquery.Ingest(context.Background(), config(t, f), filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, bigquery.ErrNotAccelerated) || !errors.Is(err, bigquery.ErrPermission) || !strings.Contains(err.Error(), "readsessions.create") {
			t.Fatalf("err = %v", err)
		}
		t.Log(err)
		noFile(t, dir)
	})

	t.Run("persistent fault stops at our deadline", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.AlwaysFail = true
		cfg := config(t, f)
		cfg.Timeout, cfg.RetryBudget = time.Second, -1
		dir := t.TempDir()
		start := time.Now()
		_, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, bigquery.ErrDeadline) || !strings.Contains(err.Error(), "read 0 of 4000 result rows") {
			t.Fatalf("err = %v", err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %s", el)
		}
		t.Log(err)
		noFile(t, dir)
	})

	t.Run("persistent fault exhausts the retry budget", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.AlwaysFail = true
		cfg := config(t, f)
		cfg.RetryBudget = 3
		dir := t.TempDir()
		_, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, bigquery.ErrRetryBudget) {
			t.Fatalf("err = %v", err)
		}
		t.Log(err)
		noFile(t, dir)
	})

	t.Run("cancelled", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 2, 100)
		f.BatchDelay = 20 * time.Millisecond
		cfg := config(t, f)
		cfg.Progress = &bigquery.Progress{}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for cfg.Progress.Rows.Load() < 300 {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		dir := t.TempDir()
		_, err := bigquery.Ingest(ctx, cfg, filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "no output written") {
			t.Fatalf("err = %v", err)
		}
		t.Log(err)
		noFile(t, dir)
	})

	t.Run("row count differs from the job's", func(t *testing.T) {
		f := newFake(t, fx.rows, false, 3, 500)
		f.ExtraTableRows = 1
		dir := t.TempDir()
		_, err := bigquery.Ingest(context.Background(), config(t, f), filepath.Join(dir, "tests.arrow"))
		if !errors.Is(err, bigquery.ErrIncomplete) || !strings.Contains(err.Error(), "read 4000 of 4001") {
			t.Fatalf("err = %v", err)
		}
		noFile(t, dir)
	})
}

func TestREST(t *testing.T) {
	fx := loadFixture(t, 12000)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)
	for _, series := range []bool{false, true} {
		f := newFake(t, fx.rows, series, 2, 1000)
		// All rows in jobs.query: the client stays on REST, and the result,
		// whole in its first page, is read from there (TestSmallResult).
		f.NoPageToken = true
		dir := t.TempDir()
		cfg := config(t, f)
		out := filepath.Join(dir, "tests.arrow")
		res, err := bigquery.Ingest(context.Background(), cfg, out)
		if err != nil {
			t.Fatalf("series %v: whole result in the first page: %v", series, err)
		}
		if res.Accelerated || f.ReadRowsCalls() != 0 {
			t.Errorf("series %v: the Storage Read API was used", series)
		}
		if got := readOutput(t, out); checksum(got) != checksum(want) {
			t.Fatalf("series %v: whole result in the first page: output differs from the fixture", series)
		}

		f.NoPageToken = false
		cfg.NoStorageAPI = true
		res, err = bigquery.Ingest(context.Background(), cfg, out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accelerated || f.ReadRowsCalls() != 0 {
			t.Errorf("series %v: the Storage Read API was used", series)
		}
		if got := readOutput(t, out); checksum(got) != checksum(want) {
			t.Fatalf("series %v: output differs from the fixture", series)
		}
	}
}

// TestTables runs tables on the ingested file and on the same rows read from
// CSV.
func TestTables(t *testing.T) {
	fx := loadFixture(t, fixtureRows)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rows.csv")
	if err := os.WriteFile(csvPath, fx.csv, 0o644); err != nil {
		t.Fatal(err)
	}
	results := map[string]*pipeline.Result{}
	for _, series := range []bool{false, true} {
		f := newFake(t, fx.rows, series, 4, 1000)
		out := filepath.Join(dir, "tests.arrow")
		if series {
			out = filepath.Join(dir, "series.arrow")
		}
		if _, err := bigquery.Ingest(context.Background(), config(t, f), out); err != nil {
			t.Fatal(err)
		}
		results[out] = runTables(t, out)
	}
	fromCSV := runTables(t, csvPath)
	if fromCSV.Eligible() == 0 {
		t.Fatal("no eligible pairs in the fixture")
	}
	withSegments := func(r *pipeline.Result) any {
		tp, err := r.TablesWithSegments()
		if err != nil {
			t.Fatal(err)
		}
		return tp
	}
	for name, r := range results {
		if !reflect.DeepEqual(r.Table1, fromCSV.Table1) || !reflect.DeepEqual(r.Table2, fromCSV.Table2) || !reflect.DeepEqual(withSegments(r), withSegments(fromCSV)) {
			t.Errorf("%s: tables differ from the CSV's:\n%+v %+v\n%+v %+v", filepath.Base(name), r.Table1, r.Table2, fromCSV.Table1, fromCSV.Table2)
		}
	}
}

func runTables(t *testing.T, path string) *pipeline.Result {
	t.Helper()
	in := pipeline.FileInput([]string{path}, "", ingest.Options{})
	r, err := pipeline.Run(context.Background(), in, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// BenchmarkIngest reads the whole golden CSV's rows through the fake, both
// schemas, 4 streams of 4096-row batches (paired tests or pairs); -ordered
// with ORDER BY, which the client reads from one stream.
func BenchmarkIngest(b *testing.B) {
	fx := loadFixture(b, 1<<30)
	for _, ordered := range []bool{false, true} {
		for _, series := range []bool{false, true} {
			name := "tests"
			if series {
				name = "series"
			}
			if ordered {
				name += "-ordered"
			}
			b.Run(name, func(b *testing.B) {
				f := newFake(b, fx.rows, series, 4, 4096)
				cfg := config(b, f)
				kind := queries.Tests
				if series {
					kind = queries.Series
				}
				q, err := queries.Build(queries.Config{Kind: kind, Start: winStart, End: winEnd, Ordered: ordered})
				if err != nil {
					b.Fatal(err)
				}
				cfg.Query = q
				out := filepath.Join(b.TempDir(), "tests.arrow")
				b.ResetTimer()
				var wire int64
				for i := 0; i < b.N; i++ {
					cfg.Progress = &bigquery.Progress{}
					if _, err := bigquery.Ingest(context.Background(), cfg, out); err != nil {
						b.Fatal(err)
					}
					wire = cfg.Progress.Bytes.Load()
				}
				b.ReportMetric(float64(len(fx.rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(wire)/float64(len(fx.rows)), "wireB/row")
			})
		}
	}
}
