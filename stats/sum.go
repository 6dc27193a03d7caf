package stats

import "math"

// pairwiseBlock is numpy's PW_BLOCKSIZE: slices up to this length are summed
// with eight partial accumulators, longer ones are split in two.
const pairwiseBlock = 128

// Sum returns the float64 sum of a in numpy's order of additions, so that
// means and variances round as the authors' numpy did
// (DOUBLE_pairwise_sum in numpy/_core/src/umath/loops_utils.h.src, which
// np.add.reduce uses on a contiguous float64 axis):
//
//   - n < 8: a sequential sum from 0;
//   - n <= 128: eight accumulators r[k] = a[k] + a[k+8] + ..., over whole
//     blocks of eight, combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
//     then the remaining n%8 values added in order;
//   - n > 128: split at n/2 rounded down to a multiple of 8, sum both halves
//     recursively, add.
//
// numpy >= 2 starts the short case at -0.0 instead of 0.0 and starts the
// reduction from -0.0; both only change the sign of an all-zero sum, which no
// cost here can observe (a zero mean subtracted or a zero squared is the
// same). The reduction's initial value is added as 0 + sum, exact for any
// non-zero sum, so it is omitted.
//
// numpy reductions may be split into buffers of 8192 elements; a contiguous
// float64 array needs no buffering and is summed in one call, and the series
// here are far shorter, so that case is not modelled.
func Sum(a []float64) float64 {
	n := len(a)
	if n < 8 {
		res := 0.0
		for _, v := range a {
			res += v
		}
		return res
	}
	if n <= pairwiseBlock {
		r0, r1, r2, r3 := a[0], a[1], a[2], a[3]
		r4, r5, r6, r7 := a[4], a[5], a[6], a[7]
		i := 8
		for ; i < n-n%8; i += 8 {
			b := a[i : i+8 : i+8]
			r0 += b[0]
			r1 += b[1]
			r2 += b[2]
			r3 += b[3]
			r4 += b[4]
			r5 += b[5]
			r6 += b[6]
			r7 += b[7]
		}
		res := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return Sum(a[:n2]) + Sum(a[n2:])
}

// Mean is numpy's mean: Sum(x) / len(x). NaN for an empty slice.
func Mean(x []float64) float64 {
	return Sum(x) / float64(len(x))
}

// sumSqDev returns numpy's sum of (x - mean)^2: each deviation and square
// rounded (x = arr - mean; x = x*x) and summed in Sum's pairwise order,
// computed on the fly rather than through a buffer. The float64
// conversions forbid fusing a square into the following addition.
func sumSqDev(x []float64, mean float64) float64 {
	sq := func(v float64) float64 {
		e := v - mean
		return float64(e * e)
	}
	n := len(x)
	if n < 8 {
		res := 0.0
		for _, v := range x {
			res += sq(v)
		}
		return res
	}
	if n <= pairwiseBlock {
		r0, r1, r2, r3 := sq(x[0]), sq(x[1]), sq(x[2]), sq(x[3])
		r4, r5, r6, r7 := sq(x[4]), sq(x[5]), sq(x[6]), sq(x[7])
		i := 8
		for ; i < n-n%8; i += 8 {
			b := x[i : i+8 : i+8]
			r0 += sq(b[0])
			r1 += sq(b[1])
			r2 += sq(b[2])
			r3 += sq(b[3])
			r4 += sq(b[4])
			r5 += sq(b[5])
			r6 += sq(b[6])
			r7 += sq(b[7])
		}
		res := ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
		for ; i < n; i++ {
			res += sq(x[i])
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return sumSqDev(x[:n2], mean) + sumSqDev(x[n2:], mean)
}

// moments holds what the variances of a sample derive from.
type moments struct {
	n, mean, ssd float64 // size, numpy mean, sum of squared deviations
}

func momentsOf(x []float64) moments {
	n := float64(len(x))
	mean := Sum(x) / n
	return moments{n: n, mean: mean, ssd: sumSqDev(x, mean)}
}

// popVar is np.var(x): ssd / n.
func (m moments) popVar() float64 { return m.ssd / m.n }

// sampleVar is scipy's unbiased variance as ttest_ind computes it: the
// population variance times n/(n-1) (scipy.stats._var), not a division by
// n-1 of the sum.
func (m moments) sampleVar() float64 { return m.popVar() * (m.n / (m.n - 1)) }

// Var is numpy's population variance (np.var, ddof = 0): the mean of squared
// deviations from the mean.
func Var(x []float64) float64 { return momentsOf(x).popVar() }

// StdDev is numpy's population standard deviation (np.std, ddof = 0).
func StdDev(x []float64) float64 { return math.Sqrt(Var(x)) }
