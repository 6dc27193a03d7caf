package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/stats"
)

// TestReportFailures: the failures sections, with their numbers, and their
// absence without failures.
func TestReportFailures(t *testing.T) {
	rows := []failures.Row{{Scope: "tests", Measure: "v6_failed", Count: 15, Total: 1000}, {Scope: "pairs", Measure: "v6_rate_over_5pct", Count: 0, Total: 0}}
	pol := []compare.FailureRow{
		{Zone: 0, Policy: "he:chrome", Pairs: 7, Requests: 2000, MeanMs: 51.25, P50Ms: 40, P99Ms: 350, FailedShare: 0, SlowShare: 0.001, Conns: 1.02, V4Conns: 0.02},
		{Zone: 0, Policy: "steer", Pairs: 7, Requests: 2000, MeanMs: 300, P50Ms: 40, P99Ms: math.Inf(1), FailedShare: 0.012, SlowShare: 0, Conns: 1, V4Conns: 0.5},
		{Zone: stats.ZoneV6, Policy: "steer", Pairs: 0},
	}
	for _, with := range []bool{true, false} {
		r := &Report{}
		if with {
			r.Failures, r.FailurePolicies = FailureLines(rows), FailurePolicyTables(pol)
		}
		var h, m bytes.Buffer
		if err := WriteHTML(&h, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&m, r); err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"html": h.String(), "md": m.String()} {
			for _, section := range []string{"Failures", "Clients with failures counted"} {
				if got := strings.Contains(s, section); got != with {
					t.Errorf("%s: %q present %v, want %v", name, section, got, with)
				}
			}
			if !with {
				continue
			}
			fails := map[string]string{"html": "<td>fails</td>", "md": "| fails |"}[name]
			for _, want := range []string{"1.5% (0.911–2.46%)", "all pairs (7 pairs)", "51.2", fails, "1.200", "0.500"} {
				if !strings.Contains(s, want) {
					t.Errorf("%s: no %q", name, want)
				}
			}
			if strings.Contains(s, "Inf") {
				t.Errorf("%s: an infinite p99 printed as a number", name)
			}
			if strings.Contains(s, "IPv6 is better (0 pairs)") {
				t.Errorf("%s: a zone without pairs is shown", name)
			}
		}
	}
}
