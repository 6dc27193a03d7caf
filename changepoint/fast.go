package changepoint

import (
	"math"
	"slices"
)

// Guard tolerances of the fast pass; see guardTol.
const (
	// unitRoundoff is u = 2^-53, the relative error of one float64 operation.
	unitRoundoff = 0x1p-53
	// tolMargin multiplies the error bound derived in guardTol.
	tolMargin = 16
	// absTolScale scales the absolute part of the tolerance, n*max|x|^2.
	absTolScale = 1e-26
)

// guardTol returns the relative and absolute tolerances within which the fast
// pass does not trust a comparison, for n points and segments of at least
// minSize points.
//
// Relative part: numpy's cost of a segment of m points is within about
// (log2(m/128) + 35)u of the true cost, relative (the mean's pairwise sum,
// one rounding per deviation and per square, the pairwise sum of non-negative
// squares with at most 16 sequential additions per accumulator plus the
// combining tree and the recursion, the division and the multiplication by
// m); fastCost is within about 4u. Each step F(e) = F(t) + (cost + pen) adds
// two roundings, and all terms are non-negative (penalty >= 0), so after k
// segments both passes' F are within (64 + 3k)u of the true value, relative.
// A comparison of two such values is safe when they differ by more than twice
// that; k is at most n/minSize + 1 and log2(m/128) stays below 24 for any
// slice that fits in memory. tolMargin adds a factor 16 on top, to cover any
// slack in this count.
//
// Absolute part: numpy's rounded mean leaves each cost up to m*(40u*max|x|)^2
// above the true one (a constant segment of 0.1 costs about 2e-32, not 0),
// which only matters when the values compared are near zero (a penalty of 0
// on constant data) or the data sit far from zero with a tiny spread; summed
// over a partition that is at most 2e-29*n*max|x|^2, and absTolScale*n*
// max|x|^2 is 500 times more. fastCost's own absolute error comes from the
// low parts of the prefix sums, which accumulate in plain float64: at most
// about 3*n^3*u^2*max|x|^2 per cost, so 8*k*n^3*u^2*max|x|^2 more covers a
// chain of k segments on both sides of a comparison.
func guardTol(n, minSize int, maxAbs float64) (rel, abs float64) {
	k := float64(n/minSize + 2)
	fn := float64(n)
	rel = tolMargin * 2 * (64 + 3*k) * unitRoundoff
	abs = maxAbs * maxAbs * (absTolScale*fn + 8*k*fn*fn*fn*unitRoundoff*unitRoundoff)
	return rel, abs
}

// twoSum returns s = fl(a+b) and the exact rounding error e, a+b = s+e
// (Knuth's branch-free TwoSum).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// twoProd returns p = fl(a*b) and the exact rounding error e, a*b = p+e.
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return p, e
}

// prefixSum is the double-double sums of x[:i] and of their squares:
// s1h+s1l and s2h+s2l.
type prefixSum struct{ s1h, s1l, s2h, s2l float64 }

// prefix fills the double-double prefix sums of x and x*x: pre[i] holds the
// sums of x[:i]. The high parts are plain running sums and the low parts
// accumulate their exact rounding errors (TwoSum, and FMA for the squares'
// errors), so each prefix carries about 2^-100 relative error times i while
// the loop's critical path stays one addition per chain. No centring is
// needed: fastCost absorbs the cancellation in S2 - S1^2/m with the extra
// precision. The four sums of an index lie together, so a cost reads two
// neighbourhoods, not eight.
//
// It returns the largest |x| and whether no value is NaN (fastData): a NaN
// stays in the running sum, and NaN is the only way it gets there, every
// other value being at most maxFastAbs when fastData holds.
func (p *Pelt) prefix(x []float64) (maxAbs float64, nums bool) {
	var s1h, s1l, s2h, s2l float64
	pre := p.pre[:len(x)+1]
	pre[0] = prefixSum{}
	for i, v := range x {
		if a := math.Abs(v); a > maxAbs {
			maxAbs = a
		}
		var e float64
		s1h, e = twoSum(s1h, v)
		s1l += e
		q, qe := twoProd(v, v)
		s2h, e = twoSum(s2h, q)
		s2l += e + qe
		pre[i+1] = prefixSum{s1h, s1l, s2h, s2l}
	}
	return maxAbs, !math.IsNaN(s1h)
}

