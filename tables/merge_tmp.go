package tables

func mergeBkps(dst, a, b []int) []int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var v int
		switch {
		case j >= len(b) || (i < len(a) && a[i] < b[j]):
			v = a[i]
			i++
		case i >= len(a) || b[j] < a[i]:
			v = b[j]
			j++
		default:
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
