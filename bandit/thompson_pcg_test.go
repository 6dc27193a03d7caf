package bandit

import (
	"math/rand/v2"
	"testing"

	"github.com/afsel/afsel/internal/pcgrand"
)

// TestThompsonPCGMatchesLearner plays NewThompson with a math/rand/v2 PCG
// and ThompsonPCG with the same seeds on random rewards, some runs long
// enough for large shapes, and checks every choice and the generators'
// states after the run.
func TestThompsonPCGMatchesLearner(t *testing.T) {
	rewards := rand.New(rand.NewPCG(5, 6))
	var fast ThompsonPCG
	slow := NewThompson()
	for seed := range uint64(200) {
		n := 1 + rewards.IntN(400)
		if seed%20 == 0 {
			n = 5000
		}
		p1 := rewards.Float64() // chance that arm 1 wins; arm 0's is 1 - p1
		pcg := rand.NewPCG(seed, seed*7+1)
		src := rand.New(pcg)
		var r pcgrand.Rand
		r.Seed(seed, seed*7+1)
		slow.Reset()
		fast.Reset(n)
		for i := range n {
			want, got := slow.Choose(src), fast.Choose(&r)
			if got != want {
				t.Fatalf("seed %d round %d: arm %d, want %d", seed, i, got, want)
			}
			p := p1
			if want == 0 {
				p = 1 - p1
			}
			win := rewards.Float64() < p
			var reward float64
			if win {
				reward = 1
			}
			slow.Update(want, reward)
			fast.Update(got, win)
		}
		if g, w := r.Uint64(), pcg.Uint64(); g != w {
			t.Fatalf("seed %d: the generators' states differ after the run", seed)
		}
	}
}

// BenchmarkThompson is one round (a choice and an update) of Thompson
// sampling through the Learner interface and with ThompsonPCG, in runs of
// 300 rounds as a replayed pair has.
func BenchmarkThompson(b *testing.B) {
	const rounds = 300
	b.Run("learner", func(b *testing.B) {
		l := NewThompson()
		src := rand.New(rand.NewPCG(1, 2))
		var acc int
		for i := 0; b.Loop(); i++ {
			if i%rounds == 0 {
				l.Reset()
			}
			a := l.Choose(src)
			l.Update(a, float64(a^(i&1)))
			acc += a
		}
		sink = acc
	})
	b.Run("pcg", func(b *testing.B) {
		var t ThompsonPCG
		var r pcgrand.Rand
		r.Seed(1, 2)
		var acc int
		for i := 0; b.Loop(); i++ {
			if i%rounds == 0 {
				t.Reset(rounds)
			}
			a := t.Choose(&r)
			t.Update(a, a^(i&1) == 1)
			acc += a
		}
		sink = acc
	})
}
