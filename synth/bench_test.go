package synth

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkGenerate reports rows generated per second, on one worker and
// on all cores.
func BenchmarkGenerate(b *testing.B) {
	for _, c := range []struct{ pairs, workers int }{{100, 0}, {1000, 0}, {10000, 0}, {1000, 1}} {
		b.Run(fmt.Sprintf("pairs=%d/workers=%d", c.pairs, c.workers), func(b *testing.B) {
			var rows int64
			for b.Loop() {
				cfg := DefaultConfig()
				cfg.Pairs, cfg.Workers = c.pairs, c.workers
				r, err := New(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
					rows += r.Record().NumRows()
				}
				r.Release()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
