package render

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// panel is one panel of a figure: the plot, the data the legend must not
// cover, and the legend, which the figure draws (not the plot) so that it
// can put it where it covers nothing.
type panel struct {
	*plot.Plot
	// shapes are the panel's data in data coordinates: lines (drawn as
	// steps or straight) and marks.
	shapes []shape
	legend legend
	cuts   cutMarks // where curves leave a cut axis
}

// shape is a polyline of the data; a single point is a mark.
type shape struct {
	xy   plotter.XYs
	step bool // plotter.PostStep: horizontal, then vertical
}

// corner is a corner of a panel's data area.
type corner struct{ top, left bool }

// legend is a panel's legend: plot.Legend's style and entries, their texts
// (plot.Legend keeps them to itself, and they size the box), and the
// corners of the data area it may take, in order of preference. A legend
// that no corner leaves clear of the data, or with no corners, goes below
// the panels, outside every data area.
type legend struct {
	plot.Legend
	entries []legendEntry
	corners []corner
}

type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer
}

// legendInset is the space between a legend and its corner, and the least
// space between a legend and the data.
const legendInset = vg.Length(4)

// newPlot returns a plot with the house style: title, axis labels, grid,
// legend top-right inside the data area (drawn by the plot itself).
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = x
	p.Y.Label.Text = y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = vg.Points(12)
		a.Tick.Label.Font.Size = vg.Points(10.5)
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.XOffs = -legendInset
	p.Legend.YOffs = -legendInset
	p.Legend.ThumbnailWidth = vg.Points(24)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridGrey, gridGrey
	p.Add(g)
	return p
}

// newPanel returns a panel in the house style of newPlot, whose legend
// goes in the bottom-right corner, or else the top-left, top-right or
// bottom-left, or else below the panels.
func newPanel(title, x, y string) *panel {
	pn := &panel{Plot: newPlot(title, x, y)}
	pn.legend.Legend = pn.Plot.Legend
	pn.Plot.Legend = plot.NewLegend() // empty: the figure draws pn.legend
	pn.legend.corners = []corner{{top: false, left: false}, {top: true, left: true}, {top: true, left: false}, {top: false, left: true}}
	return pn
}

// addLegend adds an entry to the panel's legend.
func (p *panel) addLegend(text string, thumbs ...plot.Thumbnailer) {
	p.legend.Add(text, thumbs...)
	p.legend.entries = append(p.legend.entries, legendEntry{text, thumbs})
}

// addLines adds lines to p as data.
func (p *panel) addLines(lines ...*plotter.Line) {
	addLines(p.Plot, lines...)
	for _, l := range lines {
		p.shapes = append(p.shapes, shape{xy: l.XYs, step: l.StepStyle == plotter.PostStep})
	}
}

// addLines adds lines to p. plotter.Line gives the layout a glyph box for
// each of its points, and the layout asks for them several times a
// drawing; only the outermost can move the axes' padding, so only those
// are given.
func addLines(p *plot.Plot, lines ...*plotter.Line) {
	for _, l := range lines {
		p.Add(&outerBoxes{Line: l})
	}
}

// size is the legend's width and height, as plot.Legend.Draw draws it.
func (l *legend) size() (w, h vg.Length) {
	enth := l.entryHeight()
	for i, e := range l.entries {
		w = max(w, l.ThumbnailWidth+l.TextStyle.Rectangle(" "+e.text).Max.X)
		h += enth
		if i > 0 {
			h += l.Padding
		}
	}
	return w, h
}

func (l *legend) entryHeight() (h vg.Length) {
	for _, e := range l.entries {
		h = max(h, l.TextStyle.Rectangle(e.text).Max.Y)
	}
	return h
}

// box is where the legend goes in corner k of the data canvas c.
func (l *legend) box(c draw.Canvas, k corner) vg.Rectangle {
	w, h := l.size()
	descent := l.TextStyle.FontExtents().Descent
	var r vg.Rectangle
	if k.left {
		r.Min.X = c.Min.X + legendInset
	} else {
		r.Min.X = c.Max.X - legendInset - w
	}
	if k.top {
		r.Min.Y = c.Max.Y - legendInset - descent - h
	} else {
		r.Min.Y = c.Min.Y + legendInset
	}
	r.Max = vg.Point{X: r.Min.X + w, Y: r.Min.Y + h}
	return r
}

// draw draws the legend in corner k of the data canvas c.
func (l *legend) draw(c draw.Canvas, k corner) {
	lg := l.Legend // a copy: figures are drawn concurrently
	lg.Top, lg.Left = k.top, k.left
	lg.XOffs, lg.YOffs = -legendInset, legendInset
	if k.left {
		lg.XOffs = legendInset
	}
	if k.top {
		lg.YOffs = -legendInset
	}
	lg.Draw(c)
}

