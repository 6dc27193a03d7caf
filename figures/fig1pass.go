package figures

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/afsel/afsel/internal/rankstat"
)

// passConfig bounds Figure1Passes's memory: bins of a first-level
// histogram (a power of two, >= 2; 8 bytes each, five histograms in all,
// at most three at a time) and the 8-byte words of refinement per pass.
type passConfig struct {
	bins, limit int
}

// defaultPassConfig holds 16 MB of first-level histograms for the
// quantiles, then 6 MB for the kept tests (bins/16 bins each, with their
// smallest and largest keys: small enough to stay in the CPU's caches, which
// decides the speed of a pass), and 128 MB of refinement per pass. The
// budget is large so that the ECDF steps' first-level bins (about 2,000
// values each at 155 million tests) are collected whole rather than refined:
// ties at the steps shift the later steps' ranks (by hundreds at that
// scale, with microsecond durations), and small bins along the tie-free
// path then miss them, pass after pass.
var defaultPassConfig = passConfig{bins: 1 << 20, limit: 1 << 24}

// Figure1Passes computes Figure 1 as Figure1 does on the same paired tests,
// with memory bounded independently of their number (about 150 MB), by
// reading them several times: pass is called four or five times for
// continuous durations (155 million tests: five), more when many values
// near the wanted ranks tie (microsecond durations: five at 10 million
// tests, more at 155 million).
//
// Its quantiles, counts and shares are Figure1's, bit for bit. Its ECDFs
// hold only the steps that ECDF.Downsample(points) keeps of Figure1's exact
// ECDFs (plus, for the ratio, the two steps that RenderFigure1 reads at the
// edges of its axis), with the same X, P and N: since downsampling them
// again keeps them all, f.Rows(points), RenderFigure1(f, points) and Build
// with points give the same output as for Figure1's result. Other values of
// points do not. points must be positive.
func Figure1Passes(ctx context.Context, pass rankstat.Pass, points int) (*Fig1, error) {
	f, _, err := figure1Passes(ctx, pass, points, defaultPassConfig)
	return f, err
}

// fig1Error is err of a pass of Figure 1, an ErrBadInput when the passes
// differed.
func fig1Error(err error) error {
	if errors.Is(err, rankstat.ErrPassesDiffer) {
		return fmt.Errorf("%w: Figure 1, %w", ErrBadInput, err)
	}
	return fmt.Errorf("figures: Figure 1, %w", err)
}

// figure1Passes is Figure1Passes with its memory bounds; it also returns
// the number of passes made.
func figure1Passes(ctx context.Context, pass rankstat.Pass, points int, cfg passConfig) (*Fig1, int, error) {
	if points < 1 {
		panic("figures: Figure1Passes with points < 1")
	}
	r := rankstat.NewPasses(ctx, pass)
	f := &Fig1{}
	if err := quantiles(r, f, cfg); err != nil {
		return nil, r.Count(), err
	}
	f.RowsBefore = int(r.Rows())
	if err := ecdfs(r, f, points, cfg); err != nil {
		return nil, r.Count(), fig1Error(err)
	}
	return f, r.Count(), nil
}

// quantiles counts the tests and reads v4 and v6 until the ranks their
// 5th and 95th percentiles need are known exactly, and sets them in f.
func quantiles(r *rankstat.Passes, f *Fig1, cfg passConfig) error {
	d4, d6 := &rankstat.Sample{}, &rankstat.Sample{}
	d4.StartAll(cfg.bins, false)
	d6.StartAll(cfg.bins, false)
	visit4 := func(v4, _ []float64) { d4.ObserveAll(v4) }
	visit6 := func(_, v6 []float64) { d6.ObserveAll(v6) }
	if err := r.Run(visit4, visit6); err != nil {
		return fig1Error(err)
	}
	if r.Rows() == 0 {
		return fmt.Errorf("%w: no paired tests", ErrBadInput)
	}
	if err := r.Finish(d4, d6); err != nil {
		return fig1Error(err)
	}
	for {
		p := rankstat.NewPlanner(cfg.limit)
		var ok [4]bool
		f.Q05V4, ok[0] = d4.Quantile(0.05, p)
		f.Q95V4, ok[1] = d4.Quantile(0.95, p)
		f.Q05V6, ok[2] = d6.Quantile(0.05, p)
		f.Q95V6, ok[3] = d6.Quantile(0.95, p)
		if ok == [4]bool{true, true, true, true} {
			return nil
		}
		p.Start()
		if err := r.Run(visit4, visit6); err != nil {
			return fig1Error(err)
		}
		if err := r.Finish(d4, d6); err != nil {
			return fig1Error(err)
		}
	}
}

// The edges of RenderFigure1's ratio axis (its lo and hi), where it reads
// the ratio's ECDF with At.
const ratioAxisLo, ratioAxisHi = 0.5, 2.0

// ratioEdge is what RenderFigure1 reads of the ratio's exact ECDF at an
// edge t of its axis: the largest ratio <= t and how many are <= t.
type ratioEdge struct {
	t     float64
	x     float64
	count int64
}

