package render

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/stats"
)

// Figure2 draws Figure 2: the pair's two series over time, or over the
// test index when the input has no times (CBOR), on the segments' zones as
// background bands, with the legend below. However long the series, what
// is drawn is bounded by the width in pixels (envelope, bands, rules).
func Figure2(f *figures.Fig2) (*Figure, error) {
	n := len(f.V4)
	fig := &Figure{Name: "fig2", Height: 5.25 * vg.Inch}
	title := fmt.Sprintf("Probe %d → anchor %d: %d paired tests, %d segments", f.Pair.Probe, f.Pair.Anchor, n, len(f.Segments))
	if f.Zone != 0 {
		title += ", pair: " + f.Zone.String()
	}
	fig.Title = "Figure 2: " + title
	title += " (y axis up to the 99th percentile)"

	// x is where test i is drawn; edge(k) where the band of a segment
	// starting (or ending) at test k begins (ends).
	var x, edge func(int) float64
	p := newPanel(title, "", "HTTP request completion time (ms)")
	p.legend.corners = nil // the series fill the panel: the legend goes below
	if len(f.Time) == n && n > 0 {
		x = func(i int) float64 { return float64(f.Time[i]) / 1e6 }
		edge = func(k int) float64 { return x(min(k, n-1)) }
		p.X.Min, p.X.Max = x(0), x(n-1)
		if p.X.Min == p.X.Max {
			p.X.Min, p.X.Max = p.X.Min-60, p.X.Max+60
		}
		p.X.Tick.Marker = timeTicks{Max: 10}
		day := func(i int) string { return time.UnixMicro(f.Time[i]).UTC().Format("2006-01-02 15:04") }
		p.X.Label.Text = fmt.Sprintf("start time (UTC), %s to %s", day(0), day(n-1))
	} else {
		x = func(i int) float64 { return float64(i) }
		edge = x
		p.X.Min, p.X.Max = 0, float64(n)
		p.X.Tick.Marker = denseTicks{Min: 6}
		p.X.Label.Text = "paired test, by index (the input has no start times; its order is kept)"
	}

	// The y range covers the 99th percentile of both series, so that a few
	// outliers do not flatten the plot.
	all := make([]float64, 0, 2*n)
	for _, v := range [][]float64{f.V4, f.V6} {
		for _, y := range v {
			if finite(y) {
				all = append(all, y)
			}
		}
	}
	p.Y.Min, p.Y.Max = 0, 1
	if len(all) > 0 {
		stats.SortFloats(all)
		p.Y.Min = math.Max(0, all[0]*0.9)
		p.Y.Max = p.Y.Min + (stats.Quantile(all, 0.99)*1.05-p.Y.Min)*1.05
		if !(p.Y.Max > p.Y.Min) {
			p.Y.Max = p.Y.Min + 1
		}
	}
	p.Y.Tick.Marker = denseTicks{Min: 6}

	// Bands: consecutive segments of one zone are one band; rules at every
	// segment boundary.
	b := &bands{}
	r := &rules{style: draw.LineStyle{Color: boundGrey, Width: vg.Points(1), Dashes: dashes[1]}}
	seen := map[stats.Zone]bool{}
	for i, g := range f.Segments {
		seen[g.Zone] = true
		if g.Start > 0 {
			r.xs = append(r.xs, edge(g.Start))
		}
		if i > 0 && f.Segments[i-1].Zone == g.Zone {
			b.edges[len(b.edges)-1] = edge(g.End)
			continue
		}
		if len(b.edges) == 0 {
			b.edges = append(b.edges, edge(g.Start))
		}
		b.edges = append(b.edges, edge(g.End))
		b.colors = append(b.colors, tint(zoneColor(g.Zone), 0x30))
	}
	p.Add(b, r)

	for _, s := range []struct {
		name string
		v    []float64
		c    color.Color
	}{{"IPv4", f.V4, Palette.V4}, {"IPv6", f.V6, Palette.V6}} {
		e := &envelope{n: n, x: x, y: s.v, style: draw.LineStyle{Color: s.c, Width: vg.Points(1.1)}}
		p.Add(e)
		p.addLegend(s.name, e)
		fig.Legend = append(fig.Legend, s.name)
	}
	for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6} {
		if !seen[z] {
			continue
		}
		label := "segment: " + z.String()
		p.addLegend(label, swatch(tint(zoneColor(z), 0x60)))
		fig.Legend = append(fig.Legend, label)
	}
	fig.add(p)
	return fig, nil
}
