package tables

import (
	"testing"

	"github.com/afsel/afsel/internal/goldentest"
)

// BenchmarkGolden classifies and segments every pair of the golden set on
// one core, input already grouped (the artefacts: 2.3 s wall on 2 cores for
// change points and classification).
func BenchmarkGolden(b *testing.B) {
	probes := goldentest.Probes(b)
	a := NewAnalyzer(DefaultConfig())
	b.ResetTimer()
	for b.Loop() {
		for i := range probes {
			for j := range probes[i].Series {
				if _, err := a.Pair(&probes[i].Series[j]); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
