package render

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/afsel/afsel/figures"
)

// allFigures are the figures of the rendering tests and the policies and
// failures figures.
func allFigures(t *testing.T) []*Figure {
	t.Helper()
	figs := testFigures(t)
	for _, n := range []int{3, 9} {
		pol, err := Policies(policyRows(n), figures.DefaultPoints)
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, pol)
	}
	fail, err := PolicyFailures(failureRows())
	if err != nil {
		t.Fatal(err)
	}
	return append(figs, fail)
}

// failureRows are rows of policies_failures_cdf.csv for three policies.
func failureRows() []figures.Row {
	var rows []figures.Row
	for _, pol := range []string{"v6", "he:chrome", "steer"} {
		for _, pt := range [][2]float64{{0.5, 0.01}, {20, 0.3}, {100, 0.9}, {5000, 0.99}} {
			rows = append(rows, figures.Row{Figure: "policies_failures", Panel: "all", Series: pol, X: pt[0], Y: pt[1]})
		}
	}
	return rows
}

// drawnPoints walks the shapes of p on the data canvas c in steps of at
// most half a point, as drawn (a step line goes across, then up), and
// calls visit with every point.
func drawnPoints(p *panel, c draw.Canvas, visit func(vg.Point)) {
	tx, ty := p.Transforms(&c)
	for _, s := range p.shapes {
		var pts []vg.Point
		for i, xy := range s.xy {
			q := vg.Point{X: tx(xy.X), Y: ty(xy.Y)}
			if s.step && i > 0 {
				pts = append(pts, vg.Point{X: q.X, Y: pts[len(pts)-1].Y})
			}
			pts = append(pts, q)
		}
		for i, q := range pts {
			visit(q)
			if i == 0 {
				continue
			}
			a := pts[i-1]
			d := math.Hypot(float64(q.X-a.X), float64(q.Y-a.Y))
			for k := 1.0; k < 2*d; k++ {
				f := vg.Length(k / (2 * d))
				visit(vg.Point{X: a.X + f*(q.X-a.X), Y: a.Y + f*(q.Y-a.Y)})
			}
		}
	}
}

func inside(q vg.Point, r vg.Rectangle) bool {
	return r.Min.X <= q.X && q.X <= r.Max.X && r.Min.Y <= q.Y && q.Y <= r.Max.Y
}

// TestLegendsClearOfData: in every figure, a legend drawn inside a panel
// has no point of the panel's data (lines, marks) in its box, found by
// walking the lines as drawn; every other legend is in the row below the
// panels, which meets no panel's data area.
func TestLegendsClearOfData(t *testing.T) {
	for _, f := range allFigures(t) {
		t.Run(f.Name, func(t *testing.T) {
			c := &countCanvas{w: Width, h: f.Height}
			l := f.layout(draw.New(c))
			below := map[string]bool{}
			for _, e := range l.below.entries {
				below[e.text] = true
			}
			for j, row := range l.grid {
				for i, p := range row {
					dc := p.DataCanvas(l.tiles[j][i])
					if len(l.below.entries) > 0 {
						r := l.row.Rectangle
						if r.Min.X < dc.Max.X && dc.Min.X < r.Max.X && r.Min.Y < dc.Max.Y && dc.Min.Y < r.Max.Y {
							t.Errorf("panel %d: the legend below (%v) meets the data area %v", j*len(row)+i, r, dc.Rectangle)
						}
					}
					k, ok := l.inside[p]
					if !ok {
						for _, e := range p.legend.entries {
							if !below[e.text] {
								t.Errorf("panel %d: legend entry %q drawn nowhere", j*len(row)+i, e.text)
							}
						}
						continue
					}
					box := p.legend.box(dc, k)
					hits := 0
					drawnPoints(p, dc, func(q vg.Point) {
						if inside(q, box) {
							hits++
						}
					})
					if hits > 0 {
						t.Errorf("panel %d (%q): %d points of the data in the legend's box %v", j*len(row)+i, p.Title.Text, hits, box)
					}
				}
			}
		})
	}
}

// TestLegendGoesBelow: a legend that would cover data in every corner of
// its panel is drawn below the panels, and still drawn once.
func TestLegendGoesBelow(t *testing.T) {
	p := newPanel("data in every corner", "x", "y")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	// Both diagonals and the middle lines: nothing is left in a corner.
	for _, xy := range []plotter.XYs{{{X: 0, Y: 0}, {X: 1, Y: 1}}, {{X: 0, Y: 1}, {X: 1, Y: 0}}, {{X: 0, Y: 0.9}, {X: 1, Y: 0.9}}, {{X: 0, Y: 0.1}, {X: 1, Y: 0.1}}} {
		l, err := plotter.NewLine(xy)
		if err != nil {
			t.Fatal(err)
		}
		p.addLines(l)
	}
	l := orEmpty(nil)
	p.addLegend("a rather long legend entry that fits nowhere", l)
	q := newPanel("room in a corner", "x", "y")
	q.X.Min, q.X.Max, q.Y.Min, q.Y.Max = 0, 1, 0, 1
	q.addLegend("fits", orEmpty(nil))
	fig := &Figure{Name: "test", Height: 4 * vg.Inch}
	fig.add(p, q)
	lay := fig.layout(draw.New(&countCanvas{w: Width, h: fig.Height}))
	if _, ok := lay.inside[p]; ok || len(lay.below.entries) != 1 {
		t.Errorf("legend inside: %v; below: %d entries, want the first panel's below", lay.inside, len(lay.below.entries))
	}
	if _, ok := lay.inside[q]; !ok {
		t.Error("the second panel's legend is not inside it")
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.Join(svgTexts(t, &svg), "\n"), "fits nowhere"); n != 1 {
		t.Errorf("the legend below drawn %d times", n)
	}
}

// TestSegmentMeets checks the clipping test of the placement against a
// walk along the segment.
func TestSegmentMeets(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 10, Y: 10}, Max: vg.Point{X: 20, Y: 30}}
	for _, c := range []struct {
		a, b vg.Point
		want bool
	}{
		{vg.Point{X: 0, Y: 0}, vg.Point{X: 5, Y: 5}, false},
		{vg.Point{X: 0, Y: 0}, vg.Point{X: 40, Y: 40}, true},   // through
		{vg.Point{X: 15, Y: 15}, vg.Point{X: 15, Y: 15}, true}, // a point inside
		{vg.Point{X: 0, Y: 20}, vg.Point{X: 30, Y: 20}, true},  // across
		{vg.Point{X: 0, Y: 31}, vg.Point{X: 30, Y: 31}, false}, // above
		{vg.Point{X: 0, Y: 25}, vg.Point{X: 9, Y: 45}, false},  // by a corner
		{vg.Point{X: 15, Y: 0}, vg.Point{X: 15, Y: 9}, false},  // stops short
	} {
		if got := segmentMeets(c.a, c.b, r); got != c.want {
			t.Errorf("%v–%v: %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
