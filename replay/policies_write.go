package replay

import (
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/afsel/afsel/stats"
)

// PolicyMetricNames are the metric columns of the policy outputs, in the
// order of PolicyMetrics' fields.
var PolicyMetricNames = []string{"best_choice", "mean_ms", "gain_v6_ms", "regret_ms", "conns_per_request"}

func (m PolicyMetrics) values() [5]float64 {
	return [5]float64{m.BestChoice, m.MeanMs, m.GainV6, m.Regret, m.Conns}
}

// WritePolicyPairs writes policies_pairs.csv: prb_id,anchor_id,zone,
// probe_family,policy, then PolicyMetricNames; one row per eligible pair
// and policy. Empty values are undefined (per-probe best without a family).
func WritePolicyPairs(w io.Writer, r *PolicyResult) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"prb_id", "anchor_id", "zone", "probe_family", "policy"}, PolicyMetricNames...))
	for i := range r.Pairs {
		p := &r.Pairs[i]
		for j, l := range r.Labels {
			rec := []string{strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10), strconv.Itoa(int(p.Zone)), string(p.Family), l}
			for _, v := range p.Metrics[j].values() {
				rec = append(rec, formatFloat(v))
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// PolicyRow summarises one policy's metric over the eligible pairs of one
// zone (Zone 0: all zones), NaN values left out.
type PolicyRow struct {
	Zone       stats.Zone
	Policy     string
	Metric     string
	Pairs      int
	Q1, Median float64 // quartiles over pairs (numpy linear)
	Q3         float64
	Mean       float64
}

// PolicySummary summarises r per zone (1, 2, 3, then all), policy and
// metric.
func PolicySummary(r *PolicyResult) []PolicyRow {
	var rows []PolicyRow
	var x []float64
	for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0} {
		for j, l := range r.Labels {
			for m, name := range PolicyMetricNames {
				x = x[:0]
				for i := range r.Pairs {
					p := &r.Pairs[i]
					if z != 0 && p.Zone != z {
						continue
					}
					if v := p.Metrics[j].values()[m]; !math.IsNaN(v) {
						x = append(x, v)
					}
				}
				slices.Sort(x)
				row := PolicyRow{Zone: z, Policy: l, Metric: name, Pairs: len(x)}
				row.Q1, row.Median, row.Q3 = math.NaN(), math.NaN(), math.NaN()
				row.Mean = math.NaN()
				if len(x) > 0 {
					row.Q1, row.Median, row.Q3 = stats.Quantile(x, 0.25), stats.Quantile(x, 0.5), stats.Quantile(x, 0.75)
					var s float64
					for _, v := range x {
						s += v
					}
					row.Mean = s / float64(len(x))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

func zoneField(z stats.Zone) string {
	if z == 0 {
		return "all"
	}
	return strconv.Itoa(int(z))
}

// WritePolicySummary writes policies.csv: zone,policy,metric,pairs,q1,
// median,q3,mean with zone 1, 2, 3 or "all"; empty values: no pairs.
func WritePolicySummary(w io.Writer, r *PolicyResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"zone", "policy", "metric", "pairs", "q1", "median", "q3", "mean"})
	for _, row := range PolicySummary(r) {
		cw.Write([]string{zoneField(row.Zone), row.Policy, row.Metric, strconv.Itoa(row.Pairs),
			formatFloat(row.Q1), formatFloat(row.Median), formatFloat(row.Q3), formatFloat(row.Mean)})
	}
	cw.Flush()
	return cw.Error()
}

// WritePolicySegments writes policies_segments.csv for the pairs of
// Table 2's groups A and C: prb_id,anchor_id,group,zone,policy,segment,
// start,end,segment_zone,best_choice,recover_rounds. recover_rounds is
// empty when not applicable and "inf" when the policy did not recover
// within the regime up to the next change of zone (median run).
func WritePolicySegments(w io.Writer, r *PolicyResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"prb_id", "anchor_id", "group", "zone", "policy", "segment", "start", "end", "segment_zone", "best_choice", "recover_rounds"})
	for i := range r.Pairs {
		p := &r.Pairs[i]
		if p.Group == "" {
			continue
		}
		for j, l := range r.Labels {
			for k, sg := range p.Segments {
				m := p.SegMetrics[j][k]
				rec := "inf"
				if !math.IsInf(m.Recover, 1) {
					rec = formatFloat(m.Recover)
				}
				cw.Write([]string{strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10), p.Group,
					strconv.Itoa(int(p.Zone)), l, strconv.Itoa(k), strconv.Itoa(sg.Start), strconv.Itoa(sg.End),
					strconv.Itoa(int(sg.Zone)), formatFloat(m.BestChoice), rec})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WritePolicyCDF writes policies_cdf.csv in the tidy figure form
// figure,panel,series,x,y: figure "policies", one panel per metric, one
// series per policy, the exact ECDF over eligible pairs (NaN left out) as
// points (x, share of pairs <= x).
func WritePolicyCDF(w io.Writer, r *PolicyResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"figure", "panel", "series", "x", "y"})
	var x []float64
	for m, name := range PolicyMetricNames {
		for j, l := range r.Labels {
			x = x[:0]
			for i := range r.Pairs {
				if v := r.Pairs[i].Metrics[j].values()[m]; !math.IsNaN(v) {
					x = append(x, v)
				}
			}
			slices.Sort(x)
			n := float64(len(x))
			for i, v := range x {
				if i+1 < len(x) && x[i+1] == v {
					continue
				}
				cw.Write([]string{"policies", name, l, formatFloat(v), formatFloat(float64(i+1) / n)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
