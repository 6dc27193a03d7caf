package render

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/stats"
)

// ErrNoHours is returned by Hours when no zone has a pair with tests.
var ErrNoHours = errors.New("render: hours: no pair has tests in any hour")

// Hours draws hours.csv's summary: a panel per zone (1, 2, 3, then all
// zones, two by two; a zone without pairs gets an empty panel), each with the median over pairs of
// median(v4) − median(v6) against the UTC hour, in the zone's colour, and
// the interquartile band, lighter; a grey line at 0 (above it IPv6 is
// faster). Hours without pairs leave gaps.
func Hours(rows []hours.Row) (*Figure, error) {
	byZone := map[stats.Zone][]hours.Row{}
	most := map[stats.Zone]int{}
	for _, r := range rows {
		byZone[r.Zone] = append(byZone[r.Zone], r)
		most[r.Zone] = max(most[r.Zone], r.Pairs)
	}
	for _, rs := range byZone {
		slices.SortStableFunc(rs, func(a, b hours.Row) int { return a.Hour - b.Hour })
	}
	fig := &Figure{Name: "hours", Cols: 2, Title: "IPv4 − IPv6 median RCT by UTC hour of day, per zone"}
	if most[0] == 0 && most[stats.ZoneV4]+most[stats.ZoneNone]+most[stats.ZoneV6] == 0 {
		return nil, ErrNoHours
	}
	for _, z := range hours.Zones {
		p, err := hoursPanel(z, byZone[z], most[z])
		if err != nil {
			return nil, err
		}
		if len(fig.Legend) == 0 && most[z] > 0 {
			// One legend for every panel, below them, in neutral
			// colours: the panels differ only by their zone's colour.
			line, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}})
			if err != nil {
				return nil, err
			}
			line.Color, line.Width = Palette.None, vg.Points(2)
			p.legend.corners = nil
			p.addLegend("median over pairs (per zone, in its colour)", line)
			p.addLegend("interquartile range over pairs", swatch(tint(Palette.None, 0x50)))
			fig.Legend = []string{"median over pairs (per zone, in its colour)", "interquartile range over pairs"}
		}
		fig.add(p)
	}
	rowsOf := (len(fig.Panels) + fig.Cols - 1) / fig.Cols
	fig.Height = vg.Length(rowsOf) * 3.75 * vg.Inch
	return fig, nil
}

// hoursPanel is zone z's panel: its median line and interquartile band,
// one run of consecutive hours with pairs at a time.
func hoursPanel(z stats.Zone, rows []hours.Row, most int) (*panel, error) {
	name := z.Label()
	if z == 0 {
		name = "all zones"
	}
	title := fmt.Sprintf("%s (up to %d pairs an hour)", name, most)
	if most == 0 {
		title = name + " (no pairs)"
	}
	p := newPanel(title, "hour of day (UTC)", "median(v4) − median(v6), ms")
	p.X.Min, p.X.Max = -0.5, hours.Hours-0.5
	var ticks []plot.Tick
	for h := range hours.Hours {
		t := plot.Tick{Value: float64(h)}
		if h%3 == 0 {
			t.Label = strconv.Itoa(h)
		}
		ticks = append(ticks, t)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Marker = denseTicks{Min: 4}
	clr := zoneColor(z)
	if z == 0 {
		clr = Palette.Series[0]
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: 0}, {X: p.X.Max, Y: 0}})
	if err != nil {
		return nil, err
	}
	zero.Color, zero.Width = grey, vg.Points(1)
	p.Add(zero)
	alpha := uint8(0x50)
	if z == 0 {
		alpha = 0x30 // black: lighter
	}
	var median, q1, q3 plotter.XYs
	flush := func() error {
		if len(median) == 0 {
			return nil
		}
		outline := append(append(plotter.XYs{}, q1...), reversed(q3)...)
		if len(median) == 1 { // a single hour: a bar one hour wide
			x, lo, hi := median[0].X, q1[0].Y, q3[0].Y
			outline = plotter.XYs{{X: x - 0.3, Y: lo}, {X: x + 0.3, Y: lo}, {X: x + 0.3, Y: hi}, {X: x - 0.3, Y: hi}}
		}
		poly, err := plotter.NewPolygon(outline)
		if err != nil {
			return err
		}
		poly.Color = tint(clr, alpha)
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.shapes = append(p.shapes, shape{xy: q1}, shape{xy: q3})
		l, err := plotter.NewLine(median)
		if err != nil {
			return err
		}
		l.Color, l.Width = clr, vg.Points(2)
		sc, err := plotter.NewScatter(median)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: clr, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		p.addLines(l)
		median, q1, q3 = nil, nil, nil
		return nil
	}
	for _, r := range rows {
		if r.Pairs == 0 || math.IsNaN(r.Median) {
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		x := float64(r.Hour)
		median = append(median, plotter.XY{X: x, Y: r.Median})
		q1 = append(q1, plotter.XY{X: x, Y: r.Q1})
		q3 = append(q3, plotter.XY{X: x, Y: r.Q3})
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if most == 0 {
		p.Y.Min, p.Y.Max = -1, 1
	}
	return p, nil
}

// reversed is xy in reverse order, as a new slice.
func reversed(xy plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, len(xy))
	for i, v := range xy {
		out[len(xy)-1-i] = v
	}
	return out
}
