package bandit

import (
	"fmt"
	"testing"

	"github.com/afsel/afsel/internal/pyrand"
)

// The per-call benchmarks loop over b.N rather than b.Loop: here b.Loop's
// handling of the loop body roughly doubled the measured cost of Uint32,
// hiding the cost of the call itself.

// benchDraws is a pre-generated uniform stream, as the replay uses.
var benchDraws = func() []float64 {
	u := make([]float64, 1<<16)
	pyrand.NewString("bench").Fill(u)
	return u
}()

// sink keeps results alive so the compiler cannot drop the work.
var sink int

func BenchmarkExp3Step(b *testing.B) {
	// One round of the replay on one instance: choose with a pre-drawn u,
	// then reward (arm 0 earns 1 and arm 1 earns 0, so most updates call
	// exp). Each round depends on the previous one, so this measures the
	// latency of the dependency chain.
	e := NewExp3(Exp3Config{Gamma: 0.1})
	u := benchDraws
	var acc int
	for i := 0; i < b.N; i++ {
		a := e.Choose(u[i&(len(u)-1)])
		e.Update(a, float64(1-a))
		acc += a
	}
	sink = acc
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/step")
}

func BenchmarkExp3StepInterleaved(b *testing.B) {
	// The replay's runs are independent given the pre-drawn stream, so it
	// can step several instances in its inner loop; their chains then
	// overlap in the CPU. One op is one round of every instance.
	for _, lanes := range []int{4, 8} {
		b.Run(fmt.Sprintf("lanes=%d", lanes), func(b *testing.B) {
			es := make([]Exp3, lanes)
			for i := range es {
				es[i] = *NewExp3(Exp3Config{Gamma: 0.1})
			}
			u := benchDraws
			var acc int
			for i := 0; i < b.N; i++ {
				base := i * lanes
				for j := range es {
					a := es[j].Choose(u[(base+j)&(len(u)-1)])
					es[j].Update(a, float64(1-a))
					acc += a
				}
			}
			sink = acc
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lanes), "ns/step")
		})
	}
}
