package bandit

import "math"

// WeightedChoice returns the index Python's
// random.choices(range(len(weights)), weights=weights)[0] picks when its
// random() draw is u.
//
// CPython 3.11 accumulates the weights left to right into cum, takes
// total = cum[-1], and returns bisect_right(cum, u*total, 0, len(cum)-1): the
// first i < len(cum)-1 with u*total < cum[i], else the last index. With
// non-negative weights cum is sorted, so this linear scan returns the same
// index as the bisection. An arm of weight 0 is never picked.
//
// WeightedChoice panics if weights is empty, holds a negative or NaN weight,
// or sums to zero or to infinity (Python raises ValueError for the last two;
// negative weights are accepted by Python but make its bisection search an
// unsorted list, which this function does not reproduce).
func WeightedChoice(weights []float64, u float64) int {
	if len(weights) == 0 {
		panic("bandit: WeightedChoice with no weights")
	}
	var total float64
	for _, w := range weights {
		if !(w >= 0) {
			panic("bandit: WeightedChoice with a negative or NaN weight")
		}
		total += w
	}
	if total <= 0 || math.IsInf(total, 0) {
		panic("bandit: WeightedChoice weights must have a positive finite sum")
	}
	x := u * total
	var cum float64
	last := len(weights) - 1
	for i, w := range weights[:last] {
		cum += w
		if x < cum {
			return i
		}
	}
	return last
}

// WeightedChoice2 is WeightedChoice([]float64{w0, w1}, u) without the checks:
// 0 if u*(w0+w1) < w0, else 1. The caller guarantees what WeightedChoice
// checks (w0, w1 >= 0 with a positive finite sum).
func WeightedChoice2(w0, w1, u float64) int {
	if u*(w0+w1) < w0 {
		return 0
	}
	return 1
}
