package figures

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// sortByTime orders the series by start time, stable for equal times.
func (s *PairSeries) sortByTime() {
	idx := make([]int, len(s.Time))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Time[idx[a]] < s.Time[idx[b]] })
	t, v4, v6 := slices.Clone(s.Time), slices.Clone(s.V4), slices.Clone(s.V6)
	for i, j := range idx {
		s.Time[i], s.V4[i], s.V6[i] = t[j], v4[j], v6[j]
	}
}

// both runs f and g at the same time and returns when both are done.
func both(f, g func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		g()
	}()
	f()
	wg.Wait()
}

// Ratio bounds of Figure 1: a family is faster by more than 10%.
const (
	RatioLow  = 1 / 1.1
	RatioHigh = 1.1
)

// Fig1 is Figure 1: the paired tests kept by the global 5th-95th percentile
// filter, strict on both families (q05(v4) < v4 < q95(v4) and likewise for
// v6, quantiles by numpy's linear interpolation over all tests), and the
// ECDFs of their durations and of the v4/v6 ratio: exact from Figure1; from
// Figure1Passes, only the steps of the exact ECDFs that its points keep (the
// outputs for those points are the same).
// RowsBefore - RowsAfter tests were filtered out.
type Fig1 struct {
	RowsBefore, RowsAfter int
	Q05V4, Q95V4          float64
	Q05V6, Q95V6          float64
	V4, V6, Ratio         ECDF
	ShareV4Faster         float64 // share of kept tests with v4/v6 < 1/1.1
	ShareV6Faster         float64 // share of kept tests with v4/v6 > 1.1
}

// fig1Filter is Figure 1's filter: a test is kept when each duration lies
// strictly between its family's 5th and 95th percentiles (NaN never does).
type fig1Filter struct{ lo4, hi4, lo6, hi6 float64 }

func (f *Fig1) filter() fig1Filter { return fig1Filter{f.Q05V4, f.Q95V4, f.Q05V6, f.Q95V6} }

func (q fig1Filter) in4(a float64) bool      { return q.lo4 < a && a < q.hi4 }
func (q fig1Filter) in6(b float64) bool      { return q.lo6 < b && b < q.hi6 }
func (q fig1Filter) keeps(a, b float64) bool { return q.in4(a) && q.in6(b) }

// Figure1 computes Figure 1 from the duration columns of all paired tests
// (same length; NaN values fail every comparison and are filtered out, and
// are left out of the quantiles as pandas does). It sorts copies, on two
// goroutines: memory is about four times the columns'. Figure1Passes
// computes the same in bounded memory.
func Figure1(v4, v6 []float64) (*Fig1, error) {
	if len(v4) != len(v6) {
		return nil, fmt.Errorf("figures: %d v4 durations but %d v6", len(v4), len(v6))
	}
	if len(v4) == 0 {
		return nil, fmt.Errorf("%w: no paired tests", ErrBadInput)
	}
	f := &Fig1{RowsBefore: len(v4)}
	sorted := func(x []float64) []float64 {
		s := make([]float64, 0, len(x))
		for _, v := range x {
			if !math.IsNaN(v) {
				s = append(s, v)
			}
		}
		stats.SortFloats(s)
		return s
	}
	var s4, s6 []float64
	both(func() { s4 = sorted(v4) }, func() { s6 = sorted(v6) })
	f.Q05V4, f.Q95V4 = stats.Quantile(s4, 0.05), stats.Quantile(s4, 0.95)
	f.Q05V6, f.Q95V6 = stats.Quantile(s6, 0.05), stats.Quantile(s6, 0.95)
	in4, in6 := inside(s4, f.Q05V4, f.Q95V4), inside(s6, f.Q05V6, f.Q95V6)
	// A test is kept when both its durations are inside their family's
	// bounds. A family's kept durations, sorted, are therefore its sorted
	// durations inside the bounds less the few whose partner is outside:
	// those are sorted on their own and taken out in one merge, which
	// saves sorting the kept durations again.
	var drop4, drop6 []float64
	ratio := make([]float64, 0, min(len(in4), len(in6)))
	nanRatios := 0 // ±Inf/±Inf: counted among the kept tests, not in the ECDF
	q := f.filter()
	for i := range v4 {
		a, b := v4[i], v6[i]
		ok4, ok6 := q.in4(a), q.in6(b)
		switch {
		case ok4 && ok6:
			if r := a / b; !math.IsNaN(r) {
				ratio = append(ratio, r)
			} else {
				nanRatios++
			}
		case ok4:
			drop4 = append(drop4, a)
		case ok6:
			drop6 = append(drop6, b)
		}
	}
	f.RowsAfter = len(ratio) + nanRatios
	both(func() {
		f.V4 = ECDFSorted(without(in4, drop4))
		f.V6 = ECDFSorted(without(in6, drop6))
	}, func() {
		stats.SortFloats(ratio)
		f.Ratio = ECDFSorted(ratio)
	})
	var lo, hi int
	for _, r := range ratio {
		if r < RatioLow {
			lo++
		}
		if r > RatioHigh {
			hi++
		}
	}
	if n := float64(f.RowsAfter); n > 0 {
		f.ShareV4Faster, f.ShareV6Faster = float64(lo)/n, float64(hi)/n
	}
	return f, nil
}

