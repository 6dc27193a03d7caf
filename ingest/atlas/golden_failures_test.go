package atlas_test

import (
	"bytes"
	"compress/bzip2"
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/outcome"
)

// Golden inputs with failures, copied from shared/golden/public-failures.
const (
	failuresResults = "../../testdata/failures/results.jsonl.bz2"
	failuresAnchors = "../../testdata/failures/anchors.json"
	failuresTruth   = "../../testdata/failures/truth.csv"
	failuresKinds   = "../../testdata/failures/kinds.json"
)

// pairKey is a (probe, anchor) pair.
type pairKey struct{ probe, anchor int64 }

// truthRow is one line of truth.csv.
type truthRow struct {
	v4Tests, v4Failed, v6Tests, v6Failed, pairedOK int64
}

func loadTruth(t testing.TB) map[pairKey]truthRow {
	t.Helper()
	f, err := os.Open(failuresTruth)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := "prb_id,anchor_id,v4_tests,v4_failed,v6_tests,v6_failed,paired_ok"; strings.Join(recs[0], ",") != want {
		t.Fatalf("%s header %v, want %s", failuresTruth, recs[0], want)
	}
	truth := make(map[pairKey]truthRow)
	for i, rec := range recs[1:] {
		var v [7]int64
		for j, s := range rec {
			if v[j], err = strconv.ParseInt(s, 10, 64); err != nil {
				t.Fatalf("%s line %d field %s: %v", failuresTruth, i+2, recs[0][j], err)
			}
		}
		truth[pairKey{v[0], v[1]}] = truthRow{v[2], v[3], v[4], v[5], v[6]}
	}
	return truth
}

// kindCodes maps the failure kinds of kinds.json to their outcomes.
var kindCodes = map[string]outcome.Code{
	"503":                             outcome.HTTPError,
	"connect: Connection refused":     outcome.ConnectFailed,
	"connect: Network is unreachable": outcome.ConnectFailed,
	"connect: No route to host":       outcome.ConnectFailed,
	"connect: timeout":                outcome.ConnectTimeout,
	"timeout reading status":          outcome.ReadTimeout,
}

// loadKinds returns kinds.json's failure counts by ingest.FailureReason.
func loadKinds(t testing.TB) map[string]int64 {
	t.Helper()
	data, err := os.ReadFile(failuresKinds)
	if err != nil {
		t.Fatal(err)
	}
	var kinds map[string]int64
	if err := json.Unmarshal(data, &kinds); err != nil {
		t.Fatal(err)
	}
	want := make(map[string]int64)
	for k, n := range kinds {
		fam, kind, _ := strings.Cut(k, " ")
		code, ok := kindCodes[kind]
		if !ok || (fam != "v4" && fam != "v6") {
			t.Fatalf("%s: unknown kind %q", failuresKinds, k)
		}
		// The kinds classify as mapped here.
		status, msg := -1, kind
		if kind == "503" {
			status, msg = 503, ""
		}
		if got := outcome.Classify(status, msg, false); got != code {
			t.Errorf("Classify(%d, %q) = %v, want %v", status, msg, got, code)
		}
		family := 4
		if fam == "v6" {
			family = 6
		}
		want[ingest.FailureReason(family, code)] += n
	}
	return want
}

