package synth

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/outcome"
)

// Reader streams generated paired tests as record batches of
// ingest.Schema (ingest.FailuresSchema with Config.Failures), sorted by
// prb_id and, within a probe, by start_time. It
// implements ingest.Reader. Probes are generated ahead by Config.Workers
// goroutines, at most a few per worker at a time, so memory stays bounded
// whatever the size. Release stops the workers.
//
// Invariant: Stats().RowsRead == Stats().RowsKept (nothing is dropped).
type Reader struct {
	cfg    Config
	plan   plan
	cancel context.CancelFunc
	ctx    context.Context
	order  chan chan *probeRows
	wg     sync.WaitGroup
	schema *arrow.Schema
	b      *array.RecordBuilder
	valid  []bool // scratch: validity of a probe's durations, with failures
	pend   *probeRows
	off    int // rows of pend already emitted
	rec    arrow.Record
	err    error
	done   bool
	stats  ingest.Stats
	refs   atomic.Int64
}

// New validates cfg and starts generating. Cancelling ctx stops the
// generation; Next then returns false and Err the context's error.
func New(ctx context.Context, cfg Config) (*Reader, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.BatchRows <= 0 {
		cfg.BatchRows = DefaultBatchRows
	}
	if cfg.Allocator == nil {
		cfg.Allocator = memory.DefaultAllocator
	}
	schema := ingest.Schema
	if cfg.Failures {
		schema = ingest.FailuresSchema
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Reader{
		cfg:    cfg,
		plan:   newPlan(cfg),
		ctx:    ctx,
		cancel: cancel,
		order:  make(chan chan *probeRows, 4*cfg.Workers),
		schema: schema,
		b:      array.NewRecordBuilder(cfg.Allocator, schema),
	}
	r.refs.Store(1)
	r.start()
	return r, nil
}

type job struct {
	probe int
	out   chan<- *probeRows
}

// start launches a feeder that hands out probes in order, each with its
// own result channel queued in r.order, and the workers.
func (r *Reader) start() {
	jobs := make(chan job)
	r.wg.Add(1 + r.cfg.Workers)
	go func() {
		defer r.wg.Done()
		defer close(jobs)
		defer close(r.order)
		for i := range r.plan.ids {
			ch := make(chan *probeRows, 1)
			select {
			case r.order <- ch:
			case <-r.ctx.Done():
				return
			}
			select {
			case jobs <- job{i, ch}:
			case <-r.ctx.Done():
				return
			}
		}
	}()
	for range r.cfg.Workers {
		go func() {
			defer r.wg.Done()
			g := newGenerator(r.cfg, &r.plan)
			for j := range jobs {
				if r.ctx.Err() != nil {
					continue
				}
				j.out <- g.probe(j.probe) // buffered: never blocks
			}
		}()
	}
}

// Probes is the number of probes the reader generates.
func (r *Reader) Probes() int { return len(r.plan.ids) }

// Schema returns ingest.Schema, or ingest.FailuresSchema with
// Config.Failures.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Stats counts the rows emitted so far.
func (r *Reader) Stats() ingest.Stats { return r.stats }

// Record returns the current batch, valid until Next or Release.
func (r *Reader) Record() arrow.Record { return r.rec }

// Err returns the context's error if generation was cancelled.
func (r *Reader) Err() error { return r.err }

// Retain increases the reference count.
func (r *Reader) Retain() { r.refs.Add(1) }

// Release decreases the reference count; at zero it stops the workers and
// frees the current batch.
func (r *Reader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.cancel()
	r.wg.Wait()
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.b.Release()
}

// nextProbe waits for the next probe in order; nil at the end.
func (r *Reader) nextProbe() *probeRows {
	var ch chan *probeRows
	select {
	case c, ok := <-r.order:
		if !ok {
			if err := r.ctx.Err(); err != nil {
				r.err = err
			}
			return nil
		}
		ch = c
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		return nil
	}
	select {
	case p := <-ch:
		return p
	case <-r.ctx.Done():
		r.err = r.ctx.Err()
		return nil
	}
}

// Next builds the next batch of Config.BatchRows rows (the last fewer).
func (r *Reader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.done || r.err != nil {
		return false
	}
	probe, anchor, times, v4, v6 := ingest.Builders(r.b)
	r.b.Reserve(r.cfg.BatchRows)
	n := 0
	for n < r.cfg.BatchRows {
		if r.pend == nil || r.off == r.pend.len() {
			if r.pend = r.nextProbe(); r.pend == nil {
				r.done = true
				break
			}
			r.off = 0
		}
		p := r.pend
		k := min(r.cfg.BatchRows-n, p.len()-r.off)
		for range k {
			probe.UnsafeAppend(p.probe)
		}
		anchor.AppendValues(p.anchor[r.off:r.off+k], nil)
		times.AppendValues(p.time[r.off:r.off+k], nil)
		if p.o4 == nil {
			v4.AppendValues(p.v4[r.off:r.off+k], nil)
			v6.AppendValues(p.v6[r.off:r.off+k], nil)
		} else {
			r.appendFailures(p.o4[r.off:r.off+k], p.v4[r.off:r.off+k], v4, 0)
			r.appendFailures(p.o6[r.off:r.off+k], p.v6[r.off:r.off+k], v6, 1)
		}
		r.off += k
		n += k
	}
	if r.err != nil {
		r.b.NewRecord().Release() // discard the partial batch
		return false
	}
	if n == 0 {
		return false
	}
	r.rec = r.b.NewRecord()
	r.stats.RowsRead += int64(n)
	r.stats.RowsKept += int64(n)
	return true
}

// appendFailures appends one family's durations, null where the test
// failed, and its outcomes (family 0 is IPv4, 1 IPv6).
func (r *Reader) appendFailures(codes []outcome.Code, d []float64, b *array.Float64Builder, family int) {
	o4, o6 := ingest.FailureBuilders(r.b)
	ob := o4
	if family == 1 {
		ob = o6
	}
	r.valid = r.valid[:0]
	for _, c := range codes {
		r.valid = append(r.valid, !c.Failed())
		ob.Append(c.String())
	}
	b.AppendValues(d, r.valid)
}

var _ ingest.Reader = (*Reader)(nil)
