package hours

import (
	"errors"
	"math"
	"slices"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// Hours is the number of hours of a day.
const Hours = 24

// ErrNoTime is returned by Analyzer.Pair for a series without start times
// (pairs.Series.HasTime false: the simulator's paths.cbor).
var ErrNoTime = errors.New("hours: the input has no start times")

// Pair is one pair's difference per UTC hour.
type Pair struct {
	Probe, Anchor int64
	Zone          stats.Zone // the pair's Table 1 zone
	// Diff[h] is median(v4) − median(v6), ms, over the pair's tests that
	// started in UTC hour h; NaN where it has none.
	Diff [Hours]float64
}

// Key is the pair's identifier.
func (p *Pair) Key() pairs.Key { return pairs.Key{Probe: p.Probe, Anchor: p.Anchor} }

// Hour is the UTC hour of day (0–23) of t, microseconds since the Unix
// epoch; times before the epoch count back from it.
func Hour(t int64) int {
	const day, hour = 86_400_000_000, 3_600_000_000
	d := t % day
	if d < 0 {
		d += day
	}
	return int(d / hour)
}

// Analyzer computes pairs' differences per hour; it keeps buffers, so one
// per goroutine.
type Analyzer struct {
	v4, v6 [Hours][]float64
}

// Pair returns the differences per hour of s, whose zone is zone. Tests
// where either duration is NaN (failed) are left out. It returns ErrNoTime
// when s has no start times.
func (a *Analyzer) Pair(s *pairs.Series, zone stats.Zone) (Pair, error) {
	p := Pair{Probe: s.Probe, Anchor: s.Anchor, Zone: zone}
	if !s.HasTime() {
		return p, ErrNoTime
	}
	for h := range Hours {
		a.v4[h], a.v6[h] = a.v4[h][:0], a.v6[h][:0]
	}
	for i, t := range s.Time {
		if math.IsNaN(s.V4[i]) || math.IsNaN(s.V6[i]) {
			continue
		}
		h := Hour(t)
		a.v4[h] = append(a.v4[h], s.V4[i])
		a.v6[h] = append(a.v6[h], s.V6[i])
	}
	for h := range Hours {
		p.Diff[h] = median(a.v4[h]) - median(a.v6[h]) // NaN - NaN where none
	}
	return p, nil
}

// median is numpy's median of x, which it sorts; NaN if x is empty.
func median(x []float64) float64 {
	slices.Sort(x)
	return stats.Quantile(x, 0.5)
}

// Row summarises one hour over the pairs of one zone (Zone 0: all zones).
type Row struct {
	Zone  stats.Zone
	Hour  int
	Pairs int // pairs with tests in the hour
	// Quartiles over those pairs of their Diff for the hour (numpy
	// linear), ms; NaN when Pairs is 0.
	Q1, Median, Q3 float64
}

// Zones are the zones of the summary, in its order: 1, 2, 3, then all (0).
var Zones = []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0}

// Summarize summarises ps per zone (Zones' order) and hour (0–23): 96
// rows. The order of ps does not matter.
func Summarize(ps []Pair) []Row {
	rows := make([]Row, 0, len(Zones)*Hours)
	var d []float64
	for _, z := range Zones {
		for h := range Hours {
			d = d[:0]
			for i := range ps {
				p := &ps[i]
				if (z == 0 || p.Zone == z) && !math.IsNaN(p.Diff[h]) {
					d = append(d, p.Diff[h])
				}
			}
			slices.Sort(d)
			rows = append(rows, Row{Zone: z, Hour: h, Pairs: len(d),
				Q1: stats.Quantile(d, 0.25), Median: stats.Quantile(d, 0.5), Q3: stats.Quantile(d, 0.75)})
		}
	}
	return rows
}
