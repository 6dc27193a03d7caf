package render

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/stats"
)

// Image geometry: every figure is Width wide and drawn at DPI for PNG, so
// PNGs are WidthPx pixels wide.
const (
	Width   = 12.5 * vg.Inch
	DPI     = 96
	WidthPx = 1200
)

// Colours: the artefacts' palette (ColorBrewer Dark2), one per zone or
// best_path group, and light tints for segment backgrounds.
var (
	palette = []color.Color{
		color.RGBA{0x1b, 0x9e, 0x77, 0xff}, // v4 / zone 1
		color.RGBA{0xd9, 0x5f, 0x02, 0xff}, // v6 / zone 3
		color.RGBA{0x75, 0x70, 0xb3, 0xff}, // none / zone 2
	}
	grey   = color.Gray{0xa0}
	dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}
)

// zoneColor is the colour of a zone: v4 (1), v6 (3), none (2), matching the
// gain panels' best_path colours.
func zoneColor(z stats.Zone) color.Color {
	switch z {
	case stats.ZoneV4:
		return palette[0]
	case stats.ZoneV6:
		return palette[1]
	}
	return palette[2]
}

func tint(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// Figure is a figure ready to render: one or more panels side by side.
type Figure struct {
	Name  string // file stem: fig1, fig2, fig4, coverage
	Title string // caption in the report
	// Height is a whole number of PNG pixels (a multiple of 0.75 pt at
	// DPI 96), so that the PNG is laid out as the SVG.
	Height vg.Length
	Panels []*plot.Plot
	// Cols is the number of panel columns (0: all panels in one row); the
	// panels fill the rows left to right.
	Cols int
	// Legend lists the legend entries of every panel, in order: what a
	// reader of the rendered file must find.
	Legend []string

	// The SVG, drawn once: it is written to its file and inlined in the
	// report, possibly at the same time.
	svg struct {
		once sync.Once
		b    []byte
		err  error
	}
}

// File is one output file and how to write it.
type File struct {
	Name  string
	Write func(io.Writer) error
}

// Files are the figure's images: name.svg and name.png.
func (f *Figure) Files() []File {
	return []File{{Name: f.Name + ".svg", Write: f.WriteSVG}, {Name: f.Name + ".png", Write: f.WritePNG}}
}

// HeightPx is the PNG height in pixels.
func (f *Figure) HeightPx() int { return int(math.Round(f.Height.Points() / 72 * DPI)) }

// draw lays the panels out on c, in equal columns. With opaque false the
// panels' white backgrounds are left out: the PNG canvas is white already,
// and filling each panel with white again cost the rasteriser a fifth of its
// time.
func (f *Figure) draw(c vg.CanvasSizer, opaque bool) {
	dc := draw.New(c)
	cols := f.Cols
	if cols <= 0 || cols > len(f.Panels) {
		cols = len(f.Panels)
	}
	panels := f.Panels
	if !opaque {
		// Shallow copies: the SVG may be drawn from the same panels at the
		// same time.
		panels = make([]*plot.Plot, len(f.Panels))
		for i, p := range f.Panels {
			q := *p
			q.BackgroundColor = nil
			panels[i] = &q
		}
	}
	var grid [][]*plot.Plot
	for i := 0; i < len(panels); i += cols {
		grid = append(grid, panels[i:min(i+cols, len(panels))])
	}
	t := draw.Tiles{Rows: len(grid), Cols: cols, PadX: vg.Points(18), PadY: vg.Points(18), PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	cs := plot.Align(grid, t, dc)
	for j, row := range grid {
		for i, p := range row {
			p.Draw(cs[j][i])
		}
	}
}

// WriteSVG writes the figure as SVG.
func (f *Figure) WriteSVG(w io.Writer) error {
	b, err := f.svgBytes()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// svgBytes draws the SVG the first time it is called.
func (f *Figure) svgBytes() ([]byte, error) {
	f.svg.once.Do(func() {
		c := vgsvg.New(Width, f.Height)
		f.draw(c, true)
		var b bytes.Buffer
		_, f.svg.err = c.WriteTo(&b)
		f.svg.b = b.Bytes()
	})
	return f.svg.b, f.svg.err
}

// WritePNG writes the figure as PNG, WidthPx × HeightPx, white background.
func (f *Figure) WritePNG(w io.Writer) error {
	c := newPNGCanvas(WidthPx, f.HeightPx(), DPI)
	f.draw(c, false)
	return encodePNG(w, c.img)
}

// InlineSVG is the SVG without its XML prolog, to embed in HTML.
func (f *Figure) InlineSVG() (string, error) {
	b, err := f.svgBytes()
	if err != nil {
		return "", err
	}
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	return string(b), nil
}

// newPlot returns a panel with the house style: title, axis labels, grid,
// legend top-left inside the data area.
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
	p.Legend.XOffs = -vg.Points(4)
	p.Legend.YOffs = -vg.Points(4)
	p.Legend.ThumbnailWidth = vg.Points(24)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{0xdd}, color.Gray{0xdd}
	p.Add(g)
	return p
}

// cdfAxis sets the y axis of a CDF panel.
func cdfAxis(p *plot.Plot) {
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
}

// shareAxis sets an x axis of shares, padded so that steps at 0 and 1 stay
// visible.
func shareAxis(p *plot.Plot) {
	p.X.Min, p.X.Max = -0.02, 1.02
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
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

// outerBoxes is a line whose glyph boxes are those of its points that are
// leftmost, rightmost, lowest and highest among the points inside the
// axes: as plotter.Line's boxes for all its points (which are all alike)
// give the layout. They are kept for the axes they were found for: the
// layout asks again and again, and the PNG and the SVG of a figure are
// drawn at the same time from the same lines.
type outerBoxes struct {
	*plotter.Line
	mu    sync.Mutex
	axes  boxAxes
	boxes []plot.GlyphBox
}

// boxAxes is what the glyph boxes depend on.
type boxAxes struct {
	xmin, xmax, ymin, ymax float64
	xscale, yscale         plot.Normalizer
	ok                     bool
}

// GlyphBoxes implements plot.GlyphBoxer.
func (l *outerBoxes) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	axes := boxAxes{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, p.X.Scale, p.Y.Scale, true}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.axes == axes {
		return l.boxes
	}
	var ext [4]plotter.XY // min x, max x, min y, max y
	var norm [4]float64
	n := 0
	for _, xy := range l.XYs {
		x, y := p.X.Norm(xy.X), p.Y.Norm(xy.Y)
		if !(0 <= x && x <= 1 && 0 <= y && y <= 1) {
			continue // plot.GlyphBoxes drops its box
		}
		for k, v := range [4]float64{-x, x, -y, y} {
			if n == 0 || v > norm[k] {
				ext[k], norm[k] = xy, v
			}
		}
		n++
	}
	l.axes, l.boxes = axes, nil
	if n > 0 {
		l.boxes = (&plotter.Line{XYs: ext[:], LineStyle: l.LineStyle}).GlyphBoxes(p)
	}
	return l.boxes
}

// stepLine is the figures.ECDF e as a step line from (X[0], 0), downsampled to
// points, with x restricted to [lo, hi] (NaN: unbounded) so that log axes
// see no value outside their range. It is nil when there is nothing to draw
// (an empty sample): callers add it only to the legend then.
func stepLine(e figures.ECDF, points int, lo, hi float64) (*plotter.Line, error) {
	d := e.Downsample(points)
	var xy plotter.XYs
	if len(d.X) > 0 && !(d.X[0] < lo) {
		xy = append(xy, plotter.XY{X: d.X[0], Y: 0})
	}
	for i := range d.X {
		x := d.X[i]
		if x < lo {
			continue
		}
		if x > hi {
			xy = append(xy, plotter.XY{X: hi, Y: e.At(hi)})
			break
		}
		if len(xy) == 0 && !math.IsNaN(lo) {
			xy = append(xy, plotter.XY{X: lo, Y: e.At(lo)})
		}
		xy = append(xy, plotter.XY{X: x, Y: d.P[i]})
	}
	if len(xy) == 0 {
		if e.N == 0 || math.IsNaN(lo) || math.IsNaN(hi) {
			return nil, nil
		}
		xy = plotter.XYs{{X: lo, Y: e.At(lo)}, {X: hi, Y: e.At(hi)}}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.Width = vg.Points(1.6)
	return l, nil
}

// orEmpty returns l, or a line with no points (drawn as nothing, shown in
// the legend) when l is nil.
func orEmpty(l *plotter.Line) *plotter.Line {
	if l != nil {
		return l
	}
	return &plotter.Line{LineStyle: plotter.DefaultLineStyle}
}

// vline is a vertical line at x from y0 to y1.
func vline(x, y0, y1 float64, c color.Color, dash []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return nil, err
	}
	l.Color, l.Dashes, l.Width = c, dash, vg.Points(1)
	return l, nil
}

// pct formats a share as a percentage.
func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// Figure1 draws Figure 1: the RCT CDFs of both families and the CDF of
// the v4/v6 ratio on a log axis with ±10% marks.
func Figure1(f *figures.Fig1, points int) (*Figure, error) {
	fig := &Figure{Name: "fig1", Height: 5 * vg.Inch,
		Title: fmt.Sprintf("Figure 1: request completion times, %d of %d paired tests kept by the 5th–95th percentile filter", f.RowsAfter, f.RowsBefore)}
	rct := newPlot("RCT of paired tests (5th–95th percentile filter)", "HTTP request completion time (ms)", "CDF")
	cdfAxis(rct)
	rct.Legend.Top, rct.Legend.Left = false, false
	rct.Legend.YOffs = vg.Points(4)
	for i, s := range []struct {
		name string
		e    figures.ECDF
	}{{"IPv4", f.V4}, {"IPv6", f.V6}} {
		l, err := stepLine(s.e, points, math.NaN(), math.NaN())
		if err != nil {
			return nil, err
		}
		l = orEmpty(l)
		l.Color = palette[i]
		addLines(rct, l)
		rct.Legend.Add(s.name, l)
		fig.Legend = append(fig.Legend, s.name)
	}

	const lo, hi = 0.5, 2.0
	ratio := newPlot("Ratio of IPv4 to IPv6 RCT", "IPv4 RCT / IPv6 RCT (log scale; left: IPv4 faster by, right: IPv6 faster by)", "CDF")
	cdfAxis(ratio)
	ratio.Legend.Left, ratio.Legend.Top = false, false
	ratio.Legend.YOffs = vg.Points(4)
	ratio.X.Scale = plot.LogScale{}
	ratio.X.Min, ratio.X.Max = lo, hi
	var ticks []plot.Tick
	for _, r := range []float64{2, 1.6, 4.0 / 3, 1.1} {
		ticks = append(ticks, plot.Tick{Value: 1 / r, Label: fmt.Sprintf("%.0f%%", (r-1)*100)})
	}
	ticks = append(ticks, plot.Tick{Value: 1, Label: "1"})
	for _, r := range []float64{1.1, 4.0 / 3, 1.6, 2} {
		ticks = append(ticks, plot.Tick{Value: r, Label: fmt.Sprintf("%.0f%%", (r-1)*100)})
	}
	ratio.X.Tick.Marker = plot.ConstantTicks(ticks)
	one, err := vline(1, 0, 1, grey, nil)
	if err != nil {
		return nil, err
	}
	addLines(ratio, one)
	l, err := stepLine(f.Ratio, points, lo, hi)
	if err != nil {
		return nil, err
	}
	l = orEmpty(l)
	l.Color = palette[2]
	addLines(ratio, l)
	ratio.Legend.Add("IPv4/IPv6 ratio", l)
	fig.Legend = append(fig.Legend, "IPv4/IPv6 ratio")
	for _, m := range []struct {
		x     float64
		label string
		c     color.Color
	}{
		{figures.RatioLow, "ratio < 1/1.1 (IPv4 >10% faster): " + pct(f.ShareV4Faster), palette[0]},
		{figures.RatioHigh, "ratio > 1.1 (IPv6 >10% faster): " + pct(f.ShareV6Faster), palette[1]},
	} {
		v, err := vline(m.x, 0, 1, m.c, dashes[1])
		if err != nil {
			return nil, err
		}
		v.Width = vg.Points(1.3)
		addLines(ratio, v)
		ratio.Legend.Add(m.label, v)
		fig.Legend = append(fig.Legend, m.label)
	}
	fig.Panels = []*plot.Plot{rct, ratio}
	return fig, nil
}

// Figure2 draws Figure 2: the pair's two series over the paired test
// index, on the segments' zones as background bands.
func Figure2(f *figures.Fig2) (*Figure, error) {
	fig := &Figure{Name: "fig2", Height: 5 * vg.Inch}
	title := fmt.Sprintf("Probe %d → anchor %d: %d paired tests, %d segments", f.Pair.Probe, f.Pair.Anchor, len(f.V4), len(f.Segments))
	if f.Zone != 0 {
		title += ", pair: " + f.Zone.String()
	}
	fig.Title = "Figure 2: " + title
	title += " (y axis up to the 99th percentile)"
	// The y range covers the 99th percentile of both series, so that a few
	// outliers do not flatten the plot, with headroom for the legend.
	all := append(append([]float64(nil), f.V4...), f.V6...)
	stats.SortFloats(all)
	ylo := math.Max(0, all[0]*0.9)
	yhi := ylo + (stats.Quantile(all, 0.99)*1.05-ylo)*1.35
	p := newPlot(title, "paired test (index in time order)", "HTTP request completion time (ms)")
	p.Y.Min, p.Y.Max = ylo, yhi
	seen := map[stats.Zone]bool{}
	for _, g := range f.Segments {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: float64(g.Start), Y: p.Y.Min}, {X: float64(g.End), Y: p.Y.Min}, {X: float64(g.End), Y: p.Y.Max}, {X: float64(g.Start), Y: p.Y.Max}})
		if err != nil {
			return nil, err
		}
		poly.Color = tint(zoneColor(g.Zone), 0x30)
		poly.LineStyle.Width = 0
		p.Add(poly)
		b, err := vline(float64(g.Start), p.Y.Min, p.Y.Max, color.Gray{0xb0}, dashes[1])
		if err != nil {
			return nil, err
		}
		addLines(p, b)
		if !seen[g.Zone] {
			seen[g.Zone] = true
		}
	}
	for i, s := range []struct {
		name string
		v    []float64
	}{{"IPv4", f.V4}, {"IPv6", f.V6}} {
		xy := make(plotter.XYs, len(s.v))
		for k, v := range s.v {
			xy[k] = plotter.XY{X: float64(k), Y: v}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = []color.Color{color.RGBA{0x1f, 0x4e, 0x9a, 0xff}, color.RGBA{0xc0, 0x20, 0x20, 0xff}}[i], vg.Points(1.1)
		addLines(p, l)
		p.Legend.Add(s.name, l)
		fig.Legend = append(fig.Legend, s.name)
	}
	for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6} {
		if !seen[z] {
			continue
		}
		poly, err := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
		if err != nil {
			return nil, err
		}
		poly.Color = tint(zoneColor(z), 0x60)
		poly.LineStyle.Width = 0
		label := "segment: " + z.String()
		p.Legend.Add(label, poly)
		fig.Legend = append(fig.Legend, label)
	}
	// Add widened the axes to every value: restore the clipped range.
	p.Y.Min, p.Y.Max, p.X.Min, p.X.Max = ylo, yhi, 0, float64(len(f.V4))
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}

