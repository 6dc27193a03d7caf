package replay

import (
	"context"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// loadGolden reads the golden set's probes once.
func loadGolden(b testing.TB) []pairs.Probe {
	b.Helper()
	src, err := ingest.Open("../testdata/golden/data.csv.gz", ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release()
	var probes []pairs.Probe
	if _, err := pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
		probes = append(probes, p)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return probes
}

// BenchmarkReplayGolden replays the whole golden set on one core and reports
// ns per EXP3 step (the artefacts: 3,078 ns per step per core).
func BenchmarkReplayGolden(b *testing.B) {
	probes := loadGolden(b)
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
