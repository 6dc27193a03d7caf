package render

import (
	"fmt"
	"math"

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
	for _, m := range metrics {
		p := newPanel(PolicyMetricLabel(m), PolicyMetricLabel(m), "CDF over pairs")
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
			p.X.Tick.Marker = denseTicks{Min: 4}
		} else {
			lo, hi = math.NaN(), math.NaN()
		}
		cut, top := false, math.Inf(-1)
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
			l.Color, l.Dashes = seriesStyle(i)
			p.addLines(l)
			if p.cutCurve(*e, l, math.NaN(), hi) {
				cut, top = true, math.Max(top, e.X[len(e.X)-1])
			}
		}
		p.addCuts()
		if cut {
			p.X.Label.Text += fmt.Sprintf("\n► axis cut: all CDFs ≥ 0.95; max %s", num(top))
		}
		fig.add(p)
	}
	// The legend, in a panel of its own; then blank panels to fill the grid.
	leg := &panel{Plot: plot.New()}
	leg.HideAxes()
	leg.Title.Text = "Policies"
	leg.Title.TextStyle.Font.Size = vg.Points(13)
	leg.legend.Legend = plot.NewLegend()
	leg.legend.TextStyle.Font.Size = vg.Points(12)
	leg.legend.ThumbnailWidth = vg.Points(36)
	leg.legend.corners = []corner{{top: true, left: true}}
	// Long names (every parameter spelled out) shrink the text, down to
	// 8 pt, rather than run past the panel's edge.
	room := Width/vg.Length(cols) - leg.legend.ThumbnailWidth - vg.Points(72)
	for _, pol := range policies {
		if w := leg.legend.TextStyle.Width(pol); w > room {
			leg.legend.TextStyle.Font.Size = max(vg.Points(8), leg.legend.TextStyle.Font.Size*room/w)
		}
	}
	for i, pol := range policies {
		l := orEmpty(nil)
		l.Color, l.Dashes = seriesStyle(i)
		l.Width = vg.Points(2.4)
		leg.addLegend(pol, l)
		fig.Legend = append(fig.Legend, pol)
	}
	fig.add(leg)
	for len(fig.Panels)%cols != 0 {
		b := plot.New()
		b.HideAxes()
		fig.Panels = append(fig.Panels, b)
	}
	return fig, nil
}
