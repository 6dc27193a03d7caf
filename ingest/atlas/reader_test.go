package atlas_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
)

// Two anchors of the golden list and an address that is no anchor's.
const (
	a1v4, a1v6, a1 = "193.0.23.112", "2001:67c:2e8:1770::a", 6000
	a2v4, a2v6, a2 = "193.0.23.118", "2001:67c:2e8:1776::a", 6006
	other          = "192.0.2.1"
	t0             = 1685577600 // 2023-06-01 00:00:00 UTC
)

const anchorsJSON = `{"objects": [
 {"id": 6000, "address_v4": "193.0.23.112", "address_v6": "2001:67c:2e8:1770::a", "is_anchor": true},
 {"id": 6006, "address_v4": "193.0.23.118", "address_v6": "2001:67c:2e8:1776::a", "is_anchor": true},
 {"id": 7, "address_v4": "192.0.2.1", "address_v6": null, "is_anchor": false}]}`

func testAnchors(t testing.TB) *atlas.Anchors {
	t.Helper()
	a, err := atlas.ReadAnchors(strings.NewReader(anchorsJSON), "anchors")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// res is one modern HTTP result of one request.
func res(prb, ts int64, af int, dst string, status int, rt float64) string {
	return fmt.Sprintf(`{"fw":5080,"msm_id":1000004,"prb_id":%d,"timestamp":%d,"type":"http","uri":"http://x/4096","result":[{"af":%d,"bsize":4096,"dst_addr":%q,"hsize":131,"method":"GET","res":%d,"rt":%v,"src_addr":"10.0.0.1","ver":"1.1"}]}`,
		prb, ts, af, dst, status, rt)
}

func v4(prb, ts int64, rt float64) string { return res(prb, ts, 4, a1v4, 200, rt) }
func v6(prb, ts int64, rt float64) string { return res(prb, ts, 6, a1v6, 200, rt) }

// r is an expected row with start_time in Unix seconds.
func r(prb, anchor, ts int64, v4, v6 float64) row { return row{prb, anchor, ts * 1e6, v4, v6} }

func input(name, text string) atlas.Input {
	return atlas.Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }}
}

