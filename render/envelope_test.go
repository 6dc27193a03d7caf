package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// TestEnvelopeKeepsColumnExtremes: of every pixel column, the points kept
// are few (at most four) and include the column's first, last, lowest and
// highest finite points, so the line through them spans what the line
// through all points spans; points whose y is not finite are never kept.
func TestEnvelopeKeepsColumnExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		n := 1 + rng.IntN(3000)
		x := make([]float64, n)
		y := make([]float64, n)
		v := 0.0
		for i := range n {
			if i > 0 {
				x[i] = x[i-1] + math.Floor(3*rng.Float64()) // repeats and gaps
			}
			v += rng.NormFloat64()
			y[i] = v
			switch r := rng.Float64(); {
			case r < 0.03:
				y[i] = math.NaN()
			case r < 0.04:
				y[i] = math.Inf(1)
			case r < 0.06:
				y[i] = 5 // ties
			}
		}
		width := 1 + rng.Float64()*40 // x units per column
		col := func(x float64) int { return int(math.Floor(x / width)) }
		e := &envelope{n: n, x: func(i int) float64 { return x[i] }, y: y}
		kept := e.keep(col)
		if !slices.IsSorted(kept) || len(slices.Compact(slices.Clone(kept))) != len(kept) {
			t.Fatalf("trial %d: kept %v, want ascending and distinct", trial, kept)
		}
		type ext struct{ first, last, lo, hi, n int }
		all, got := map[int]*ext{}, map[int]*ext{}
		add := func(m map[int]*ext, i int) {
			c := col(x[i])
			r := m[c]
			if r == nil {
				m[c] = &ext{first: i, last: i, lo: i, hi: i, n: 1}
				return
			}
			r.last, r.n = i, r.n+1
			if y[i] < y[r.lo] {
				r.lo = i
			}
			if y[i] > y[r.hi] {
				r.hi = i
			}
		}
		for i := range n {
			if finite(y[i]) {
				add(all, i)
			}
		}
		for _, i := range kept {
			if !finite(y[i]) {
				t.Fatalf("trial %d: kept point %d with y %v", trial, i, y[i])
			}
			add(got, i)
		}
		if len(got) != len(all) {
			t.Fatalf("trial %d: %d columns drawn, %d have points", trial, len(got), len(all))
		}
		for c, a := range all {
			g := got[c]
			if g == nil || g.n > 4 || g.first != a.first || g.last != a.last || y[g.lo] != y[a.lo] || y[g.hi] != y[a.hi] {
				t.Fatalf("trial %d, column %d: kept %+v, column %+v", trial, c, g, a)
			}
		}
	}
}

// countCanvas counts the points of the paths drawn on it: what the drawing
// costs, whatever the backend.
type countCanvas struct {
	w, h   vg.Length
	points int
}

func (c *countCanvas) Size() (vg.Length, vg.Length)           { return c.w, c.h }
func (c *countCanvas) SetLineWidth(vg.Length)                 {}
func (c *countCanvas) SetLineDash([]vg.Length, vg.Length)     {}
func (c *countCanvas) SetColor(color.Color)                   {}
func (c *countCanvas) Rotate(float64)                         {}
func (c *countCanvas) Translate(vg.Point)                     {}
func (c *countCanvas) Scale(float64, float64)                 {}
func (c *countCanvas) Push()                                  {}
func (c *countCanvas) Pop()                                   {}
func (c *countCanvas) Stroke(p vg.Path)                       { c.points += len(p) }
func (c *countCanvas) Fill(p vg.Path)                         { c.points += len(p) }
func (c *countCanvas) FillString(font.Face, vg.Point, string) {}
func (c *countCanvas) DrawImage(vg.Rectangle, image.Image)    {}

