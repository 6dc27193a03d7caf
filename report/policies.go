package report

import (
	"math"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/stats"
)

// PolicyLine is one policy's medians in a zone.
type PolicyLine struct {
	Policy  string
	Medians []string // formatted, one per metric of the zone table
}

// PolicyZone is the policy table of one zone: rows policies, columns the
// median of each metric.
type PolicyZone struct {
	Zone    string // label: "IPv4 is better", ..., "all"
	KeyName string // the first column's title; "" is "policy"
	Pairs   int
	Metrics []string // labels
	Lines   []PolicyLine
}

// PolicyTables arranges the rows of policies.csv (compare.ReadSummary) per
// zone in the order found.
func PolicyTables(rows []compare.SummaryRow) []PolicyZone {
	metrics := firstSeen(rows, func(s compare.SummaryRow) string { return s.Metric })
	zones := firstSeen(rows, func(s compare.SummaryRow) stats.Zone { return s.Zone })
	var out []PolicyZone
	for _, z := range zones {
		pz := PolicyZone{Zone: z.Label()}
		for _, m := range metrics {
			pz.Metrics = append(pz.Metrics, render.PolicyMetricLabel(m))
		}
		byKey := map[[2]string]compare.SummaryRow{}
		var inZone []compare.SummaryRow
		for _, s := range rows {
			if s.Zone == z {
				byKey[[2]string{s.Policy, s.Metric}] = s
				inZone = append(inZone, s)
				pz.Pairs = max(pz.Pairs, s.Pairs)
			}
		}
		for _, pol := range firstSeen(inZone, func(s compare.SummaryRow) string { return s.Policy }) {
			l := PolicyLine{Policy: pol}
			for _, m := range metrics {
				v := math.NaN()
				if s, ok := byKey[[2]string{pol, m}]; ok {
					v = s.Median
				}
				f := "%.1f"
				if m == "best_choice" || m == "conns_per_request" {
					f = "%.3f"
				}
				l.Medians = append(l.Medians, fmtOr(v, f))
			}
			pz.Lines = append(pz.Lines, l)
		}
		out = append(out, pz)
	}
	return out
}

// firstSeen returns the distinct keys of rows, in order of first
// appearance.
func firstSeen[T any, K comparable](rows []T, key func(T) K) []K {
	var out []K
	seen := map[K]bool{}
	for _, r := range rows {
		if k := key(r); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
