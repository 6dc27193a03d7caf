package atlas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/outcome"
)

// frow is one FailuresSchema row, for comparisons: a failed test's
// duration reads as 0.
type frow struct {
	row
	O4, O6 outcome.Code
}

// ok reports whether both tests worked.
func (f frow) ok() bool { return !f.O4.Failed() && !f.O6.Failed() }

// fr is an expected row with start_time in Unix seconds; a failed test's
// duration is given as 0.
func fr(prb, anchor, ts int64, v4 float64, o4 outcome.Code, v6 float64, o6 outcome.Code) frow {
	return frow{r(prb, anchor, ts, v4, v6), o4, o6}
}

// readAllFailures drains r and returns its rows and r.Err(), checking every
// batch against FailuresSchema: a duration is null exactly when its test
// failed, and every outcome is a code's name.
func readAllFailures(t testing.TB, r array.RecordReader) ([]frow, error) {
	t.Helper()
	var rows []frow
	for r.Next() {
		rec := r.Record()
		if err := ingest.CheckFailuresSchema(rec.Schema()); err != nil {
			t.Fatal(err)
		}
		p := rec.Column(ingest.IdxProbe).(*array.Int64)
		a := rec.Column(ingest.IdxAnchor).(*array.Int64)
		ts := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		v4 := rec.Column(ingest.IdxV4).(*array.Float64)
		v6 := rec.Column(ingest.IdxV6).(*array.Float64)
		o4 := rec.Column(ingest.IdxV4Outcome).(*array.String)
		o6 := rec.Column(ingest.IdxV6Outcome).(*array.String)
		if p.NullN()+a.NullN()+ts.NullN() > 0 {
			t.Fatal("null prb_id, anchor_id or start_time")
		}
		for i := range p.Len() {
			c4, c6, e := ingest.RowOutcomes(o4, o6, i)
			if e != nil {
				t.Fatalf("row %d: %v", len(rows)+1, e)
			}
			if v4.IsNull(i) != c4.Failed() || v6.IsNull(i) != c6.Failed() {
				t.Fatalf("row %d: durations null %v %v, outcomes %v %v", len(rows)+1, v4.IsNull(i), v6.IsNull(i), c4, c6)
			}
			rows = append(rows, frow{row{p.Value(i), a.Value(i), int64(ts.Value(i)), v4.Value(i), v6.Value(i)}, c4, c6})
		}
	}
	return rows, r.Err()
}