func (e *ratioEdge) add(v float64) {
	if v <= e.t {
		if e.count == 0 || v > e.x {
			e.x = v
		}
		e.count++
	}
}

// ecdfs filters the tests by f's quantiles, counts them and the shares,
// and reads the kept v4, v6 and ratios until the steps Downsample(points)
// keeps of their ECDFs are known exactly.
func ecdfs(r *rankstat.Passes, f *Fig1, points int, cfg passConfig) error {
	var k4, k6, kr rankstat.Sample
	var kept, lo, hi, nanRatio int64
	edges := []ratioEdge{{t: ratioAxisLo}, {t: ratioAxisHi}}
	first := true
	// Three visits, run side by side: kept v4, kept v6, and the ratios
	// with, in the first pass, the counts. Each gathers its batch's kept
	// values in a buffer of its own, then observes them at once.
	var buf4, buf6, bufRatio []float64
	visit4 := func(v4, v6 []float64) {
		q := f.filter()
		buf4 = buf4[:0]
		for i, a := range v4 {
			if q.keeps(a, v6[i]) {
				buf4 = append(buf4, a)
			}
		}
		k4.ObserveAll(buf4)
	}
	visit6 := func(v4, v6 []float64) {
		q := f.filter()
		buf6 = buf6[:0]
		for i, b := range v6 {
			if q.keeps(v4[i], b) {
				buf6 = append(buf6, b)
			}
		}
		k6.ObserveAll(buf6)
	}
	visitRatio := func(v4, v6 []float64) {
		q := f.filter()
		bufRatio = bufRatio[:0]
		for i := range v4 {
			a, b := v4[i], v6[i]
			if !q.keeps(a, b) {
				continue
			}
			ratio := a / b
			bufRatio = append(bufRatio, ratio) // NaN skipped by ObserveAll
			if !first {
				continue
			}
			kept++
			if ratio < RatioLow {
				lo++
			}
			if ratio > RatioHigh {
				hi++
			}
			if ratio != ratio {
				nanRatio++
				continue
			}
			edges[0].add(ratio)
			edges[1].add(ratio)
		}
		kr.ObserveAll(bufRatio)
	}
	// Kept values lie between the quantiles: first-level bins over just
	// that range, fewer for few tests. These bins record their smallest
	// and largest values, which resolves the bins of a single value (ties)
	// at once; at four times the memory, a sixteenth as many, so that
	// they stay in the caches.
	bins := max(2, min(cfg.bins/16, 1<<bits.Len64(uint64(r.Rows())/16)))
	if f.Q05V4 < f.Q95V4 && f.Q05V6 < f.Q95V6 {
		k4.Start(f.Q05V4, f.Q95V4, bins, true)
		k6.Start(f.Q05V6, f.Q95V6, bins, true)
		if f.Q05V4 >= 0 && f.Q05V6 > 0 {
			// Correctly rounded division is monotone in both operands.
			kr.Start(f.Q05V4/f.Q95V6, f.Q95V4/f.Q05V6, bins, true)
		} else {
			kr.StartAll(bins, true)
		}
	}
	if err := r.Run(visit4, visit6, visitRatio); err != nil {
		return err
	}
	first = false
	if err := r.Finish(&k4, &k6, &kr); err != nil {
		return err
	}
	if k4.N() != kept || k6.N() != kept || kr.N() != kept-nanRatio {
		panic(fmt.Sprintf("figures: Figure 1 kept %d tests but histograms hold %d, %d, %d", kept, k4.N(), k6.N(), kr.N()))
	}
	f.RowsAfter = int(kept)
	if kept > 0 {
		f.ShareV4Faster, f.ShareV6Faster = float64(lo)/float64(kept), float64(hi)/float64(kept)
	}
	ecdf := func(w *rankstat.Walk, s *rankstat.Sample) ECDF { return ECDF{X: w.X, P: w.P, N: int(s.N())} }
	for {
		ws := []*rankstat.Walk{k4.Steps(points), k6.Steps(points), kr.Steps(points)}
		if ws[0].Done && ws[1].Done && ws[2].Done {
			f.V4, f.V6, f.Ratio = ecdf(ws[0], &k4), ecdf(ws[1], &k6), withEdges(ecdf(ws[2], &kr), edges)
			return nil
		}
		p := rankstat.NewPlanner(cfg.limit)
		p.Plan(ws...)
		p.Start()
		if err := r.Run(visit4, visit6, visitRatio); err != nil {
			return err
		}
		if err := r.Finish(&k4, &k6, &kr); err != nil {
			return err
		}
	}
}

// withEdges adds to e (steps of an exact ECDF including its maximum) the
// exact steps at the edges, so that e.At(edge.t) is exact. Downsample keeps
// none of them unless it already did: a step between two kept ones is
// within 1/points of the earlier.
func withEdges(e ECDF, edges []ratioEdge) ECDF {
	nf := float64(e.N)
	for _, g := range edges {
		if g.count == 0 {
			continue
		}
		i, found := slices.BinarySearch(e.X, g.x)
		if found {
			continue
		}
		e.X = slices.Insert(e.X, i, g.x)
		e.P = slices.Insert(e.P, i, float64(g.count)/nf)
	}
	return e
}
