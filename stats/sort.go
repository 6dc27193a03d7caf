package stats

import (
	"math"
	"slices"
)

// radixMin is the length from which SortFloats sorts by radix: below it the
// radix passes' 2048 counters a digit cost more than they save.
const radixMin = 1 << 12

// SortFloats sorts s (no NaN) ascending, as slices.Sort does. Long slices
// are sorted by radix, least significant digit first, on order-preserving
// integer keys (which put -0 before +0): 1.6–4 times faster than
// slices.Sort on 200,000 durations (the ECDFs of the figures).
func SortFloats(s []float64) {
	if len(s) < radixMin || len(s) > math.MaxInt32 { // radixSortKeys counts in int32
		slices.Sort(s)
		return
	}
	keys, spare := make([]uint64, len(s)), make([]uint64, len(s))
	for i, v := range s {
		keys[i] = Key(v)
	}
	for i, k := range radixSortKeys(keys, spare) {
		s[i] = FromKey(k)
	}
}

// radixSortKeys sorts keys with spare (as long) as the other buffer, skipping
// the digits every key shares, and returns whichever buffer holds the result.
// Digits are 11 bits: six passes instead of eight, with counters that still
// fit in the L1 cache.
func radixSortKeys(keys, spare []uint64) []uint64 {
	const bits, digits = 11, 6
	const mask = 1<<bits - 1
	var counts [digits][1 << bits]int32
	for _, k := range keys {
		for d := range digits {
			counts[d][(k>>(bits*d))&mask]++
		}
	}
	src, dst := keys, spare
	for d := range digits {
		c := &counts[d]
		shift := uint(bits * d)
		if int(c[(src[0]>>shift)&mask]) == len(src) {
			continue // every key has this digit
		}
		var sum int32
		for i, v := range c {
			c[i] = sum
			sum += v
		}
		for _, k := range src {
			b := (k >> shift) & mask
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	return src
}