// runFailures is run with KeepFailures.
func runFailures(t *testing.T, opts atlas.Options, inputs ...atlas.Input) ([]frow, atlas.Stats, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if opts.Anchors == nil {
		opts.Anchors = testAnchors(t)
	}
	opts.Allocator, opts.KeepFailures = mem, true
	rd, err := atlas.NewReader(t.Context(), inputs, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if rd.Schema() != ingest.FailuresSchema {
		t.Errorf("Schema() %v, want FailuresSchema", rd.Schema())
	}
	rows, err := readAllFailures(t, rd)
	st := rd.Counts()
	if err == nil {
		if st.Rows != int64(len(rows)) {
			t.Errorf("Counts().Rows %d, read %d", st.Rows, len(rows))
		}
		if is := rd.Stats(); is.RowsRead != is.RowsKept+is.DroppedTotal() {
			t.Errorf("ingest stats invariant: %+v", is)
		}
		if st.FailedTotal() > st.Kept {
			t.Errorf("failed %d > kept %d", st.FailedTotal(), st.Kept)
		}
	}
	return rows, st, err
}

// okRows returns the rows of rows whose tests both worked, as ingest-schema
// rows.
func okRows(rows []frow) []row {
	var out []row
	for _, f := range rows {
		if f.ok() {
			out = append(out, f.row)
		}
	}
	return out
}

// errRes is a modern HTTP result of one request that failed with err.
func errRes(prb, ts int64, af int, dst, err string) string {
	return fmt.Sprintf(`{"fw":5080,"msm_id":1000004,"prb_id":%d,"timestamp":%d,"type":"http","result":[{"af":%d,"dst_addr":%q,"err":%q,"method":"GET"}]}`,
		prb, ts, af, dst, err)
}

func TestKeepFailures(t *testing.T) {
	type counts = map[string]int64
	const (
		ok  = outcome.OK
		ct  = outcome.ConnectTimeout
		cf  = outcome.ConnectFailed
		rto = outcome.ReadTimeout
		he  = outcome.HTTPError
		oth = outcome.Other
		dns = outcome.DNSError
	)
	fail4 := func(key outcome.Code) string { return ingest.FailureReason(4, key) }
	fail6 := func(key outcome.Code) string { return ingest.FailureReason(6, key) }
	tests := []struct {
		name    string
		lines   []string
		dedup   bool
		want    []frow
		skipped counts
		failed  counts
	}{
		{"v4 failed, v6 worked", []string{errRes(1, t0, 4, a1v4, "connect: timeout"), v6(1, t0+5, 20)},
			false, []frow{fr(1, a1, t0, 0, ct, 20, ok)}, nil, counts{fail4(ct): 1}},
		{"both failed", []string{res(1, t0, 4, a1v4, 503, 80), errRes(1, t0+5, 6, a1v6, "timeout reading status")},
			false, []frow{fr(1, a1, t0, 0, he, 0, rto)}, nil, counts{fail4(he): 1, fail6(rto): 1}},
		{"failed test alone: unpaired", []string{errRes(1, t0, 4, a1v4, "connect: Connection refused"), v6(1, t0+120, 20)},
			false, nil, counts{atlas.ReasonUnpairedV4: 1, atlas.ReasonUnpairedV6: 1}, nil},
		{"failed test to a non-anchor", []string{errRes(1, t0, 4, other, "connect: timeout"), v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonNotAnchor: 1, atlas.ReasonUnpairedV6: 1}, nil},
		{"dnserr without entries: no destination", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","dnserr":"non-recoverable failure in name resolution"}`, v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonError: 1, atlas.ReasonUnpairedV6: 1}, nil},
		{"failed entry without a destination", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"res":503,"rt":3}]}`, v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonNon200: 1, atlas.ReasonUnpairedV6: 1}, nil},
		{"200 without rt: kept as other (outcome.Measured)", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200}]}`, v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 0, oth, 20, ok)}, nil, counts{fail4(oth): 1}},
		{"no status, no err", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","rt":10}]}`, v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 0, oth, 20, ok)}, nil, counts{fail4(oth): 1}},
		{"an err beside status 200 decides", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10,"err":"timeout reading body"}]}`, v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 0, rto, 20, ok)}, nil, counts{fail4(rto): 1}},
		{"result-level dnserr with an entry", []string{`{"prb_id":1,"timestamp":1685577600,"type":"http","dnserr":"x","result":[{"af":4,"dst_addr":"193.0.23.112"}]}`, v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 0, dns, 20, ok)}, nil, counts{fail4(dns): 1}},
		{"err not a string, or empty: other", []string{
			`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10,"err":{"code":1}}]}`,
			`{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":6,"dst_addr":"2001:67c:2e8:1770::a","res":200,"rt":10,"err":""}]}`},
			false, []frow{fr(1, a1, t0, 0, oth, 0, oth)}, nil, counts{fail4(oth): 1, fail6(oth): 1}},
		{"a failed test's rt is not checked", []string{res(1, t0, 4, a1v4, 503, -1), v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 0, he, 20, ok)}, nil, counts{fail4(he): 1}},
		{"one v4, a failed and a working v6 in the window: two rows", []string{v4(1, t0, 10), errRes(1, t0-50, 6, a1v6, "connect: timeout"), v6(1, t0+100, 21)},
			false, []frow{fr(1, a1, t0, 10, ok, 0, ct), fr(1, a1, t0, 10, ok, 21, ok)}, nil, counts{fail6(ct): 1}},
		{"dedup: the closest v6 may have failed", []string{v4(1, t0, 10), errRes(1, t0-50, 6, a1v6, "connect: timeout"), v6(1, t0+100, 21)},
			true, []frow{fr(1, a1, t0, 10, ok, 0, ct)}, counts{atlas.ReasonUnpairedV6: 1}, counts{fail6(ct): 1}},
		{"duplicated failed results multiply rows", []string{errRes(1, t0, 4, a1v4, "connect: timeout"), errRes(1, t0, 4, a1v4, "connect: timeout"), v6(1, t0+5, 20)},
			false, []frow{fr(1, a1, t0, 0, ct, 20, ok), fr(1, a1, t0, 0, ct, 20, ok)}, nil, counts{fail4(ct): 2}},
		{"several probes and anchors, sorted output", []string{
			res(2, t0+5, 6, a2v6, 503, 40), v6(2, t0, 31), errRes(1, t0+600, 4, a1v4, "connect: No route to host"),
			res(2, t0, 4, a2v4, 200, 41), v4(2, t0+1, 30), v6(1, t0+601, 22), v4(1, t0, 10), v6(1, t0, 20)},
			false, []frow{fr(1, a1, t0, 10, ok, 20, ok), fr(1, a1, t0+600, 0, cf, 22, ok), fr(2, a2, t0, 41, ok, 0, he), fr(2, a1, t0+1, 30, ok, 31, ok)},
			nil, counts{fail4(cf): 1, fail6(he): 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, sorted := range []bool{false, true} {
				text := lines(tc.lines...)
				opts := atlas.Options{Dedup: tc.dedup, SortedByProbe: sorted, BatchSize: 2}
				got, st, err := runFailures(t, opts, input("results", text))
				if sorted && errors.Is(err, atlas.ErrUnsorted) {
					continue // the unordered cases
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("sorted=%v: rows\n%v\nwant\n%v", sorted, got, tc.want)
				}
				if !maps.Equal(st.Skipped, tc.skipped) && !(len(st.Skipped) == 0 && len(tc.skipped) == 0) {
					t.Errorf("sorted=%v: skipped %v, want %v", sorted, st.Skipped, tc.skipped)
				}
				if !maps.Equal(st.Failed, tc.failed) && !(len(st.Failed) == 0 && len(tc.failed) == 0) {
					t.Errorf("sorted=%v: failed %v, want %v", sorted, st.Failed, tc.failed)
				}
				if st.Kept+st.SkippedTotal() != int64(len(tc.lines)) {
					t.Errorf("sorted=%v: counts %+v for %d tests", sorted, st, len(tc.lines))
				}

				// Without the option: the rows whose tests both worked.
				def, _, err := run(t, atlas.Options{Dedup: tc.dedup, SortedByProbe: sorted, BatchSize: 2}, input("results", text))
				if err != nil {
					t.Fatal(err)
				}
				if !tc.dedup && !slices.Equal(def, okRows(got)) {
					t.Errorf("sorted=%v: rows without KeepFailures\n%v\nwant the working rows\n%v", sorted, def, okRows(got))
				}
			}
		})
	}
}

