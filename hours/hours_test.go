package hours

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

const hourUS = 3_600_000_000

// at is the time of day h:m UTC on 2 January 2024, in µs.
func at(h, m int) int64 {
	return 1_704_153_600_000_000 + int64(h)*hourUS + int64(m)*60_000_000
}

func TestHour(t *testing.T) {
	for _, c := range []struct {
		name string
		t    int64
		want int
	}{
		{"epoch", 0, 0},
		{"last µs of the first hour", hourUS - 1, 0},
		{"23:59", at(23, 59), 23},
		{"next day 00:00", at(24, 0), 0},
		{"before the epoch", -1, 23},
		{"an hour before the epoch", -hourUS, 23},
		{"just over an hour before", -hourUS - 1, 22},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Hour(c.t); got != c.want {
				t.Errorf("Hour(%d) = %d, want %d", c.t, got, c.want)
			}
		})
	}
}

func TestPair(t *testing.T) {
	// Hour 3: v4 {10, 30, 20} (median 20), v6 {5, 7, 6} (median 6) → 14.
	// Hour 5, two days: v4 {1, 4} (median 2.5), v6 {2, 2} → 0.5, with a
	// failed test left out. Hour 23: one test, v4 8, v6 12 → -4.
	s := pairs.Series{Probe: 7, Anchor: 9,
		Time: []int64{at(3, 0), at(3, 30), at(3, 59), at(5, 0), at(5, 30), at(24+5, 10), at(23, 0)},
		V4:   []float64{10, 30, 20, 1, math.NaN(), 4, 8},
		V6:   []float64{5, 7, 6, 2, 3, 2, 12},
	}
	var a Analyzer
	p, err := a.Pair(&s, stats.ZoneV6)
	if err != nil {
		t.Fatal(err)
	}
	if p.Key() != (pairs.Key{Probe: 7, Anchor: 9}) || p.Zone != stats.ZoneV6 {
		t.Errorf("pair %v zone %v, want 7-9 zone 3", p.Key(), p.Zone)
	}
	want := map[int]float64{3: 14, 5: 0.5, 23: -4}
	for h := range Hours {
		w, ok := want[h]
		switch got := p.Diff[h]; {
		case !ok && !math.IsNaN(got):
			t.Errorf("hour %d: %v, want NaN (no tests)", h, got)
		case ok && got != w:
			t.Errorf("hour %d: %v, want %v", h, got, w)
		}
	}
	// The buffers are reused: a second pair sees none of the first's tests.
	s2 := pairs.Series{Probe: 8, Anchor: 9, Time: []int64{at(5, 0)}, V4: []float64{3}, V6: []float64{1}}
	p2, err := a.Pair(&s2, stats.ZoneV4)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Diff[5] != 2 || !math.IsNaN(p2.Diff[3]) {
		t.Errorf("second pair: hour 5 %v hour 3 %v, want 2 and NaN", p2.Diff[5], p2.Diff[3])
	}
}

func TestPairNoTime(t *testing.T) {
	s := pairs.Series{Probe: 1, Anchor: 2, V4: []float64{1}, V6: []float64{2}}
	var a Analyzer
	if _, err := a.Pair(&s, stats.ZoneV4); !errors.Is(err, ErrNoTime) {
		t.Errorf("err %v, want ErrNoTime", err)
	}
}

// diffs is a pair of zone z whose hours hold the given differences, NaN
// elsewhere.
func diffs(z stats.Zone, d map[int]float64) Pair {
	p := Pair{Zone: z}
	for h := range p.Diff {
		p.Diff[h] = math.NaN()
	}
	for h, v := range d {
		p.Diff[h] = v
	}
	return p
}