// Figure4 draws Figure 4's three panels: colour is the zone (first
// panel) or the pair's best_path (the others), dash the strategy.
func Figure4(f *figures.Fig4, points int) (*Figure, error) {
	fig := &Figure{Name: "fig4", Height: 5.5 * vg.Inch,
		Title: fmt.Sprintf("Figure 4: EXP3 against fixed choices over %d eligible pairs", f.Pairs)}
	panels := []struct {
		name, title, x string
		groups         []string
		xmax           float64
	}{
		{"choice", "Share of lowest-RCT choices, per zone", "share of rounds with the lowest RCT choice", figures.ZoneNames, math.NaN()},
		{"gain", "Expected gain per request, per best path", "absolute expected gain per request (ms)", []string{"best path v4", "best path v6", "best path none"}, 125},
		{"relative", "Gain relative to median RCT, per best path", "expected gain per request / median RCT", []string{"best path v4", "best path v6", "best path none"}, 0.5},
	}
	for pi, pn := range panels {
		p := newPlot(pn.title, pn.x, "CDF")
		cdfAxis(p)
		p.Legend.Top, p.Legend.Left = true, pi == 0
		if pi == 0 {
			p.Legend.XOffs = vg.Points(4)
		} else {
			p.Legend.Top = false
			p.Legend.YOffs = vg.Points(4)
		}
		lo, hi := math.NaN(), pn.xmax
		if !math.IsNaN(hi) {
			lo = 0
			p.X.Min, p.X.Max = 0, hi
		} else {
			shareAxis(p)
		}
		curves := f.Panel(pn.name)
		for i, c := range curves {
			g, s := i/len(figures.Strategies), i%len(figures.Strategies)
			if c.E.N == 0 {
				continue
			}
			l, err := stepLine(c.E, points, lo, hi)
			if err != nil {
				return nil, err
			}
			if l == nil {
				continue
			}
			l.Color = zoneColor([]stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6}[g])
			if pn.name != "choice" {
				l.Color = palette[g]
			}
			l.Dashes = dashes[s]
			addLines(p, l)
		}
		// Legend: one entry per colour (with its pairs), one per dash.
		for g, name := range pn.groups {
			n := curves[g*len(figures.Strategies)].E.N
			z := []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6}[g]
			c := zoneColor(z)
			if pn.name != "choice" {
				c = palette[g]
			}
			label := fmt.Sprintf("%s (%d pairs)", name, n)
			p.Legend.Add(label, swatch(c))
			fig.Legend = append(fig.Legend, label)
		}
		for s, name := range figures.Strategies {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Dashes, l.Width = color.Black, dashes[s], vg.Points(1.6)
			p.Legend.Add(name, l)
			fig.Legend = append(fig.Legend, name)
		}
		fig.Panels = append(fig.Panels, p)
	}
	return fig, nil
}