// run pairs lines (one result per line) and returns the rows and counts.
func run(t *testing.T, opts atlas.Options, inputs ...atlas.Input) ([]row, atlas.Stats, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if opts.Anchors == nil {
		opts.Anchors = testAnchors(t)
	}
	opts.Allocator = mem
	rd, err := atlas.NewReader(context.Background(), inputs, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	rows, err := readAll(t, rd)
	st := rd.Counts()
	if err == nil {
		if st.Rows != int64(len(rows)) {
			t.Errorf("Counts().Rows %d, read %d", st.Rows, len(rows))
		}
		if is := rd.Stats(); is.RowsRead != is.RowsKept+is.DroppedTotal() {
			t.Errorf("ingest stats invariant: %+v", is)
		}
	}
	return rows, st, err
}

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestPairing(t *testing.T) {
	type counts = map[string]int64
	tests := []struct {
		name    string
		lines   []string
		dedup   bool
		want    []row
		skipped counts
	}{
		{"dt 119 s paired", []string{v4(1, t0, 10), v6(1, t0+119, 20)},
			false, []row{r(1, a1, t0, 10, 20)}, nil},
		{"dt 120 s not paired", []string{v4(1, t0, 10), v6(1, t0+120, 20)},
			false, nil, counts{atlas.ReasonUnpairedV4: 1, atlas.ReasonUnpairedV6: 1}},
		{"dt -119 s paired, start_time is the v4 test's", []string{v4(1, t0, 10), v6(1, t0-119, 20)},
			false, []row{r(1, a1, t0, 10, 20)}, nil},
		{"dt -120 s not paired", []string{v4(1, t0, 10), v6(1, t0-120, 20)},
			false, nil, counts{atlas.ReasonUnpairedV4: 1, atlas.ReasonUnpairedV6: 1}},
		{"one v4, two v6 in the window: two rows", []string{v4(1, t0, 10), v6(1, t0+100, 21), v6(1, t0-50, 22)},
			false, []row{r(1, a1, t0, 10, 22), r(1, a1, t0, 10, 21)}, nil},
		{"two v4, one v6: two rows", []string{v4(1, t0, 10), v4(1, t0+60, 11), v6(1, t0+30, 20)},
			false, []row{r(1, a1, t0, 10, 20), r(1, a1, t0+60, 11, 20)}, nil},
		{"dedup keeps the closest v6", []string{v4(1, t0, 10), v6(1, t0+100, 21), v6(1, t0-50, 22)},
			true, []row{r(1, a1, t0, 10, 22)}, counts{atlas.ReasonUnpairedV6: 1}},
		{"dedup ties: the earliest", []string{v4(1, t0, 10), v6(1, t0+60, 21), v6(1, t0-60, 22)},
			true, []row{r(1, a1, t0, 10, 22)}, counts{atlas.ReasonUnpairedV6: 1}},
		{"non-200", []string{res(1, t0, 4, a1v4, 404, 10), v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonNon200: 1, atlas.ReasonUnpairedV6: 1}},
		{"err", []string{`{"prb_id":1,"timestamp":1685577600,"msm_id":1,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","err":"timeout reading chunk","method":"GET"}]}`, v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonError: 1, atlas.ReasonUnpairedV6: 1}},
		{"no rt", []string{`{"prb_id":1,"timestamp":1685577600,"msm_id":1,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200}]}`, v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonNoRT: 1, atlas.ReasonUnpairedV6: 1}},
		{"not an anchor", []string{res(1, t0, 4, other, 200, 10), res(1, t0, 6, a1v4, 200, 10), v6(1, t0, 20)},
			false, nil, counts{atlas.ReasonNotAnchor: 2, atlas.ReasonUnpairedV6: 1}},
		{"other type", []string{`{"prb_id":1,"timestamp":1685577600,"msm_id":1,"type":"ping","result":[{"rtt":1.5}]}`},
			false, nil, counts{atlas.ReasonNonHTTP: 1}},
		{"v6 before v4 in the input", []string{v6(1, t0+10, 20), v4(1, t0, 10)},
			false, []row{r(1, a1, t0, 10, 20)}, nil},
		{"other anchor, other probe: no pair", []string{v4(1, t0, 10), res(1, t0, 6, a2v6, 200, 20), v6(2, t0, 30)},
			false, nil, counts{atlas.ReasonUnpairedV4: 1, atlas.ReasonUnpairedV6: 2}},
		{"unordered input comes out sorted", []string{
			res(2, t0+5, 6, a2v6, 200, 40), v6(2, t0, 31), v4(1, t0+600, 12), res(2, t0, 4, a2v4, 200, 41),
			v4(2, t0+1, 30), v6(1, t0+601, 22), v4(1, t0, 10), v6(1, t0, 20)},
			false, []row{r(1, a1, t0, 10, 20), r(1, a1, t0+600, 12, 22), r(2, a2, t0, 41, 40), r(2, a1, t0+1, 30, 31)}, nil},
		{"duplicated results multiply rows", []string{v4(1, t0, 10), v4(1, t0, 10), v6(1, t0+5, 20), v6(1, t0+5, 20)},
			false, []row{r(1, a1, t0, 10, 20), r(1, a1, t0, 10, 20), r(1, a1, t0, 10, 20), r(1, a1, t0, 10, 20)}, nil},
		{"any IPv6 spelling", []string{v4(1, t0, 10), res(1, t0, 6, "2001:067c:02e8:1770:0:0:0:000A", 200, 20)},
			false, []row{r(1, a1, t0, 10, 20)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, sorted := range []bool{false, true} {
				text := lines(tc.lines...)
				opts := atlas.Options{Dedup: tc.dedup, SortedByProbe: sorted, BatchSize: 2}
				got, st, err := run(t, opts, input("results", text))
				if sorted && errors.Is(err, atlas.ErrUnsorted) {
					continue // the unordered case
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
				if st.Results != int64(len(tc.lines)) || st.Kept+st.SkippedTotal() != st.Results {
					t.Errorf("sorted=%v: counts %+v for %d results", sorted, st, len(tc.lines))
				}
			}
		})
	}
}

// TestVariants covers the shapes of old firmware that ripe.atlas.sagan's
// HTTP parser accepts.
func TestVariants(t *testing.T) {
	tests := []struct {
		name    string
		result  string // one result pairing with a modern IPv6 test of probe 1 at t0
		want    int
		skipped map[string]int64
	}{
		{"no af: family from dst_addr", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"dst_addr":"193.0.23.112","res":200,"rt":10}]}`, 1, nil},
		{"addr instead of dst_addr", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"addr":"193.0.23.112","res":200,"rt":10}]}`, 1, nil},
		{"fw 4300 mode", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"mode":"GET4","addr":"193.0.23.112","res":200,"rt":10}]}`, 1, nil},
		{"fw 1 string, rt in seconds", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":"GET4 193.0.23.112 0.010 200 131 4096"}`, 1, nil},
		{"several requests in one result", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10},{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10}]}`, 2, nil},
		{"a nested list of requests", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10},{"af":4,"dst_addr":"193.0.23.112","res":500,"rt":10}]]}`, 1, map[string]int64{atlas.ReasonNon200: 1}},
		{"result-level err", `{"prb_id":1,"timestamp":1685577600,"type":"http","err":"connect: network unreachable","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10}]}`, 0, map[string]int64{atlas.ReasonError: 1, atlas.ReasonUnpairedV6: 1}},
		{"dnserr, no result", `{"prb_id":1,"timestamp":1685577600,"type":"http","dnserr":"non-recoverable failure in name resolution"}`, 0, map[string]int64{atlas.ReasonError: 1, atlas.ReasonUnpairedV6: 1}},
		{"empty result", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[]}`, 0, map[string]int64{atlas.ReasonNoTests: 1, atlas.ReasonUnpairedV6: 1}},
		{"no res", `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","rt":10}]}`, 0, map[string]int64{atlas.ReasonError: 1, atlas.ReasonUnpairedV6: 1}},
		{"type in capitals", `{"prb_id":1,"timestamp":1685577600,"type":"HTTP","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":10}]}`, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, st, err := run(t, atlas.Options{}, input("results", lines(tc.result, v6(1, t0, 20))))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("%d rows, want %d: %v", len(got), tc.want, got)
			}
			for _, g := range got {
				if g != r(1, a1, t0, 10, 20) {
					t.Errorf("row %v", g)
				}
			}
			if !maps.Equal(st.Skipped, tc.skipped) && !(len(st.Skipped) == 0 && len(tc.skipped) == 0) {
				t.Errorf("skipped %v, want %v", st.Skipped, tc.skipped)
			}
		})
	}
}

