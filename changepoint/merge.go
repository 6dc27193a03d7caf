package changepoint

import "slices"

// Merge appends to dst[:0] the sorted distinct values of a and b, Python's
// sorted(set(a + b)): the artefacts segment a pair at the union of its IPv4
// and IPv6 breakpoints. Sorted inputs (as Breakpoints returns) are merged in
// linear time; unsorted ones are accepted and sorted. dst must not share
// memory with a or b; a and b are not modified.
func Merge(dst []int, a, b []int) []int {
	dst = dst[:0]
	if !slices.IsSorted(a) || !slices.IsSorted(b) {
		dst = append(append(dst, a...), b...)
		slices.Sort(dst)
		return slices.Compact(dst)
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v int
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			v = a[i]
			i++
		case i == len(a) || b[j] < a[i]:
			v = b[j]
			j++
		default: // equal heads
			v = a[i]
			i++
			j++
		}
		if len(dst) == 0 || dst[len(dst)-1] != v {
			dst = append(dst, v)
		}
	}
	return dst
}