// TestKeepFailuresBadEntry: a failed entry is checked like a working one
// once it names a destination.
func TestKeepFailuresBadEntry(t *testing.T) {
	for _, tc := range []struct{ name, line, msg string }{
		{"bad address", errRes(1, t0, 4, "nowhere", "connect: timeout"), "field result.dst_addr: unparsable address"},
		{"bad af", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":5,"dst_addr":"193.0.23.112","res":503}]}`, "field result.af: not 4 or 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := lines(v4(1, t0, 10), v6(1, t0, 20), tc.line)
			_, _, err := runFailures(t, atlas.Options{}, input("results", text))
			var re *atlas.RowError
			if !errors.As(err, &re) || re.Line != 3 || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want a RowError at line 3 containing %q", err, tc.msg)
			}
			rows, st, err := runFailures(t, atlas.Options{SkipBadRows: true}, input("results", text))
			if err != nil || len(rows) != 1 || st.SkippedTotal() != 1 {
				t.Errorf("SkipBadRows: %d rows, counts %+v, %v", len(rows), st, err)
			}
		})
	}
}

// TestKeepFailuresRandom pairs random results with and without
// KeepFailures: the rows whose tests both worked are the rows without it,
// and the counts agree.
func TestKeepFailuresRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	addrs := [2][3]string{{a1v4, a2v4, other}, {a1v6, a2v6, other}}
	var ls []string
	for range 3000 {
		prb, ts := rng.Int64N(20), t0+rng.Int64N(3600)
		fam := rng.IntN(2)
		af, dst := 4+2*fam, addrs[fam][rng.IntN(3)]
		switch k := rng.IntN(10); {
		case k < 6:
			ls = append(ls, res(prb, ts, af, dst, 200, float64(1+rng.IntN(300))))
		case k < 7:
			ls = append(ls, res(prb, ts, af, dst, 503, 5))
		case k < 9:
			ls = append(ls, errRes(prb, ts, af, dst, []string{"connect: timeout", "connect: Connection refused", "timeout reading status"}[rng.IntN(3)]))
		default:
			ls = append(ls, fmt.Sprintf(`{"prb_id":%d,"timestamp":%d,"type":"http","result":[{"af":%d,"dst_addr":%q,"res":200}]}`, prb, ts, af, dst))
		}
	}
	text := lines(ls...)
	for _, sorted := range []bool{false, true} {
		in := input("random", text)
		if sorted {
			in = input("random", string(sortedByProbe([]byte(text))))
		}
		def, dst, err := run(t, atlas.Options{SortedByProbe: sorted}, in)
		if err != nil {
			t.Fatal(err)
		}
		got, st, err := runFailures(t, atlas.Options{SortedByProbe: sorted}, in)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(okRows(got), def) {
			t.Errorf("sorted=%v: %d working rows, %d rows without KeepFailures, or their values or order differ", sorted, len(okRows(got)), len(def))
		}
		if len(got) == len(def) || st.FailedTotal() == 0 {
			t.Errorf("sorted=%v: no failed rows (%d rows)", sorted, len(got))
		}
		// Failed tests, and tests of status 200 without rt, leave
		// non_200, error and no_rt for rows or the other reasons.
		if st.Skipped[atlas.ReasonNon200]+st.Skipped[atlas.ReasonError]+st.Skipped[atlas.ReasonNoRT] != 0 {
			t.Errorf("sorted=%v: skipped %v, without KeepFailures %v", sorted, st.Skipped, dst.Skipped)
		}
		if st.Kept+st.SkippedTotal() != dst.Kept+dst.SkippedTotal() {
			t.Errorf("sorted=%v: %d tests examined, %d without KeepFailures", sorted, st.Kept+st.SkippedTotal(), dst.Kept+dst.SkippedTotal())
		}
		if st.Kept-st.FailedTotal() < dst.Kept {
			t.Errorf("sorted=%v: %d working tests kept, %d without KeepFailures", sorted, st.Kept-st.FailedTotal(), dst.Kept)
		}
	}
}

