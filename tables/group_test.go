package tables

import (
	"testing"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/stats"
)

func TestGroup(t *testing.T) {
	segs := func(zones ...stats.Zone) []changepoint.Segment {
		var out []changepoint.Segment
		for i, z := range zones {
			out = append(out, changepoint.Segment{Start: 10 * i, End: 10 * (i + 1), Zone: z})
		}
		return out
	}
	v4, none, v6 := stats.ZoneV4, stats.ZoneNone, stats.ZoneV6
	tests := []struct {
		name   string
		global stats.Zone
		segs   []changepoint.Segment
		want   Groups
	}{
		{"stationary v4", v4, segs(v4, v4), Groups{}},
		{"v4 with a v6 segment", v4, segs(v4, v6), Groups{A: true}},
		{"v6 with a v4 segment", v6, segs(v6, v4, v6), Groups{A: true}},
		{"v6 with a none segment", v6, segs(v6, none), Groups{B: true}},
		{"A and B", v4, segs(v6, none, v4), Groups{A: true, B: true}},
		{"none with a v6 segment", none, segs(none, v6), Groups{C: true}},
		{"stationary none", none, segs(none), Groups{}},
		{"no segments", v4, nil, Groups{}},
		{"unclassified segment ignored", v4, segs(0, v4), Groups{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Group(tt.global, tt.segs); got != tt.want {
				t.Errorf("Group = %+v, want %+v", got, tt.want)
			}
		})
	}
}
