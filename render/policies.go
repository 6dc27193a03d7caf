package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/figures"
)

// policyMetricLabels names the metrics of afsel replay --policies; others
// are shown by their column name.
var policyMetricLabels = map[string]string{
	"best_choice":       "best-choice ratio",
	"mean_ms":           "mean RCT (ms)",
	"gain_v6_ms":        "gain vs IPv6 (ms)",
	"regret_ms":         "regret (ms)",
	"conns_per_request": "connections per request",
}

// PolicyMetricLabel is the human name of a policies.csv metric.
func PolicyMetricLabel(m string) string {
	if l, ok := policyMetricLabels[m]; ok {
		return l
	}
	return m
}

// policyPalette is ColorBrewer Dark2 (8 colours); past 8 policies the dash
// changes.
var policyPalette = []color.Color{
	color.RGBA{0x1b, 0x9e, 0x77, 0xff}, color.RGBA{0xd9, 0x5f, 0x02, 0xff},
	color.RGBA{0x75, 0x70, 0xb3, 0xff}, color.RGBA{0xe7, 0x29, 0x8a, 0xff},
	color.RGBA{0x66, 0xa6, 0x1e, 0xff}, color.RGBA{0xe6, 0xab, 0x02, 0xff},
	color.RGBA{0xa6, 0x76, 0x1d, 0xff}, color.RGBA{0x66, 0x66, 0x66, 0xff},
}

// firstSeen returns the distinct values of key over rows, in order of first
// appearance.
func firstSeen[T any](rows []T, key func(T) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		k := key(r)
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// policyPanelColumns is the number of panel columns of the policies figure.
const policyPanelColumns = 3

// Policies draws the policy comparison from the tidy rows of
// policies_cdf.csv: one CDF panel per metric (panel), one line per policy
// (series), and the legend in a panel of its own. The x axis of each panel
// stops where every policy's CDF has reached 0.95, so long tails do not
// squeeze the rest.
func Policies(rows []figures.Row, points int) (*Figure, error) {
	metrics := firstSeen(rows, func(r figures.Row) string { return r.Panel })
	policies := firstSeen(rows, func(r figures.Row) string { return r.Series })
	if len(metrics) == 0 {
		return nil, fmt.Errorf("%w: policies_cdf.csv has no rows", figures.ErrBadInput)
	}
	curves := map[[2]string]*figures.ECDF{}
	for _, r := range rows {
		if math.IsNaN(r.X) || math.IsNaN(r.Y) {
			continue
		}
		k := [2]string{r.Panel, r.Series}
		e := curves[k]
		if e == nil {
			e = &figures.ECDF{}
			curves[k] = e
		}
		e.X, e.P = append(e.X, r.X), append(e.P, r.Y)
		e.N++
	}
	nPanels := len(metrics) + 1
	cols := min(policyPanelColumns, nPanels)
	nrows := (nPanels + cols - 1) / cols
	fig := &Figure{Name: "policies", Cols: cols, Height: vg.Length(nrows) * 4.25 * vg.Inch,
		Title: fmt.Sprintf("Policy comparison: CDFs over pairs of %d policies", len(policies))}
	style := func(i int) (color.Color, []vg.Length) {
		return policyPalette[i%len(policyPalette)], dashes[(i/len(policyPalette))%len(dashes)]
	}
	for _, m := range metrics {
		p := newPlot(PolicyMetricLabel(m), PolicyMetricLabel(m), "CDF over pairs")
		cdfAxis(p)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, pol := range policies {
			e := curves[[2]string{m, pol}]
			if e == nil || len(e.X) == 0 {
				continue
			}
			lo = math.Min(lo, e.X[0])
			q := e.X[len(e.X)-1]
			for i, y := range e.P {
				if y >= 0.95 {
					q = e.X[i]
					break
				}
			}
			hi = math.Max(hi, q)
		}
		if m == "best_choice" {
			shareAxis(p)
			lo, hi = math.NaN(), math.NaN()
		} else if lo < hi {
			pad := 0.02 * (hi - lo)
			p.X.Min, p.X.Max = lo-pad, hi+pad
			p.X.Tick.Marker = plainTicks{}
		} else {
			lo, hi = math.NaN(), math.NaN()
		}
		for i, pol := range policies {
			e := curves[[2]string{m, pol}]
			if e == nil {
				continue
			}
			l, err := stepLine(*e, points, math.NaN(), hi)
			if err != nil {
				return nil, err
			}
			if l == nil {
				continue
			}
			l.Color, l.Dashes = style(i)
			addLines(p, l)
		}
		fig.Panels = append(fig.Panels, p)
	}
	// The legend panel, then blank panels to fill the grid.
	leg := plot.New()
	leg.HideAxes()
	leg.Title.Text = "Policies"
	leg.Title.TextStyle.Font.Size = vg.Points(13)
	leg.Legend.TextStyle.Font.Size = vg.Points(12)
	leg.Legend.Top, leg.Legend.Left = true, true
	leg.Legend.XOffs, leg.Legend.YOffs = vg.Points(12), -vg.Points(4)
	leg.Legend.ThumbnailWidth = vg.Points(36)
	for i, pol := range policies {
		l := orEmpty(nil)
		l.Color, l.Dashes = style(i)
		l.Width = vg.Points(2.4)
		leg.Legend.Add(pol, l)
		fig.Legend = append(fig.Legend, pol)
	}
	fig.Panels = append(fig.Panels, leg)
	for len(fig.Panels)%cols != 0 {
		b := plot.New()
		b.HideAxes()
		fig.Panels = append(fig.Panels, b)
	}
	return fig, nil
}

// plainTicks are gonum's default ticks labelled without trailing zeros
// ("250", not "250.00").
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 6, 64)
		}
	}
	return ts
}
