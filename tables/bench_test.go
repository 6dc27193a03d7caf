package tables

import (
	"context"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// BenchmarkGolden classifies and segments every pair of the golden set on
// one core, input already grouped (the artefacts: 2.3 s wall on 2 cores for
// change points and classification).
func BenchmarkGolden(b *testing.B) {
	src, err := ingest.Open("../testdata/golden/data.csv.gz", ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var probes []pairs.Probe
	_, err = pairs.Stream(context.Background(), src, func(p pairs.Probe) error {
		probes = append(probes, p)
		return nil
	})
	src.Release()
	if err != nil {
		b.Fatal(err)
	}
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