func TestSummarize(t *testing.T) {
	ps := []Pair{
		diffs(stats.ZoneV4, map[int]float64{0: -10, 12: -4}),
		diffs(stats.ZoneV4, map[int]float64{0: -2}),
		diffs(stats.ZoneV4, map[int]float64{0: -6}),
		diffs(stats.ZoneV6, map[int]float64{0: 8, 12: 1}),
	}
	rows := Summarize(ps)
	if len(rows) != len(Zones)*Hours {
		t.Fatalf("%d rows, want %d", len(rows), len(Zones)*Hours)
	}
	for i, r := range rows {
		if r.Zone != Zones[i/Hours] || r.Hour != i%Hours {
			t.Fatalf("row %d: zone %v hour %d, want zone %v hour %d", i, r.Zone, r.Hour, Zones[i/Hours], i%Hours)
		}
	}
	row := func(z stats.Zone, h int) Row {
		for _, r := range rows {
			if r.Zone == z && r.Hour == h {
				return r
			}
		}
		t.Fatalf("no row for zone %v hour %d", z, h)
		return Row{}
	}
	for _, c := range []struct {
		name      string
		zone      stats.Zone
		hour      int
		pairs     int
		q1, m, q3 float64
	}{
		{"IPv4 zone, hour 0", stats.ZoneV4, 0, 3, -8, -6, -4},
		{"IPv4 zone, hour 12", stats.ZoneV4, 12, 1, -4, -4, -4},
		{"IPv6 zone, hour 0", stats.ZoneV6, 0, 1, 8, 8, 8},
		{"all zones, hour 0", 0, 0, 4, -7, -4, 0.5},
		{"all zones, hour 12", 0, 12, 2, -2.75, -1.5, -0.25},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := row(c.zone, c.hour)
			if r.Pairs != c.pairs || r.Q1 != c.q1 || r.Median != c.m || r.Q3 != c.q3 {
				t.Errorf("got %+v, want pairs %d quartiles %v %v %v", r, c.pairs, c.q1, c.m, c.q3)
			}
		})
	}
	t.Run("no pairs", func(t *testing.T) {
		for _, r := range []Row{row(stats.ZoneNone, 0), row(stats.ZoneV4, 7)} {
			if r.Pairs != 0 || !math.IsNaN(r.Q1) || !math.IsNaN(r.Median) || !math.IsNaN(r.Q3) {
				t.Errorf("zone %v hour %d: %+v, want no pairs and NaN quartiles", r.Zone, r.Hour, r)
			}
		}
	})
}

func TestCSVRoundTrip(t *testing.T) {
	rows := Summarize([]Pair{
		diffs(stats.ZoneV4, map[int]float64{0: -10.25, 12: -4}),
		diffs(stats.ZoneNone, map[int]float64{0: 0.1}),
	})
	var b bytes.Buffer
	if err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(b.String(), "\n"); first != strings.Join(Columns, ",") {
		t.Errorf("header %q", first)
	}
	if !strings.Contains(b.String(), "\n1,0,1,-10.25,-10.25,-10.25\n") || !strings.Contains(b.String(), "\nall,23,0,,,\n") {
		t.Errorf("unexpected rows:\n%s", b.String())
	}
	got, err := ReadCSV(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows read, want %d", len(got), len(rows))
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i := range rows {
		g, w := got[i], rows[i]
		if g.Zone != w.Zone || g.Hour != w.Hour || g.Pairs != w.Pairs || !same(g.Q1, w.Q1) || !same(g.Median, w.Median) || !same(g.Q3, w.Q3) {
			t.Errorf("row %d: read %+v, wrote %+v", i, g, w)
		}
	}
}

func TestCSVLabels(t *testing.T) {
	rows := Summarize([]Pair{diffs(stats.ZoneV6, map[int]float64{5: 2})})
	var plain, labelled bytes.Buffer
	if err := WriteCSV(&plain, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&labelled, rows, WriteOptions{Labels: true}); err != nil {
		t.Fatal(err)
	}
	pl, ll := strings.Split(plain.String(), "\n"), strings.Split(labelled.String(), "\n")
	if len(pl) != len(ll) || ll[0] != pl[0]+","+ZoneLabelColumn {
		t.Fatalf("headers %q and %q", pl[0], ll[0])
	}
	for i, want := range map[int]string{1: stats.ZoneV4.Label(), 2*Hours + 6: stats.ZoneV6.Label(), 3*Hours + 1: "all"} {
		if ll[i] != pl[i]+","+want {
			t.Errorf("line %d: %q, want %q with %q", i, ll[i], pl[i], want)
		}
	}
	got, err := ReadCSV(&labelled)
	if err != nil || len(got) != len(rows) || got[2*Hours+5].Median != 2 {
		t.Errorf("read back %d rows, %v", len(got), err)
	}
}

func TestReadCSVBad(t *testing.T) {
	head := strings.Join(Columns, ",") + "\n"
	for _, c := range []struct{ name, in string }{
		{"empty", ""},
		{"missing column", "zone,hour,pairs\n1,0,1\n"},
		{"zone 4", head + "4,0,1,1,1,1\n"},
		{"hour 24", head + "1,24,1,1,1,1\n"},
		{"hour not a number", head + "1,x,1,1,1,1\n"},
		{"negative pairs", head + "1,0,-1,1,1,1\n"},
		{"median not a number", head + "1,0,1,1,x,1\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ReadCSV(strings.NewReader(c.in)); !errors.Is(err, ErrBadInput) {
				t.Errorf("err %v, want ErrBadInput", err)
			}
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add(strings.Join(Columns, ",") + "\nall,3,2,1,2,3\n")
	f.Add("zone,hour\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteCSV(&b, rows); err != nil {
			t.Fatal(err)
		}
		again, err := ReadCSV(&b)
		if err != nil || len(again) != len(rows) {
			t.Fatalf("re-read: %d rows, %v; want %d rows", len(again), err, len(rows))
		}
	})
}
