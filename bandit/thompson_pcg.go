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
	wins, losses [2]int
	shapes       []gammaShape // Marsaglia and Tsang's constants of shape a at index a
}

// gammaShape holds gammaSample's constants of one shape a:
// d = a - 1/3 and c = 1/sqrt(9d).
type gammaShape struct{ d, c float64 }

// Reset restarts the learner for a run of at most rounds rounds.
func (t *ThompsonPCG) Reset(rounds int) {
	t.wins, t.losses = [2]int{}, [2]int{}
	for a := len(t.shapes); a <= rounds+1; a++ {
		d := float64(a) - 1.0/3
		t.shapes = append(t.shapes, gammaShape{d: d, c: 1 / math.Sqrt(9*d)})
	}
}

// Choose samples Beta(1 + wins, 1 + losses) for each arm from r, as
// thompson.Choose does, and returns the arm with the larger sample.
func (t *ThompsonPCG) Choose(r *pcgrand.Rand) int {
	s0 := t.beta(r, 0)
	s1 := t.beta(r, 1)
	if s0 > s1 {
		return 0
	}
	return 1
}

// Update counts a win (reward 1) or a loss (reward 0) for arm.
func (t *ThompsonPCG) Update(arm int, win bool) {
	if win {
		t.wins[arm&1]++
	} else {
		t.losses[arm&1]++
	}
}

func (t *ThompsonPCG) beta(r *pcgrand.Rand, arm int) float64 {
	x := gammaPCG(r, t.shapes[1+t.wins[arm]])
	y := gammaPCG(r, t.shapes[1+t.losses[arm]])
	return x / (x + y)
}

// gammaPCG is gammaSample with normals from the PCG's NormFloat64, the
// path gammaSample takes with a *rand.Rand.
func gammaPCG(r *pcgrand.Rand, s gammaShape) float64 {
	for {
		x := r.NormFloat64()
		v := 1 + s.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+s.d*(1-v+math.Log(v)) {
			return s.d * v
		}
	}
}
