package pairs_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// grouper is the signature shared by Stream and InMemory.
type grouper func(context.Context, array.RecordReader, func(pairs.Probe) error) (pairs.Stats, error)

var groupers = []struct {
	name  string
	group grouper
}{
	{"Stream", pairs.Stream},
	{"InMemory", pairs.InMemory},
}

// collect groups src and returns every probe emitted.
func collect(t testing.TB, group grouper, src ingest.Reader) ([]pairs.Probe, pairs.Stats, error) {
	t.Helper()
	var got []pairs.Probe
	st, err := group(context.Background(), src, func(p pairs.Probe) error {
		got = append(got, p)
		return nil
	})
	return got, st, err
}

// checkProbes compares probes exactly, naming the first difference.
func checkProbes(t testing.TB, got, want []pairs.Probe) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d probes, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("probe %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// countingReader counts the batches read, to see when probes are emitted.
type countingReader struct {
	ingest.Reader
	n int
}

func (r *countingReader) Next() bool {
	r.n++
	return r.Reader.Next()
}

func TestGrouping(t *testing.T) {
	// Sorted by probe; within probe 1 the anchors interleave, times are out
	// of order and two pairs have equal times (input order must be kept).
	batches := [][]row{
		{
			{1, 20, 5, 1, 11},
			{1, 10, 3, 2, 12},
			{1, 20, 2, 3, 13},
		},
		{
			{1, 10, 3, 4, 14},
			{1, 20, 5, 5, 15},
			{1, 10, 1, 6, 16},
			{2, 10, 7, 7, 17},
		},
		{},
		{
			{2, 10, 6, 8, 18},
			{5, 30, -1, 9, 19},
		},
	}
	want := []pairs.Probe{
		{ID: 1, Series: []pairs.Series{
			{Probe: 1, Anchor: 10, Time: []int64{1, 3, 3}, V4: []float64{6, 2, 4}, V6: []float64{16, 12, 14}},
			{Probe: 1, Anchor: 20, Time: []int64{2, 5, 5}, V4: []float64{3, 1, 5}, V6: []float64{13, 11, 15}},
		}},
		{ID: 2, Series: []pairs.Series{
			{Probe: 2, Anchor: 10, Time: []int64{6, 7}, V4: []float64{8, 7}, V6: []float64{18, 17}},
		}},
		{ID: 5, Series: []pairs.Series{
			{Probe: 5, Anchor: 30, Time: []int64{-1}, V4: []float64{9}, V6: []float64{19}},
		}},
	}
	wantStats := pairs.Stats{Rows: 9, Probes: 3, Pairs: 4}
	for _, g := range groupers {
		t.Run(g.name, func(t *testing.T) {
			src := &countingReader{Reader: newReader(t, checkedAlloc(t), batches...)}
			defer src.Release()
			var got []pairs.Probe
			var readAt []int // batches read when each probe was emitted
			st, err := g.group(context.Background(), src, func(p pairs.Probe) error {
				got = append(got, p)
				readAt = append(readAt, src.n)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			checkProbes(t, got, want)
			if st != wantStats {
				t.Errorf("stats %+v, want %+v", st, wantStats)
			}
			if g.name == "Stream" && !reflect.DeepEqual(readAt, []int{2, 4, 5}) {
				// Probe 1 ends in batch 2, probe 2 in batch 4, probe 5 at the end.
				t.Errorf("probes emitted after %v batches, want [2 4 5]", readAt)
			}
		})
	}
}

func TestGroupingEmpty(t *testing.T) {
	for _, g := range groupers {
		t.Run(g.name, func(t *testing.T) {
			for _, batches := range [][][]row{nil, {{}}, {{}, {}}} {
				src := newReader(t, checkedAlloc(t), batches...)
				got, st, err := collect(t, g.group, src)
				src.Release()
				if err != nil || len(got) != 0 || st != (pairs.Stats{}) {
					t.Errorf("%d batches: %d probes, stats %+v, err %v", len(batches), len(got), st, err)
				}
			}
		})
	}
}

func TestStreamUnsorted(t *testing.T) {
	r := func(probe int64) row { return row{probe, 1, 0, 1, 1} }
	tests := []struct {
		name    string
		batches [][]row
		emitted []int64 // probes emitted before the error
		msg     string
	}{
		{"within a batch", [][]row{{r(1), r(2), r(1)}}, []int64{1}, "probe 1 after probe 2 (row 3)"},
		{"across batches", [][]row{{r(3), r(3)}, {r(4)}, {r(2), r(5)}}, []int64{3}, "probe 2 after probe 4 (row 4)"},
		{"first rows", [][]row{{r(2), r(1)}}, nil, "probe 1 after probe 2 (row 2)"},
		{"negative ids", [][]row{{r(-1), r(-2)}}, nil, "probe -2 after probe -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newReader(t, checkedAlloc(t), tt.batches...)
			defer src.Release()
			got, _, err := collect(t, pairs.Stream, src)
			if !errors.Is(err, pairs.ErrUnsorted) {
				t.Fatalf("err %v, want ErrUnsorted", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			var ids []int64
			for _, p := range got {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(ids, tt.emitted) {
				t.Errorf("emitted %v before the error, want %v", ids, tt.emitted)
			}
		})
	}
}

// randomRows returns rows sorted by probe only, in a random order within
// each probe, with distinct times within each pair (so that every order
// of the input groups to the same series).
func randomRows(rng *rand.Rand, probes int) []row {
	const june = 1_685_577_600_000_000 // 2023-06-01, µs
	var rows []row
	id := int64(0)
	for p := 0; p < probes; p++ {
		id += 1 + rng.Int64N(1000)
		start := len(rows)
		for _, a := range rng.Perm(1 + rng.IntN(5)) {
			anchor := 6000 + int64(a)*1000 + rng.Int64N(1000)
			for k := range 1 + rng.IntN(40) {
				t := june + int64(k)*3_600_000_000 + rng.Int64N(1000)
				rows = append(rows, row{id, anchor, t, rng.Float64() * 300, rng.Float64() * 300})
			}
		}
		pr := rows[start:]
		rng.Shuffle(len(pr), func(i, j int) { pr[i], pr[j] = pr[j], pr[i] })
	}
	return rows
}

func TestInMemoryShuffled(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2024))
			sorted := randomRows(rng, 30)
			shuffled := slices.Clone(sorted)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			mem := checkedAlloc(t)

			src := newReader(t, mem, split(sorted, 17)...)
			want, wantSt, err := collect(t, pairs.Stream, src)
			src.Release()
			if err != nil {
				t.Fatal(err)
			}
			checkSeries(t, want)

			src = newReader(t, mem, split(shuffled, 23)...)
			got, st, err := collect(t, pairs.InMemory, src)
			src.Release()
			if err != nil {
				t.Fatal(err)
			}
			checkProbes(t, got, want)
			if st != wantSt || st.Rows != int64(len(sorted)) || st.Probes != 30 {
				t.Errorf("stats %+v, want %+v with %d rows, 30 probes", st, wantSt, len(sorted))
			}

			src = newReader(t, mem, split(shuffled, 23)...)
			_, _, err = collect(t, pairs.Stream, src)
			src.Release()
			if !errors.Is(err, pairs.ErrUnsorted) {
				t.Errorf("Stream on shuffled input: err %v, want ErrUnsorted", err)
			}
		})
	}
}

