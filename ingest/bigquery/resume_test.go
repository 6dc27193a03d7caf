package bigquery_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bqv2 "google.golang.org/api/bigquery/v2"

	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/internal/bqfake"
	"github.com/afsel/afsel/queries"
)

// TestJob: the job's id and location are given before the rows are read
// and in the result, and Config.Job reads that job's results again without
// running the query.
func TestJob(t *testing.T) {
	fx := loadFixture(t, 4000)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)
	f := newFake(t, fx.rows, false, 3, 500)
	cfg := config(t, f)
	var started []bigquery.Result
	cfg.Started = func(r bigquery.Result) { started = append(started, r) }
	dir := t.TempDir()
	res, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "first.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	if res.JobID != fakeJob || res.JobLocation != bqfake.Location {
		t.Errorf("result job %q in %q", res.JobID, res.JobLocation)
	}
	if len(started) != 1 || started[0].JobID != fakeJob || started[0].JobLocation != bqfake.Location || started[0].ResultRows != 4000 || started[0].Rows != 0 {
		t.Errorf("Started calls: %+v", started)
	}

	for _, tc := range []struct {
		name string
		job  string
		err  string
	}{
		{"existing job", res.JobID, ""},
		{"unknown job", "job_gone", "Not found: Job proj:job_gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, f)
			cfg.Job, cfg.Query = tc.job, queries.Query{}
			out := filepath.Join(t.TempDir(), "again.arrow")
			queried := len(f.QueryRequests())
			res, err := bigquery.Ingest(context.Background(), cfg, out)
			if len(f.QueryRequests()) != queried || len(f.InsertRequests()) != 0 {
				t.Errorf("the query ran again: %d jobs.query, %d jobs.insert", len(f.QueryRequests())-queried, len(f.InsertRequests()))
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				noFile(t, filepath.Dir(out))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.JobID != tc.job || !res.Accelerated || res.Rows != int64(len(want)) {
				t.Errorf("result %+v", res)
			}
			if got := readOutput(t, out); checksum(got) != checksum(want) {
				t.Fatal("output differs from the fixture")
			}
		})
	}
}

// TestSessionExpired: a read session that expires mid-read is replaced by
// a new one on the job's destination table, read from the start, without
// running the query again; the file has every row once.
func TestSessionExpired(t *testing.T) {
	fx := loadFixture(t, 4000)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)
	for _, tc := range []struct {
		name string
		job  bool // read with Config.Job
	}{{"query", false}, {"job", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, fx.rows, false, 3, 500)
			cfg := config(t, f)
			if tc.job {
				if _, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(t.TempDir(), "first.arrow")); err != nil {
					t.Fatal(err)
				}
				cfg.Job = fakeJob
			}
			sessions, queried := len(f.MaxStreams()), len(f.QueryRequests())
			f.ExpireSessionOnce = true
			cfg.Progress = &bigquery.Progress{}
			started := 0
			cfg.Started = func(bigquery.Result) { started++ }
			out := filepath.Join(t.TempDir(), "tests.arrow")
			res, err := bigquery.Ingest(context.Background(), cfg, out)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Expired() || len(f.MaxStreams())-sessions != 2 || len(f.QueryRequests()) != max(queried, 1) {
				t.Errorf("expired %v, read sessions %d, jobs.query calls %d", f.Expired(), len(f.MaxStreams())-sessions, len(f.QueryRequests()))
			}
			if started != 1 {
				t.Errorf("Started called %d times, want once", started)
			}
			if res.Rows != int64(len(want)) || cfg.Progress.Rows.Load() != int64(len(want)) {
				t.Errorf("result %+v, progress %d rows", res, cfg.Progress.Rows.Load())
			}
			if got := readOutput(t, out); checksum(got) != checksum(want) {
				t.Fatal("output differs from the fixture")
			}
		})
	}
}

// TestDestination: with Config.Destination the query writes to that table
// (jobs.insert, WRITE_EMPTY) and the rows are read from it.
func TestDestination(t *testing.T) {
	fx := loadFixture(t, 2000)
	want := append([]testRow(nil), fx.rows...)
	sortRows(want)
	for _, tc := range []struct {
		name, dst string
		err       error
	}{
		{"table", "proj.results.week_2023_06_01", nil},
		{"not a table", "proj.results", bigquery.ErrBadDestination},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, fx.rows, false, 2, 500)
			cfg := config(t, f)
			cfg.Destination = tc.dst
			out := filepath.Join(t.TempDir(), "tests.arrow")
			_, err := bigquery.Ingest(context.Background(), cfg, out)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			ins := f.InsertRequests()
			if len(f.QueryRequests()) != 0 || len(ins) != 1 {
				t.Fatalf("%d jobs.query, %d jobs.insert", len(f.QueryRequests()), len(ins))
			}
			qc := ins[0].Configuration.Query
			if d := qc.DestinationTable; d == nil || d.ProjectId+"."+d.DatasetId+"."+d.TableId != tc.dst || qc.WriteDisposition != "WRITE_EMPTY" {
				t.Errorf("destination %+v, write disposition %q", d, qc.WriteDisposition)
			}
			if got := readOutput(t, out); checksum(got) != checksum(want) {
				t.Fatal("output differs from the fixture")
			}
		})
	}
}

