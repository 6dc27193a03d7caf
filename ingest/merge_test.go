package ingest_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/synth"
)

// goldenRows reads the golden export's rows.
func goldenRowsOf(t testing.TB) []row {
	t.Helper()
	r, err := ingest.Open(goldenCSV, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	rows, _, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// writeRows writes rows to an Arrow IPC file at path in batches of batch
// rows.
func writeRows(t testing.TB, path string, rows []row, batch int) {
	t.Helper()
	var recs []arrow.Record
	for i := 0; i < len(rows); i += batch {
		b := array.NewRecordBuilder(memory.DefaultAllocator, ingest.Schema)
		for _, r := range rows[i:min(i+batch, len(rows))] {
			b.Field(ingest.IdxProbe).(*array.Int64Builder).Append(r.Probe)
			b.Field(ingest.IdxAnchor).(*array.Int64Builder).Append(r.Anchor)
			b.Field(ingest.IdxStartTime).(*array.TimestampBuilder).Append(arrow.Timestamp(r.Time))
			b.Field(ingest.IdxV4).(*array.Float64Builder).Append(r.V4)
			b.Field(ingest.IdxV6).(*array.Float64Builder).Append(r.V6)
		}
		recs = append(recs, b.NewRecord())
		b.Release()
	}
	src, err := array.NewRecordReader(ingest.Schema, recs)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	for _, r := range recs {
		r.Release()
	}
	if _, err := ingest.WriteIPC(context.Background(), path, src); err != nil {
		t.Fatal(err)
	}
}

// splits are ways of cutting the golden rows, sorted by probe, into files
// each sorted by probe: part returns the file of a row.
var splits = []struct {
	name  string
	files int
	part  func(r row, lo, hi int64) int
}{
	// By time: weeks of a longer campaign, every probe in every file.
	{"by time", 3, func(r row, lo, hi int64) int { return int(3 * (r.Time - lo) / (hi - lo + 1)) }},
	// By probe, in interleaved ranges: whole batches pass through.
	{"by probe", 4, func(r row, _, _ int64) int { return int(r.Probe/1000) % 4 }},
	// Odd and even probes: every probe from one file, alternating.
	{"by parity", 2, func(r row, _, _ int64) int { return int(r.Probe % 2) }},
}

// splitGolden writes the golden rows cut by split into files in dir, in
// batches of batch rows, and returns their paths and rows.
func splitGolden(t testing.TB, dir string, rows []row, files int, part func(r row, lo, hi int64) int, batch int) ([]string, [][]row) {
	t.Helper()
	lo, hi := rows[0].Time, rows[0].Time
	for _, r := range rows {
		lo, hi = min(lo, r.Time), max(hi, r.Time)
	}
	parts := make([][]row, files)
	for _, r := range rows {
		i := part(r, lo, hi)
		parts[i] = append(parts[i], r)
	}
	paths := make([]string, files)
	for i, p := range parts {
		paths[i] = filepath.Join(dir, fmt.Sprintf("part-%d.arrow", i))
		writeRows(t, paths[i], p, batch)
	}
	return paths, parts
}

func sources(paths []string) []ingest.Source {
	srcs := make([]ingest.Source, len(paths))
	for i, p := range paths {
		srcs[i] = ingest.Source{Path: p}
	}
	return srcs
}

// TestMergeSplits: the merge of files cut from the golden rows gives every
// row once, sorted by probe, a probe's rows in file order and each file's
// in its order (the files' concatenation, stably sorted by probe); and it
// holds at most one batch per file.
func TestMergeSplits(t *testing.T) {
	rows := goldenRowsOf(t)
	const batch = 1000
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			paths, parts := splitGolden(t, t.TempDir(), rows, sp.files, sp.part, batch)
			want := slices.Concat(parts...)
			slices.SortStableFunc(want, func(a, b row) int { return cmp.Compare(a.Probe, b.Probe) })

			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			m, err := ingest.OpenMerge(sources(paths), ingest.Options{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			h := &heldRows{Merge: m}
			got, _, err := readAll(t, h)
			if err != nil {
				t.Fatal(err)
			}
			checkRows(t, got, want)
			st := m.Stats()
			checkStats(t, st)
			if st.RowsKept != int64(len(rows)) {
				t.Errorf("stats: %d rows kept, want %d", st.RowsKept, len(rows))
			}
			if h.max > int64(sp.files*batch) {
				t.Errorf("held %d rows at once, more than one batch of %d per file", h.max, batch)
			}
			m.Release()
		})
	}
}

// heldRows records the most rows a Merge holds at once.
type heldRows struct {
	*ingest.Merge
	max int64
}

func (h *heldRows) Next() bool {
	ok := h.Merge.Next()
	h.max = max(h.max, h.HeldRows())
	return ok
}

// TestMergeStreams: pairs.Each streams a merge of files that are each
// sorted (it never falls back to grouping in memory), and groups it as it
// groups the single file.
func TestMergeStreams(t *testing.T) {
	rows := goldenRowsOf(t)
	sp := splits[0]
	paths, _ := splitGolden(t, t.TempDir(), rows, sp.files, sp.part, 4096)
	count := func(open pairs.Opener) (pairs.Stats, bool) {
		restarted := false
		cfg := pairs.EachConfig{Workers: 1, Restart: func() { restarted = true }}
		st, _, err := pairs.Each(context.Background(), open, cfg, func() func(pairs.Probe) error {
			return func(pairs.Probe) error { return nil }
		})
		if err != nil {
			t.Fatal(err)
		}
		return st, restarted
	}
	want, _ := count(func() (ingest.Reader, error) { return ingest.Open(goldenCSV, ingest.Options{}) })
	got, restarted := count(func() (ingest.Reader, error) { return ingest.OpenMerge(sources(paths), ingest.Options{}) })
	if restarted {
		t.Error("the merge of sorted files was read a second time, to group it in memory")
	}
	if got != want {
		t.Errorf("merge grouped as %+v, the single file as %+v", got, want)
	}
	// Read one after another, the same files are not sorted.
	_, restarted = count(func() (ingest.Reader, error) { return ingest.OpenSources(sources(paths), ingest.Options{}) })
	if !restarted {
		t.Error("the files' concatenation was streamed")
	}
}

// TestMergeUnsorted: a file not sorted by prb_id is named, with where it
// goes down and what to do.
func TestMergeUnsorted(t *testing.T) {
	dir := t.TempDir()
	r := func(p int64) row { return row{Probe: p, Anchor: 1, Time: p, V4: 1, V6: 1} }
	sorted := filepath.Join(dir, "sorted.arrow")
	writeRows(t, sorted, []row{r(1), r(2), r(5), r(9)}, 2)
	for _, tt := range []struct {
		name      string
		rows      []row
		batch     int
		opening   bool // the error comes from OpenMerge (first batch)
		probe, at int64
		row       int64
	}{
		{"first batch", []row{r(1), r(3), r(2), r(4)}, 10, true, 2, 3, 3},
		{"later batch", []row{r(1), r(3), r(4), r(2)}, 2, false, 2, 4, 4},
		{"across batches", []row{r(3), r(4), r(4), r(1)}, 3, false, 1, 4, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".arrow")
			writeRows(t, bad, tt.rows, tt.batch)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			m, err := ingest.OpenMerge(sources([]string{sorted, bad}), ingest.Options{Allocator: mem})
			if (err != nil) != tt.opening {
				t.Fatalf("OpenMerge: %v, want an error: %v", err, tt.opening)
			}
			if err == nil {
				for m.Next() {
				}
				err = m.Err()
				m.Release()
			}
			var ue *ingest.UnsortedError
			if !errors.As(err, &ue) || !errors.Is(err, ingest.ErrUnsorted) || !errors.Is(err, pairs.ErrUnsorted) {
				t.Fatalf("error %v, want an UnsortedError", err)
			}
			want := ingest.UnsortedError{File: bad, Probe: tt.probe, After: tt.at, Row: tt.row}
			if *ue != want {
				t.Errorf("error %+v, want %+v", *ue, want)
			}
			msg := fmt.Sprintf("file %s is not sorted by prb_id (probe %d after %d at row %d): ", bad, tt.probe, tt.at, tt.row)
			if !strings.HasPrefix(err.Error(), msg) || !strings.Contains(err.Error(), "--ordered") {
				t.Errorf("message %q", err)
			}
		})
	}
}

