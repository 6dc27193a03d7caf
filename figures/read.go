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
	Time   []int64 // microseconds since the Unix epoch
	V4, V6 []float64
}

// ReadPair reads every batch of src (the ingest schema) and returns the
// series of pair, in time order. The batches are not retained.
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
		tm := rec.Column(ingest.IdxStartTime).(*array.Timestamp).TimestampValues()
		v4 := rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()
		for i := range probe {
			if probe[i] == pair.Probe && anchor[i] == pair.Anchor {
				s.Time = append(s.Time, int64(tm[i]))
				s.V4 = append(s.V4, v4[i])
				s.V6 = append(s.V6, v6[i])
			}
		}
	}
	if err := src.Err(); err != nil {
		return s, err
	}
	s.sortByTime()
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
