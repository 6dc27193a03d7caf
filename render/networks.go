package render

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/stats"
)

// ShareBar is one group's Table 1 shares (of its eligible pairs): the bar
// of a country or an AS in the networks figure.
type ShareBar struct {
	Label        string // e.g. "NL (120 pairs)"
	V4, None, V6 float64
}

// Networks draws Table 1's shares per group as stacked horizontal bars, the
// first bar at the top: where IPv4 or IPv6 is the better family, and where
// neither is. title names the grouping ("country", "origin AS of IPv6").
func Networks(name, title string, bars []ShareBar) (*Figure, error) {
	if len(bars) == 0 {
		return nil, fmt.Errorf("networks figure %s: no groups", name)
	}
	p := newPlot(title, "share of the group's eligible pairs", "")
	p.X.Min, p.X.Max = 0, 1
	p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: "0.75"}, {Value: 1, Label: "1"}})
	n := len(bars)
	names := make([]string, n)
	vals := [3]plotter.Values{make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)}
	for i, b := range bars {
		j := n - 1 - i // the first bar at the top
		names[j] = b.Label
		vals[0][j], vals[1][j], vals[2][j] = b.V4, b.None, b.V6
	}
	width := vg.Points(min(22, 300/float64(n)))
	var prev *plotter.BarChart
	for k, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6} {
		bc, err := plotter.NewBarChart(vals[k], width)
		if err != nil {
			return nil, err
		}
		bc.Horizontal = true
		bc.Color = zoneColor(z)
		bc.LineStyle.Width = 0
		if prev != nil {
			bc.StackOn(prev)
		}
		prev = bc
		p.Add(bc)
		p.Legend.Add(z.String(), bc)
	}
	p.NominalY(names...)
	// Room above the first bar for the legend, which then covers no bar.
	p.Y.Min, p.Y.Max = -0.6, float64(n)+0.5
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(4), -vg.Points(2)
	p.Legend.Padding = vg.Points(2)
	return &Figure{Name: name, Title: title, Height: vg.Length(2.5+0.32*float64(n)) * vg.Inch,
		Panels: []*plot.Plot{p}, Legend: []string{stats.ZoneV4.String(), stats.ZoneNone.String(), stats.ZoneV6.String()}}, nil
}