// TestMergeOneFile: a merge of one file is that file.
func TestMergeOneFile(t *testing.T) {
	m, err := ingest.OpenMerge([]ingest.Source{{Path: goldenCSV}}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	got, _, err := readAll(t, m)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, got, goldenRowsOf(t))
}

// TestMergeOutcomes: files with and without outcome columns merge as
// Concat reads them: with Options.KeepFailures every batch has outcome
// columns (ok for the file without), else rows with a failed test are left
// out and counted.
func TestMergeOutcomes(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Pairs, cfg.Days, cfg.Workers, cfg.BatchRows = 300, 2, 1, 1000
	var paths []string
	for i, failures := range []bool{true, false} {
		cfg.Failures = failures
		cfg.Start = cfg.Start.AddDate(0, 0, 7*i)
		src, err := synth.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("week-%d.arrow", i))
		if _, err := ingest.WriteIPC(context.Background(), path, src); err != nil {
			t.Fatal(err)
		}
		src.Release()
		paths = append(paths, path)
	}
	// rows returns r's rows as text, with their probes, checking that
	// every batch has outcome columns if outcomes.
	rows := func(r ingest.Reader, outcomes bool) (probes []int64, text []string) {
		defer r.Release()
		for r.Next() {
			rec := r.Record()
			if ingest.HasOutcomes(rec.Schema()) != outcomes {
				t.Fatalf("batch with outcome columns: %v, want %v", !outcomes, outcomes)
			}
			for i := range int(rec.NumRows()) {
				var b strings.Builder
				for _, c := range rec.Columns() {
					b.WriteString(c.ValueStr(i) + " ")
				}
				probes = append(probes, rec.Column(ingest.IdxProbe).(*array.Int64).Value(i))
				text = append(text, b.String())
			}
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return probes, text
	}
	for _, keep := range []bool{true, false} {
		t.Run(fmt.Sprintf("KeepFailures=%v", keep), func(t *testing.T) {
			opts := ingest.Options{KeepFailures: keep}
			c, err := ingest.OpenSources(sources(paths), opts)
			if err != nil {
				t.Fatal(err)
			}
			cp, ct := rows(c, keep)
			idx := make([]int, len(cp))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(cp[a], cp[b]) })
			want := make([]string, len(idx))
			for k, i := range idx {
				want[k] = ct[i]
			}
			m, err := ingest.OpenMerge(sources(paths), opts)
			if err != nil {
				t.Fatal(err)
			}
			_, got := rows(m, keep)
			if !slices.Equal(got, want) {
				t.Errorf("merge gives %d rows, not the concatenation's %d sorted by probe", len(got), len(want))
			}
			if !reflect.DeepEqual(m.Stats(), c.Stats()) {
				t.Errorf("merge stats %+v, concatenation's %+v", m.Stats(), c.Stats())
			}
			if !keep && m.Stats().DroppedTotal() == 0 {
				t.Error("no row with a failed test left out")
			}
		})
	}
}