// bigFigure2 is Figure 2 of a pair of n paired tests every 30 s (with
// times, or without), in many segments, some shorter than a pixel.
func bigFigure2(t testing.TB, n int, timed bool) *figures.Fig2 {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(n), 8))
	s := figures.PairSeries{Key: pairs.Key{Probe: 1, Anchor: 2}, V4: make([]float64, n), V6: make([]float64, n)}
	if timed {
		s.Time = make([]int64, n)
	}
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range n {
		if timed {
			s.Time[i] = t0 + int64(i)*30e6
		}
		s.V4[i] = 50 + 10*math.Sin(float64(i)/5000) + 5*rng.NormFloat64()
		s.V6[i] = 55 + 5*rng.NormFloat64()
		if rng.IntN(1000) == 0 {
			s.V6[i] = math.NaN() // a failed test
		}
	}
	var segs []changepoint.Segment
	for start := 0; start < n; {
		end := min(n, start+30+rng.IntN(n/50+1))
		segs = append(segs, changepoint.Segment{Start: start, End: end, Zone: stats.Zone(1 + rng.IntN(3))})
		start = end
	}
	f, err := figures.Figure2(s, segs, stats.ZoneV4)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestFigure2Bounded: drawing Figure 2 of a million paired tests hands the
// canvas a number of points bounded by the width in pixels, not by the
// series' length (drawn point by point it would be two million).
func TestFigure2Bounded(t *testing.T) {
	// Per pixel column at most: four points of each series, a band (two,
	// of five points) and a rule (two points); the rest of the figure
	// (axes, grid, legend) is a few thousand at most.
	const bound = WidthPx*(2*4+2*5+2) + 5000
	for _, timed := range []bool{true, false} {
		for _, n := range []int{1000, 1_000_000} {
			t.Run(fmt.Sprintf("timed=%v/n=%d", timed, n), func(t *testing.T) {
				fig, err := Figure2(bigFigure2(t, n, timed))
				if err != nil {
					t.Fatal(err)
				}
				c := &countCanvas{w: Width, h: fig.Height}
				fig.draw(c, true)
				if c.points > bound {
					t.Errorf("%d points drawn, want at most %d", c.points, bound)
				}
				if c.points < 2*min(n, 1000) {
					t.Errorf("%d points drawn: the series are missing", c.points)
				}
			})
		}
	}
}

// TestFigure2Axis: Figure 2 is drawn over time, with dates on the axis,
// when the series has times, and over the test index, labelled so, when
// it has none (CBOR input).
func TestFigure2Axis(t *testing.T) {
	for _, timed := range []bool{true, false} {
		f := bigFigure2(t, 20_000, timed) // 20,000 tests every 30 s: about a week
		fig, err := Figure2(f)
		if err != nil {
			t.Fatal(err)
		}
		p := fig.Panels[0]
		var svg bytes.Buffer
		if err := fig.WriteSVG(&svg); err != nil {
			t.Fatal(err)
		}
		texts := strings.Join(svgTexts(t, &svg), "|")
		if timed {
			lo, hi := float64(f.Time[0])/1e6, float64(f.Time[len(f.Time)-1])/1e6
			if _, ok := p.X.Tick.Marker.(timeTicks); !ok || p.X.Min != lo || p.X.Max != hi {
				t.Errorf("with times: x axis %T over [%v, %v], want time ticks over [%v, %v]", p.X.Tick.Marker, p.X.Min, p.X.Max, lo, hi)
			}
			if !strings.HasPrefix(p.X.Label.Text, "start time (UTC)") || !strings.Contains(texts, "|Jan 3|") {
				t.Errorf("with times: label %q, texts %q; want a time axis with dates", p.X.Label.Text, texts)
			}
		} else {
			if p.X.Min != 0 || p.X.Max != float64(len(f.V4)) || !strings.Contains(p.X.Label.Text, "index") {
				t.Errorf("without times: x axis [%v, %v] labelled %q, want the test index", p.X.Min, p.X.Max, p.X.Label.Text)
			}
			if strings.Contains(texts, "Jan") {
				t.Errorf("without times: dates on the axis: %q", texts)
			}
		}
	}
}

// BenchmarkFigure2 draws Figure 2 (PNG) of a pair of 10^4 to 10^6 paired
// tests: the time should grow with the series only as reading it does.
func BenchmarkFigure2(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		f := bigFigure2(b, n, true)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				fig, err := Figure2(f)
				if err != nil {
					b.Fatal(err)
				}
				if err := fig.WritePNG(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