// TestFormats reads the same results as lines, as a JSON array, gzip and
// bzip2 compressed, and split over two files.
func TestFormats(t *testing.T) {
	ls := []string{v4(1, t0, 10), v6(1, t0+1, 20), v4(2, t0, 11), v6(2, t0+2, 21)}
	want := []row{r(1, a1, t0, 10, 20), r(2, a1, t0, 11, 21)}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines(ls...)))
	zw.Close()
	bz, err := os.ReadFile("../../testdata/atlas/small.jsonl.bz2")
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]atlas.Input{
		"lines":             {input("a", lines(ls...))},
		"no newline":        {input("a", strings.Join(ls, "\n"))},
		"CRLF, blank lines": {input("a", "\r\n"+strings.Join(ls, "\r\n\r\n"))},
		"array":             {input("a", " [\n"+strings.Join(ls, ",\n")+"\n] \n")},
		"gzip":              {input("a.gz", gz.String())},
		"bzip2":             {input("a.bz2", string(bz))},
		"two files":         {input("a", lines(ls[:3]...)), input("b", "["+ls[3]+"]")},
		"empty file":        {input("e", ""), input("a", lines(ls...)), input("e2", "[]")},
	} {
		t.Run(name, func(t *testing.T) {
			got, _, err := run(t, atlas.Options{}, in...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("rows %v, want %v", got, want)
			}
		})
	}
}

func TestUnsorted(t *testing.T) {
	_, _, err := run(t, atlas.Options{SortedByProbe: true}, input("a", lines(v4(2, t0, 10), v6(1, t0, 20))))
	if !errors.Is(err, atlas.ErrUnsorted) {
		t.Fatalf("err %v, want ErrUnsorted", err)
	}
}

