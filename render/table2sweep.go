package render

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/tables"
)

// ErrNoSweep is returned by Table2Sweep given no rows of groups A to D.
var ErrNoSweep = errors.New("render: Table 2 sweep has no rows")

// table2Groups are the groups Table2Sweep draws, with their legends.
var table2Groups = []struct{ name, legend string }{
	{"A", "A: a segment of the other family"},
	{"B", "B: a segment where neither is better"},
	{"C", "C: neither better, a family's segment"},
	{"D", "D: the rest"},
}

// Table2Sweep draws the rows of table2_sweep.csv: for each (min_size,
// jump) of the rows a panel, in the order first seen, with the share of
// the eligible pairs in each of groups A to D (one line each, a mark at
// each penalty swept) against the penalty, on a log scale when every
// penalty is positive and they span a factor of 10 or more. The points of
// the artefacts' parameters (changepoint.DefaultConfig) are ringed.
func Table2Sweep(rows []tables.SweepRow) (*Figure, error) {
	type key struct{ minSize, jump int }
	var keys []key
	shares := map[key]map[string]plotter.XYs{}
	var pens []float64
	for _, r := range rows {
		if !slices.ContainsFunc(table2Groups, func(g struct{ name, legend string }) bool { return g.name == r.Category }) {
			continue
		}
		k := key{r.Pelt.MinSize, r.Pelt.Jump}
		if shares[k] == nil {
			keys = append(keys, k)
			shares[k] = map[string]plotter.XYs{}
		}
		shares[k][r.Category] = append(shares[k][r.Category], plotter.XY{X: r.Pelt.Penalty, Y: r.Share})
		if !slices.Contains(pens, r.Pelt.Penalty) && !math.IsNaN(r.Pelt.Penalty) && !math.IsInf(r.Pelt.Penalty, 0) {
			pens = append(pens, r.Pelt.Penalty)
		}
	}
	if len(keys) == 0 || len(pens) == 0 {
		return nil, ErrNoSweep
	}
	slices.Sort(pens)
	lo, hi := pens[0], pens[len(pens)-1]
	logX := lo > 0 && hi/lo >= 10
	ticks := make([]plot.Tick, len(pens))
	for i, p := range pens {
		ticks[i] = plot.Tick{Value: p, Label: csvtable.FormatFloat(p)}
	}
	xLabel := "PELT penalty"
	if logX {
		xLabel += " (log scale)"
	}
	cols := min(len(keys), 2)
	nrows := (len(keys) + cols - 1) / cols
	d := changepoint.DefaultConfig()
	fig := &Figure{Name: "table2_sweep", Cols: cols, Height: vg.Length(nrows) * 4.5 * vg.Inch,
		Title: fmt.Sprintf("Table 2 against the PELT penalty (the artefacts': min_size %d, jump %d, penalty %g)", d.MinSize, d.Jump, d.Penalty)}
	for _, k := range keys {
		title := fmt.Sprintf("min_size %d, jump %d", k.minSize, k.jump)
		// The artefacts' parameters, ringed.
		var ringed plotter.XYs
		if k.minSize == d.MinSize && k.jump == d.Jump && slices.Contains(pens, d.Penalty) {
			title += fmt.Sprintf(" (ringed: penalty %g, the artefacts')", d.Penalty)
			for _, g := range table2Groups {
				for _, xy := range shares[k][g.name] {
					if xy.X == d.Penalty {
						ringed = append(ringed, xy)
					}
				}
			}
		}
		p := newPanel(title, xLabel, "share of eligible pairs")
		if logX {
			p.X.Scale = plot.LogScale{}
			p.X.Min, p.X.Max = lo/1.15, hi*1.15
		} else {
			pad := 0.03 * (hi - lo)
			if pad == 0 {
				pad = 1
			}
			p.X.Min, p.X.Max = lo-pad, hi+pad
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Tick.Marker = cdfTicks
		for i, g := range table2Groups {
			xys := shares[k][g.name]
			slices.SortStableFunc(xys, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
			l, err := plotter.NewLine(xys)
			if err != nil {
				return nil, fmt.Errorf("render: Table 2 sweep, group %s: %w", g.name, err)
			}
			c, dash := seriesStyle(i)
			l.Color, l.Dashes, l.Width = c, dash, vg.Points(1.5)
			p.addLines(l)
			s, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("render: Table 2 sweep, group %s: %w", g.name, err)
			}
			s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			p.Plot.Add(s)
			p.addLegend(g.legend, l, s)
			fig.Legend = append(fig.Legend, g.legend)
		}
		if len(ringed) > 0 {
			r, err := plotter.NewScatter(ringed)
			if err != nil {
				return nil, fmt.Errorf("render: Table 2 sweep: %w", err)
			}
			r.GlyphStyle = draw.GlyphStyle{Color: OkabeItoBlack, Radius: vg.Points(6), Shape: draw.RingGlyph{}}
			p.Plot.Add(r)
		}
		fig.add(p)
	}
	return fig, nil
}
