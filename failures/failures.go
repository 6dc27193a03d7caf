package failures

import (
	"math"

	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/pairs"
)

// Families, as indices of the per-family arrays.
const (
	V4 = 0
	V6 = 1
)

// Pair is one pair's attempts and failures per family (index V4, V6).
type Pair struct {
	Probe, Anchor int64
	Tests         [2]int64
	Failed        [2]int64
	// ByOutcome counts the failures by outcome code (index 0, OK, unused).
	ByOutcome [2][]int64
}

// Count counts the failures of one series. A series without outcomes has
// none.
func Count(s *pairs.Series) Pair {
	n := int64(s.Len())
	p := Pair{Probe: s.Probe, Anchor: s.Anchor, Tests: [2]int64{n, n}}
	if !s.HasOutcomes() {
		return p
	}
	for f, outs := range [2][]outcome.Code{s.Out4, s.Out6} {
		for _, c := range outs {
			if !c.Failed() {
				continue
			}
			if p.ByOutcome[f] == nil {
				p.ByOutcome[f] = make([]int64, len(outcome.Codes()))
			}
			p.Failed[f]++
			p.ByOutcome[f][c]++
		}
	}
	return p
}

// Rate is the failure rate of family f (NaN without tests).
func (p *Pair) Rate(f int) float64 {
	if p.Tests[f] == 0 {
		return math.NaN()
	}
	return float64(p.Failed[f]) / float64(p.Tests[f])
}

// Outcome is the number of family f's failures with outcome c.
func (p *Pair) Outcome(f int, c outcome.Code) int64 {
	if p.ByOutcome[f] == nil {
		return 0
	}
	return p.ByOutcome[f][c]
}
