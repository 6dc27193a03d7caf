package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/afsel/afsel/figures"
)

// logPasses logs each pass of Figure 1 at debug level, with its time, and
// counts them in passes (if not nil) as they start.
func logPasses(pass figures.Pass, log *slog.Logger, passes *atomic.Int64) figures.Pass {
	n := 0
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		n++
		if passes != nil {
			passes.Store(int64(n))
		}
		defer func(start time.Time) {
			log.Debug("figure 1 pass", "pass", n, "elapsed", time.Since(start).Round(time.Millisecond))
		}(time.Now())
		return pass(ctx, visit)
	}
}
