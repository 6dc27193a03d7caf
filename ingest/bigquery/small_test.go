package bigquery_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/afsel/afsel/ingest/bigquery"
)

// smallRows is a short window's result: the fixture's tests of one probe.
func smallRows(t *testing.T) []testRow {
	t.Helper()
	fx := loadFixture(t, 2000)
	var rows []testRow
	for _, r := range fx.rows {
		if r.Probe == fx.rows[0].Probe {
			rows = append(rows, r)
		}
	}
	if len(rows) < 2 {
		t.Fatalf("fixture: %d rows of probe %d", len(rows), fx.rows[0].Probe)
	}
	return rows
}

// TestSmallResult: a result that comes whole in jobs.query's first page
// (jobComplete, no pageToken) is read over REST, with an info log saying
// why, and the Storage Read API is never called.
func TestSmallResult(t *testing.T) {
	rows := smallRows(t)
	for _, c := range []struct {
		name   string
		rows   []testRow
		series bool
	}{
		{"one probe", rows, false},
		{"one probe series", rows, true},
		{"empty", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.rows, c.series, 2, 100)
			f.NoPageToken = true
			cfg := config(t, f)
			var log bytes.Buffer
			cfg.Log = slog.New(slog.NewTextHandler(&log, nil))
			out := filepath.Join(t.TempDir(), "tests.arrow")
			res, err := bigquery.Ingest(context.Background(), cfg, out)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]testRow(nil), c.rows...)
			sortRows(want)
			if got := readOutput(t, out); !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("read %d rows, want %d: %v", len(got), len(want), got)
			}
			if res.Accelerated || f.ReadRowsCalls() != 0 || len(f.MaxStreams()) != 0 {
				t.Errorf("the Storage Read API was used: accelerated %v, ReadRows %d, CreateReadSession %d", res.Accelerated, f.ReadRowsCalls(), len(f.MaxStreams()))
			}
			if res.Rows != int64(len(want)) || res.ResultRows != f.Total() {
				t.Errorf("result %+v, want %d rows, %d result rows", res, len(want), f.Total())
			}
			l := log.String()
			if !strings.Contains(l, "level=INFO") || !strings.Contains(l, "first page") || !strings.Contains(l, "over REST") {
				t.Errorf("log = %q, want an info line saying the result came whole in the first page", l)
			}
			t.Log(l)
		})
	}
}

// TestNotAcceleratedLarge: a result that does not fit in the first page and
// that the client cannot read with the Storage Read API is still
// ErrNotAccelerated, refused (with the refusal) or not, and nothing is
// written.
func TestNotAcceleratedLarge(t *testing.T) {
	fx := loadFixture(t, 12000)
	for _, c := range []struct {
		name  string
		fault func(*fake)
		want  []error
		msg   string
	}{
		{"read session refused", func(f *fake) { f.SessionDenied = true }, []error{bigquery.ErrNotAccelerated, bigquery.ErrPermission}, "readsessions.create"},
		{"no read session", func(f *fake) { f.NoDestination = true }, []error{bigquery.ErrNotAccelerated}, "would page rows over REST"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, fx.rows, false, 2, 1000)
			c.fault(f)
			cfg := config(t, f)
			var log bytes.Buffer
			cfg.Log = slog.New(slog.NewTextHandler(&log, nil))
			dir := t.TempDir()
			_, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(dir, "tests.arrow"))
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want it to say %q", err, c.msg)
			}
			if strings.Contains(log.String(), "first page") {
				t.Errorf("log = %q: a large result taken for a small one", log.String())
			}
			noFile(t, dir)
		})
	}
}
