package bandit

import (
	"math"

	"github.com/afsel/afsel/internal/pcgrand"
)

// ThompsonPCG is NewThompson's Thompson sampling with its source fixed to
// a PCG: from the same state it makes the same choices, drawing the same
// numbers, as the Learner does with rand.New(rand.NewPCG(s1, s2))
// (TestThompsonPCGMatchesLearner). It spares the Learner's interface calls,
// one per draw and eight draws a round, and the square root and division
// of each Gamma draw: rewards are 0 or 1, so the shapes are whole numbers
// and their constants come from a table. The zero value is ready to use.
type ThompsonPCG struct {
	// counts are wins and losses of arm 0, then of arm 1: the shapes less
	// one of the Gamma draws in the order Choose makes them.
	counts [4]int
	cur    [4]gammaShape // the shapes' constants, shapes[1+counts[k]]
	shapes []gammaShape  // Marsaglia and Tsang's constants of shape a at index a
}

// gammaShape holds gammaSample's constants of one shape a:
// d = a - 1/3 and c = 1/sqrt(9d).
type gammaShape struct{ d, c float64 }

// Reset restarts the learner for a run of at most rounds rounds.
func (t *ThompsonPCG) Reset(rounds int) {
	t.counts = [4]int{}
	for a := len(t.shapes); a <= max(rounds, 0)+1; a++ {
		d := float64(a) - 1.0/3
		t.shapes = append(t.shapes, gammaShape{d: d, c: 1 / math.Sqrt(9*d)})
	}
	t.cur = [4]gammaShape{t.shapes[1], t.shapes[1], t.shapes[1], t.shapes[1]}
}

// Choose samples Beta(1 + wins, 1 + losses) for each arm from r, as
// thompson.Choose does, and returns the arm with the larger sample.
func (t *ThompsonPCG) Choose(r *pcgrand.Rand) int {
	// The four Gamma draws of the two Beta samples, in the order
	// betaSample draws them, in one loop without calls in the common case:
	// calls, with their spills, cost as much as the draws.
	var g [4]float64
	hi, lo := r.State()
	for k := range g {
		s := t.cur[k]
		for {
			var u uint64
			u, hi, lo = pcgrand.Next(hi, lo)
			x, ok := pcgrand.NormFirst(u)
			if !ok {
				r.Seed(hi, lo)
				x = r.NormTail(u)
				hi, lo = r.State()
			}
			v := 1 + s.c*x
			if v <= 0 {
				continue
			}
			v = v * v * v
			u, hi, lo = pcgrand.Next(hi, lo)
			u1 := 1 - pcgrand.Float64(u)
			x2 := x * x
			if u1 < 1-0.0331*x2*x2 || math.Log(u1) < 0.5*x2+s.d*(1-v+math.Log(v)) {
				g[k] = s.d * v
				break
			}
		}
	}
	r.Seed(hi, lo)
	s0 := g[0] / (g[0] + g[1])
	s1 := g[2] / (g[2] + g[3])
	if s0 > s1 {
		return 0
	}
	return 1
}

// Update counts a win (reward 1) or a loss (reward 0) for arm.
func (t *ThompsonPCG) Update(arm int, win bool) {
	k := 2 * (arm & 1)
	if !win {
		k++
	}
	t.counts[k]++
	t.cur[k] = t.shapes[1+t.counts[k]]
}