// swatch is a legend thumbnail filled with c.
func swatch(c color.Color) plot.Thumbnailer {
	poly, _ := plotter.NewPolygon(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}, {X: 1, Y: 1}})
	poly.Color = c
	poly.LineStyle.Width = 0
	return poly
}

// Coverage draws the per-probe coverage CDFs with their medians.
func Coverage(c *figures.Coverage, points int) (*Figure, error) {
	fig := &Figure{Name: "coverage", Height: 4.5 * vg.Inch,
		Title: fmt.Sprintf("Per-probe coverage over %d probes with eligible pairs", len(c.Probes))}
	p := newPlot("Share of a probe's eligible pairs served by its winning family", "share of the probe's eligible pairs", "CDF over probes")
	cdfAxis(p)
	shareAxis(p)
	p.Legend.Left, p.Legend.Top = true, true
	p.Legend.XOffs = vg.Points(4)
	for i, s := range []struct {
		label string
		e     figures.ECDF
		med   float64
	}{
		{"winning family better", c.Family, c.MedianFamily},
		{"winning family better or none better", c.FamilyNone, c.MedianFamilyNone},
	} {
		l, err := stepLine(s.e, points, 0, 1)
		if err != nil {
			return nil, err
		}
		l = orEmpty(l)
		l.Color = palette[i]
		addLines(p, l)
		label := fmt.Sprintf("%s (median %s)", s.label, pct(s.med))
		p.Legend.Add(label, l)
		fig.Legend = append(fig.Legend, label)
		if math.IsNaN(s.med) {
			continue
		}
		m, err := vline(s.med, 0, 0.5, palette[i], dashes[1])
		if err != nil {
			return nil, err
		}
		addLines(p, m)
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}
