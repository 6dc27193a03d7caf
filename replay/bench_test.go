package replay

import (
	"context"
	"testing"

	"github.com/afsel/afsel/internal/goldentest"
)

// BenchmarkReplayGolden replays the whole golden set on one core and reports
// ns per EXP3 step (the artefacts: 3,078 ns per step per core).
func BenchmarkReplayGolden(b *testing.B) {
	probes := goldentest.Probes(b)
	eng, err := NewEngine(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	w := eng.NewWorker()
	var steps int64
	b.ResetTimer()
	for b.Loop() {
		for i := range probes {
			_, n, err := w.Probe(context.Background(), &probes[i], nil)
			if err != nil {
				b.Fatal(err)
			}
			steps += n
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
}
