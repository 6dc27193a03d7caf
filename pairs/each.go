package pairs

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/array"
	"golang.org/x/sync/errgroup"

	"github.com/afsel/afsel/ingest"
)

// Opener opens the input from its start. Each may call it twice: once to
// stream, and again to group in memory when the input is not sorted by probe.
type Opener func() (ingest.Reader, error)

// Progress holds counters that Each updates as it goes, for a reporter to
// read from another goroutine.
type Progress struct {
	Probes atomic.Int64 // probes processed
	Pairs  atomic.Int64 // pairs processed
}

// EachConfig configures Each.
type EachConfig struct {
	Workers  int       // goroutines running the work; <= 0 means GOMAXPROCS
	Progress *Progress // optional
	// Restart is called before the input is read a second time (see
	// Opener); it must discard what the work functions have recorded.
	Restart func()
}

// Each groups the input into probes and runs work on each probe in a pool
// of workers. newWork is called once per worker to make its work function,
// so a worker can keep buffers; work functions run concurrently and must
// record results under their own synchronisation, keyed so that the order
// in which probes complete does not matter.
//
// It streams when the input is sorted by probe; on ErrUnsorted it calls
// cfg.Restart and groups the whole input in memory. It returns the grouping
// counts and the reader's row counts.
func Each(ctx context.Context, open Opener, cfg EachConfig, newWork func() func(Probe) error) (Stats, ingest.Stats, error) {
	st, ist, err := each(ctx, open, cfg, newWork, Stream)
	if errors.Is(err, ErrUnsorted) {
		if cfg.Restart != nil {
			cfg.Restart()
		}
		if cfg.Progress != nil {
			cfg.Progress.Probes.Store(0)
			cfg.Progress.Pairs.Store(0)
		}
		st, ist, err = each(ctx, open, cfg, newWork, InMemory)
	}
	return st, ist, err
}

func each(ctx context.Context, open Opener, cfg EachConfig, newWork func() func(Probe) error, group func(context.Context, array.RecordReader, func(Probe) error) (Stats, error)) (Stats, ingest.Stats, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	src, err := open()
	if err != nil {
		return Stats{}, ingest.Stats{}, err
	}
	defer src.Release()

	g, gctx := errgroup.WithContext(ctx)
	ch := make(chan Probe, workers)
	for w := 0; w < workers; w++ {
		work := newWork()
		g.Go(func() error {
			for p := range ch {
				if err := work(p); err != nil {
					return err
				}
				if cfg.Progress != nil {
					cfg.Progress.Probes.Add(1)
					cfg.Progress.Pairs.Add(int64(len(p.Series)))
				}
			}
			return nil
		})
	}
	var st Stats
	g.Go(func() error {
		defer close(ch)
		var err error
		st, err = group(gctx, src, func(p Probe) error {
			select {
			case ch <- p:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
		return err
	})
	err = g.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return st, src.Stats(), err
}
