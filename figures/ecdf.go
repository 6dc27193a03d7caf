package figures

import (
	"math"
	"slices"

	"github.com/afsel/afsel/stats"
)

// DefaultPoints is the default bound on the points of a downsampled ECDF.
const DefaultPoints = 1000

// ECDF is the empirical distribution function of a sample: X holds the
// distinct values ascending, P[i] the share of the sample that is <= X[i]
// (so P is strictly increasing and its last value is 1), N the sample size.
// Between X[i] and X[i+1] the function stays at P[i]; below X[0] it is 0.
type ECDF struct {
	X, P []float64
	N    int
}

// NewECDF returns the exact ECDF of sample, NaN values excluded. sample is
// not modified.
func NewECDF(sample []float64) ECDF {
	s := make([]float64, 0, len(sample))
	for _, v := range sample {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	stats.SortFloats(s)
	return ECDFSorted(s)
}

// ECDFSorted is NewECDF of a sample already sorted ascending, without NaN.
func ECDFSorted(sorted []float64) ECDF {
	e := ECDF{N: len(sorted)}
	n := float64(len(sorted))
	distinct := 0
	for i, v := range sorted {
		if i+1 == len(sorted) || sorted[i+1] != v {
			distinct++
		}
	}
	e.X, e.P = make([]float64, 0, distinct), make([]float64, 0, distinct)
	for i, v := range sorted {
		if i+1 < len(sorted) && sorted[i+1] == v {
			continue
		}
		e.X = append(e.X, v)
		e.P = append(e.P, float64(i+1)/n)
	}
	return e
}

// At is the ECDF at x: the share of the sample <= x.
func (e ECDF) At(x float64) float64 {
	i, found := slices.BinarySearch(e.X, x)
	if found {
		return e.P[i]
	}
	if i == 0 {
		return 0
	}
	return e.P[i-1]
}

// Downsample returns the steps of e to keep so that the step function through
// them (holding each kept P until the next kept X) is never more than
// 1/points below e, the first (minimum) and last (maximum) steps always kept.
// It keeps a step exactly when dropping it would break that bound, which is
// the fewest steps any subset can keep. That is at most points+1 steps: each
// kept step after the first rises more than 1/points above the previous kept
// one, so at most points-1 of them fit below the maximum. (A bound of points
// with the same error cannot hold in general: a continuous sample needs
// points+1.) The result shares no memory with e. points must be positive.
func (e ECDF) Downsample(points int) ECDF {
	if points < 1 {
		panic("figures: Downsample with points < 1")
	}
	out := ECDF{N: e.N}
	if len(e.X) == 0 {
		return out
	}
	eps := 1 / float64(points)
	last := 0
	out.X = append(out.X, e.X[0])
	out.P = append(out.P, e.P[0])
	for i := 1; i < len(e.X); i++ {
		if i == len(e.X)-1 || e.P[i]-e.P[last] > eps {
			out.X = append(out.X, e.X[i])
			out.P = append(out.P, e.P[i])
			last = i
		}
	}
	return out
}

// MaxDistance is the largest vertical distance between the step functions of
// e and d over the union of their steps (the Kolmogorov-Smirnov statistic).
func MaxDistance(e, d ECDF) float64 {
	var m float64
	for _, x := range e.X {
		m = math.Max(m, math.Abs(e.At(x)-d.At(x)))
	}
	for _, x := range d.X {
		m = math.Max(m, math.Abs(e.At(x)-d.At(x)))
	}
	return m
}