func TestBadInput(t *testing.T) {
	good := v4(1, t0, 10) + "\n" + v6(1, t0, 20) + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat(good, 200)))
	zw.Close()
	truncated := gz.String()[:gz.Len()/2]
	tests := []struct {
		name, text string
		msg        string // in the error
		skipped    map[string]int64
	}{
		{"malformed line", good + "{\"prb_id\":1,\n" + good, "results line 3: malformed JSON",
			map[string]int64{"bad: malformed JSON": 1}},
		{"wrong type", good + `{"prb_id":"x","timestamp":1685577600,"type":"http","result":[]}` + "\n", "results line 3 field prb_id: wrong type: string, want int64",
			map[string]int64{"bad: prb_id: wrong type: string, want int64": 1}},
		{"float timestamp", good + `{"prb_id":1,"timestamp":1685577600.5,"type":"http","result":[]}` + "\n", "line 3 field timestamp: wrong type",
			map[string]int64{"bad: timestamp: wrong type: number 1685577600.5, want int64": 1}},
		{"timestamp out of range", good + `{"prb_id":1,"timestamp":-5,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":1}]}` + "\n", "line 3 field timestamp: out of range",
			map[string]int64{"bad: timestamp: out of range": 1}},
		{"missing timestamp", good + `{"prb_id":1,"type":"http","result":[]}` + "\n", "line 3 field timestamp: missing",
			map[string]int64{"bad: timestamp: missing": 1}},
		{"wrong entry type", good + `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"193.0.23.112","res":200,"rt":"10"}]}` + "\n", "line 3 field result.rt: wrong type",
			map[string]int64{"bad: result.rt: wrong type: string, want float64": 1}},
		{"bad address", good + `{"prb_id":1,"timestamp":1685577600,"type":"http","result":[{"af":4,"dst_addr":"nowhere","res":200,"rt":10}]}` + "\n", "field result.dst_addr: unparsable address",
			map[string]int64{"bad: result.dst_addr: unparsable address": 1}},
		{"array syntax error", "[" + v4(1, t0, 10) + "," + v6(1, t0, 20) + ",{\"prb_id\" 1}]", fmt.Sprintf("results byte offset %d: malformed JSON", 1+len(v4(1, t0, 10))+1+len(v6(1, t0, 20))),
			map[string]int64{"bad: malformed JSON: invalid character '1' after object key": 1}},
		{"truncated gzip", truncated, "truncated input", map[string]int64{"bad: truncated input": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := run(t, atlas.Options{}, input("results", tc.text))
			var re *atlas.RowError
			if !errors.As(err, &re) || !errors.Is(err, ingest.ErrBadRow) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %v, want a RowError containing %q", err, tc.msg)
			}
			rows, st, err := run(t, atlas.Options{SkipBadRows: true}, input("results", tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Error("no rows from the good results")
			}
			for k, v := range tc.skipped {
				if st.Skipped[k] != v {
					t.Errorf("skipped %v, want %s: %d", st.Skipped, k, v)
				}
			}
		})
	}
}

func TestAnchors(t *testing.T) {
	a := testAnchors(t)
	if a.Len() != 2 {
		t.Errorf("Len %d, want 2", a.Len())
	}
	arr := `[{"id": 1, "address_v4": "192.0.2.9", "address_v6": "2001:db8::9", "is_anchor": true}, {"id": 2, "address_v4": "192.0.2.9", "is_anchor": true}]`
	b, err := atlas.ReadAnchors(strings.NewReader(arr), "arr")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		af   int
		addr string
		want []int64
	}{
		{4, "192.0.2.9", []int64{1, 2}}, // shared address: both, as the join
		{6, "2001:0db8:0::0009", []int64{1}},
		{6, "192.0.2.9", nil},
		{4, "::ffff:192.0.2.9", []int64{1, 2}},
	} {
		if got := b.Lookup(tc.af, mustAddr(t, tc.addr)); !slices.Equal(got, tc.want) {
			t.Errorf("Lookup(%d, %s) = %v, want %v", tc.af, tc.addr, got, tc.want)
		}
	}
	wantList := []atlas.AnchorAddrs{{ID: 1, AddressV4: "192.0.2.9", AddressV6: "2001:db8::9"}, {ID: 2, AddressV4: "192.0.2.9"}}
	if got := b.List(); !slices.Equal(got, wantList) {
		t.Errorf("List() = %+v, want %+v", got, wantList)
	}
	for _, bad := range []string{`{"objects": [{"id": 1, "address_v4": "x", "is_anchor": true}]}`, `{"objects": 3}`, `nope`, `[{"address_v4": "192.0.2.1", "is_anchor": true}]`} {
		if _, err := atlas.ReadAnchors(strings.NewReader(bad), "bad"); err == nil {
			t.Errorf("ReadAnchors(%s): no error", bad)
		}
	}
}

func TestCancel(t *testing.T) {
	var ls []string
	for i := range int64(5000) {
		ls = append(ls, v4(i, t0, 10))
	}
	for _, in := range [][]atlas.Input{{input("a", lines(ls...))}, {input("a", ""), input("b", "")}} {
		ctx, cancel := context.WithCancel(context.Background())
		rd, err := atlas.NewReader(ctx, in, atlas.Options{Anchors: testAnchors(t)})
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		for rd.Next() {
		}
		if !errors.Is(rd.Err(), context.Canceled) {
			t.Errorf("err %v, want context.Canceled", rd.Err())
		}
		rd.Release()
	}
}
