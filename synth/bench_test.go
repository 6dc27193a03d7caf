package synth

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkGenerate reports rows generated per second, on one worker and
// on all cores, without and with failures.
func BenchmarkGenerate(b *testing.B) {
	for _, c := range []struct {
		pairs, workers int
		failures       bool
	}{{100, 0, false}, {1000, 0, false}, {10000, 0, false}, {1000, 1, false}, {1000, 0, true}, {10000, 0, true}, {1000, 1, true}} {
		name := fmt.Sprintf("pairs=%d/workers=%d", c.pairs, c.workers)
		if c.failures {
			name += "/failures"
		}
		b.Run(name, func(b *testing.B) {
			var rows int64
			for b.Loop() {
				cfg := DefaultConfig()
				cfg.Pairs, cfg.Workers, cfg.Failures = c.pairs, c.workers, c.failures
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
