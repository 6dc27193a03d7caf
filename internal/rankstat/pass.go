package rankstat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Pass calls visit with every row of two columns in batches (a[i] and b[i]
// are one row's), once per row, and returns the first error of visit or of
// its own. A computation calls it several times: each call must give the
// same rows (in any batches, in the same order or not).
type Pass func(ctx context.Context, visit func(a, b []float64) error) error

// ColumnsPass is the Pass over columns held in memory, in batches of at
// most batch rows (batch >= 1).
func ColumnsPass(a, b []float64, batch int) Pass {
	if batch < 1 {
		panic("rankstat: ColumnsPass with batch < 1")
	}
	return func(ctx context.Context, visit func(a, b []float64) error) error {
		if len(a) != len(b) {
			return fmt.Errorf("rankstat: columns of %d and %d rows", len(a), len(b))
		}
		for i := 0; i < len(a); i += batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			j := min(i+batch, len(a))
			if err := visit(a[i:j], b[i:j]); err != nil {
				return err
			}
		}
		return nil
	}
}

// ErrPassesDiffer is wrapped by the errors of Passes when a pass gave other
// rows than the earlier ones.
var ErrPassesDiffer = errors.New("the passes differ: every pass must give the same rows")

// Passes makes the passes of one computation over a Pass and checks that
// they agree.
type Passes struct {
	ctx  context.Context
	pass Pass
	n    int
	rows int64
}

// NewPasses returns the passes over pass, made under ctx.
func NewPasses(ctx context.Context, pass Pass) *Passes {
	return &Passes{ctx: ctx, pass: pass}
}

// Count is the number of passes made.
func (r *Passes) Count() int { return r.n }

// Rows is the number of rows of a pass (once one is made).
func (r *Passes) Rows() int64 { return r.rows }

// Run makes one pass, calling every visit on every batch. The visits must
// touch disjoint state: with several of them each runs on a goroutine of
// its own, since at scale a pass is hundreds of millions of observations,
// which one core would take tens of seconds over. Each visit sees the
// batches in order, but not in step with the others: batches are copied
// into a few slots that the visits share, so that a slow visit does not
// hold up the fast ones (nor the reading) until the slots are all in use.
func (r *Passes) Run(visits ...func(a, b []float64)) error {
	var rows int64
	check := func(a, b []float64) error {
		if len(a) != len(b) {
			return fmt.Errorf("a batch of %d and %d rows", len(a), len(b))
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		rows += int64(len(a))
		return nil
	}
	var err error
	if len(visits) == 1 {
		err = r.pass(r.ctx, func(a, b []float64) error {
			if err := check(a, b); err != nil {
				return err
			}
			visits[0](a, b)
			return nil
		})
	} else {
		err = r.fanOut(check, visits)
	}
	r.n++
	if err != nil {
		return fmt.Errorf("pass %d: %w", r.n, err)
	}
	if r.n > 1 && rows != r.rows {
		return fmt.Errorf("pass %d read %d rows but the first %d: %w", r.n, rows, r.rows, ErrPassesDiffer)
	}
	r.rows = rows
	return nil
}

// passSlots is how many batches a pass holds at once for its visits.
const passSlots = 4

// slot is a copy of a batch, free again once every visit has seen it.
type slot struct {
	a, b []float64
	left atomic.Int32 // visits yet to see it
}

// fanOut makes a pass with each visit on a goroutine of its own.
func (r *Passes) fanOut(check func(a, b []float64) error, visits []func(a, b []float64)) error {
	free := make(chan *slot, passSlots)
	for range passSlots {
		free <- &slot{}
	}
	queues := make([]chan *slot, len(visits))
	var wg sync.WaitGroup
	for i, visit := range visits {
		// Never full: there are only passSlots slots.
		queues[i] = make(chan *slot, passSlots)
		wg.Go(func() {
			for s := range queues[i] {
				visit(s.a, s.b)
				if s.left.Add(-1) == 0 {
					free <- s
				}
			}
		})
	}
	err := r.pass(r.ctx, func(a, b []float64) error {
		if err := check(a, b); err != nil {
			return err
		}
		var s *slot
		select {
		case s = <-free:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
		s.a, s.b = append(s.a[:0], a...), append(s.b[:0], b...)
		s.left.Store(int32(len(visits)))
		for _, q := range queues {
			q <- s
		}
		return nil
	})
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	return err
}

// Finish files the pass's results of every sample.
func (r *Passes) Finish(ss ...*Sample) error {
	for _, s := range ss {
		if !s.Finish() {
			return fmt.Errorf("pass %d saw other values than the earlier passes: %w", r.n, ErrPassesDiffer)
		}
	}
	return nil
}
