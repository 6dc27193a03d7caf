package stats

import "math"

// Quantile returns the q-quantile of sorted (ascending) with numpy's default
// linear interpolation (numpy.quantile, pandas' Series.quantile): position
// q·(n-1) between the neighbouring values, interpolated as Lerp does. NaN
// for an empty slice.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	return Lerp(sorted[lo], sorted[lo+1], pos-float64(lo))
}

// Lerp is numpy's interpolation between a and b at t in [0, 1] (numpy >=
// 1.22, _lerp): a + (b-a)*t, but b - (b-a)*(1-t) from t = 0.5 on, which
// keeps the result exact at t = 1 and monotone. The conversions keep each
// product rounded apart, as numpy does, where Go could fuse it with the sum.
func Lerp(a, b, t float64) float64 {
	d := b - a
	if t >= 0.5 {
		return b - float64(d*(1-t))
	}
	return a + float64(d*t)
}
