package report

import (
	"fmt"
	"math"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/stats"
)

const failuresIntro = "Failed tests were kept (--failures): Tables 1 and 2, the replay and the figures above use only the rows whose two tests worked, as the authors' query keeps them. Counts over the pairs with at least the eligibility threshold of paired tests (failures.csv); a probe's rate is over all its tests. Intervals are Wilson 95% score intervals."

const failurePoliciesIntro = "Every round replayed, failures included (policies_failures.csv): a client waits the OS connect timeout on a silent failure (connect or read timeout) and learns of the others at once; Happy Eyeballs clients fall back to the other family, single-address clients (fixed families, EXP3 steering by DNS) fail. Times are pooled over the requests of all pairs (and runs); the mean counts a failed request at the time the client gave up; p50 and p99 (histogram bins at most 1.6% wide) count it as never answered: a p99 shows \"fails\" when more than 1% of the requests fail."

// FailureLine is one line of the failures table.
type FailureLine struct {
	Scope, Measure string
	Count, Total   int64
	Share          string // percent with its interval
}

// FailureLines formats the rows of failures.csv.
func FailureLines(rows []failures.Row) []FailureLine {
	var out []FailureLine
	for _, r := range rows {
		lo, hi := stats.Wilson(r.Count, r.Total)
		share := "—"
		if r.Total > 0 {
			share = fmt.Sprintf("%.3g%% (%.3g–%.3g%%)", 100*r.Share(), 100*lo, 100*hi)
		}
		out = append(out, FailureLine{Scope: r.Scope, Measure: r.Measure, Count: r.Count, Total: r.Total, Share: share})
	}
	return out
}

// failureMetrics are the columns of the client tables.
var failureMetrics = []string{"mean ms", "p50 ms", "p99 ms", "failed %", "slow (> 1 s) %", "conns / request", "IPv4 conns / request"}

// FailurePolicyTables arranges policies_failures.csv per zone, all pairs
// first.
func FailurePolicyTables(rows []compare.FailureRow) []PolicyZone {
	var out []PolicyZone
	for _, z := range []stats.Zone{0, stats.ZoneV4, stats.ZoneNone, stats.ZoneV6} {
		pz := PolicyZone{Zone: z.Label(), Metrics: failureMetrics}
		if z == 0 {
			pz.Zone = "all pairs"
		}
		for _, r := range rows {
			if r.Zone != z {
				continue
			}
			pz.Pairs = int(r.Pairs)
			pz.Lines = append(pz.Lines, PolicyLine{Policy: r.Policy, Medians: []string{
				fmtOr(r.MeanMs, "%.1f"), msOrFails(r.P50Ms, "%.1f"), msOrFails(r.P99Ms, "%.0f"),
				fmtOr(100*r.FailedShare, "%.3f"), fmtOr(100*r.SlowShare, "%.3f"),
				fmtOr(r.Conns, "%.3f"), fmtOr(r.V4Conns, "%.3f")}})
		}
		if pz.Pairs > 0 {
			out = append(out, pz)
		}
	}
	return out
}

// msOrFails formats a quantile of the times to a response: "fails" when it
// falls among the failed requests (+Inf).
func msOrFails(x float64, f string) string {
	if math.IsInf(x, 1) {
		return "fails"
	}
	return fmtOr(x, f)
}