// inside returns the part of sorted strictly between lo and hi.
func inside(sorted []float64, lo, hi float64) []float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return sorted[:0] // no value compares
	}
	i, _ := slices.BinarySearchFunc(sorted, lo, func(v, lo float64) int {
		if v <= lo {
			return -1
		}
		return 1
	})
	j, _ := slices.BinarySearchFunc(sorted, hi, func(v, hi float64) int {
		if v < hi {
			return -1
		}
		return 1
	})
	return sorted[i:max(i, j)]
}

// without returns sorted less the values of drop, a sub-multiset of it, in
// sorted's storage; it sorts drop. -0 == +0, so the zeros are counted by
// sign instead: the multiset kept is exact.
func without(sorted, drop []float64) []float64 {
	stats.SortFloats(drop)
	var negZero, posZero int
	for _, d := range drop {
		if d == 0 {
			if math.Signbit(d) {
				negZero++
			} else {
				posZero++
			}
		}
	}
	out, j := sorted[:0], 0
	for _, v := range sorted {
		if j < len(drop) && v == drop[j] {
			if v != 0 {
				j++
				continue
			}
			if math.Signbit(v) && negZero > 0 {
				negZero--
				j++
				continue
			}
			if !math.Signbit(v) && posZero > 0 {
				posZero--
				j++
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

// Rows returns Figure 1 as tidy rows, each ECDF downsampled to points:
// panel "rct" (series IPv4, IPv6; x ms), panel "ratio" (series v4/v6), and
// panel "filter" with the four quantiles (x the value, y the probability)
// and the two shares (x the bound, y the share).
func (f *Fig1) Rows(points int) []Row {
	var rows []Row
	rows = appendECDF(rows, "1", "rct", "IPv4", f.V4.Downsample(points))
	rows = appendECDF(rows, "1", "rct", "IPv6", f.V6.Downsample(points))
	rows = appendECDF(rows, "1", "ratio", "v4/v6", f.Ratio.Downsample(points))
	return append(rows,
		Row{"1", "filter", "q05 v4", f.Q05V4, 0.05}, Row{"1", "filter", "q95 v4", f.Q95V4, 0.95},
		Row{"1", "filter", "q05 v6", f.Q05V6, 0.05}, Row{"1", "filter", "q95 v6", f.Q95V6, 0.95},
		Row{"1", "filter", "share v4/v6 < 1/1.1", RatioLow, f.ShareV4Faster},
		Row{"1", "filter", "share v4/v6 > 1.1", RatioHigh, f.ShareV6Faster},
	)
}

// PairChooser picks Figure 2's pair among pairs offered in any order, from
// several goroutines: Want when set, else the first in (probe, anchor)
// order with at least four segments and mixed zones (a segment in zone 1
// and another in zone 3). It keeps the series of the pair chosen so far.
type PairChooser struct {
	Want *pairs.Key

	mu     sync.Mutex
	ok     bool
	series PairSeries
	pair   tables.Pair
}

// Offer offers a pair with its series (nil when only the key is wanted).
func (c *PairChooser) Offer(p *tables.Pair, s *pairs.Series) {
	k := p.Key()
	if c.Want != nil && k != *c.Want || c.Want == nil && (len(p.Segments) < 4 || !p.Mixed) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && pairs.Compare(k, c.series.Key) >= 0 {
		return
	}
	c.ok, c.series, c.pair = true, PairSeries{Key: k}, *p
	c.pair.Segments = slices.Clone(p.Segments) // p's may be reused or dropped
	if s != nil {
		c.series.Time, c.series.V4, c.series.V6 = s.Time, s.V4, s.V6
	}
}

// Chosen returns the pair chosen and its series, if offered; ok is false
// when no pair was chosen.
func (c *PairChooser) Chosen() (s PairSeries, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.series, c.ok
}

// ChosenPair returns the tables outputs of the pair chosen, with its
// segments, if offered.
func (c *PairChooser) ChosenPair() (p tables.Pair, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pair, c.ok
}

// ChoosePair returns Figure 2's pair among ps, as a PairChooser with want
// (nil: none) chooses it.
func ChoosePair(ps []tables.Pair, want *pairs.Key) (k pairs.Key, ok bool) {
	c := PairChooser{Want: want}
	for i := range ps {
		c.Offer(&ps[i], nil)
	}
	s, ok := c.Chosen()
	return s.Key, ok
}

// Fig2 is Figure 2: one pair's two series in time order, its segments with
// their zones, and its global zone.
type Fig2 struct {
	Pair     pairs.Key
	Zone     stats.Zone // global classification (0: not known)
	Time     []int64    // start times, µs since the Unix epoch; nil when the input has none (CBOR)
	V4, V6   []float64  // ms
	Segments []changepoint.Segment
}

// Figure2 checks that the segments cover the series exactly and returns the
// figure.
func Figure2(s PairSeries, segments []changepoint.Segment, zone stats.Zone) (*Fig2, error) {
	if len(s.V4) == 0 {
		return nil, fmt.Errorf("%w: pair %v has no paired tests in the data", ErrBadInput, s.Key)
	}
	if len(segments) == 0 {
		return nil, fmt.Errorf("%w: pair %v has no segments (ineligible?)", ErrBadInput, s.Key)
	}
	prev := 0
	for _, g := range segments {
		if g.Start != prev || g.End <= g.Start {
			return nil, fmt.Errorf("%w: pair %v: segments %v do not tile [0, n)", ErrBadInput, s.Key, segments)
		}
		prev = g.End
	}
	if prev != len(s.V4) {
		return nil, fmt.Errorf("%w: pair %v: segments end at %d but the data has %d paired tests: change_points.csv and the data are from different inputs", ErrBadInput, s.Key, prev, len(s.V4))
	}
	return &Fig2{Pair: s.Key, Zone: zone, Time: s.Time, V4: s.V4, V6: s.V6, Segments: segments}, nil
}

// Rows returns Figure 2 as tidy rows: panel "series" (series IPv4, IPv6; x
// the paired test's index, y ms) and panel "segments" (series "zone": for
// each segment [s, e) the points (s, zone) and (e, zone)).
func (f *Fig2) Rows() []Row {
	var rows []Row
	for i, v := range f.V4 {
		rows = append(rows, Row{"2", "series", "IPv4", float64(i), v})
	}
	for i, v := range f.V6 {
		rows = append(rows, Row{"2", "series", "IPv6", float64(i), v})
	}
	for _, g := range f.Segments {
		rows = append(rows, Row{"2", "segments", "zone", float64(g.Start), float64(g.Zone)}, Row{"2", "segments", "zone", float64(g.End), float64(g.Zone)})
	}
	return rows
}

// Strategies compared in Figure 4, in order.
var Strategies = []string{
	"EXP3",           // median_best_choice
	"best for pair",  // static_best_choice: best family for probe & anchor, a posteriori
	"best for probe", // best_path_choice: the probe's majority family
}

// Groups of Figure 4's gain panels, by the pair's best_path.
var Groups = []string{"v4", "v6", "none"}

// ZoneNames label Figure 4's first panel.
var ZoneNames = []string{"IPv4 is better", "None is better", "IPv6 is better"}

// Curve is one ECDF of Figure 4 or of the coverage.
type Curve struct {
	Panel    string
	Group    string // a zone name or a best_path
	Strategy string
	E        ECDF // exact
}

// Series is the curve's series label, "group / strategy".
func (c Curve) Series() string {
	if c.Strategy == "" {
		return c.Group
	}
	return c.Group + " / " + c.Strategy
}

// Fig4 is Figure 4 over the eligible pairs, three panels of nine curves in
// Groups/ZoneNames × Strategies order:
//   - "choice": per zone, the ECDFs of median_best_choice (EXP3),
//     static_best_choice and best_path_choice, NaN (no probe family) excluded;
//   - "gain": per best_path (v4, v6, none), avg_expected_gain × each of
//     those ratios, ms per request;
//   - "relative": the same divided by median_duration (0 when the gain is 0:
//     pairs with p > alpha have gain and median 0).
//
// The artefacts' figure_4.py differs in two places: its "best for pair" gain
// curve is avg_expected_gain alone, not times static_best_choice, and it
// keeps NaN values as -1 (left of the axis) instead of excluding them.
type Fig4 struct {
	Pairs  int // eligible pairs
	Curves []Curve
}

// Figure4 computes Figure 4 from the replay's pairs (their first gamma).
func Figure4(sim []replay.Pair) *Fig4 {
	f := &Fig4{}
	ratios := func(p *replay.Pair) [3]float64 {
		return [3]float64{p.Sims[0].MedianBestChoice, p.StaticBestChoice, p.BestPathChoice}
	}
	var choice, gain, rel [3][3][]float64 // [group][strategy]
	for i := range sim {
		p := &sim[i]
		if !p.Eligible {
			continue
		}
		f.Pairs++
		z := int(p.Class.Zone) - 1
		g := 2 // none
		switch p.Class.Zone.BestPath() {
		case "v4":
			g = 0
		case "v6":
			g = 1
		}
		for s, r := range ratios(p) {
			choice[z][s] = append(choice[z][s], r)
			x := p.Class.Gain * r
			gain[g][s] = append(gain[g][s], x)
			if x == 0 {
				rel[g][s] = append(rel[g][s], 0)
			} else {
				rel[g][s] = append(rel[g][s], x/p.Class.Median)
			}
		}
	}
	for z := range 3 {
		for s := range 3 {
			f.Curves = append(f.Curves, Curve{"choice", ZoneNames[z], Strategies[s], NewECDF(choice[z][s])})
		}
	}
	for _, panel := range []struct {
		name string
		v    *[3][3][]float64
	}{{"gain", &gain}, {"relative", &rel}} {
		for g := range 3 {
			for s := range 3 {
				f.Curves = append(f.Curves, Curve{panel.name, Groups[g], Strategies[s], NewECDF(panel.v[g][s])})
			}
		}
	}
	return f
}

// Panel returns the curves of one panel, in order.
func (f *Fig4) Panel(name string) []Curve {
	var out []Curve
	for _, c := range f.Curves {
		if c.Panel == name {
			out = append(out, c)
		}
	}
	return out
}

// Rows returns Figure 4 as tidy rows, each ECDF downsampled to points.
func (f *Fig4) Rows(points int) []Row {
	var rows []Row
	for _, c := range f.Curves {
		rows = appendECDF(rows, "4", c.Panel, c.Series(), c.E.Downsample(points))
	}
	return rows
}

// ProbeCoverage is one probe's eligible pairs by zone. Its winning family is
// the one of v4 and v6 with more eligible pairs (either on a tie: the share
// is the same).
type ProbeCoverage struct {
	Probe              int64
	V4, None, V6       int     // eligible pairs per zone
	Family, FamilyNone float64 // share of eligible pairs in the winning family; plus the none-better ones
}

// Coverage is the per-probe coverage of the paper's §3(2) over the probes
// with at least one eligible pair: how many of a probe's pairs one family
// would serve best (Family), or at least no worse (FamilyNone). Medians are
// numpy's (linear interpolation). A probe with no pair in zone 1 or 3 has
// Family 0 (the artefacts' figure_2.py leaves such probes out of its v4 and
// v6 curves).
type Coverage struct {
	Probes                         []ProbeCoverage // ascending probe id
	Family, FamilyNone             ECDF
	MedianFamily, MedianFamilyNone float64
}

// ComputeCoverage computes the coverage from the replay's pairs.
func ComputeCoverage(sim []replay.Pair) *Coverage {
	by := make(map[int64]*ProbeCoverage)
	for i := range sim {
		p := &sim[i]
		if !p.Eligible {
			continue
		}
		c := by[p.Probe]
		if c == nil {
			c = &ProbeCoverage{Probe: p.Probe}
			by[p.Probe] = c
		}
		switch p.Class.Zone {
		case stats.ZoneV4:
			c.V4++
		case stats.ZoneV6:
			c.V6++
		default:
			c.None++
		}
	}
	cv := &Coverage{}
	var fam, famNone []float64
	for _, c := range by {
		n := float64(c.V4 + c.V6 + c.None)
		w := float64(max(c.V4, c.V6))
		c.Family, c.FamilyNone = w/n, (w+float64(c.None))/n
		cv.Probes = append(cv.Probes, *c)
		fam = append(fam, c.Family)
		famNone = append(famNone, c.FamilyNone)
	}
	slices.SortFunc(cv.Probes, func(a, b ProbeCoverage) int { return cmp.Compare(a.Probe, b.Probe) })
	slices.Sort(fam)
	slices.Sort(famNone)
	cv.MedianFamily, cv.MedianFamilyNone = stats.Quantile(fam, 0.5), stats.Quantile(famNone, 0.5)
	cv.Family, cv.FamilyNone = ECDFSorted(fam), ECDFSorted(famNone)
	return cv
}

// Rows returns the coverage as tidy rows: panel "cdf" (series "family",
// "family+none"; x the share of the probe's eligible pairs, y the ECDF),
// panel "median" (x the median, y 0.5) and panel "probe" (series the probe
// id, x the family share, y the family+none share).
func (c *Coverage) Rows(points int) []Row {
	var rows []Row
	rows = appendECDF(rows, "coverage", "cdf", "family", c.Family.Downsample(points))
	rows = appendECDF(rows, "coverage", "cdf", "family+none", c.FamilyNone.Downsample(points))
	rows = append(rows, Row{"coverage", "median", "family", c.MedianFamily, 0.5}, Row{"coverage", "median", "family+none", c.MedianFamilyNone, 0.5})
	for _, p := range c.Probes {
		rows = append(rows, Row{"coverage", "probe", fmt.Sprint(p.Probe), p.Family, p.FamilyNone})
	}
	return rows
}

// CheckConsistent reports the first disagreement between the outputs of
// tables (flows, change points) and replay (simulation): the same pairs in
// the same order, and the same zone for every eligible pair. Any of the
// slices may be nil (not read).
func CheckConsistent(sim []replay.Pair, flows, cps []tables.Pair) error {
	if sim != nil && flows != nil {
		if len(sim) != len(flows) {
			return fmt.Errorf("%w: simulation.csv has %d pairs, flows.csv %d: tables and replay were run on different inputs", ErrBadInput, len(sim), len(flows))
		}
		for i := range sim {
			s, f := &sim[i], &flows[i]
			if s.Key() != f.Key() {
				return fmt.Errorf("%w: row %d is pair %v in simulation.csv, %v in flows.csv: tables and replay were run on different inputs", ErrBadInput, i+2, s.Key(), f.Key())
			}
			if s.Eligible && s.Class.Zone.BestPath() != f.Class.Zone.BestPath() {
				return fmt.Errorf("%w: pair %v is zone %d in simulation.csv but best_path %q in flows.csv: tables and replay were run with different parameters", ErrBadInput, s.Key(), s.Class.Zone, f.Class.Zone.BestPath())
			}
		}
	}
	if flows != nil && cps != nil {
		if len(flows) != len(cps) {
			return fmt.Errorf("%w: flows.csv has %d pairs, change_points.csv %d", ErrBadInput, len(flows), len(cps))
		}
		for i := range flows {
			if flows[i].Key() != cps[i].Key() {
				return fmt.Errorf("%w: row %d is pair %v in flows.csv, %v in change_points.csv", ErrBadInput, i+2, flows[i].Key(), cps[i].Key())
			}
		}
	}
	return nil
}
