package changepoint

import (
	"errors"
	"math"
	"slices"
)

// This file holds a naive, literal transcription of ruptures' Pelt._seg and
// CostL2, written independently of the package code so that tests compare
// two implementations: partitions are insertion-ordered dicts, the partition
// sum is recomputed from the dict every time it is needed, the admissible list
// is filtered with a zip over subproblems, and costs follow numpy's var.

// refKey is a ruptures partition key (start, end).
type refKey struct{ s, e int }

// refDict is a Python dict from refKey to float, in insertion order.
type refDict struct {
	keys []refKey
	vals []float64
}

func (d refDict) copy() refDict {
	return refDict{keys: slices.Clone(d.keys), vals: slices.Clone(d.vals)}
}

// update is dict.update({k: v}): replace in place if present, else append.
func (d *refDict) update(k refKey, v float64) {
	for i, kk := range d.keys {
		if kk == k {
			d.vals[i] = v
			return
		}
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// sum is Python's sum(d.values()): start at 0 and add left to right.
func (d refDict) sum() float64 {
	s := 0.0
	for _, v := range d.vals {
		s = s + v
	}
	return s
}

// refPairwise transcribes numpy's DOUBLE_pairwise_sum with an r[8] array.
func refPairwise(a []float64) float64 {
	n := len(a)
	switch {
	case n < 8:
		res := 0.0
		for i := 0; i < n; i++ {
			res += a[i]
		}
		return res
	case n <= 128:
		var r [8]float64
		for k := range 8 {
			r[k] = a[k]
		}
		i := 8
		for ; i < n-(n%8); i += 8 {
			for k := range 8 {
				r[k] += a[i+k]
			}
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return refPairwise(a[:n2]) + refPairwise(a[n2:])
	}
}

// refCost is CostL2.error: signal[s:e].var(axis=0).sum() * (e - s).
func refCost(signal []float64, s, e int) float64 {
	seg := signal[s:e]
	m := float64(len(seg))
	mean := 0.0 + refPairwise(seg) // the reduction starts from its identity
	mean = mean / m
	x := make([]float64, len(seg))
	for i := range seg {
		x[i] = seg[i] - mean
	}
	for i := range x {
		x[i] = float64(x[i] * x[i])
	}
	v := (0.0 + refPairwise(x)) / m
	v = 0.0 + v // .sum() over the single feature
	return float64(v * m)
}

var (
	errRefBadSegmentation = errors.New("BadSegmentationParameters")
	errRefEmptyMin        = errors.New("ValueError: min() arg is an empty sequence")
)

// refPelt is Pelt(model="l2", min_size, jump).fit(signal).predict(pen).
func refPelt(signal []float64, minSize, jump int, pen float64) ([]int, error) {
	minSize = max(minSize, 1) // max(min_size, CostL2().min_size)
	n := len(signal)
	// sanity_check(n_samples=n, n_bkps=0, jump, min_size)
	nAdmBkps := n / jump
	if 0 > nAdmBkps || 0*int(math.Ceil(float64(minSize)/float64(jump)))*jump+minSize > n {
		return nil, errRefBadSegmentation
	}

	partitions := map[int]refDict{0: {keys: []refKey{{0, 0}}, vals: []float64{0}}}
	var admissible []int
	var ind []int
	for k := 0; k < n; k += jump {
		if k >= minSize {
			ind = append(ind, k)
		}
	}
	ind = append(ind, n)
	for _, bkp := range ind {
		newAdmPt := int(math.Floor(float64(bkp-minSize)/float64(jump))) * jump
		admissible = append(admissible, newAdmPt)

		var subproblems []refDict
		for _, t := range admissible {
			part, ok := partitions[t]
			if !ok {
				continue
			}
			tmp := part.copy()
			tmp.update(refKey{t, bkp}, refCost(signal, t, bkp)+pen)
			subproblems = append(subproblems, tmp)
		}

		// min(subproblems, key=lambda d: sum(d.values()))
		if len(subproblems) == 0 {
			return nil, errRefEmptyMin
		}
		best, bestKey := subproblems[0], subproblems[0].sum()
		for _, sp := range subproblems[1:] {
			if k := sp.sum(); k < bestKey {
				best, bestKey = sp, k
			}
		}
		partitions[bkp] = best

		var kept []int
		for i := 0; i < min(len(admissible), len(subproblems)); i++ { // zip
			if subproblems[i].sum() <= partitions[bkp].sum()+pen {
				kept = append(kept, admissible[i])
			}
		}
		admissible = kept
	}

	var bkps []int
	for _, k := range partitions[n].keys {
		if k != (refKey{0, 0}) {
			bkps = append(bkps, k.e)
		}
	}
	slices.Sort(bkps)
	return bkps, nil
}
