package figures

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/internal/rankstat"
	"github.com/afsel/afsel/pairs"
)

// ErrBadInput is wrapped by every error about the content of an input
// (the same error as tables.ErrBadInput and replay.ErrBadInput).
var ErrBadInput = csvtable.ErrBadInput

// PairSeries is one pair's paired tests in time order (stable for equal
// times, as package pairs sorts).
type PairSeries struct {
	pairs.Key
	Time   []int64 // microseconds since the Unix epoch; nil when the input has no times
	V4, V6 []float64
}

// ReadPair reads every batch of src (the ingest schema) and returns the
// series of pair, in time order. The batches are not retained. Batches
// without times (every start_time null: ingest.UntimedSchema, from CBOR)
// leave Time nil and the series in input order, as package pairs does; a
// pair with tests in both kinds of batch is an error.
func ReadPair(ctx context.Context, src array.RecordReader, pair pairs.Key) (PairSeries, error) {
	s := PairSeries{Key: pair}
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		rec := src.Record()
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			return s, err
		}
		probe := rec.Column(ingest.IdxProbe).(*array.Int64).Int64Values()
		anchor := rec.Column(ingest.IdxAnchor).(*array.Int64).Int64Values()
		tcol := rec.Column(ingest.IdxStartTime).(*array.Timestamp)
		// A null start_time reads as 0, the Unix epoch: not a time.
		untimed := rec.NumRows() > 0 && tcol.NullN() == int(rec.NumRows())
		if n := tcol.NullN(); n > 0 && !untimed {
			return s, fmt.Errorf("figures: start_time has %d nulls in a batch of %d rows: %w", n, rec.NumRows(), ingest.ErrBadRow)
		}
		tm := tcol.TimestampValues()
		v4 := rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()
		for i := range probe {
			if probe[i] == pair.Probe && anchor[i] == pair.Anchor {
				if !untimed {
					s.Time = append(s.Time, int64(tm[i]))
				}
				s.V4 = append(s.V4, v4[i])
				s.V6 = append(s.V6, v6[i])
			}
		}
	}
	if err := src.Err(); err != nil {
		return s, err
	}
	switch len(s.Time) {
	case 0:
		s.Time = nil
	case len(s.V4):
		s.sortByTime()
	default:
		return s, fmt.Errorf("figures: pair %v: %d of %d paired tests have a start_time; want all or none: %w", pair, len(s.Time), len(s.V4), ingest.ErrBadRow)
	}
	return s, nil
}

// RecordsPass is a rankstat.Pass over the duration columns of the batches open
// returns (the ingest schema), opened again for every pass.
func RecordsPass(open func() (array.RecordReader, error)) rankstat.Pass {
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		src, err := open()
		if err != nil {
			return err
		}
		defer src.Release()
		for src.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec := src.Record()
			if err := ingest.CheckSchema(rec.Schema()); err != nil {
				return err
			}
			v4 := rec.Column(ingest.IdxV4).(*array.Float64)
			v6 := rec.Column(ingest.IdxV6).(*array.Float64)
			if v4.NullN() > 0 || v6.NullN() > 0 {
				return fmt.Errorf("figures: null durations: %w", ingest.ErrBadRow)
			}
			if err := visit(v4.Float64Values(), v6.Float64Values()); err != nil {
				return err
			}
		}
		return src.Err()
	}
}
