package bandit

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// learners returns a fresh instance of every Learner, by name.
var learners = []struct {
	name string
	new  func() Learner
}{
	{"exp3", func() Learner { return NewExp3Learner(Exp3Config{Gamma: 0.1}) }},
	{"exp3raw", func() Learner { return NewExp3Raw(0.1) }},
	{"exp3ix", func() Learner { return NewExp3IX(0.1, 0.05) }},
	{"exp3s", func() Learner { return NewExp3S(0.1, 0.001) }},
	{"ucb1", func() Learner { return NewUCB1(2) }},
	{"swucb", func() Learner { return NewSWUCB(100, 2) }},
	{"ducb", func() Learner { return NewDUCB(0.99, 2) }},
	{"ts", func() Learner { return NewThompson() }},
}

// play runs l for n rounds from a Reset; arm 1 earns 1 in two rounds of
// three, arm 0 in one.
func play(l Learner, seed uint64, n int) []int {
	l.Reset()
	src := rand.New(rand.NewPCG(seed, 1))
	arms := make([]int, n)
	for i := range arms {
		a := l.Choose(src)
		arms[i] = a
		var r float64
		if (a == 1) == (i%3 != 0) {
			r = 1
		}
		l.Update(a, r)
	}
	return arms
}

func TestLearnersReset(t *testing.T) {
	for _, tt := range learners {
		t.Run(tt.name, func(t *testing.T) {
			want := play(tt.new(), 1, 500)
			l := tt.new()
			play(l, 2, 300)
			if got := play(l, 1, 500); !slices.Equal(got, want) {
				t.Error("choices after Reset differ from a fresh learner's")
			}
			for i, a := range want {
				if a != 0 && a != 1 {
					t.Fatalf("round %d: arm %d", i, a)
				}
			}
		})
	}
}

func TestNewSWUCBPanics(t *testing.T) {
	mustPanic(t, func() { NewSWUCB(0, 2) })
}

func BenchmarkLearner(b *testing.B) {
	for _, tt := range learners {
		b.Run(tt.name, func(b *testing.B) {
			l := tt.new()
			src := rand.New(rand.NewPCG(1, 2))
			var acc int
			for i := 0; b.Loop(); i++ {
				a := l.Choose(src)
				l.Update(a, float64(a^(i&1)))
				acc += a
			}
			sink = acc
		})
	}
}
