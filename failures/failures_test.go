package failures

import (
	"bytes"
	"strings"
	"testing"

	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/pairs"
)

func series(probe, anchor int64, out4, out6 []outcome.Code) pairs.Series {
	s := pairs.Series{Probe: probe, Anchor: anchor, V4: make([]float64, len(out4)), V6: make([]float64, len(out4)), Out4: out4, Out6: out6}
	return s
}

func codes(n int, failed map[int]outcome.Code) []outcome.Code {
	c := make([]outcome.Code, n)
	for i, f := range failed {
		c[i] = f
	}
	return c
}

func TestCount(t *testing.T) {
	s := series(1, 10, codes(100, map[int]outcome.Code{3: outcome.ConnectTimeout}),
		codes(100, map[int]outcome.Code{1: outcome.ConnectTimeout, 2: outcome.ConnectFailed, 50: outcome.HTTPError}))
	p := Count(&s)
	if p.Tests != [2]int64{100, 100} || p.Failed != [2]int64{1, 3} {
		t.Fatalf("Count = tests %v failed %v", p.Tests, p.Failed)
	}
	if p.Outcome(V6, outcome.ConnectFailed) != 1 || p.Outcome(V6, outcome.HTTPError) != 1 || p.Outcome(V4, outcome.ConnectTimeout) != 1 || p.Outcome(V4, outcome.HTTPError) != 0 {
		t.Errorf("by outcome: %v", p.ByOutcome)
	}
	if p.Rate(V6) != 0.03 {
		t.Errorf("Rate(V6) = %v", p.Rate(V6))
	}
	plain := pairs.Series{Probe: 1, Anchor: 2, V4: []float64{1, 2}, V6: []float64{3, 4}}
	if q := Count(&plain); q.Failed != [2]int64{} || q.Tests != [2]int64{2, 2} {
		t.Errorf("Count without outcomes = %+v", q)
	}
}

func TestTable(t *testing.T) {
	const n = 200
	mk := func(probe, anchor int64, f4, f6 int) Pair {
		m4, m6 := map[int]outcome.Code{}, map[int]outcome.Code{}
		for i := range f4 {
			m4[i] = outcome.ConnectTimeout
		}
		for i := range f6 {
			m6[i] = outcome.ReadTimeout
		}
		s := series(probe, anchor, codes(n, m4), codes(n, m6))
		return Count(&s)
	}
	ps := []Pair{
		mk(1, 10, 0, 0),  // none
		mk(1, 11, 0, 4),  // v6 2%: over 1%
		mk(2, 10, 1, 12), // v6 6%: over 1% and 5%; both families
		mk(3, 10, 3, 0),  // v4 1.5%
		{Probe: 4, Anchor: 10, Tests: [2]int64{10, 10}, Failed: [2]int64{5, 5}}, // too few tests: left out
	}
	rows := Table(ps, 150)
	get := func(scope, measure string) Row {
		for _, r := range rows {
			if r.Scope == scope && r.Measure == measure {
				return r
			}
		}
		t.Fatalf("no row %s %s", scope, measure)
		return Row{}
	}
	for _, tt := range []struct {
		scope, measure string
		count, total   int64
	}{
		{"tests", "v4_failed", 4, 800},
		{"tests", "v6_failed", 16, 800},
		{"tests", "v6_read_timeout", 16, 800},
		{"tests", "v4_connect_timeout", 4, 800},
		{"pairs", "v6_rate_over_1pct", 2, 4},
		{"pairs", "v6_rate_over_5pct", 1, 4},
		{"pairs", "v4_rate_over_1pct", 1, 4},
		{"pairs", "failures_v6_only", 1, 4},
		{"pairs", "failures_v4_only", 1, 4},
		{"pairs", "failures_both", 1, 4},
		{"pairs", "no_failures", 1, 4},
		{"probes", "v6_rate_over_1pct", 1, 3}, // probe 1: 4 of 400 = 1%, not over; probe 2: 6%
		{"probes", "failures_v6_only", 1, 3},
		{"probes", "v6_rate_over_5pct", 1, 3},
	} {
		if r := get(tt.scope, tt.measure); r.Count != tt.count || r.Total != tt.total {
			t.Errorf("%s %s = %d of %d, want %d of %d", tt.scope, tt.measure, r.Count, r.Total, tt.count, tt.total)
		}
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTable(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) || back[0] != rows[0] || back[len(back)-1] != rows[len(rows)-1] {
		t.Errorf("round trip: %v, want %v", back, rows)
	}
	buf.Reset()
	SortPairs(ps)
	if err := WritePairs(&buf, ps[:1]); err != nil {
		t.Fatal(err)
	}
	want := "prb_id,anchor_id,family,tests,failed,rate,rate_lo,rate_hi,connect_timeout,connect_failed,dns_error,read_timeout,http_error,other\n"
	if got := buf.String(); !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 3 {
		t.Errorf("WritePairs:\n%s", got)
	}
}
