package transition_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/transition"
)

// randomRun is a run of n pairs, a tenth ineligible, of random classes.
func randomRun(rng *rand.Rand, n int) *transition.Run {
	r := &transition.Run{BestChoice: true, Pairs: make([]transition.Pair, n)}
	for i := range r.Pairs {
		p := transition.Pair{Key: pairs.Key{Probe: int64(i / 10), Anchor: int64(i % 10)}, Eligible: rng.IntN(10) > 0}
		if p.Eligible {
			p.Zone, p.BestChoice = stats.Zone(1+rng.IntN(3)), rng.Float64()
		}
		r.Pairs[i] = p
	}
	return r
}

func BenchmarkDiff(b *testing.B) {
	for _, n := range []int{1_000, 50_000, 400_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			x, y := randomRun(rng, n), randomRun(rng, n)
			b.ResetTimer()
			for b.Loop() {
				if _, err := transition.Diff(x, y, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
