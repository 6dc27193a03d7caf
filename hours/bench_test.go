package hours

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// BenchmarkPair: one pair's differences per hour, at a week (336 tests,
// two an hour), ten weeks and a year of tests.
func BenchmarkPair(b *testing.B) {
	for _, n := range []int{336, 3360, 17500} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		s := pairs.Series{Time: make([]int64, n), V4: make([]float64, n), V6: make([]float64, n)}
		for i := range n {
			s.Time[i] = int64(i) * 1_800_000_000
			s.V4[i], s.V6[i] = 20+rng.ExpFloat64()*5, 18+rng.ExpFloat64()*5
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var a Analyzer
			for b.Loop() {
				if _, err := a.Pair(&s, stats.ZoneV6); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