// checkSeries checks the invariants of grouped probes: ids ascending,
// anchors ascending within a probe, each series time-ordered and aligned.
func checkSeries(t testing.TB, probes []pairs.Probe) {
	t.Helper()
	for i, p := range probes {
		if i > 0 && p.ID <= probes[i-1].ID {
			t.Fatalf("probe %d after probe %d", p.ID, probes[i-1].ID)
		}
		if len(p.Series) == 0 {
			t.Fatalf("probe %d has no series", p.ID)
		}
		for j, s := range p.Series {
			if s.Probe != p.ID || (j > 0 && s.Anchor <= p.Series[j-1].Anchor) {
				t.Fatalf("probe %d series %d is (%d, %d)", p.ID, j, s.Probe, s.Anchor)
			}
			if s.Len() == 0 || len(s.Time) != s.Len() || len(s.V6) != s.Len() {
				t.Fatalf("pair (%d, %d): lengths %d, %d, %d", s.Probe, s.Anchor, len(s.Time), len(s.V4), len(s.V6))
			}
			if !slices.IsSorted(s.Time) {
				t.Fatalf("pair (%d, %d) is not in time order", s.Probe, s.Anchor)
			}
		}
	}
}

func TestEligible(t *testing.T) {
	tests := []struct {
		n, min int
		want   bool
	}{
		{0, 0, true},
		{0, 1, false},
		{1, 1, true},
		{149, pairs.DefaultMinTests, false},
		{150, pairs.DefaultMinTests, true},
		{151, pairs.DefaultMinTests, true},
		{10, -1, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("len=%d,min=%d", tt.n, tt.min), func(t *testing.T) {
			s := pairs.Series{Time: make([]int64, tt.n), V4: make([]float64, tt.n), V6: make([]float64, tt.n)}
			if s.Len() != tt.n {
				t.Errorf("Len() = %d, want %d", s.Len(), tt.n)
			}
			if got := s.Eligible(tt.min); got != tt.want {
				t.Errorf("Eligible(%d) = %v with %d tests, want %v", tt.min, got, tt.n, tt.want)
			}
		})
	}
}

