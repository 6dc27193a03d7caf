package pairs_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/synth"
)

// peakHeap runs f while sampling the live heap every millisecond and
// returns the largest sample above the heap before f, after a collection.
func peakHeap(t *testing.T, f func()) uint64 {
	t.Helper()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestEachMemoryBounded streams grouped input (synth's, grouped by probe
// like an Arrow file afsel writes) of ten times more pairs and checks that
// the heap does not grow with it: the probes are processed as they
// complete and dropped.
func TestEachMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates about 6 million paired tests")
	}
	run := func(n int) (peak uint64, st pairs.Stats, rows int64) {
		cfg := synth.DefaultConfig()
		cfg.Pairs, cfg.Days = n, 2
		open := func() (ingest.Reader, error) { return synth.New(context.Background(), cfg) }
		var nrows atomic.Int64
		work := func() func(pairs.Probe) error {
			return func(p pairs.Probe) error {
				for _, s := range p.Series {
					nrows.Add(int64(s.Len()))
				}
				return nil
			}
		}
		peak = peakHeap(t, func() {
			var err error
			st, _, err = pairs.Each(context.Background(), open, pairs.EachConfig{}, work)
			if err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%d pairs, %d paired tests: peak heap growth %.1f MB", st.Pairs, nrows.Load(), float64(peak)/(1<<20))
		return peak, st, nrows.Load()
	}
	small, _, _ := run(5000)
	large, st, rows := run(50000)
	if st.Pairs != 50000 {
		t.Fatalf("%d pairs, want 50000", st.Pairs)
	}
	// Holding the large input would take 40 bytes a test (about 150 MB),
	// and ten times what the small one takes. The heap varies with the
	// collector's timing by about 10 MB, hence the slack.
	data := uint64(rows) * 40
	if large > data/4 || large > small+24<<20 {
		t.Errorf("peak heap growth %d MB for 50,000 pairs (%d MB of data) against %d MB for 5,000: memory grows with the input", large>>20, data>>20, small>>20)
	}
}
