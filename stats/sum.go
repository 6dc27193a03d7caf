package stats

import "math"

// pairwiseBlock is numpy's PW_BLOCKSIZE.
const pairwiseBlock = 128

// Sum returns the sum of x in exactly numpy's order of float64 additions
// (np.add.reduce on a contiguous array: pairwise summation with blocks of
// 128 and eight partial sums), so that means and variances round as the
// authors' numpy did.
func Sum(x []float64) float64 {
	n := len(x)
	if n < 8 {
		res := 0.0
		for _, v := range x {
			res += v
		}
		return res
	}
	if n <= pairwiseBlock {
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			r[0] += x[i]
			r[1] += x[i+1]
			r[2] += x[i+2]
			r[3] += x[i+3]
			r[4] += x[i+4]
			r[5] += x[i+5]
			r[6] += x[i+6]
			r[7] += x[i+7]
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += x[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return Sum(x[:n2]) + Sum(x[n2:])
}

// Mean is numpy's mean: Sum(x) / len(x). NaN for an empty slice.
func Mean(x []float64) float64 {
	return Sum(x) / float64(len(x))
}

// sumSqDev returns numpy's sum of (x - mean)^2 with the same pairwise order,
// without allocating for short slices.
func sumSqDev(x []float64, mean float64) float64 {
	var buf [512]float64
	var d []float64
	if len(x) <= len(buf) {
		d = buf[:len(x)]
	} else {
		d = make([]float64, len(x))
	}
	for i, v := range x {
		e := v - mean
		d[i] = e * e
	}
	return Sum(d)
}

// Var is numpy's population variance (np.var, ddof = 0): the mean of squared
// deviations from the mean.
func Var(x []float64) float64 {
	n := float64(len(x))
	return sumSqDev(x, Sum(x)/n) / n
}

// StdDev is numpy's population standard deviation (np.std, ddof = 0).
func StdDev(x []float64) float64 { return math.Sqrt(Var(x)) }

// sampleVar is scipy's unbiased variance as ttest_ind computes it: the
// population variance times n/(n-1) (scipy.stats._var), not a division by
// n-1 of the sum.
func sampleVar(x []float64, mean float64) float64 {
	n := len(x)
	v := sumSqDev(x, mean) / float64(n)
	return v * (float64(n) / float64(n-1))
}
