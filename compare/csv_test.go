package compare

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/stats"
)

// labelResult is a comparison of two policies on a pair of Table 2's group
// A and a pair where neither family is better.
func labelResult() *Result {
	m := Metrics{BestChoice: 0.75, MeanMs: 80.5, GainV6: 1.5, Regret: 12, Conns: 1}
	sm := SegmentMetrics{BestChoice: 0.5, Recover: math.Inf(1)}
	return &Result{Labels: []string{"v6", "exp3"}, Pairs: []Pair{
		{Probe: 1, Anchor: 2, N: 300, Zone: stats.ZoneV4, Family: "v4", Metrics: []Metrics{m, m}, Group: "A",
			Segments:   []changepoint.Segment{{Start: 0, End: 150, Zone: stats.ZoneV4}, {Start: 150, End: 300, Zone: stats.ZoneV6}},
			SegMetrics: [][]SegmentMetrics{{sm, sm}, {sm, sm}}},
		{Probe: 3, Anchor: 2, N: 200, Zone: stats.ZoneNone, Metrics: []Metrics{m, m}},
	}}
}

// TestLabels: with Labels, policies_pairs.csv, policies.csv and
// policies_segments.csv gain their label columns last, every other field
// as without; ReadSummary reads policies.csv in both forms alike.
func TestLabels(t *testing.T) {
	r := labelResult()
	for _, c := range []struct {
		file  string
		write func(io.Writer, ...WriteOptions) error
		// the label columns of the header, and of each row by its zone
		// columns' values
		head  []string
		label func(rec []string) []string
	}{
		{"policies_pairs.csv", func(w io.Writer, o ...WriteOptions) error { return WritePairs(w, r, o...) },
			[]string{"zone_label"}, func(rec []string) []string { return []string{zoneText(rec[2])} }},
		{"policies.csv", func(w io.Writer, o ...WriteOptions) error { return WriteSummary(w, r, o...) },
			[]string{"zone_label"}, func(rec []string) []string { return []string{zoneText(rec[0])} }},
		{"policies_segments.csv", func(w io.Writer, o ...WriteOptions) error { return WriteSegments(w, r, o...) },
			[]string{"zone_label", "segment_zone_label"}, func(rec []string) []string { return []string{zoneText(rec[3]), zoneText(rec[8])} }},
	} {
		t.Run(c.file, func(t *testing.T) {
			var plain, labelled bytes.Buffer
			if err := c.write(&plain); err != nil {
				t.Fatal(err)
			}
			if err := c.write(&labelled, WriteOptions{Labels: true}); err != nil {
				t.Fatal(err)
			}
			pr, _ := csv.NewReader(&plain).ReadAll()
			lr, err := csv.NewReader(&labelled).ReadAll()
			if err != nil || len(lr) != len(pr) || len(pr) < 2 {
				t.Fatalf("%d lines with labels, %d without: %v", len(lr), len(pr), err)
			}
			for i := range lr {
				n := len(pr[i])
				want := c.head
				if i > 0 {
					want = c.label(pr[i])
				}
				if !slices.Equal(lr[i][:n], pr[i]) || !slices.Equal(lr[i][n:], want) {
					t.Errorf("line %d: %q, want %q then %q", i+1, lr[i], pr[i], want)
				}
			}
		})
	}
	var plain, labelled bytes.Buffer
	WriteSummary(&plain, r)
	WriteSummary(&labelled, r, WriteOptions{Labels: true})
	a, err := ReadSummary(&plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadSummary(&labelled)
	if err != nil {
		t.Fatal(err)
	}
	same := func(x, y SummaryRow) bool {
		return x.Zone == y.Zone && x.Policy == y.Policy && x.Metric == y.Metric && x.Pairs == y.Pairs
	}
	if !slices.EqualFunc(a, b, same) {
		t.Errorf("read with labels %+v, without %+v", b, a)
	}
	bad := strings.Replace(labelled.String(), ",IPv4 is better\n", ",IPv6 is better\n", 1)
	if _, err := ReadSummary(strings.NewReader(bad)); err == nil {
		t.Error("ReadSummary took a zone_label that disagrees with zone")
	}
}

// zoneText is the label of a zone field: "1" is "IPv4 is better", "all"
// "all".
func zoneText(f string) string {
	switch f {
	case "1", "2", "3":
		return stats.Zone(f[0] - '0').Label()
	}
	return f
}
