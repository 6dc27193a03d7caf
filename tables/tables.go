package tables

import (
	"fmt"
	"slices"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// Config holds every parameter of the tables stage.
type Config struct {
	MinTests int                `json:"min_tests"`      // eligibility: at least this many paired tests
	Stats    stats.Config       `json:"classification"` // classification of pairs and segments
	Pelt     changepoint.Config `json:"pelt"`           // change-point detection on each family
	Workers  int                `json:"-"`              // <= 0: GOMAXPROCS
}

// DefaultConfig reproduces the artefacts.
func DefaultConfig() Config {
	return Config{
		MinTests: pairs.DefaultMinTests,
		Stats:    stats.DefaultConfig(),
		Pelt:     changepoint.DefaultConfig(),
	}
}

// Pair is one pair's outputs. Ineligible pairs have only the identifiers and
// N set.
type Pair struct {
	Probe, Anchor int64
	N             int  // paired tests
	Eligible      bool // N >= MinTests
	Class         stats.Result
	Segments      []changepoint.Segment
	Mixed         bool // a segment in zone 1 and another in zone 3
}

// Summarize counts Tables 1 and 2 over the eligible pairs of ps.
func Summarize(ps []Pair) (stats.Table1, Table2) {
	var t1 stats.Table1
	var t2 Table2
	for i := range ps {
		if p := &ps[i]; p.Eligible {
			t1.Add(p.Class)
			t2.Add(p)
		}
	}
	return t1, t2
}

// Key is the pair's identifier.
func (p *Pair) Key() pairs.Key { return pairs.Key{Probe: p.Probe, Anchor: p.Anchor} }

// SortPairs sorts by (Probe, Anchor).
func SortPairs(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int { return pairs.Compare(a.Key(), b.Key()) })
}

// Analyzer computes one pair's outputs; it keeps buffers, so one per
// goroutine.
type Analyzer struct {
	cfg    Config
	cls    *stats.Classifier
	seg    *changepoint.Segmenter
	r4, r6 stats.Ranked // the pair's families ranked once, for the pair and its segments
}

// NewAnalyzer returns an analyzer for cfg.
func NewAnalyzer(cfg Config) *Analyzer {
	return &Analyzer{
		cfg: cfg,
		cls: stats.NewClassifier(cfg.Stats),
		seg: changepoint.NewSegmenter(cfg.Pelt, cfg.Stats),
	}
}

// Pair classifies and segments one series.
func (a *Analyzer) Pair(s *pairs.Series) (Pair, error) {
	p := Pair{Probe: s.Probe, Anchor: s.Anchor, N: s.Len(), Eligible: s.Eligible(a.cfg.MinTests)}
	if !p.Eligible {
		return p, nil
	}
	a.r4.Rank(s.V4)
	a.r6.Rank(s.V6)
	p.Class = a.cls.ClassifyRanked(&a.r4, &a.r6)
	segs, err := a.seg.SegmentsRanked(nil, &a.r4, &a.r6)
	if err != nil {
		return p, fmt.Errorf("pair %d→%d: %w", s.Probe, s.Anchor, err)
	}
	p.Segments = segs
	p.Mixed = changepoint.Mixed(segs)
	return p, nil
}

// Probe analyses each series of p, in the probe's order.
func (a *Analyzer) Probe(p *pairs.Probe) ([]Pair, error) {
	res := make([]Pair, len(p.Series))
	for i := range p.Series {
		var err error
		if res[i], err = a.Pair(&p.Series[i]); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Table2 counts eligible pairs by how their segments' zones relate to the
// pair's global zone (the paper's Table 2). Each group counts distinct
// pairs; D is Total - A - B - C as in the artefacts, so a pair in both A and
// B (counted in Overlap) lowers D twice.
type Table2 struct {
	A       int // global v4 with a v6 segment, or global v6 with a v4 segment
	B       int // global v4 or v6 with a none segment
	C       int // global none with a v4 or v6 segment
	Overlap int // pairs in both A and B
	Total   int // eligible pairs
}

// D is the artefacts' remainder group.
func (t Table2) D() int { return t.Total - t.A - t.B - t.C }

// Add counts one eligible pair.
func (t *Table2) Add(p *Pair) {
	g := Group(p.Class.Zone, p.Segments)
	t.Total++
	if g.A {
		t.A++
	}
	if g.B {
		t.B++
	}
	if g.C {
		t.C++
	}
	if g.A && g.B {
		t.Overlap++
	}
}

// Merge adds the counts of b, counted over other pairs.
func (t *Table2) Merge(b Table2) {
	t.A += b.A
	t.B += b.B
	t.C += b.C
	t.Overlap += b.Overlap
	t.Total += b.Total
}

// Groups are the groups of Table 2 a pair is in. A and C exclude each
// other; A and B do not.
type Groups struct {
	A bool // global v4 with a v6 segment, or global v6 with a v4 segment
	B bool // global v4 or v6 with a none segment
	C bool // global none with a v4 or v6 segment
}

// Group returns the groups of Table 2 of a pair in zone global whose
// segments are segs. It is Table 2's one rule, which the policy comparison
// also uses to pick its non-stationary pairs.
func Group(global stats.Zone, segs []changepoint.Segment) Groups {
	var has [4]bool
	for _, s := range segs {
		if s.Zone >= 1 && s.Zone <= 3 {
			has[s.Zone] = true
		}
	}
	g := global
	return Groups{
		A: (g == stats.ZoneV4 && has[stats.ZoneV6]) || (g == stats.ZoneV6 && has[stats.ZoneV4]),
		B: (g == stats.ZoneV4 || g == stats.ZoneV6) && has[stats.ZoneNone],
		C: g == stats.ZoneNone && (has[stats.ZoneV4] || has[stats.ZoneV6]),
	}
}
