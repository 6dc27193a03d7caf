package changepoint

import (
	"fmt"

	"github.com/afsel/afsel/stats"
)

// exactCost is ruptures' CostL2.error on seg, computed as numpy computes
// signal[s:e].var(axis=0).sum() * (e - s) for a float64 column:
//
//	mean = umr_sum(seg) / m          (pairwise sum, true division)
//	x    = seg - mean; x = x * x     (elementwise, rounded each)
//	var  = umr_sum(x) / m
//	cost = var * m                   (.sum() of one value is that value)
//
// var*m is not always the sum of squares, so it is kept. sq is scratch of at
// least len(seg). The explicit float64 conversion stops the compiler fusing
// the multiplication into a later addition (the Go spec allows fused
// multiply-add on some architectures; numpy rounds each operation).
func exactCost(seg, sq []float64) float64 {
	m := float64(len(seg))
	mean := stats.Sum(seg) / m
	sq = sq[:len(seg)]
	for i, v := range seg {
		d := v - mean
		sq[i] = float64(d * d)
	}
	v := stats.Sum(sq) / m
	return float64(v * m)
}

// exactPass is the reference PELT: ruptures' Pelt._seg with costs from
// exactCost and Python's order and semantics for every float operation:
//
//   - a candidate is F(t) + (cost + pen): the partition sum is a Python sum
//     over the dict's values in insertion order, each value being the
//     np.float64 cost + pen, so F(e) is F(t) plus the new value, and F(0) = 0;
//   - min(..., key) keeps the first candidate and replaces it only when a
//     later one is strictly smaller (the first minimum; NaN never replaces
//     and, first, is never replaced);
//   - a start point stays admissible when its candidate <= F(e) + pen (NaN
//     drops it).
//
// On success f and prev describe the optimal partition of [0, n).
func (p *Pelt) exactPass(x []float64, minSize, jump int, pen float64) error {
	n := len(x)
	p.f[0] = 0
	p.adm = p.adm[:0]
	for bkp := firstEnd(minSize, jump); ; bkp += jump {
		if bkp >= n {
			bkp = n
		}
		if t := newAdmissible(bkp, minSize, jump); hasPartition(t, minSize) {
			p.adm = append(p.adm, t)
		}
		if len(p.adm) == 0 {
			return fmt.Errorf("%w: no start point left for end %d of %d (min_size %d, jump %d, pen %v)",
				ErrNoSegmentation, bkp, n, minSize, jump, pen)
		}
		p.cand = p.cand[:0]
		best := 0
		for i, t := range p.adm {
			c := p.f[t] + (exactCost(x[t:bkp], p.sq) + pen)
			p.cand = append(p.cand, c)
			if c < p.cand[best] {
				best = i
			}
		}
		fe := p.cand[best]
		p.f[bkp], p.prev[bkp] = fe, p.adm[best]
		thr := fe + pen
		kept := p.adm[:0]
		for i, t := range p.adm {
			if p.cand[i] <= thr {
				kept = append(kept, t)
			}
		}
		p.adm = kept
		if bkp == n {
			return nil
		}
	}
}
