package failures

import (
	"fmt"
	"math"
	"slices"

	"github.com/afsel/afsel/outcome"
)

// Thresholds of the failure rates the table counts pairs and probes above.
var Thresholds = []float64{0.01, 0.05}

// Row is one line of the failures table: count of total, with its share
// and the share's Wilson 95% interval.
type Row struct {
	Scope   string // "tests", "pairs" or "probes"
	Measure string // e.g. "v6_failed", "v6_connect_timeout", "v6_rate_over_1pct", "failures_v6_only"
	Count   int64
	Total   int64
}

// Share is Count over Total (NaN when Total is 0).
func (r Row) Share() float64 {
	if r.Total == 0 {
		return math.NaN()
	}
	return float64(r.Count) / float64(r.Total)
}

// Table summarises the pairs with at least minTests attempts: failed tests
// per family and outcome; pairs and probes (a probe's rate is over all its
// counted pairs' tests) whose failure rate is above each of Thresholds per
// family; and those with failures in IPv4 only, IPv6 only, both, or none.
// ps need not be sorted.
func Table(ps []Pair, minTests int) []Row {
	var tests, failed [2]int64
	byOutcome := [2][]int64{make([]int64, len(outcome.Codes())), make([]int64, len(outcome.Codes()))}
	type agg struct{ tests, failed [2]int64 }
	probes := map[int64]*agg{}
	var pairRows []agg
	for i := range ps {
		p := &ps[i]
		if p.Tests[V4] < int64(minTests) {
			continue
		}
		a := agg{tests: p.Tests, failed: p.Failed}
		pairRows = append(pairRows, a)
		pa := probes[p.Probe]
		if pa == nil {
			pa = &agg{}
			probes[p.Probe] = pa
		}
		for f := range 2 {
			tests[f] += p.Tests[f]
			failed[f] += p.Failed[f]
			pa.tests[f] += p.Tests[f]
			pa.failed[f] += p.Failed[f]
			for c, n := range p.ByOutcome[f] {
				byOutcome[f][c] += n
			}
		}
	}
	fam := [2]string{"v4", "v6"}
	var rows []Row
	for f := range 2 {
		rows = append(rows, Row{"tests", fam[f] + "_failed", failed[f], tests[f]})
		for _, c := range outcome.Failures() {
			rows = append(rows, Row{"tests", fam[f] + "_" + c.String(), byOutcome[f][c], tests[f]})
		}
	}
	ids := make([]int64, 0, len(probes))
	for id := range probes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	probeRows := make([]agg, len(ids))
	for i, id := range ids {
		probeRows[i] = *probes[id]
	}
	for _, u := range []struct {
		scope string
		aggs  []agg
	}{{"pairs", pairRows}, {"probes", probeRows}} {
		total := int64(len(u.aggs))
		for f := range 2 {
			for _, th := range Thresholds {
				var n int64
				for _, a := range u.aggs {
					if a.tests[f] > 0 && float64(a.failed[f]) > th*float64(a.tests[f]) {
						n++
					}
				}
				rows = append(rows, Row{u.scope, fmt.Sprintf("%s_rate_over_%gpct", fam[f], th*100), n, total})
			}
		}
		var only4, only6, both, none int64
		for _, a := range u.aggs {
			switch f4, f6 := a.failed[V4] > 0, a.failed[V6] > 0; {
			case f4 && f6:
				both++
			case f4:
				only4++
			case f6:
				only6++
			default:
				none++
			}
		}
		rows = append(rows,
			Row{u.scope, "failures_v4_only", only4, total},
			Row{u.scope, "failures_v6_only", only6, total},
			Row{u.scope, "failures_both", both, total},
			Row{u.scope, "no_failures", none, total})
	}
	return rows
}