func TestGroupingBadInput(t *testing.T) {
	// A record with one null in column col.
	withNull := func(mem memory.Allocator, col int) arrow.Record {
		b := array.NewRecordBuilder(mem, ingest.Schema)
		defer b.Release()
		for i := 0; i < 3; i++ {
			for c := range ingest.Schema.Fields() {
				if c == col && i == 1 {
					b.Field(c).AppendNull()
					continue
				}
				switch fb := b.Field(c).(type) {
				case *array.Int64Builder:
					fb.Append(1)
				case *array.TimestampBuilder:
					fb.Append(arrow.Timestamp(i))
				case *array.Float64Builder:
					fb.Append(1)
				}
			}
		}
		return b.NewRecord()
	}
	otherSchema := func(mem memory.Allocator) arrow.Record {
		s := arrow.NewSchema([]arrow.Field{{Name: "prb_id", Type: arrow.PrimitiveTypes.Int64}}, nil)
		b := array.NewRecordBuilder(mem, s)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).Append(1)
		return b.NewRecord()
	}
	type testCase struct {
		name string
		rec  func(memory.Allocator) arrow.Record
		want string
		bad  bool // wraps ErrBadRow
	}
	var tests []testCase
	for c, f := range ingest.Schema.Fields() {
		tests = append(tests, testCase{"null " + f.Name, func(m memory.Allocator) arrow.Record { return withNull(m, c) }, "column " + f.Name + " has 1 nulls", true})
	}
	tests = append(tests, testCase{"other schema", otherSchema, "schema has 1 fields", false})
	for _, g := range groupers {
		for _, tt := range tests {
			t.Run(g.name+"/"+tt.name, func(t *testing.T) {
				bad := tt.rec(checkedAlloc(t))
				// A reader whose schema check is left to the grouper.
				rr, err := array.NewRecordReader(bad.Schema(), []arrow.Record{bad})
				if err != nil {
					t.Fatal(err)
				}
				bad.Release()
				src := &memReader{RecordReader: rr}
				defer src.Release()
				_, _, err = collect(t, g.group, src)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err %v, want one saying %q", err, tt.want)
				}
				if errors.Is(err, ingest.ErrBadRow) != tt.bad {
					t.Errorf("errors.Is(%v, ErrBadRow) = %v, want %v", err, !tt.bad, tt.bad)
				}
			})
		}
	}
}

// The golden set's grouping counts, as the paper's pipeline reports them.
const (
	goldenCSV      = "../testdata/golden/data.csv.gz"
	goldenRows     = 207099
	goldenProbes   = 211
	goldenPairs    = 800
	goldenEligible = 644
)

