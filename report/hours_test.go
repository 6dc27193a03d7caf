package report

import (
	"math"
	"strings"
	"testing"

	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/stats"
)

func TestHourLines(t *testing.T) {
	nan := math.NaN()
	rows := []hours.Row{
		{Zone: stats.ZoneV4, Hour: 0, Pairs: 3, Q1: -9, Median: -5, Q3: -1},
		{Zone: stats.ZoneV4, Hour: 7, Pairs: 5, Q1: -9, Median: -8.25, Q3: -1},
		{Zone: stats.ZoneV4, Hour: 9, Pairs: 0, Q1: nan, Median: nan, Q3: nan},
		{Zone: stats.ZoneV4, Hour: 20, Pairs: 4, Q1: -3, Median: -2, Q3: 0},
		{Zone: stats.ZoneNone, Hour: 0, Pairs: 0, Q1: nan, Median: nan, Q3: nan},
		{Zone: 0, Hour: 3, Pairs: 5, Q1: -9, Median: -5, Q3: -1},
	}
	got := HourLines(rows)
	want := []HourLine{
		{Zone: stats.ZoneV4.Label(), Pairs: 5, Low: "-8.2", LowHour: 7, High: "-2.0", HighHour: 20},
		{Zone: "all", Pairs: 5, Low: "-5.0", LowHour: 3, High: "-5.0", HighHour: 3},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestHoursSection: the section is in both reports with the hours, and
// neither without.
func TestHoursSection(t *testing.T) {
	rows := hours.Summarize([]hours.Pair{{Zone: stats.ZoneV6, Diff: func() (d [hours.Hours]float64) {
		for h := range d {
			d[h] = float64(h % 5)
		}
		return d
	}()}})
	fig, err := render.Hours(rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		r     *Report
		count int
	}{
		{"absent", &Report{}, 0},
		{"present", &Report{Hours: rows, HoursFigure: fig}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var md, h strings.Builder
			if err := WriteMarkdown(&md, c.r); err != nil {
				t.Fatal(err)
			}
			if err := WriteHTML(&h, c.r); err != nil {
				t.Fatal(err)
			}
			for _, k := range []struct{ doc, want string }{
				{md.String(), "## By hour of day"},
				{md.String(), "![hours](hours.png)"},
				{md.String(), "| IPv6 is better | 1 | 0.0 (00) | 4.0 (04) |"},
				{h.String(), "<h2>By hour of day</h2>"},
				{h.String(), "<figure id=\"hours\">\n<svg"},
				{h.String(), `<table id="hours-table">`},
			} {
				if n := strings.Count(k.doc, k.want); n != c.count {
					t.Errorf("%q: %d times, want %d", k.want, n, c.count)
				}
			}
		})
	}
}