// fastCost returns the L2 cost of x[s:e], the sum of squared deviations from
// the segment mean, as (m*S2 - S1^2)/m with S1, S2 the segment's sum and sum
// of squares, every step in double-double until the final division. It is
// within a few ulps of the true value (clamped at 0), not numpy's rounding of
// it; the guard in fastPass covers the difference.
func (p *Pelt) fastCost(s, e int) float64 {
	ps, pe := &p.pre[s], &p.pre[e]
	a, b := twoSum(pe.s1h, -ps.s1h)
	s1h, s1l := a, b+(pe.s1l-ps.s1l)
	a, b = twoSum(pe.s2h, -ps.s2h)
	s2h, s2l := a, b+(pe.s2l-ps.s2l)

	m := float64(e - s)
	ph, pl := twoProd(m, s2h)
	pl += m * s2l
	// S1^2 = s1h^2 + 2*s1h*s1l + s1l^2; s1l is not normalised against s1h
	// (it can exceed it when the segment sum nearly cancels), so its square
	// is kept.
	qh, ql := twoProd(s1h, s1h)
	ql += s1l * (2*s1h + s1l)
	dh, dl := twoSum(ph, -qh)
	c := (dh + (dl + (pl - ql))) / m
	// Clamped with a comparison, cheaper than max's NaN and signed-zero
	// rules: a -0 left compares and adds as 0.
	if c < 0 {
		return 0
	}
	return c
}

// fastPass runs ruptures' recursion with fastCost and reports whether its
// result can be trusted: false as soon as a decision is too close to call,
// that is the chosen minimum and another start point's candidate, or a
// candidate and the pruning threshold F(e) + pen, lie within the tolerance.
// When every decision is clear-cut, numpy's values order the same way at each
// one, so the exact pass would take the same decisions and find the same
// partition (by induction over the ends). Callers ensure fastPenalty and
// fastData.
func (p *Pelt) fastPass(x []float64, minSize, jump int, pen, maxAbs float64) bool {
	p.prefix(x)
	_, ok := p.guardedPass(x, minSize, jump, pen, maxAbs, false)
	return ok
}

// guardedPass is fastPass with a choice of what to do at a near tie. With
// settle false it gives up there (ok false). With settle true it settles the
// tie in exact arithmetic and goes on, so it always succeeds: the candidates
// within the tolerance of the decision (and the threshold F(e) + pen) get the
// exact pass's values, computed by exactCand, and the decision is taken on
// those. Every other candidate is clearly on one side in both passes, so the
// decision is the exact pass's, the partition so far is the exact pass's, and
// the induction of fastPass carries on. settled counts the candidates
// evaluated exactly.
//
// On flat data nothing is pruned (splitting a segment never raises the L2
// cost, so F(t) + cost(t, e) <= F(e) holds up to the penalty): the pass
// evaluates O(n^2/jump^2) candidates, and near ties among them are bound to
// occur on long series. Settling only those keeps the pass at O(1) per
// candidate plus O(segment) per settled one, where rerunning the exact pass
// would cost O(segment) for every candidate, O(n^3/jump^2) in all.
//
// The caller has filled the prefix sums of x (prefix).
func (p *Pelt) guardedPass(x []float64, minSize, jump int, pen, maxAbs float64, settle bool) (settled int, ok bool) {
	n := len(x)
	p.zeroCost = zeroCosts(x)
	clear(p.fxOK)
	relTol, absTol := guardTol(n, minSize, maxAbs)
	near := func(a, b float64) bool { return isNear(a, b, relTol, absTol) }

	p.f[0] = 0
	p.adm = p.adm[:0]
	bkp := firstEnd(minSize, jump)
	// newAdmissible(bkp) grows by jump with bkp; only the last end, n, needs
	// the division again.
	tNew := newAdmissible(min(bkp, n), minSize, jump)
	for ; ; bkp, tNew = bkp+jump, tNew+jump {
		if bkp >= n {
			bkp = n
			tNew = newAdmissible(n, minSize, jump)
		}
		if hasPartition(tNew, minSize) {
			p.adm = append(p.adm, tNew)
		}
		// With a penalty >= 0 the chosen start point always survives
		// pruning, so adm is never empty here.
		cand := slices.Grow(p.cand[:0], len(p.adm))[:len(p.adm)]
		p.cand = cand
		best, fe := 0, 0.0
		for i, t := range p.adm {
			c := p.f[t] + (p.fastCost(t, bkp) + pen)
			cand[i] = c
			if i == 0 || c < fe {
				best, fe = i, c
			}
		}
		tb := p.adm[best]
		if p.clearCut(best, fe, pen, relTol, absTol) {
			// The usual case, with neither kind of near tie: the decision
			// and the pruning are the fast pass's, and clearCut has pruned.
			p.f[bkp], p.prev[bkp] = fe, tb
			if bkp == n {
				return settled, true
			}
			continue
		}
		// A duplicate of the chosen point (the last end appends the same
		// point twice when n is not a multiple of jump) has the same value
		// in every pass, so it cannot change the choice.
		tied := false
		for i, t := range p.adm {
			if i != best && t != tb && near(p.cand[i], fe) {
				tied = true
				break
			}
		}
		if tied {
			if !settle {
				return settled, false
			}
			// The exact pass's minimum is among the tied candidates and the
			// fast minimum (every other one is clearly larger in both
			// passes); take the first minimal one in list order on exact
			// values. Duplicates of the fast choice come after it.
			nb, bx := -1, 0.0
			for i, t := range p.adm {
				if i != best && (t == tb || !near(p.cand[i], fe)) {
					continue
				}
				c := p.exactCand(x, t, bkp, pen)
				settled++
				if nb < 0 || c < bx {
					nb, bx = i, c
				}
			}
			best = nb
			fe, tb = p.cand[best], p.adm[best]
			p.fx[bkp], p.fxOK[bkp] = bx, true
		}
		p.f[bkp], p.prev[bkp] = fe, tb
		// The chosen point (and any duplicate of it) has candidate F(e) <=
		// F(e) + pen in every pass, whatever the rounding.
		thr := fe + pen
		thrX, thrXKnown := 0.0, false
		kept := p.adm[:0]
		for i, t := range p.adm {
			c := p.cand[i]
			keep := c <= thr
			if t != tb && near(c, thr) {
				if !settle {
					return settled, false
				}
				if !thrXKnown {
					thrX, thrXKnown = p.exactF(x, bkp, pen)+pen, true
				}
				keep = p.exactCand(x, t, bkp, pen) <= thrX
				settled++
			}
			if keep {
				kept = append(kept, t)
			}
		}
		p.adm = kept
		if bkp == n {
			return settled, true
		}
	}
}