func TestGolden(t *testing.T) {
	mem := checkedAlloc(t)
	probes := map[string][]pairs.Probe{}
	for _, g := range groupers {
		t.Run(g.name, func(t *testing.T) {
			src, err := ingest.Open(goldenCSV, ingest.Options{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Release()
			got, st, err := collect(t, g.group, src)
			if err != nil {
				t.Fatal(err)
			}
			want := pairs.Stats{Rows: goldenRows, Probes: goldenProbes, Pairs: goldenPairs}
			if st != want {
				t.Errorf("stats %+v, want %+v", st, want)
			}
			checkSeries(t, got)
			var rows, eligible, npairs int
			for _, p := range got {
				for _, s := range p.Series {
					rows += s.Len()
					npairs++
					if s.Eligible(pairs.DefaultMinTests) {
						eligible++
					}
				}
			}
			if rows != goldenRows || npairs != goldenPairs || len(got) != goldenProbes || eligible != goldenEligible {
				t.Errorf("%d rows, %d pairs, %d probes, %d eligible; want %d, %d, %d, %d",
					rows, npairs, len(got), eligible, goldenRows, goldenPairs, goldenProbes, goldenEligible)
			}
			probes[g.name] = got
		})
	}
	if a, b := probes["Stream"], probes["InMemory"]; a != nil && b != nil {
		checkProbes(t, b, a)
	}
}

func ExampleStream() {
	// Rows of two probes, sorted by probe; probe 340's anchors interleave and
	// one of its rows is out of time order.
	b := array.NewRecordBuilder(memory.DefaultAllocator, ingest.Schema)
	defer b.Release()
	for _, r := range []struct {
		probe, anchor int64
		start         string
		v4, v6        float64
	}{
		{340, 6696, "2023-06-01 00:10:00 UTC", 110, 100},
		{340, 6999, "2023-06-01 00:05:00 UTC", 55, 92},
		{340, 6696, "2023-06-01 00:03:00 UTC", 113, 104},
		{341, 6696, "2023-06-01 00:04:00 UTC", 80, 81},
	} {
		us, _ := ingest.ParseTimestamp(r.start)
		b.Field(ingest.IdxProbe).(*array.Int64Builder).Append(r.probe)
		b.Field(ingest.IdxAnchor).(*array.Int64Builder).Append(r.anchor)
		b.Field(ingest.IdxStartTime).(*array.TimestampBuilder).Append(arrow.Timestamp(us))
		b.Field(ingest.IdxV4).(*array.Float64Builder).Append(r.v4)
		b.Field(ingest.IdxV6).(*array.Float64Builder).Append(r.v6)
	}
	rec := b.NewRecord()
	defer rec.Release()
	src, _ := array.NewRecordReader(ingest.Schema, []arrow.Record{rec})
	defer src.Release()

	st, err := pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
		for _, s := range p.Series {
			fmt.Printf("probe %d anchor %d: %d tests, v4 %v, v6 %v, first at %s\n",
				s.Probe, s.Anchor, s.Len(), s.V4, s.V6, ingest.FormatTimestamp(s.Time[0]))
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", st)
	// Output:
	// probe 340 anchor 6696: 2 tests, v4 [113 110], v6 [104 100], first at 2023-06-01 00:03:00.000000 UTC
	// probe 340 anchor 6999: 1 tests, v4 [55], v6 [92], first at 2023-06-01 00:05:00.000000 UTC
	// probe 341 anchor 6696: 1 tests, v4 [80], v6 [81], first at 2023-06-01 00:04:00.000000 UTC
	// {Rows:4 Probes:2 Pairs:3}
}

// goldenRecords reads the golden set into Arrow records once.
func goldenRecords(b *testing.B) []arrow.Record {
	b.Helper()
	src, err := ingest.Open(goldenCSV, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release()
	var recs []arrow.Record
	for src.Next() {
		rec := src.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := src.Err(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for _, r := range recs {
			r.Release()
		}
	})
	return recs
}

// groupedRecords is the golden set as afsel writes Arrow files: grouped by
// pair, each pair's rows in time order, in batches of 64k rows.
func groupedRecords(b *testing.B, recs []arrow.Record) []arrow.Record {
	b.Helper()
	src, err := array.NewRecordReader(ingest.Schema, recs)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release()
	rb := array.NewRecordBuilder(memory.DefaultAllocator, ingest.Schema)
	defer rb.Release()
	probe, anchor, start, v4, v6 := ingest.Builders(rb)
	var out []arrow.Record
	_, err = pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
		for _, s := range p.Series {
			for i := range s.V4 {
				probe.Append(s.Probe)
				anchor.Append(s.Anchor)
				start.Append(arrow.Timestamp(s.Time[i]))
				v4.Append(s.V4[i])
				v6.Append(s.V6[i])
			}
			if probe.Len() >= 1<<16 {
				out = append(out, rb.NewRecord())
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	out = append(out, rb.NewRecord())
	b.Cleanup(func() {
		for _, r := range out {
			r.Release()
		}
	})
	return out
}

// BenchmarkStream measures grouping alone, over the golden set in memory:
// in the order of its CSV (a probe's anchors interleaved) and grouped by
// pair as afsel writes Arrow files.
func BenchmarkStream(b *testing.B) {
	csv := goldenRecords(b)
	for _, in := range []struct {
		name string
		recs []arrow.Record
	}{{"csv-order", csv}, {"grouped", groupedRecords(b, csv)}} {
		for _, g := range groupers {
			b.Run(in.name+"/"+g.name, func(b *testing.B) { benchGroup(b, g.group, in.recs) })
		}
	}
}

func benchGroup(b *testing.B, group grouper, recs []arrow.Record) {
	var rows int64
	for b.Loop() {
		src, err := array.NewRecordReader(ingest.Schema, recs)
		if err != nil {
			b.Fatal(err)
		}
		st, err := group(context.Background(), src, func(pairs.Probe) error { return nil })
		src.Release()
		if err != nil || st.Rows != goldenRows {
			b.Fatalf("%+v, %v", st, err)
		}
		rows += st.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
