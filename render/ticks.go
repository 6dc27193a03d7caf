package render

import (
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
)

// denseTicks labels at least Min values of the axis, at multiples of 1, 2
// or 5 × 10^k (the largest such step that gives Min), with unlabelled
// ticks between: gonum's default ticker labels as few as two or three.
type denseTicks struct{ Min int }

// Ticks implements plot.Ticker.
func (t denseTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	want := max(t.Min, 2)
	// The multiples of step in [lo, hi], rounding errors forgiven.
	eps := 1e-9 * (hi - lo)
	first := func(step float64) float64 { return math.Ceil((lo - eps) / step) }
	last := func(step float64) float64 { return math.Floor((hi + eps) / step) }
	// Start a decade above the span and go down until there are enough.
	k := int(math.Ceil(math.Log10(hi - lo)))
	var step float64
	var minor, decimals int
search:
	for ; ; k-- {
		for _, m := range []int{5, 2, 1} {
			step = float64(m) * math.Pow(10, float64(k))
			if last(step)-first(step)+1 >= float64(want) {
				minor = map[int]int{5: 5, 2: 4, 1: 5}[m]
				decimals = max(0, -k)
				break search
			}
		}
	}
	var ticks []plot.Tick
	sub := step / float64(minor)
	for i := first(sub); i <= last(sub); i++ {
		v := i * sub
		tk := plot.Tick{Value: v}
		switch {
		case math.Mod(i, float64(minor)) != 0:
		case math.Abs(v) < sub*1e-9:
			tk.Value, tk.Label = 0, "0" // not "-0" or "0.0"
		default:
			tk.Label = strconv.FormatFloat(v, 'f', decimals, 64)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// timeTicks labels an axis of seconds since the Unix epoch with UTC dates
// and times at a round step (minutes, hours, days, weeks or months) that
// gives at most Max labels.
type timeTicks struct{ Max int }

// timeSteps are the steps timeTicks chooses from, with the minor tick step
// (both in seconds; months are calendar months, from 30 days up).
var timeSteps = []struct{ step, minor int64 }{
	{1, 1}, {5, 1}, {10, 5}, {15, 5}, {30, 10}, {60, 15}, {120, 30}, {300, 60}, {600, 120}, {900, 300}, {1800, 300},
	{3600, 900}, {2 * 3600, 1800}, {3 * 3600, 3600}, {6 * 3600, 3600}, {12 * 3600, 3 * 3600},
	{86400, 6 * 3600}, {2 * 86400, 12 * 3600}, {7 * 86400, 86400},
	{30 * 86400, 7 * 86400}, {91 * 86400, 30 * 86400}, {182 * 86400, 30 * 86400}, {365 * 86400, 91 * 86400},
}

// Ticks implements plot.Ticker.
func (t timeTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	maxLabels := max(t.Max, 2)
	s := timeSteps[len(timeSteps)-1]
	for _, c := range timeSteps {
		if (hi-lo)/float64(c.step) <= float64(maxLabels-1) {
			s = c
			break
		}
	}
	var ticks []plot.Tick
	if s.step >= 30*86400 {
		// Calendar months: labels on the first of every month (or quarter,
		// half-year, year), minor ticks on the other firsts of months.
		months := int(s.step / (30 * 86400))
		if s.step >= 365*86400 {
			months = 12
		}
		from := time.Unix(int64(lo), 0).UTC()
		m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
		for ; float64(m.Unix()) <= hi; m = m.AddDate(0, 1, 0) {
			if float64(m.Unix()) < lo {
				continue
			}
			tk := plot.Tick{Value: float64(m.Unix())}
			if (int(m.Month())-1)%months == 0 {
				tk.Label = m.Format("Jan 2006")
			}
			ticks = append(ticks, tk)
		}
		return ticks
	}
	// Steps up to 2 days divide a day: ticks at midnight UTC and every step
	// after. Weeks start on Mondays (the epoch was a Thursday).
	var offset int64
	if s.step == 7*86400 {
		offset = 4 * 86400
	}
	format := "Jan 2 15:04"
	switch {
	case s.step < 60:
		format = "15:04:05"
	case s.step >= 86400:
		format = "Jan 2"
	}
	first := floorDiv(int64(math.Ceil(lo))-offset, s.minor)*s.minor + offset
	for v := first; float64(v) <= hi; v += s.minor {
		if float64(v) < lo {
			continue
		}
		tk := plot.Tick{Value: float64(v)}
		if (v-offset)%s.step == 0 {
			tk.Label = time.Unix(v, 0).UTC().Format(format)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// floorDiv is a/b rounded down.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// labelled is the number of ticks with a label.
func labelled(ts []plot.Tick) int {
	n := 0
	for _, t := range ts {
		if t.Label != "" {
			n++
		}
	}
	return n
}
