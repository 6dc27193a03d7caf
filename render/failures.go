package render

import (
	"fmt"
	"math"
	"strconv"

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
	// The y axis is log10 of the share on a linear scale: gonum's log
	// scale on y pads the panel's top by the height of its labels.
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.X.Min, p.X.Max = xLo, xHi
	p.Y.Min, p.Y.Max = math.Log10(floor), 0
	var yt []plot.Tick
	for e := 0.0; e >= p.Y.Min; e-- {
		yt = append(yt, plot.Tick{Value: e, Label: strconv.FormatFloat(math.Pow(10, e), 'g', -1, 64)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	logY := func(y float64) float64 { return math.Log10(max(y, floor)) }
	fig := &Figure{Name: "policies_failures", Cols: 1, Height: 6.75 * vg.Inch,
		Title: fmt.Sprintf("Time per request with failures counted: %d policies", len(policies))}
	// The legend goes bottom left, where no curve passes: every request
	// takes some milliseconds, so the curves stay at 1 there.
	p.Legend.Top, p.Legend.Left = false, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(6), vg.Points(6)
	p.Legend.TextStyle.Font.Size = vg.Points(9.5)
	p.Legend.ThumbnailWidth = vg.Points(30)
	for i, pol := range policies {
		xy := plotter.XYs{{X: xLo, Y: 0}}
		for _, q := range curves[pol] {
			if q.x <= xLo {
				xy[0].Y = logY(q.y)
				continue
			}
			xy = append(xy, plotter.XY{X: min(q.x, xHi), Y: logY(q.y)})
		}
		xy = append(xy, plotter.XY{X: xHi, Y: xy[len(xy)-1].Y}) // failures: never answered
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.StepStyle = plotter.PostStep
		l.Width = vg.Points(1.6)
		l.Color, l.Dashes = seriesStyle(i)
		addLines(p, l)
		p.Legend.Add(pol, l)
		fig.Legend = append(fig.Legend, pol)
	}
	fig.Panels = []*plot.Plot{p}
	return fig, nil
}
