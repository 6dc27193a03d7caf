// Package numfmt formats numbers for the CSV outputs, as pandas writes them.
package numfmt

import (
	"math"
	"strconv"
)

// Float prints the shortest decimal that round-trips; NaN is empty, as
// pandas writes it.
func Float(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