// isNear reports whether a and b lie within the guard's tolerance of each
// other: relTol of the larger plus absTol.
func isNear(a, b, relTol, absTol float64) bool {
	m := a
	if b > m {
		m = b
	}
	return math.Abs(a-b) <= relTol*m+absTol
}

// clearCut reports whether no candidate but the chosen one (best, with value
// fe) is near fe, and none but the chosen point near the pruning threshold
// fe + pen; if so it has pruned adm as guardedPass would, else adm is
// unchanged. The kept points go to the spare buffer, swapped in at the end,
// so that a near tie found midway leaves adm whole for guardedPass's own
// loops.
func (p *Pelt) clearCut(best int, fe, pen, relTol, absTol float64) bool {
	tb, thr := p.adm[best], fe+pen
	kept := p.admSpare[:0]
	for i, t := range p.adm {
		c := p.cand[i]
		if t != tb && (isNear(c, fe, relTol, absTol) || isNear(c, thr, relTol, absTol)) {
			return false
		}
		if c <= thr {
			kept = append(kept, t)
		}
	}
	p.adm, p.admSpare = kept, p.adm
	return true
}

// exactCand is the exact pass's candidate for start point t and end e,
// F(t) + (cost(t, e) + pen) with numpy's cost and the exact pass's F(t).
func (p *Pelt) exactCand(x []float64, t, e int, pen float64) float64 {
	ft := p.exactF(x, t, pen)
	return ft + (p.exactCost(x[t:e]) + pen)
}

// exactCost is the package's exactCost, or 0 without a pass over seg when
// every segment of the series costs 0 (zeroCosts).
func (p *Pelt) exactCost(seg []float64) float64 {
	if p.zeroCost {
		return 0
	}
	return exactCost(seg, p.sq)
}

// zeroCosts reports whether numpy's cost of every segment of x is exactly 0:
// x is constant, an integer v with |v|*len(x) <= 2^52 (2^53 with a margin
// for the product's rounding). Every partial sum of a segment is then k*v,
// exact, so its mean is v and each deviation 0. On
// such a series every candidate ties with the pruning threshold, all are
// settled, and nothing is pruned: settling without computing the costs
// keeps that quadratic number of settlements from each costing a segment's
// length.
func zeroCosts(x []float64) bool {
	if len(x) == 0 {
		return false
	}
	v := x[0]
	if v != math.Trunc(v) || math.Abs(v)*float64(len(x)) > 0x1p52 {
		return false
	}
	for _, w := range x[1:] {
		if w != v {
			return false
		}
	}
	return true
}

// exactF returns the exact pass's F(e) for an end e already decided (or 0):
// the Python sum, left to right, of cost + pen along the partition that prev
// describes, each cost numpy's. Values are memoised in fx (valid where fxOK),
// so each end costs one exactCost at most once per series.
func (p *Pelt) exactF(x []float64, e int, pen float64) float64 {
	stk := p.stk[:0]
	for e != 0 && !p.fxOK[e] {
		stk = append(stk, e)
		e = p.prev[e]
	}
	v := 0.0
	if e != 0 {
		v = p.fx[e]
	}
	for i := len(stk) - 1; i >= 0; i-- {
		t := stk[i]
		v += p.exactCost(x[p.prev[t]:t]) + pen
		p.fx[t], p.fxOK[t] = v, true
	}
	p.stk = stk
	return v
}
