package stats

import "math"

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// Wilson returns the Wilson score 95% interval of k successes in n trials
// (NaN, NaN when n is 0): it stays inside [0, 1] and behaves at 0 and n
// successes, where shares of failures and of small groups often are.
func Wilson(k, n int64) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z95 * z95
	den := 1 + z2/nf
	mid := p + z2/(2*nf)
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = (mid-half)/den, (mid+half)/den
	return max(lo, 0), min(hi, 1)
}