// variantCase is one case of testdata/variants.json.
type variantCase struct {
	Name    string          `json:"name"`
	Source  string          `json:"source"`
	Result  json.RawMessage `json:"result"`
	Anchor  int64           `json:"anchor"`
	Family  int             `json:"family"`
	Outcome string          `json:"outcome"` // with KeepFailures; "" when skipped
	Skipped string          `json:"skipped"` // the reason, with KeepFailures
	Default string          `json:"default"` // the skip reason without KeepFailures; "" when kept
	RT      float64         `json:"rt"`
}

// TestFirmwareVariants reads results of many firmware versions, working
// and failed (testdata/variants.json: from ripe.atlas.sagan's test samples
// and the probes' httpget), each beside a working test of the other
// family, with and without KeepFailures.
func TestFirmwareVariants(t *testing.T) {
	anchors, err := atlas.LoadAnchors("testdata/variants-anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	var addr struct {
		Objects []struct {
			ID int64   `json:"id"`
			V4 *string `json:"address_v4"`
			V6 *string `json:"address_v6"`
		} `json:"objects"`
	}
	data, err := os.ReadFile("testdata/variants-anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &addr); err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []variantCase `json:"cases"`
	}
	data, err = os.ReadFile("testdata/variants.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			var head struct {
				PrbID     int64 `json:"prb_id"`
				Timestamp int64 `json:"timestamp"`
			}
			if err := json.Unmarshal(tc.Result, &head); err != nil {
				t.Fatal(err)
			}
			// The partner: a working test of the other family to the same
			// anchor, 30 s later.
			pf := 10 - tc.Family
			var dst string
			for _, o := range addr.Objects {
				if o.ID == tc.Anchor {
					dst = *o.V4
					if pf == 6 {
						dst = *o.V6
					}
				}
			}
			const prt = 12.5
			partner := res(head.PrbID, head.Timestamp+30, pf, dst, 200, prt)
			var line bytes.Buffer
			if err := json.Compact(&line, tc.Result); err != nil {
				t.Fatal(err)
			}
			text := lines(line.String(), partner)
			t4 := head.Timestamp
			if tc.Family == 6 {
				t4 += 30
			}

			// With KeepFailures: the outcome.
			got, st, err := runFailures(t, atlas.Options{Anchors: anchors}, input(tc.Name, text))
			if err != nil {
				t.Fatal(err)
			}
			if tc.Skipped != "" {
				unpaired := atlas.ReasonUnpairedV4
				if pf == 6 {
					unpaired = atlas.ReasonUnpairedV6
				}
				if len(got) != 0 || !maps.Equal(st.Skipped, map[string]int64{tc.Skipped: 1, unpaired: 1}) {
					t.Errorf("rows %v, skipped %v; want none, %s and %s", got, st.Skipped, tc.Skipped, unpaired)
				}
			} else {
				want, err := outcome.Parse(tc.Outcome)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 {
					t.Fatalf("rows %v, skipped %v; want one", got, st.Skipped)
				}
				g := got[0]
				c, d, pc, pd := g.O4, g.V4, g.O6, g.V6
				if tc.Family == 6 {
					c, d, pc, pd = g.O6, g.V6, g.O4, g.V4
				}
				if g.Probe != head.PrbID || g.Anchor != tc.Anchor || g.Time != t4*1e6 || c != want || pc != outcome.OK || pd != prt {
					t.Errorf("row %+v; want probe %d, anchor %d, start %d, IPv%d %v, partner %v", g, head.PrbID, tc.Anchor, t4, tc.Family, want, prt)
				}
				if math.Abs(d-tc.RT) > 1e-9 {
					t.Errorf("duration %v, want %v", d, tc.RT)
				}
			}

			// Without: a working test pairs, a failed one is skipped.
			rows, st, err := run(t, atlas.Options{Anchors: anchors}, input(tc.Name, text))
			if err != nil {
				t.Fatal(err)
			}
			if tc.Default == "" {
				if len(rows) != 1 || len(st.Skipped) != 0 {
					t.Errorf("without KeepFailures: rows %v, skipped %v", rows, st.Skipped)
				}
				return
			}
			unpaired := atlas.ReasonUnpairedV4
			if pf == 6 {
				unpaired = atlas.ReasonUnpairedV6
			}
			if len(rows) != 0 || !maps.Equal(st.Skipped, map[string]int64{tc.Default: 1, unpaired: 1}) {
				t.Errorf("without KeepFailures: rows %v, skipped %v; want %s and %s", rows, st.Skipped, tc.Default, unpaired)
			}
		})
	}
}