// TestGoldenFailures pairs the raw results with failures inside pairs:
// with KeepFailures, the tests and failed tests per pair and family are
// truth.csv's and the failures by kind kinds.json's; without it, the rows
// are the paired_ok rows of every pair, and they are exactly the rows of
// the first pass whose two tests worked.
func TestGoldenFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 414,198 results")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f, err := os.Open(failuresResults)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(bzip2.NewReader(f))
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := atlas.LoadAnchors(failuresAnchors)
	if err != nil {
		t.Fatal(err)
	}
	in := []atlas.Input{{Name: "results.jsonl", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}
	truth := loadTruth(t)

	r, err := atlas.NewReader(t.Context(), in, atlas.Options{Anchors: anchors, Allocator: mem, KeepFailures: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAllFailures(t, r)
	st := r.Counts()
	r.Release()
	if err != nil {
		t.Fatal(err)
	}
	// Each test is in exactly one row here: every kept test is in a row,
	// nothing is left unpaired, and there are two tests per row. So
	// counting the rows' tests counts the tests.
	if st.Results != 414198 || st.Kept != st.Results || len(st.Skipped) != 0 || st.Kept != 2*st.Rows {
		t.Fatalf("counts %+v: the pairing is not one test to one row", st)
	}
	counts := make(map[pairKey]truthRow)
	failed := make(map[string]int64)
	for _, g := range got {
		c := counts[pairKey{g.Probe, g.Anchor}]
		c.v4Tests++
		c.v6Tests++
		if g.O4.Failed() {
			c.v4Failed++
			failed[ingest.FailureReason(4, g.O4)]++
		}
		if g.O6.Failed() {
			c.v6Failed++
			failed[ingest.FailureReason(6, g.O6)]++
		}
		if g.ok() {
			c.pairedOK++
		}
		counts[pairKey{g.Probe, g.Anchor}] = c
	}
	if len(counts) != len(truth) {
		t.Errorf("%d pairs, truth.csv has %d", len(counts), len(truth))
	}
	bad := 0
	var sum truthRow
	for k, want := range truth {
		if counts[k] != want {
			if bad++; bad <= 10 {
				t.Errorf("probe %d anchor %d: tests, failed, paired ok %+v, want %+v", k.probe, k.anchor, counts[k], want)
			}
		}
		sum.v4Tests += want.v4Tests
		sum.v4Failed += want.v4Failed
		sum.v6Tests += want.v6Tests
		sum.v6Failed += want.v6Failed
		sum.pairedOK += want.pairedOK
	}
	if bad > 0 {
		t.Errorf("%d of %d pairs differ", bad, len(truth))
	}
	t.Logf("%d pairs equal truth.csv: v4 %d tests, %d failed; v6 %d tests, %d failed; %d rows with both working",
		len(truth)-bad, sum.v4Tests, sum.v4Failed, sum.v6Tests, sum.v6Failed, sum.pairedOK)
	kinds := loadKinds(t)
	if !maps.Equal(failed, kinds) || !maps.Equal(st.Failed, kinds) {
		t.Errorf("failures by outcome: rows %v, Counts().Failed %v, want kinds.json's %v", failed, st.Failed, kinds)
	}

	// Without KeepFailures: the rows the query keeps.
	r, err = atlas.NewReader(t.Context(), in, atlas.Options{Anchors: anchors, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	def, err := readAll(t, r)
	dst := r.Counts()
	r.Release()
	if err != nil {
		t.Fatal(err)
	}
	if len(def) != 203643 || sum.pairedOK != 203643 {
		t.Errorf("%d rows, truth.csv's paired_ok sum to %d; want 203,643", len(def), sum.pairedOK)
	}
	perPair := make(map[pairKey]int64)
	for _, d := range def {
		perPair[pairKey{d.Probe, d.Anchor}]++
	}
	for k, want := range truth {
		if perPair[k] != want.pairedOK {
			t.Errorf("probe %d anchor %d: %d rows, want paired_ok %d", k.probe, k.anchor, perPair[k], want.pairedOK)
		}
	}
	if !slices.Equal(okRows(got), def) {
		t.Errorf("the working rows with KeepFailures differ from the rows without it")
	}
	// The failed tests are skipped as non_200 (the 503s) or error (an
	// err), and their partners left unpaired.
	var v4f, v6f int64
	for k, n := range kinds {
		if strings.HasPrefix(k, ingest.ColV4Outcome) {
			v4f += n
		} else {
			v6f += n
		}
	}
	if n := dst.Skipped[atlas.ReasonNon200] + dst.Skipped[atlas.ReasonError]; n != v4f+v6f || dst.Kept+dst.SkippedTotal() != dst.Results {
		t.Errorf("without KeepFailures: counts %+v, want %d failed tests skipped", dst, v4f+v6f)
	}
}
