package render

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pixelColumn is the PNG pixel column (at DPI) of canvas abscissa x.
func pixelColumn(x vg.Length) int { return int(math.Floor(x.Dots(DPI))) }

// envelope is a long series drawn as a line through, in each pixel
// column, its first, lowest, highest and last points (M4: Jugel et al.,
// "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014).
// The line covers the same span of every column and joins the columns as
// the line through every point does, but the points handed to the canvas
// are at most four per column, whatever the series' length. x must be
// non-decreasing; points whose y is not finite (failed tests) are skipped.
type envelope struct {
	n     int
	x     func(i int) float64
	y     []float64
	style draw.LineStyle
}

// keep returns the indices of the points to draw, ascending, given each
// abscissa's pixel column: per run of points in one column, the first,
// the lowest, the highest and the last.
func (e *envelope) keep(col func(x float64) int) []int {
	var out []int
	i := 0
	for i < e.n && !finite(e.y[i]) {
		i++
	}
	for i < e.n {
		c := col(e.x(i))
		first, lo, hi, last := i, i, i, i
		j := i + 1
		for ; j < e.n; j++ {
			if !finite(e.y[j]) {
				continue
			}
			if col(e.x(j)) != c {
				break
			}
			if e.y[j] < e.y[lo] {
				lo = j
			}
			if e.y[j] > e.y[hi] {
				hi = j
			}
			last = j
		}
		// The four in index order, without repeats.
		k := []int{first, lo, hi, last}
		if k[1] > k[2] {
			k[1], k[2] = k[2], k[1]
		}
		for _, v := range k {
			if len(out) == 0 || out[len(out)-1] != v {
				out = append(out, v)
			}
		}
		i = j
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// strokeChunk is the most points stroked as one path. The rasteriser
// (freetype's) looks a pixel up in a list of the pixels the path has
// touched in its row: a long zigzag touches a row thousands of times, and
// drawing it took seconds. Stroked in short pieces, the same line takes
// milliseconds; the pieces share their end points.
const strokeChunk = 32

// Plot implements plot.Plotter.
func (e *envelope) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	idx := e.keep(func(x float64) int { return pixelColumn(tx(x)) })
	if len(idx) < 2 {
		return
	}
	pts := make([]vg.Point, len(idx))
	for k, i := range idx {
		pts[k] = vg.Point{X: tx(e.x(i)), Y: ty(e.y[i])}
	}
	var pieces [][]vg.Point
	for _, line := range c.ClipLinesXY(pts) {
		for i := 0; i+1 < len(line); i += strokeChunk - 1 {
			pieces = append(pieces, line[i:min(i+strokeChunk, len(line))])
		}
	}
	c.StrokeLines(e.style, pieces...)
}

// Thumbnail implements plot.Thumbnailer.
func (e *envelope) Thumbnail(c *draw.Canvas) {
	(&plotter.Line{LineStyle: e.style}).Thumbnail(c)
}

// bands are the zones of consecutive x ranges as background colours:
// band k spans [edges[k], edges[k+1]]. A band narrower than a pixel
// column is drawn only if the column has no band yet, so that the
// rectangles drawn are at most two per column.
type bands struct {
	edges  []float64
	colors []color.Color
}

// Plot implements plot.Plotter.
func (b *bands) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	lastCol := math.MinInt
	for k, clr := range b.colors {
		x0, x1 := tx(b.edges[k]), tx(b.edges[k+1])
		c0, c1 := pixelColumn(x0), pixelColumn(x1)
		if c0 == c1 && c0 == lastCol {
			continue
		}
		lastCol = c1
		c.FillPolygon(clr, c.ClipPolygonXY([]vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}}))
	}
}

// rules are vertical lines across the data area at xs (ascending), at most
// one per pixel column.
type rules struct {
	xs    []float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (r *rules) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	lastCol := math.MinInt
	for _, x := range r.xs {
		px := tx(x)
		if col := pixelColumn(px); col != lastCol {
			lastCol = col
			c.StrokeLines(r.style, c.ClipLinesX([]vg.Point{{X: px, Y: c.Min.Y}, {X: px, Y: c.Max.Y}})...)
		}
	}
}
