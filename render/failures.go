package render

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/figures"
)

// PolicyFailures draws the comparison with failures from the tidy rows of
// policies_failures_cdf.csv: for each policy (series), the share of
// requests not answered within x (failed requests never are), on log-log
// axes, so that a tail of 0.1% at 21 s, or a floor of 1% failures, is as
// visible as the body at 50 ms.
func PolicyFailures(rows []figures.Row) (*Figure, error) {
	policies := firstSeen(rows, func(r figures.Row) string { return r.Series })
	if len(policies) == 0 {
		return nil, fmt.Errorf("%w: policies_failures_cdf.csv has no rows", figures.ErrBadInput)
	}
	type pt struct{ x, y float64 }
	curves := map[string][]pt{}
	yMin := 1.0
	for _, r := range rows {
		if math.IsNaN(r.X) || math.IsNaN(r.Y) {
			continue
		}
		c := 1 - r.Y
		curves[r.Series] = append(curves[r.Series], pt{r.X, c})
		if c > 1e-9 {
			yMin = min(yMin, c)
		}
	}
	floor := math.Pow(10, math.Floor(math.Log10(yMin)))
	const xLo, xHi = 1.0, 1e6
	p := newPlot("Time per request with failures counted", "time to a response (ms, log scale)", "share of requests not answered by then (log scale)")
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.X.Min, p.X.Max = xLo, xHi
	p.Y.Min, p.Y.Max = floor, 1
	fig := &Figure{Name: "policies_failures", Cols: 2, Height: 5.25 * vg.Inch,
		Title: fmt.Sprintf("Time per request with failures counted: %d policies", len(policies))}
	leg := plot.New()
	leg.HideAxes()
	leg.Title.Text = "Policies"
	leg.Title.TextStyle.Font.Size = vg.Points(13)
	leg.Legend.TextStyle.Font.Size = vg.Points(11)
	leg.Legend.Top, leg.Legend.Left = true, true
	leg.Legend.XOffs, leg.Legend.YOffs = vg.Points(12), -vg.Points(4)
	leg.Legend.ThumbnailWidth = vg.Points(36)
	for i, pol := range policies {
		xy := plotter.XYs{{X: xLo, Y: 1}}
		for _, q := range curves[pol] {
			if q.x <= xLo {
				xy[0].Y = max(q.y, floor)
				continue
			}
			xy = append(xy, plotter.XY{X: min(q.x, xHi), Y: max(q.y, floor)})
		}
		xy = append(xy, plotter.XY{X: xHi, Y: xy[len(xy)-1].Y}) // failures: never answered
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.StepStyle = plotter.PostStep
		l.Width = vg.Points(1.6)
		l.Color, l.Dashes = policyPalette[i%len(policyPalette)], dashes[(i/len(policyPalette))%len(dashes)]
		addLines(p, l)
		e := orEmpty(nil)
		e.Color, e.Dashes, e.Width = l.Color, l.Dashes, vg.Points(2.4)
		leg.Legend.Add(pol, e)
		fig.Legend = append(fig.Legend, pol)
	}
	fig.Panels = []*plot.Plot{p, leg}
	return fig, nil
}
