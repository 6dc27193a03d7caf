package render

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
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

// Figure is a figure ready to render: one or more panels side by side.
type Figure struct {
	Name  string // file stem: fig1, fig2, fig4, coverage
	Title string // caption in the report
	// Height is a whole number of PNG pixels (a multiple of 0.75 pt at
	// DPI 96), so that the PNG is laid out as the SVG.
	Height vg.Length
	// Panels are drawn in order. A panel made by newPanel is in panels,
	// which holds its data and its legend; others (newPlot) draw their own
	// legends.
	Panels []*plot.Plot
	panels map[*plot.Plot]*panel
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

// add appends panels to the figure.
func (f *Figure) add(ps ...*panel) {
	if f.panels == nil {
		f.panels = map[*plot.Plot]*panel{}
	}
	for _, p := range ps {
		f.Panels = append(f.Panels, p.Plot)
		f.panels[p.Plot] = p
	}
}

// panel returns the panel of p: the one added, or a panel without data
// or legend of its own for a plot that draws its own legend.
func (f *Figure) panel(p *plot.Plot) *panel {
	if pn := f.panels[p]; pn != nil {
		return pn
	}
	return &panel{Plot: p}
}

// layout is where a figure's parts go on a canvas.
type layout struct {
	grid   [][]*panel
	tiles  [][]draw.Canvas   // the canvas of each panel of grid
	inside map[*panel]corner // the legends drawn in a corner of their panel
	below  legendRow         // the legends drawn below the panels
	row    draw.Canvas       // where below goes
}

// layout lays the panels out on dc in equal columns, and puts each legend
// in the first of its corners where it covers no data, or else below the
// panels (which then shrink, so the corners are tried again).
func (f *Figure) layout(dc draw.Canvas) layout {
	cols := f.Cols
	if cols <= 0 || cols > len(f.Panels) {
		cols = len(f.Panels)
	}
	all := make([]*panel, len(f.Panels))
	for i, p := range f.Panels {
		all[i] = f.panel(p)
	}
	var l layout
	for i := 0; i < len(all); i += cols {
		l.grid = append(l.grid, all[i:min(i+cols, len(all))])
	}
	plots := make([][]*plot.Plot, len(l.grid))
	for j, row := range l.grid {
		for _, p := range row {
			plots[j] = append(plots[j], p.Plot)
		}
	}
	t := draw.Tiles{Rows: len(l.grid), Cols: cols, PadX: vg.Points(18), PadY: vg.Points(18), PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	below := map[*panel]bool{}
	for _, p := range all {
		if len(p.legend.entries) > 0 && len(p.legend.corners) == 0 {
			below[p] = true
		}
	}
	for {
		l.below = legendRow{}
		for _, p := range all {
			if below[p] {
				if l.below.entries == nil {
					l.below.style = p.legend.Legend
				}
				l.below.entries = append(l.below.entries, p.legend.entries...)
			}
		}
		h := l.below.height(dc.Max.X - dc.Min.X - t.PadLeft - t.PadRight)
		l.row = draw.Crop(dc, t.PadLeft, -t.PadRight, 0, -(dc.Max.Y - dc.Min.Y - h))
		l.tiles = plot.Align(plots, t, draw.Crop(dc, 0, 0, h, 0))
		l.inside = map[*panel]corner{}
		moved := false
		for j, row := range l.grid {
			for i, p := range row {
				if len(p.legend.entries) == 0 || below[p] {
					continue
				}
				dc := p.DataCanvas(l.tiles[j][i])
				placed := false
				for _, k := range p.legend.corners {
					if p.clear(dc, p.legend.box(dc, k)) {
						l.inside[p], placed = k, true
						break
					}
				}
				if !placed {
					below[p], moved = true, true
				}
			}
		}
		if !moved {
			return l
		}
	}
}

// draw draws the figure on c. With opaque false the panels' white
// backgrounds are left out: the PNG canvas is white already, and filling
// each panel with white again cost the rasteriser a fifth of its time.
func (f *Figure) draw(c vg.CanvasSizer, opaque bool) {
	dc := draw.New(c)
	l := f.layout(dc)
	for j, row := range l.grid {
		for i, p := range row {
			q := p.Plot
			if !opaque {
				// A shallow copy: the SVG may be drawn from the same
				// panels at the same time.
				cp := *p.Plot
				cp.BackgroundColor = nil
				q = &cp
			}
			q.Draw(l.tiles[j][i])
			if k, ok := l.inside[p]; ok {
				p.legend.draw(q.DataCanvas(l.tiles[j][i]), k)
			}
		}
	}
	l.below.draw(l.row)
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

// cdfTicks label a CDF's axis in quarters.
var cdfTicks = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})

// cdfAxis sets the y axis of a CDF panel.
func cdfAxis(p *panel) {
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = cdfTicks
}

// shareAxis sets an x axis of shares, padded so that steps at 0 and 1 stay
// visible.
func shareAxis(p *panel) {
	p.X.Min, p.X.Max = -0.02, 1.02
	p.X.Tick.Marker = cdfTicks
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

// num formats a value for a note: whole from 100 up, else 3 significant
// digits.
func num(x float64) string {
	if math.Abs(x) >= 100 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// cutMarks mark where curves leave an axis cut short: at the curve's last
// point on the axis, a triangle in its colour pointing out of the axis.
// They are not glyph boxes: the axes' padding stays as the lines make it.
type cutMarks []cutMark

type cutMark struct {
	at    plotter.XY
	right bool // pointing right (the curve continues past the maximum)
	color color.Color
}

// Plot implements plot.Plotter.
func (m cutMarks) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	const w, h = vg.Length(6), vg.Length(4)
	for _, k := range m {
		x, y := tx(k.at.X), ty(k.at.Y)
		tip := x + w
		if !k.right {
			tip = x - w
		}
		c.FillPolygon(k.color, []vg.Point{{X: x, Y: y - h}, {X: tip, Y: y}, {X: x, Y: y + h}})
	}
}

// cutCurve marks curve e, drawn as l and cut to [lo, hi] (NaN: not cut),
// where the sample reaches past the cut, and returns whether it does. The
// marks are drawn once added to p (addCuts).
func (p *panel) cutCurve(e figures.ECDF, l *plotter.Line, lo, hi float64) bool {
	if len(e.X) == 0 {
		return false
	}
	n := len(p.cuts)
	if e.X[0] < lo {
		p.cuts = append(p.cuts, cutMark{at: plotter.XY{X: lo, Y: e.At(lo)}, color: l.Color})
	}
	if e.X[len(e.X)-1] > hi {
		p.cuts = append(p.cuts, cutMark{at: plotter.XY{X: hi, Y: e.At(hi)}, right: true, color: l.Color})
	}
	for _, k := range p.cuts[n:] {
		p.shapes = append(p.shapes, shape{xy: plotter.XYs{k.at}})
	}
	return len(p.cuts) > n
}

// addCuts adds the marks of cutCurve to the plot, above the lines.
func (p *panel) addCuts() {
	if len(p.cuts) > 0 {
		p.Add(p.cuts)
	}
}

// Figure1 draws Figure 1: the RCT CDFs of both families and the CDF of
// the v4/v6 ratio on a log axis with ±10% marks.
func Figure1(f *figures.Fig1, points int) (*Figure, error) {
	fig := &Figure{Name: "fig1", Height: 5 * vg.Inch,
		Title: fmt.Sprintf("Figure 1: request completion times, %d of %d paired tests kept by the 5th–95th percentile filter", f.RowsAfter, f.RowsBefore)}
	rct := newPanel("RCT of paired tests (5th–95th percentile filter)", "HTTP request completion time (ms)", "CDF")
	cdfAxis(rct)
	rct.X.Tick.Marker = denseTicks{Min: 5}
	for _, s := range []struct {
		name string
		e    figures.ECDF
		c    color.Color
	}{{"IPv4", f.V4, Palette.V4}, {"IPv6", f.V6, Palette.V6}} {
		l, err := stepLine(s.e, points, math.NaN(), math.NaN())
		if err != nil {
			return nil, err
		}
		l = orEmpty(l)
		l.Color = s.c
		rct.addLines(l)
		rct.addLegend(s.name, l)
		fig.Legend = append(fig.Legend, s.name)
	}

	const lo, hi = 0.5, 2.0
	ratio := newPanel("Ratio of IPv4 to IPv6 RCT", "", "CDF")
	cdfAxis(ratio)
	ratio.X.Scale = plot.LogScale{}
	ratio.X.Min, ratio.X.Max = lo, hi
	ratio.X.Tick.Marker = ratioTicks()
	one, err := vline(1, 0, 1, grey, nil)
	if err != nil {
		return nil, err
	}
	ratio.addLines(one)
	l, err := stepLine(f.Ratio, points, lo, hi)
	if err != nil {
		return nil, err
	}
	l = orEmpty(l)
	l.Color = Palette.Series[0]
	ratio.addLines(l)
	// The label is short: gonum pads a log axis for a label as if it were
	// centred at the arithmetic mean of the range, right of the middle.
	ratio.X.Label.Text = "IPv4 RCT / IPv6 RCT (log scale)"
	if ratio.cutCurve(f.Ratio, l, lo, hi) {
		ratio.X.Label.Text += fmt.Sprintf("\n◄ ► axis cut at 2× either way; ratios from %s to %s",
			num(f.Ratio.X[0]), num(f.Ratio.X[len(f.Ratio.X)-1]))
	}
	ratio.addCuts()
	const ratioName = "IPv4/IPv6 RCT ratio"
	ratio.addLegend(ratioName, l)
	fig.Legend = append(fig.Legend, ratioName)
	for _, m := range []struct {
		x     float64
		label string
		c     color.Color
	}{
		{figures.RatioLow, "IPv4 >10% faster: " + pct(f.ShareV4Faster), Palette.V4},
		{figures.RatioHigh, "IPv6 >10% faster: " + pct(f.ShareV6Faster), Palette.V6},
	} {
		v, err := vline(m.x, 0, 1, m.c, dashes[1])
		if err != nil {
			return nil, err
		}
		v.Width = vg.Points(1.3)
		ratio.addLines(v)
		ratio.addLegend(m.label, v)
		fig.Legend = append(fig.Legend, m.label)
	}
	fig.add(rct, ratio)
	return fig, nil
}

// ratioTicks label the v4/v6 ratio by which family is faster and by how
// much: "IPv4 2× faster" at 1/2, "equal" at 1, "IPv6 2× faster" at 2 (the
// ratio's own values, or percentages, read the same on both sides).
func ratioTicks() plot.ConstantTicks {
	ticks := []plot.Tick{{Value: 1, Label: "equal"}}
	for _, r := range []struct {
		f     float64
		label string
	}{{1.5, "1.5×"}, {2, "2×"}} {
		ticks = append(ticks,
			plot.Tick{Value: 1 / r.f, Label: "IPv4 " + r.label + "\nfaster"},
			plot.Tick{Value: r.f, Label: "IPv6 " + r.label + "\nfaster"})
	}
	for _, r := range []float64{1.1, 1.2, 1.25, 1.3, 1.4, 1.6, 1.7, 1.8, 1.9} {
		ticks = append(ticks, plot.Tick{Value: 1 / r}, plot.Tick{Value: r})
	}
	return ticks
}

// Figure4 draws Figure 4's three panels: colour is the zone (first panel)
// or the pair's best path (the others: the same pairs), dash the strategy,
// and one legend for the three below them.
func Figure4(f *figures.Fig4, points int) (*Figure, error) {
	fig := &Figure{Name: "fig4", Height: 5.75 * vg.Inch,
		Title: fmt.Sprintf("Figure 4: EXP3 against fixed choices over %d eligible pairs", f.Pairs)}
	// Zones in the order of figures.ZoneNames and of the choice panel's
	// groups; the gain panels' groups (figures.Groups) are v4, v6, none.
	zones := []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6}
	gainGroup := map[stats.Zone]int{stats.ZoneV4: 0, stats.ZoneV6: 1, stats.ZoneNone: 2}
	strategyDash := [][]vg.Length{dashes[0], dashes[1], dashes[3]}
	panels := []struct {
		name, title, x string
		xmax           float64
		unit           string
	}{
		{"choice", "Share of lowest-RCT choices, per zone", "share of rounds with the lowest RCT choice", math.NaN(), ""},
		{"gain", "Expected gain per request, per zone (best path)", "absolute expected gain per request (ms)", 125, " ms"},
		{"relative", "Gain relative to median RCT, per zone (best path)", "expected gain per request / median RCT", 0.5, ""},
	}
	for _, pn := range panels {
		p := newPanel(pn.title, pn.x, "CDF")
		cdfAxis(p)
		lo, hi := math.NaN(), pn.xmax
		if !math.IsNaN(hi) {
			lo = 0
			p.X.Min, p.X.Max = 0, hi
			p.X.Tick.Marker = denseTicks{Min: 4}
		} else {
			shareAxis(p)
		}
		curves := f.Panel(pn.name)
		cut, top := false, math.Inf(-1)
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
			z := zones[g]
			if pn.name != "choice" {
				z = []stats.Zone{stats.ZoneV4, stats.ZoneV6, stats.ZoneNone}[g]
			}
			l.Color, l.Dashes = zoneColor(z), strategyDash[s]
			p.addLines(l)
			if p.cutCurve(c.E, l, lo, hi) {
				cut, top = true, math.Max(top, c.E.X[len(c.E.X)-1])
			}
		}
		p.addCuts()
		if cut {
			p.X.Label.Text += fmt.Sprintf("\n► axis cut at %s%s; CDFs reach 1 by %s%s", num(hi), pn.unit, num(top), pn.unit)
		}
		fig.add(p)
	}
	// The legend, below the panels: a colour per zone with its pairs (the
	// gain panel's EXP3 curves count every eligible pair), a dash per
	// strategy.
	key := fig.panels[fig.Panels[0]]
	key.legend.corners = nil
	gain := f.Panel("gain")
	for g, z := range zones {
		label := figures.ZoneNames[g]
		if k := gainGroup[z] * len(figures.Strategies); k < len(gain) {
			label += fmt.Sprintf(" (%d pairs)", gain[k].E.N)
		}
		key.addLegend(label, swatch(zoneColor(z)))
		fig.Legend = append(fig.Legend, label)
	}
	for s, name := range figures.Strategies {
		l := orEmpty(nil)
		l.Color, l.Dashes, l.Width = color.Black, strategyDash[s], vg.Points(1.6)
		key.addLegend(name, l)
		fig.Legend = append(fig.Legend, name)
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
	p := newPanel("Share of a probe's eligible pairs served by its winning family", "share of the probe's eligible pairs", "CDF over probes")
	cdfAxis(p)
	shareAxis(p)
	p.legend.corners = []corner{{top: true, left: true}, {top: false, left: false}, {top: true, left: false}, {top: false, left: true}}
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
		// Not families: colours of the other series (black, orange).
		l.Color = Palette.Series[i]
		p.addLines(l)
		label := fmt.Sprintf("%s (median %s)", s.label, pct(s.med))
		p.addLegend(label, l)
		fig.Legend = append(fig.Legend, label)
		if math.IsNaN(s.med) {
			continue
		}
		m, err := vline(s.med, 0, 0.5, Palette.Series[i], dashes[1])
		if err != nil {
			return nil, err
		}
		p.addLines(m)
	}
	fig.add(p)
	return fig, nil
}
