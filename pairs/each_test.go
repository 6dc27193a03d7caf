package pairs_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/pairs"
)

// results records per-probe work under a mutex, as callers of Each do.
type results struct {
	mu       sync.Mutex
	probes   map[int64]pairs.Probe
	dups     int // probes seen twice in one pass
	restarts int
	workers  atomic.Int32 // work functions made
	fail     func(pairs.Probe) error
}

func newResults() *results { return &results{probes: map[int64]pairs.Probe{}} }

func (r *results) newWork() func(pairs.Probe) error {
	r.workers.Add(1)
	return func(p pairs.Probe) error {
		if r.fail != nil {
			if err := r.fail(p); err != nil {
				return err
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, ok := r.probes[p.ID]; ok {
			r.dups++
		}
		r.probes[p.ID] = p
		return nil
	}
}

func (r *results) restart() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probes = map[int64]pairs.Probe{}
	r.restarts++
}

// opener returns an Opener of batches that counts its calls.
func opener(t testing.TB, batches [][]row, opens *int) pairs.Opener {
	mem := checkedAlloc(t)
	return func() (ingest.Reader, error) {
		*opens++
		return newReader(t, mem, batches...), nil
	}
}

// eachInputs returns the same rows sorted, shuffled, and sorted but for
// one row of the first probe moved to the end (so that Stream fails only
// after emitting most probes), with the probes Stream groups them into.
func eachInputs(t *testing.T) (want map[int64]pairs.Probe, wantSt pairs.Stats, inputs []eachInput) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	sorted := randomRows(rng, 40)
	shuffled := slices.Clone(sorted)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	late := append(slices.Clone(sorted[1:]), sorted[0])

	src := newReader(t, checkedAlloc(t), sorted)
	probes, wantSt, err := collect(t, pairs.Stream, src)
	src.Release()
	if err != nil {
		t.Fatal(err)
	}
	want = map[int64]pairs.Probe{}
	for _, p := range probes {
		want[p.ID] = p
	}
	return want, wantSt, []eachInput{
		{"sorted", split(sorted, 13), false},
		{"shuffled", split(shuffled, 13), true},
		{"unsorted at the end", split(late, 13), true},
	}
}

type eachInput struct {
	name     string
	batches  [][]row
	unsorted bool
}

func TestEach(t *testing.T) {
	want, wantSt, inputs := eachInputs(t)
	for _, in := range inputs {
		for _, workers := range []int{1, 4, 0} {
			t.Run(fmt.Sprintf("%s/workers=%d", in.name, workers), func(t *testing.T) {
				res := newResults()
				var progress pairs.Progress
				var opens int
				cfg := pairs.EachConfig{Workers: workers, Progress: &progress, Restart: res.restart}
				st, ist, err := pairs.Each(context.Background(), opener(t, in.batches, &opens), cfg, res.newWork)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(res.probes, want) {
					t.Errorf("per-probe results differ from Stream on sorted input")
				}
				passes := 1
				if in.unsorted {
					passes = 2
				}
				if res.restarts != passes-1 || opens != passes {
					t.Errorf("%d restarts, %d opens; want %d, %d", res.restarts, opens, passes-1, passes)
				}
				if res.dups != 0 {
					t.Errorf("%d probes worked on twice in one pass", res.dups)
				}
				w := workers
				if w <= 0 {
					w = runtime.GOMAXPROCS(0)
				}
				if got := int(res.workers.Load()); got != w*passes {
					t.Errorf("newWork called %d times, want %d", got, w*passes)
				}
				if st != wantSt {
					t.Errorf("stats %+v, want %+v", st, wantSt)
				}
				if ist.RowsRead != wantSt.Rows {
					t.Errorf("reader stats %+v, want %d rows", ist, wantSt.Rows)
				}
				if p, n := progress.Probes.Load(), progress.Pairs.Load(); p != int64(wantSt.Probes) || n != int64(wantSt.Pairs) {
					t.Errorf("progress %d probes, %d pairs; want %d, %d", p, n, wantSt.Probes, wantSt.Pairs)
				}
			})
		}
	}
	t.Run("no Restart", func(t *testing.T) {
		var opens int
		res := newResults()
		st, _, err := pairs.Each(context.Background(), opener(t, inputs[1].batches, &opens), pairs.EachConfig{Workers: 2}, res.newWork)
		if err != nil || st != wantSt || opens != 2 {
			t.Errorf("stats %+v, %d opens, err %v", st, opens, err)
		}
	})
}

func TestEachErrors(t *testing.T) {
	_, _, inputs := eachInputs(t)
	errBoom := errors.New("boom")
	for _, in := range inputs {
		for _, workers := range []int{1, 4} {
			name := fmt.Sprintf("%s/workers=%d", in.name, workers)

			t.Run(name+"/cancelled before", func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				res := newResults()
				var opens int
				_, _, err := pairs.Each(ctx, opener(t, in.batches, &opens), pairs.EachConfig{Workers: workers, Restart: res.restart}, res.newWork)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err %v, want context.Canceled", err)
				}
				if res.restarts != 0 || opens != 1 {
					t.Errorf("%d restarts, %d opens after cancellation; want 0, 1", res.restarts, opens)
				}
			})

			t.Run(name+"/cancelled by work", func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				res := newResults()
				res.fail = func(pairs.Probe) error { cancel(); return nil }
				var opens int
				_, _, err := pairs.Each(ctx, opener(t, in.batches, &opens), pairs.EachConfig{Workers: workers, Restart: res.restart}, res.newWork)
				if !errors.Is(err, context.Canceled) || err != ctx.Err() {
					t.Errorf("err %v, want ctx.Err() = %v", err, ctx.Err())
				}
			})

			t.Run(name+"/work fails", func(t *testing.T) {
				res := newResults()
				n := 0
				var mu sync.Mutex
				res.fail = func(pairs.Probe) error {
					mu.Lock()
					defer mu.Unlock()
					if n++; n == 5 {
						return errBoom
					}
					return nil
				}
				var opens int
				_, _, err := pairs.Each(context.Background(), opener(t, in.batches, &opens), pairs.EachConfig{Workers: workers, Restart: res.restart}, res.newWork)
				if !errors.Is(err, errBoom) {
					t.Errorf("err %v, want %v", err, errBoom)
				}
			})

			t.Run(name+"/open fails", func(t *testing.T) {
				opens := 0
				open := func() (ingest.Reader, error) {
					if opens++; opens == 1 && !in.unsorted || opens == 2 {
						return nil, errBoom
					}
					return opener(t, in.batches, new(int))()
				}
				res := newResults()
				_, _, err := pairs.Each(context.Background(), open, pairs.EachConfig{Workers: workers, Restart: res.restart}, res.newWork)
				if !errors.Is(err, errBoom) {
					t.Errorf("err %v, want %v", err, errBoom)
				}
			})
		}
	}
}

// BenchmarkEach runs Each over the golden set in memory with no work, to
// show the cost of the worker pool over grouping alone (BenchmarkStream).
func BenchmarkEach(b *testing.B) {
	recs := goldenRecords(b)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprint("workers=", workers), func(b *testing.B) {
			open := func() (ingest.Reader, error) { return newRecordReader(recs) }
			nop := func() func(pairs.Probe) error { return func(pairs.Probe) error { return nil } }
			var rows int64
			for b.Loop() {
				st, _, err := pairs.Each(context.Background(), open, pairs.EachConfig{Workers: workers}, nop)
				if err != nil {
					b.Fatal(err)
				}
				rows += st.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
