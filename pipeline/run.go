package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/failures"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/rankstat"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// Monitor is how a run reports what it is doing: counters a progress line
// reads from another goroutine, and a logger. A nil *Monitor, or a nil Log,
// reports nothing.
type Monitor struct {
	Log *slog.Logger
	// Analysis counts the probes and pairs analysed so far.
	Analysis pairs.Progress
	// Phase is the phase under way (a Phase), for a progress line.
	Phase atomic.Int32
	// Fig1Pass is the pass of Figure 1 over the spill under way (0: none).
	Fig1Pass atomic.Int64
	// Written and Files count the files written and to write.
	Written, Files atomic.Int64
}

// Phases of a run, as Monitor.Phase holds them.
const (
	PhaseNone     int32 = iota
	PhaseAnalysis       // reading and analysing the input
	PhaseFigures        // computing and drawing the figures
	PhaseWriting        // writing the files
)

func (m *Monitor) phase(p int32) {
	if m != nil {
		m.Phase.Store(p)
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func (m *Monitor) log() *slog.Logger {
	if m == nil || m.Log == nil {
		return discard
	}
	return m.Log
}

func (m *Monitor) analysis() *pairs.Progress {
	if m == nil {
		return nil
	}
	return &m.Analysis
}

// Result is what one pass over the input computed, ready to write.
type Result struct {
	Config Config
	Stages Stages
	Input  InputInfo
	Rows   ingest.Stats // the reader's row counts, drops by reason
	Group  pairs.Stats
	// Tables holds every pair's tables outputs, sorted by (probe, anchor),
	// when Tables, or Figures, is selected, without their segments: a
	// study of long series holds them packed (Segments, WriteChangePoints),
	// found by the pair's index, so reorder or filter a copy of Tables.
	Tables   []tables.Pair
	Table1   stats.Table1
	Table2   tables.Table2
	Replay   []replay.Pair   // every pair's replay, sorted by (probe, anchor), when Replay is selected
	Steps    int64           // EXP3 steps simulated
	Policies *compare.Result // the policy comparison, when Policies is selected
	// FailurePairs counts every pair's failed tests, sorted by (probe,
	// anchor), and PoliciesFailures is the comparison with failures, when
	// Failures is selected.
	FailurePairs     []failures.Pair
	PoliciesFailures *compare.FailureResult
	FailureSteps     []int64       // rounds simulated per policy of the comparison with failures
	Analysis         time.Duration // reading and analysing the input
	// Coverage is the per-probe coverage of the winning family, set by
	// Write with the figures.
	Coverage *figures.Coverage
	// Hours is the summary by UTC hour of day (hours.Summarize over the
	// eligible pairs), when Hours is selected and the input has start
	// times; nil otherwise.
	Hours []hours.Row
	// Networks is the study per country and AS, when Tables is selected
	// and Config.Probes is set.
	Networks []networks.Group
	// segments[i] is where Tables[i]'s segments are in store: Tables is
	// not to be reordered nor filtered in place.
	segments []segmentRef
	store    *segmentStore
	fig2     *figures.PairChooser
	spill    *rankstat.Spill
	start    time.Time
}

// ErrNoTests is wrapped by Run's error when the input holds no paired test:
// there is nothing to write, and nothing is.
var ErrNoTests = errors.New("no paired tests")

// Errors of the choice of Figure 2's pair.
var (
	ErrNoSuchPair     = errors.New("no such pair in the input")
	ErrPairIneligible = errors.New("the pair is not eligible")
)

// Eligible is the number of eligible pairs.
func (r *Result) Eligible() int {
	if r.Stages.Tables || r.Tables != nil {
		return r.Table1.Total()
	}
	n := 0
	for i := range r.Replay {
		if r.Replay[i].Eligible {
			n++
		}
	}
	return n
}

// Close releases what the result holds for Write (Figure 1's spill file,
// the segments' file).
func (r *Result) Close() error {
	if r.spill != nil {
		r.spill.Close()
	}
	if r.store != nil {
		r.store.close()
	}
	return nil
}

// analysis is what the workers of one pass collect.
type analysis struct {
	mu     sync.Mutex
	tables []tables.Pair
	replay []replay.Pair
	steps  int64
	// policies and policySteps are the comparison's pairs and steps per
	// policy.
	policies    []compare.Pair
	policySteps []int64
	// failures are every pair's failure counts; fres and fsteps the
	// comparison with failures.
	failures []failures.Pair
	fres     *compare.FailureResult
	fsteps   []int64
	// hours are the eligible pairs' differences per hour of day.
	hours []hours.Pair
	// segments are where the pairs' segments are in the store, in the
	// order of tables; table1 and table2 count the pairs as they come, and
	// networks groups them, for the pairs' segments are not held.
	segments []segmentRef
	table1   stats.Table1
	table2   tables.Table2
	networks *networks.Summary
}

// succeeded returns p with only the rows whose two tests worked, leaving
// out the series with none left: the probe the authors' query gives.
func succeeded(p pairs.Probe) pairs.Probe {
	out := pairs.Probe{ID: p.ID, Series: make([]pairs.Series, 0, len(p.Series))}
	for i := range p.Series {
		if s := p.Series[i].Succeeded(); s.Len() > 0 {
			out.Series = append(out.Series, s)
		}
	}
	return out
}

// Run reads the input once and runs the stages s of cfg on every probe, on
// cfg.Workers goroutines. The result's outputs do not depend on the number
// of workers nor on the order of the input's probes. The caller must Close
// the result.
func Run(ctx context.Context, in Input, cfg Config, s Stages, mon *Monitor) (*Result, error) {
	start := time.Now()
	cfg.Normalize()
	if err := cfg.Validate(s); err != nil {
		return nil, err
	}
	cfg.TempDir = nearestDir(cfg.TempDir)
	if in.keepFailures != nil {
		in.keepFailures(s.Failures)
	}
	if in.prepare != nil {
		if in.cleanup != nil {
			defer in.cleanup()
		}
		if err := in.prepare(cfg.TempDir); err != nil {
			return nil, err
		}
	}
	mon.phase(PhaseAnalysis)
	describe := startDescribe(in.Describe)
	res := &Result{Config: cfg, Stages: s, start: start}
	var eng *replay.Engine
	if s.Replay {
		var err error
		if eng, err = replay.NewEngine(cfg.Replay); err != nil {
			return nil, err
		}
	}
	var comp *compare.Comparer
	if s.Policies {
		var err error
		if comp, err = compare.New(eng, cfg.Compare); err != nil {
			return nil, err
		}
	}
	var fcomp *compare.Comparer
	if s.Failures {
		var err error
		if fcomp, err = compare.New(eng, cfg.failureCompare()); err != nil {
			return nil, err
		}
	}
	analyse := s.Tables || s.Figures || s.Policies
	if s.Figures {
		res.spill = rankstat.NewSpill(cfg.TempDir, figure1InMemory)
	}
	res.store = &segmentStore{dir: cfg.TempDir}
	// untimed is set once a series without start times is met: the hours
	// are then skipped, as a whole.
	var untimed atomic.Bool
	var a analysis
	reset := func() {
		a = analysis{}
		if s.Tables && cfg.Probes != nil {
			a.networks = networks.NewSummary(cfg.Probes)
		}
		res.fig2 = &figures.PairChooser{Want: cfg.Figures.Pair}
		if comp != nil {
			a.policySteps = make([]int64, len(comp.Labels()))
		}
		if fcomp != nil {
			a.fres, a.fsteps = fcomp.NewFailureResult(), make([]int64, len(fcomp.Labels()))
		}
	}
	reset()
	newWork := func() func(pairs.Probe) error {
		var an *tables.Analyzer
		if analyse {
			an = tables.NewAnalyzer(cfg.Tables)
		}
		var rw *replay.Worker
		if eng != nil {
			rw = eng.NewWorker()
		}
		var cw, fw *compare.Worker
		if comp != nil {
			cw = comp.NewWorker()
			if rw != nil {
				cw.ShareReplay(rw) // its EXP3 runs' arms, for the comparison's exp3
			}
		}
		if fcomp != nil {
			fw = fcomp.NewWorker()
		}
		var packed changepoint.Packed // the probe's pairs' segments
		var ends []int                // where each pair's end in packed
		var ha *hours.Analyzer
		if s.Hours {
			ha = &hours.Analyzer{}
		}
		return func(p pairs.Probe) error {
			var full pairs.Probe
			var fp []failures.Pair
			if fw != nil {
				full = p
				fp = make([]failures.Pair, len(p.Series))
				for i := range p.Series {
					fp[i] = failures.Count(&p.Series[i])
				}
				p = succeeded(p)
			}
			var tp []tables.Pair
			var classes []stats.Result
			var hps []hours.Pair
			if an != nil {
				tp = make([]tables.Pair, len(p.Series))
				classes = make([]stats.Result, len(p.Series))
				for i := range p.Series {
					sr := &p.Series[i]
					var err error
					if tp[i], err = an.Pair(sr); err != nil {
						return err
					}
					classes[i] = tp[i].Class
					if ha != nil && tp[i].Eligible && !untimed.Load() {
						hp, err := ha.Pair(sr, tp[i].Class.Zone)
						switch {
						case errors.Is(err, hours.ErrNoTime):
							untimed.Store(true)
						case err != nil:
							return err
						default:
							hps = append(hps, hp)
						}
					}
					if s.Figures {
						res.spill.Add(sr.V4, sr.V6)
						res.fig2.Offer(&tp[i], sr)
					}
				}
			}
			var rp []replay.Pair
			var steps int64
			if rw != nil {
				var err error
				if rp, steps, err = rw.Probe(ctx, &p, classes); err != nil {
					return err
				}
			}
			var cp []compare.Pair
			if cw != nil {
				var err error
				if cp, err = cw.Probe(ctx, &p, rp, tp); err != nil {
					return err
				}
			}
			if fw != nil {
				if err := fw.Failures(ctx, &full, alignReplay(full, p, rp)); err != nil {
					return err
				}
			}
			// The segments have served (classes, Figure 2, the
			// comparison): they are counted and packed.
			t1, t2 := tables.Summarize(tp)
			packed, ends = packed[:0], slices.Grow(ends[:0], len(tp))[:len(tp)]
			for i := range tp {
				packed = changepoint.Pack(packed, tp[i].Segments)
				ends[i] = len(packed)
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			a.table1.Merge(t1)
			a.table2.Merge(t2)
			if a.networks != nil {
				for i := range tp {
					var r *replay.Pair
					if rp != nil {
						r = &rp[i]
					}
					a.networks.Add(&tp[i], r)
				}
			}
			start := 0
			for i := range tp {
				ref, err := res.store.add(packed[start:ends[i]])
				if err != nil {
					return err
				}
				a.segments = append(a.segments, ref)
				start = ends[i]
				tp[i].Segments = nil
			}
			if cw != nil {
				a.policies = append(a.policies, cp...)
				cw.TakeSteps(a.policySteps)
			}
			if fw != nil {
				a.failures = append(a.failures, fp...)
				fw.TakeFailures(a.fres, a.fsteps)
			}
			a.tables = append(a.tables, tp...)
			a.hours = append(a.hours, hps...)
			a.replay = append(a.replay, rp...)
			a.steps += steps
			return nil
		}
	}
	restart := func() {
		reset()
		if res.spill != nil {
			res.spill.Reset()
		}
		res.store.reset()
	}
	each := pairs.EachConfig{Workers: cfg.Workers, Progress: mon.analysis(), Restart: restart}
	group, rows, err := pairs.Each(ctx, in.Open, each, newWork)
	if err != nil {
		res.Close()
		return nil, err
	}
	logDropped(mon, rows)
	if in.unsorted != nil {
		if err := in.unsorted(); err != nil {
			mon.log().Warn("input files grouped in memory", "reason", err)
		}
	}
	if res.spill != nil {
		if err := res.spill.Finish(); err != nil {
			res.Close()
			return nil, fmt.Errorf("figure 1: %w", err)
		}
	}
	if err := res.store.finish(); err != nil {
		res.Close()
		return nil, err
	}
	if res.Input, err = describe(); err != nil {
		res.Close()
		return nil, err
	}
	mon.log().Debug("input digested", "elapsed", time.Since(start).Round(time.Millisecond))
	if group.Pairs == 0 {
		res.Close()
		name := res.Input.Path
		if name == "" {
			name = fmt.Sprintf("the %d input files", len(res.Input.Files))
		}
		if d := rows.DroppedTotal(); d > 0 {
			return nil, fmt.Errorf("%w in %s: all %d rows were dropped (%s)", ErrNoTests, name, d, rows.DroppedText())
		}
		return nil, fmt.Errorf("%w in %s", ErrNoTests, name)
	}
	res.Rows, res.Group, res.Steps = rows, group, a.steps
	if analyse {
		res.Tables, res.segments = sortPairs(a.tables, a.segments)
		res.Table1, res.Table2 = a.table1, a.table2
		if a.networks != nil {
			res.Networks = a.networks.Groups()
		}
		if res.Table1.NaNQuirk > 0 {
			mon.log().Info("pairs classified through the NaN quirk (constant equal trimmed samples, zone 1 as in the artefacts)", "pairs", res.Table1.NaNQuirk)
		}
	}
	if s.Hours {
		if untimed.Load() {
			mon.log().Warn("skipped the hours of day: the input has no start times (CBOR); use an input with start_time")
		} else {
			res.Hours = hours.Summarize(a.hours)
		}
	}
	if s.Replay {
		res.Replay = a.replay
		replay.SortPairs(res.Replay)
	}
	if comp != nil {
		res.Policies = comp.Result(a.policies, a.policySteps)
	}
	if fcomp != nil {
		res.FailurePairs = a.failures
		failures.SortPairs(res.FailurePairs)
		res.PoliciesFailures, res.FailureSteps = a.fres, a.fsteps
	}
	res.Analysis = time.Since(start)
	mon.log().Debug("analysis done", "pairs", group.Pairs, "steps", res.Steps, "elapsed", res.Analysis.Round(time.Millisecond))
	return res, nil
}

// sortPairs sorts tp by (probe, anchor), and segs, where tp's segments
// are, with it, in place: the pairs are the largest of a run's results.
func sortPairs(tp []tables.Pair, segs []segmentRef) ([]tables.Pair, []segmentRef) {
	sort.Sort(pairsByKey{tp, segs})
	return tp, segs
}

// pairsByKey sorts pairs and their segments' places together. Keys are
// unique, so the order is the same whatever the algorithm.
type pairsByKey struct {
	tp   []tables.Pair
	segs []segmentRef
}

func (p pairsByKey) Len() int           { return len(p.tp) }
func (p pairsByKey) Less(i, j int) bool { return pairs.Compare(p.tp[i].Key(), p.tp[j].Key()) < 0 }
func (p pairsByKey) Swap(i, j int) {
	p.tp[i], p.tp[j] = p.tp[j], p.tp[i]
	p.segs[i], p.segs[j] = p.segs[j], p.segs[i]
}

// alignReplay returns the replay of each of full's series: rp holds the
// replay of ok's, the same probe's successful rows, which lacks the series
// that had none (they are not eligible).
func alignReplay(full, ok pairs.Probe, rp []replay.Pair) []replay.Pair {
	out := make([]replay.Pair, len(full.Series))
	j := 0
	for i := range full.Series {
		if j < len(ok.Series) && ok.Series[j].Anchor == full.Series[i].Anchor {
			out[i] = rp[j]
			j++
		}
	}
	return out
}

// startDescribe runs describe in the background; the function it returns
// waits for the result.
func startDescribe(describe func() (InputInfo, error)) func() (InputInfo, error) {
	if describe == nil {
		return func() (InputInfo, error) { return InputInfo{}, nil }
	}
	type result struct {
		info InputInfo
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := describe()
		done <- result{info, err}
	}()
	return sync.OnceValues(func() (InputInfo, error) {
		r := <-done
		return r.info, r.err
	})
}

// nearestDir is dir or, where it does not exist yet, its nearest ancestor
// that does: temporary files go there, so that a failed run creates no
// directory. "" stays "" (the system's temporary directory).
func nearestDir(dir string) string {
	for dir != "" {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	return dir
}

// logDropped logs the rows a reader left out: malformed ones as a warning,
// those with a failed test as information (the authors' query leaves them
// out too).
func logDropped(mon *Monitor, rows ingest.Stats) {
	failed, malformed := rows.SplitFailures()
	if d := malformed.DroppedTotal(); d > 0 {
		mon.log().Warn("skipped malformed rows", "rows", d, "reasons", malformed.DroppedText())
	}
	if d := failed.DroppedTotal(); d > 0 {
		mon.log().Info("left out rows with a failed test, as the authors' query does (--failures keeps them)", "rows", d, "reasons", failed.DroppedText())
	}
}