// TestDryRunPartitions: the dry run compares the window's bytes with its
// first day's, which tells whether BigQuery pruned the partitions.
func TestDryRunPartitions(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noPruning bool
		days      int
		want      *bigquery.PartitionCheck
		bytes     int64
	}{
		{"pruned", false, 7, &bigquery.PartitionCheck{Days: 7, DayBytes: 10 << 30, Recognised: true}, 70 << 30},
		{"whole table", true, 7, &bigquery.PartitionCheck{Days: 7, DayBytes: 500 << 30, Recognised: false}, 500 << 30},
		{"one day", false, 1, nil, 10 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, loadFixture(t, 10).rows, false, 1, 10)
			f.BytesPerDay, f.NoPruning, f.TableDays = 10<<30, tc.noPruning, 50
			cfg := config(t, f)
			q, err := queries.Build(queries.Config{Start: winStart, End: winStart.AddDate(0, 0, tc.days)})
			if err != nil {
				t.Fatal(err)
			}
			cfg.Query = q
			est, err := bigquery.DryRun(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if est.BytesProcessed != tc.bytes || (est.Partitions == nil) != (tc.want == nil) || (tc.want != nil && *est.Partitions != *tc.want) {
				t.Errorf("estimate %+v, partitions %+v; want %d bytes, %+v", est, est.Partitions, tc.bytes, tc.want)
			}
		})
	}
}

// TestDryRunProbesTable: the dry run checks the probes table's columns and
// names those missing; with the anchors as a parameter it reads no table.
func TestDryRunProbesTable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		table   string
		cols    []string
		anchors bool
		err     error
		msg     string
	}{
		{"default", "", nil, false, nil, ""},
		{"archived copy", "me.atlas.probes_20230601", []string{"prb_id", "is_anchor", "addr_v4", "addr_v6", "country_code"}, false, nil, ""},
		{"no addr_v6", "me.atlas.probes_20230601", []string{"prb_id", "is_anchor", "addr_v4"}, false, bigquery.ErrProbesTable, "has no column addr_v6"},
		{"missing table", "me.atlas.nothing", nil, false, nil, "Not found: Table me:atlas.nothing"},
		{"anchors", "me.atlas.nothing", nil, true, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, loadFixture(t, 10).rows, false, 1, 10)
			if tc.cols != nil {
				s := &bqv2.TableSchema{}
				for _, c := range tc.cols {
					s.Fields = append(s.Fields, &bqv2.TableFieldSchema{Name: c, Type: "STRING"})
				}
				f.Tables[tc.table] = s
			}
			cfg := config(t, f)
			qc := queries.Config{Start: winStart, End: winStart.AddDate(0, 0, 1), ProbesTable: tc.table}
			if tc.anchors {
				qc.Anchors = []queries.Anchor{{ID: 6000, AddressV4: "193.0.23.112"}}
			}
			q, err := queries.Build(qc)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Query = q
			_, err = bigquery.DryRun(context.Background(), cfg)
			switch {
			case tc.msg == "" && err != nil:
				t.Fatal(err)
			case tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)):
				t.Fatalf("err = %v, want %q", err, tc.msg)
			case tc.err != nil && !errors.Is(err, tc.err):
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
}

// TestAnchors: the anchors of a probe archive go as the @anchors array
// parameter, typed, with the SQL reading it instead of the probes table;
// the fake's result depends on it as BigQuery's would.
func TestAnchors(t *testing.T) {
	fx := loadFixture(t, 4000)
	ids := map[int64]bool{}
	var anchors []queries.Anchor
	for _, r := range fx.rows {
		if !ids[r.Anchor] && len(ids) < 3 {
			ids[r.Anchor] = true
			anchors = append(anchors, queries.Anchor{ID: r.Anchor, AddressV4: "192.0.2.1", AddressV6: "2001:db8::1"})
		}
	}
	var want []testRow
	for _, r := range fx.rows {
		if ids[r.Anchor] {
			want = append(want, r)
		}
	}
	sortRows(want)
	if len(want) == 0 || len(want) == len(fx.rows) {
		t.Fatalf("%d of %d rows kept: a poor test", len(want), len(fx.rows))
	}
	f := newFake(t, fx.rows, false, 2, 250)
	cfg := config(t, f)
	q, err := queries.Build(queries.Config{Start: winStart, End: winEnd, Anchors: anchors})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Query = q
	out := filepath.Join(t.TempDir(), "tests.arrow")
	if _, err := bigquery.Ingest(context.Background(), cfg, out); err != nil {
		t.Fatal(err)
	}
	if got := readOutput(t, out); checksum(got) != checksum(want) {
		t.Fatalf("got %d rows, want the %d of the archive's anchors", len(got), len(want))
	}
	req := f.QueryRequests()[0]
	if !strings.Contains(req.Query, "UNNEST(@anchors)") || strings.Contains(req.Query, queries.DefaultProbesTable) || strings.Contains(req.Query, "192.0.2.1") {
		t.Errorf("query text:\n%s", req.Query)
	}
	var found bool
	for _, p := range req.QueryParameters {
		if p.Name != "anchors" {
			continue
		}
		found = true
		pt := p.ParameterType
		var fields []string
		if pt.ArrayType != nil {
			for _, st := range pt.ArrayType.StructTypes {
				fields = append(fields, st.Name+" "+st.Type.Type)
			}
		}
		if pt.Type != "ARRAY" || pt.ArrayType == nil || pt.ArrayType.Type != "STRUCT" || !slices.Equal(fields, []string{"id INT64", "address_v4 STRING", "address_v6 STRING"}) {
			t.Errorf("@anchors type %s of %+v, fields %v", pt.Type, pt.ArrayType, fields)
		}
		if n := len(p.ParameterValue.ArrayValues); n != len(anchors) {
			t.Errorf("@anchors has %d values, want %d", n, len(anchors))
		} else if v := p.ParameterValue.ArrayValues[0].StructValues; v["id"].Value == "" || v["address_v6"].Value != "2001:db8::1" {
			t.Errorf("@anchors[0] = %+v", v)
		}
	}
	if !found {
		t.Error("no @anchors parameter")
	}
}