// clear reports whether no data of p, drawn on the data canvas c, passes
// through r grown by legendInset.
func (p *panel) clear(c draw.Canvas, r vg.Rectangle) bool {
	r.Min.X, r.Min.Y = r.Min.X-legendInset, r.Min.Y-legendInset
	r.Max.X, r.Max.Y = r.Max.X+legendInset, r.Max.Y+legendInset
	tx, ty := p.Transforms(&c)
	pt := func(xy plotter.XY) (vg.Point, bool) {
		q := vg.Point{X: tx(xy.X), Y: ty(xy.Y)}
		ok := !math.IsNaN(float64(q.X)) && !math.IsNaN(float64(q.Y)) && !math.IsInf(float64(q.X), 0) && !math.IsInf(float64(q.Y), 0)
		return q, ok
	}
	for _, s := range p.shapes {
		var prev vg.Point
		for i, xy := range s.xy {
			q, ok := pt(xy)
			if !ok {
				continue
			}
			if i == 0 || len(s.xy) == 1 {
				if segmentMeets(q, q, r) {
					return false
				}
			} else if s.step {
				corner := vg.Point{X: q.X, Y: prev.Y}
				if segmentMeets(prev, corner, r) || segmentMeets(corner, q, r) {
					return false
				}
			} else if segmentMeets(prev, q, r) {
				return false
			}
			prev = q
		}
	}
	return true
}

// segmentMeets reports whether the segment from a to b meets r (Liang and
// Barsky's clipping: the part of the segment inside each slab).
func segmentMeets(a, b vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = max(t0, t)
		} else {
			t1 = min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// legendRow is the figure's legend below its panels: the entries of the
// legends that went there, side by side, in as many centred rows as the
// width needs.
type legendRow struct {
	style   plot.Legend // text style and thumbnail width
	entries []legendEntry
}

// gap is the space between two entries of a row.
func (l *legendRow) gap() vg.Length { return 2 * l.style.TextStyle.Rectangle("M").Max.X }

func (l *legendRow) entryWidth(e legendEntry) vg.Length {
	return l.style.ThumbnailWidth + l.style.TextStyle.Rectangle(" "+e.text).Max.X
}

// lines splits the entries into rows that fit width w.
func (l *legendRow) lines(w vg.Length) [][]legendEntry {
	var rows [][]legendEntry
	var cur []legendEntry
	var x vg.Length
	for _, e := range l.entries {
		ew := l.entryWidth(e)
		if len(cur) > 0 && x+l.gap()+ew > w {
			rows, cur, x = append(rows, cur), nil, 0
		}
		if len(cur) > 0 {
			x += l.gap()
		}
		cur, x = append(cur, e), x+ew
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

func (l *legendRow) entryHeight() (h vg.Length) {
	for _, e := range l.entries {
		h = max(h, l.style.TextStyle.Rectangle(e.text).Max.Y)
	}
	return h
}

// height is the height the rows take across width w, with space above and
// below.
func (l *legendRow) height(w vg.Length) vg.Length {
	n := len(l.lines(w))
	if n == 0 {
		return 0
	}
	return vg.Length(n)*(l.entryHeight()+legendInset) + legendInset
}

// draw draws the rows in c, from its top, centred.
func (l *legendRow) draw(c draw.Canvas) {
	if len(l.entries) == 0 {
		return
	}
	sty := l.style.TextStyle
	descent := sty.FontExtents().Descent
	enth := l.entryHeight()
	y := c.Max.Y - legendInset - enth
	for _, row := range l.lines(c.Max.X - c.Min.X) {
		var w vg.Length
		for i, e := range row {
			if i > 0 {
				w += l.gap()
			}
			w += l.entryWidth(e)
		}
		x := c.Min.X + (c.Max.X-c.Min.X-w)/2
		for _, e := range row {
			icon := &draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + l.style.ThumbnailWidth, Y: y + enth}}}
			for _, t := range e.thumbs {
				t.Thumbnail(icon)
			}
			// As plot.Legend.Draw places its texts.
			ty := y + (enth-descent-sty.Rectangle(e.text).Max.Y)/2 + descent
			c.FillText(sty, vg.Point{X: x + l.style.ThumbnailWidth + sty.Rectangle(" ").Max.X, Y: ty}, e.text)
			x += l.entryWidth(e) + l.gap()
		}
		y -= enth + legendInset
	}
}
