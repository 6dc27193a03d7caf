package atlas_test

import (
	"bytes"
	"cmp"
	"compress/bzip2"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/pipeline"
)

// noise is noise.json: how many of the golden results are of each kind.
type noise struct {
	Results     int64 `json:"results"`
	PairedRows  int64 `json:"paired_rows"`
	Non200      int64 `json:"non_200"`
	Error       int64 `json:"error"`
	NotAnchor   int64 `json:"not_anchor"`
	UnpairedV6  int64 `json:"unpaired_v6_outside_window"`
	UnpairedV4  int64 `json:"unpaired_v4_no_partner"`
	NonHTTPType int64 `json:"non_http_type"`
}

func loadAnchors(t testing.TB) *atlas.Anchors {
	t.Helper()
	a, err := atlas.LoadAnchors(goldenAnchors)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// goldenRows reads the authors' export with start_time truncated to whole
// seconds, the resolution of raw results.
func goldenRows(t testing.TB) []row {
	t.Helper()
	src, err := ingest.Open(goldenCSV, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Release()
	rows, err := readAll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		rows[i].Time -= rows[i].Time % 1e6 // all times are after 1970
	}
	return rows
}

// TestGolden pairs the raw results of the golden set and checks every row,
// the row order and every skip count, then runs the tables on the rows.
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 427,655 results")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// The file is decompressed once, here, for the three passes below
	// (TestFormats covers reading bzip2).
	data := goldenText(t)
	plain := atlas.Input{Name: "results.jsonl", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	r, err := atlas.NewReader(context.Background(), []atlas.Input{plain}, atlas.Options{Anchors: loadAnchors(t), Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Counts()
	r.Release()

	want := goldenRows(t)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	// Order: the export's order is (prb_id, start_time) with sub-second
	// times; raw results have whole seconds, so rows of different anchors
	// in the same second can only be ordered by anchor here. Sorting the
	// export stably by (prb_id, second, anchor) must give exactly our rows.
	ties := 0
	for i := 1; i < len(want); i++ {
		if want[i].Probe == want[i-1].Probe && want[i].Time == want[i-1].Time && want[i].Anchor < want[i-1].Anchor {
			ties++
		}
	}
	slices.SortStableFunc(want, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.Probe, b.Probe), cmp.Compare(a.Time, b.Time), cmp.Compare(a.Anchor, b.Anchor))
	})
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			if bad++; bad <= 10 {
				t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d rows differ", bad)
	}
	t.Logf("%d rows equal; %d same-second rows of different anchors are ordered by anchor rather than by sub-second time", len(got), ties)

	var n noise
	noiseJSON, err := os.ReadFile(goldenNoise)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(noiseJSON, &n); err != nil {
		t.Fatal(err)
	}
	wantSkipped := map[string]int64{
		atlas.ReasonNon200:     n.Non200,
		atlas.ReasonError:      n.Error,
		atlas.ReasonNotAnchor:  n.NotAnchor,
		atlas.ReasonUnpairedV4: n.UnpairedV4,
		// noise.json counts the IPv6 tests left without a partner by
		// design; the 2,071 non-200 tests are all IPv4 tests whose IPv6
		// partner is then unpaired too.
		atlas.ReasonUnpairedV6: n.UnpairedV6 + n.Non200,
		atlas.ReasonNonHTTP:    n.NonHTTPType,
	}
	if st.Results != n.Results || st.Rows != n.PairedRows || !maps.Equal(st.Skipped, wantSkipped) {
		t.Errorf("counts %+v, want results %d, rows %d, skipped %v", st, n.Results, n.PairedRows, wantSkipped)
	}
	if st.Kept+st.SkippedTotal() != st.Results {
		t.Errorf("kept %d + skipped %d != results %d", st.Kept, st.SkippedTotal(), st.Results)
	}

	// The same results sorted by probe, read in memory as a stream: the
	// same rows.
	sorted := sortedByProbe(data)
	in := atlas.Input{Name: "sorted", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(sorted)), nil }}
	r, err = atlas.NewReader(context.Background(), []atlas.Input{in}, atlas.Options{Anchors: loadAnchors(t), SortedByProbe: true})
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := readAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if st2 := r.Counts(); !maps.Equal(st2.Skipped, st.Skipped) || st2.Kept != st.Kept {
		t.Errorf("sorted by probe: counts %+v, want %+v", st2, st)
	}
	r.Release()
	if !slices.Equal(streamed, got) {
		t.Errorf("sorted by probe: rows differ")
	}

	// The whole pipeline: pairs → Table 1 through an Arrow file.
	path := filepath.Join(t.TempDir(), "tests.arrow")
	r, err = atlas.NewReader(context.Background(), []atlas.Input{in}, atlas.Options{Anchors: loadAnchors(t)})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ingest.WriteIPC(context.Background(), path, r)
	r.Release()
	if err != nil || rows != n.PairedRows {
		t.Fatalf("WriteIPC: %d rows, %v", rows, err)
	}
	src := pipeline.FileInput([]string{path}, "", ingest.Options{})
	res, err := pipeline.Run(context.Background(), src, pipeline.Artefacts(), pipeline.Stages{Tables: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tb := res.Table1; tb.V4 != 193 || tb.None != 236 || tb.V6 != 215 || tb.Total() != 644 {
		t.Errorf("Table 1 %+v, want 193 / 236 / 215 of 644", tb)
	}
}

// goldenText returns the golden results decompressed.
func goldenText(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open(goldenResults)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(bzip2.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sortedByProbe returns a copy of data with its lines sorted stably by
// prb_id.
func sortedByProbe(data []byte) []byte {
	ls := bytes.SplitAfter(data, []byte("\n"))
	probe := func(l []byte) int64 {
		i := bytes.Index(l, []byte(`"prb_id":`))
		if i < 0 {
			return -1
		}
		l = l[i+len(`"prb_id":`):]
		var n int64
		for len(l) > 0 && l[0] >= '0' && l[0] <= '9' {
			n = n*10 + int64(l[0]-'0')
			l = l[1:]
		}
		return n
	}
	slices.SortStableFunc(ls, func(a, b []byte) int { return cmp.Compare(probe(a), probe(b)) })
	return bytes.Join(ls, nil)
}
