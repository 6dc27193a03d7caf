package compare

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// DefaultRecover is the number of consecutive rounds on the new segment's
// better family after which a policy counts as recovered from a change.
const DefaultRecover = 5

// Config selects the policies to compare (policy.Parse).
type Config struct {
	Specs []policy.Spec
	// Labels name the policies in the outputs, one per spec; nil means
	// each spec's canonical String. Labels must be distinct.
	Labels []string
	// Segments turns on the non-stationary view: pairs whose segments'
	// zones differ from the pair's (Table 2's groups A and C), with the
	// segments the caller passes to Worker.Probe.
	Segments bool
	// Recover is the run of consecutive rounds on the new segment's better
	// family that ends a recovery; <= 0 means DefaultRecover.
	Recover int
	// Timeout is the OS connect timeout a client waits on a silent failure
	// in a comparison with failures (policies with their own, os and
	// steer, use theirs); 0 means DefaultTimeout.
	Timeout time.Duration
}

// Validate reports whether c is usable.
func (c Config) Validate() error {
	if c.Timeout < 0 || c.Timeout > MaxTimeout {
		return fmt.Errorf("compare: connect timeout %v: want a duration in (0, %v] (0: the default)", c.Timeout, MaxTimeout)
	}
	if c.Labels != nil && len(c.Labels) != len(c.Specs) {
		return fmt.Errorf("compare: %d labels for %d policies", len(c.Labels), len(c.Specs))
	}
	seen := map[string]bool{}
	for i := range c.Specs {
		if _, err := c.Specs[i].New(); err != nil && !c.Specs[i].Oracle() {
			return fmt.Errorf("compare: %w", err)
		}
		l := c.label(i)
		if seen[l] {
			return fmt.Errorf("compare: policy %q given twice", l)
		}
		seen[l] = true
	}
	return nil
}

func (c Config) label(i int) string {
	if c.Labels != nil {
		return c.Labels[i]
	}
	return c.Specs[i].String()
}

// Metrics is one policy's replay of one pair, over the scored rounds
// (index > Train); for randomized policies each field is the median over
// runs (element Runs/2 of the sorted values, as median_best_choice).
// Fields are NaN when the policy is undefined for the pair (probe without
// a family).
type Metrics struct {
	BestChoice float64 // rounds served by a family no slower than the other, over N - Train (the artefacts' score)
	MeanMs     float64 // mean latency per request, ms (race strategies: including the head start)
	GainV6     float64 // mean ms saved per request against always IPv6
	Regret     float64 // cumulative ms lost against the per-round oracle min(v4, v6)
	Conns      float64 // connections opened per request
}

// SegmentMetrics is one policy's replay of one segment of a pair.
type SegmentMetrics struct {
	// BestChoice is the share of the segment's scored rounds served by a
	// family no slower than the other (NaN: no scored round).
	BestChoice float64
	// Recover is the number of rounds after the segment's start (a change
	// of zone) before the policy first serves Config.Recover consecutive
	// rounds with the segment's better family, looking as far as the next
	// change of zone (consecutive segments in the same zone form one
	// regime). NaN when not applicable (first segment, zone 2, or same zone
	// as the previous segment), +Inf when it never does so in the regime
	// (median over runs for randomized policies).
	Recover float64
}

// Pair is the comparison on one eligible pair.
type Pair struct {
	Probe, Anchor int64
	N             int
	Zone          stats.Zone
	Family        stats.Family
	Metrics       []Metrics // one per policy
	// Group is "A" or "C" (Table 2) when the pair is in the non-stationary
	// view, else "".
	Group    string
	Segments []changepoint.Segment // only for groups A and C
	// SegMetrics[j][k] is policy j on segment k.
	SegMetrics [][]SegmentMetrics
}

// Result is the outcome of a comparison over an input.
type Result struct {
	Labels []string
	Pairs  []Pair  // eligible pairs, sorted by (Probe, Anchor)
	Steps  []int64 // rounds simulated per policy (rounds x runs)
}

// Comparer compares policies beside one replay engine, whose configuration
// (runs, training rounds, seed) and random stream it shares. It holds what
// workers share and is safe for concurrent use.
type Comparer struct {
	eng    *replay.Engine
	rcfg   replay.Config
	cfg    Config
	labels []string
}

// New validates cfg and returns a comparer beside eng.
func New(eng *replay.Engine, cfg Config) (*Comparer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	labels := make([]string, len(cfg.Specs))
	for i := range labels {
		labels[i] = cfg.label(i)
	}
	return &Comparer{eng: eng, rcfg: eng.Config(), cfg: cfg, labels: labels}, nil
}

// Labels returns the policies' names in the outputs, in the order of the
// specs.
func (c *Comparer) Labels() []string { return c.labels }

// Result assembles the pairs and per-policy steps of a pass over an input
// into a Result, sorting the pairs by (Probe, Anchor).
func (c *Comparer) Result(ps []Pair, steps []int64) *Result {
	slices.SortFunc(ps, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Probe, b.Probe), cmp.Compare(a.Anchor, b.Anchor))
	})
	return &Result{Labels: c.labels, Pairs: ps, Steps: steps}
}

// Worker replays the policies over one probe's pairs at a time, keeping
// buffers between probes; use one per goroutine.
type Worker struct {
	cfg     replay.Config
	pc      Config
	eng     *replay.Engine
	strats  []policy.Strategy // nil for oracles
	pcg     *rand.PCG
	rng     *rand.Rand
	recover int
	steps   []int64

	labels    []string
	timeout   time.Duration
	fail      *FailureResult
	failSteps []int64

	arms                            []int8
	batch                           batchState
	best, mean, gain, regret, conns []float64 // per run
	segBest, segRec                 [][]float64
}

// NewWorker returns a worker of the comparer.
func (c *Comparer) NewWorker() *Worker {
	w := &Worker{cfg: c.rcfg, pc: c.cfg, eng: c.eng, steps: make([]int64, len(c.cfg.Specs)),
		labels: c.labels, timeout: c.timeout(), failSteps: make([]int64, len(c.cfg.Specs))}
	for _, sp := range c.cfg.Specs {
		s, err := sp.New()
		if err != nil {
			s = nil // an oracle; Validate rejected anything else
		}
		w.strats = append(w.strats, s)
	}
	w.pcg = rand.NewPCG(0, 0)
	w.rng = rand.New(w.pcg)
	w.recover = c.cfg.Recover
	if w.recover <= 0 {
		w.recover = DefaultRecover
	}
	r := c.rcfg.Runs
	w.best, w.mean, w.gain, w.regret, w.conns = make([]float64, r), make([]float64, r), make([]float64, r), make([]float64, r), make([]float64, r)
	return w
}

// Probe replays the policies over the eligible pairs of p. rp is the
// probe's replay (replay.Worker.Probe), which gives each pair's
// eligibility, zone and probe family; tp is its tables analysis
// (tables.Analyzer.Pair), which gives each pair's segments, as the caller's
// PELT configuration computed them. tp may be nil when Config.Segments is
// off. It returns the eligible pairs, in the probe's order.
func (w *Worker) Probe(ctx context.Context, p *pairs.Probe, rp []replay.Pair, tp []tables.Pair) ([]Pair, error) {
	if len(rp) != len(p.Series) || (w.pc.Segments && len(tp) != len(p.Series)) {
		panic("compare: replay or tables pairs do not match the probe's series")
	}
	var out []Pair
	for i := range p.Series {
		if !rp[i].Eligible {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var segs []changepoint.Segment
		if w.pc.Segments {
			segs = tp[i].Segments
		}
		out = append(out, w.pair(&rp[i], segs, &p.Series[i]))
	}
	return out, nil
}

// TakeSteps adds to dst, one per policy, the rounds the worker simulated
// (rounds x runs) since its last call, and zeroes its own counts.
func (w *Worker) TakeSteps(dst []int64) {
	for j, s := range w.steps {
		dst[j] += s
	}
	clear(w.steps)
}

// group is Table 2's group A or C of a pair in zone z with segs, or "".
func group(z stats.Zone, segs []changepoint.Segment) string {
	switch g := tables.Group(z, segs); {
	case g.A:
		return "A"
	case g.C:
		return "C"
	}
	return ""
}

// pair compares the policies on one eligible pair whose replay is rp and
// whose segments are segs.
func (w *Worker) pair(rp *replay.Pair, segs []changepoint.Segment, s *pairs.Series) Pair {
	v4, v6 := s.V4, s.V6
	n := len(v4)
	pp := Pair{Probe: rp.Probe, Anchor: rp.Anchor, N: n, Zone: rp.Class.Zone, Family: rp.Family}
	if g := group(pp.Zone, segs); g != "" {
		pp.Group = g
		pp.Segments = slices.Clone(segs)
	}
	if cap(w.arms) < n {
		w.arms = make([]int8, n)
	}
	w.arms = w.arms[:n]
	pp.Metrics = make([]Metrics, len(w.strats))
	if pp.Group != "" {
		pp.SegMetrics = make([][]SegmentMetrics, len(w.strats))
	}
	// The a-posteriori family, as StaticGain picks it (v4 on a tie).
	var le4, le6 int
	for i := range v4 {
		le4 += b2i(v4[i] <= v6[i])
		le6 += b2i(v6[i] <= v4[i])
	}
	staticArm := policy.Fixed(b2i(le6 > le4))
	for j, sp := range w.pc.Specs {
		st := w.strats[j]
		runs := 1
		switch {
		case sp.Kind == policy.KindBest:
			st = staticArm
		case sp.Kind == policy.KindProbe:
			switch rp.Family {
			case "v4":
				st = policy.Fixed(0)
			case "v6":
				st = policy.Fixed(1)
			default:
				nan := math.NaN()
				pp.Metrics[j] = Metrics{nan, nan, nan, nan, nan}
				if pp.Group != "" {
					pp.SegMetrics[j] = make([]SegmentMetrics, len(pp.Segments))
					for k := range pp.SegMetrics[j] {
						pp.SegMetrics[j][k] = SegmentMetrics{nan, nan}
					}
				}
				continue
			}
		case sp.Randomized():
			runs = w.cfg.Runs
		}
		if pp.Group != "" {
			w.segBest = grow2(w.segBest, len(pp.Segments), runs)
			w.segRec = grow2(w.segRec, len(pp.Segments), runs)
		}
		if w.batched(sp, rp, v4, v6, runs) {
			w.scoreRuns(w.batch.arms, v4, v6, runs)
			if pp.Group != "" {
				for run := range runs {
					w.segments(w.batch.arms[run*n:(run+1)*n], pp.Segments, v4, v6, run)
				}
			}
			w.steps[j] += int64(runs * n)
			pp.Metrics[j] = w.metrics(runs)
			if pp.Group != "" {
				pp.SegMetrics[j] = w.segMetrics(len(pp.Segments), runs)
			}
			continue
		}
		var draws []float64
		if sp.Kind == policy.KindExp3 {
			draws = w.eng.Draws(runs * n)
		}
		for run := range runs {
			var src policy.Source
			switch {
			case draws != nil:
				src = &policy.Draws{U: draws[run*n : (run+1)*n]}
			case sp.Randomized():
				h1, h2 := runSeed(w.cfg.Seed, rp.Probe, rp.Anchor, run, sp.String())
				w.pcg.Seed(h1, h2)
				src = w.rng
			}
			st.Reset(src)
			w.runOnce(st, v4, v6, run)
			if pp.Group != "" {
				w.segments(w.arms, pp.Segments, v4, v6, run)
			}
		}
		w.steps[j] += int64(runs * n)
		pp.Metrics[j] = w.metrics(runs)
		if pp.Group != "" {
			pp.SegMetrics[j] = w.segMetrics(len(pp.Segments), runs)
		}
	}
	return pp
}

// metrics is the medians of the first runs runs' metrics.
func (w *Worker) metrics(runs int) Metrics {
	return Metrics{
		BestChoice: stats.UpperMedian(w.best[:runs]),
		MeanMs:     stats.UpperMedian(w.mean[:runs]),
		GainV6:     stats.UpperMedian(w.gain[:runs]),
		Regret:     stats.UpperMedian(w.regret[:runs]),
		Conns:      stats.UpperMedian(w.conns[:runs]),
	}
}

// segMetrics is the medians of the first runs runs' metrics on each of
// nseg segments.
func (w *Worker) segMetrics(nseg, runs int) []SegmentMetrics {
	sm := make([]SegmentMetrics, nseg)
	for k := range sm {
		sm[k] = SegmentMetrics{BestChoice: stats.UpperMedian(w.segBest[k][:runs]), Recover: stats.UpperMedian(w.segRec[k][:runs])}
	}
	return sm
}

// runOnce plays one run of st over the pair, recording its arms and its
// metrics at index run.
func (w *Worker) runOnce(st policy.Strategy, v4, v6 []float64, run int) {
	train := w.cfg.Train
	n := len(v4)
	var best, conns int
	var lat, gain, regret float64
	for i := range n {
		o := st.Play(policy.Both(v4[i], v6[i]))
		w.arms[i] = int8(o.Arm)
		if i > train {
			mine, other := v4[i], v6[i]
			if o.Arm == 1 {
				mine, other = other, mine
			}
			best += b2i(mine <= other)
			lat += o.Latency
			gain += v6[i] - o.Latency
			regret += o.Latency - min(mine, other)
			conns += o.Conns
		}
	}
	scored := float64(n - train - 1)
	w.best[run] = float64(best) / float64(n-train)
	w.mean[run] = lat / scored
	w.gain[run] = gain / scored
	w.regret[run] = regret
	w.conns[run] = float64(conns) / scored
}

// segments records run's metrics on each segment from its arms.
func (w *Worker) segments(arms []int8, segs []changepoint.Segment, v4, v6 []float64, run int) {
	train := w.cfg.Train
	for k, sg := range segs {
		var best, scored int
		for i := max(sg.Start, train+1); i < sg.End; i++ {
			mine, other := v4[i], v6[i]
			if arms[i] == 1 {
				mine, other = other, mine
			}
			best += b2i(mine <= other)
			scored++
		}
		w.segBest[k][run] = math.NaN()
		if scored > 0 {
			w.segBest[k][run] = float64(best) / float64(scored)
		}
		w.segRec[k][run] = math.NaN()
		if k == 0 || sg.Zone == segs[k-1].Zone || (sg.Zone != stats.ZoneV4 && sg.Zone != stats.ZoneV6) {
			continue
		}
		fam := int8(0)
		if sg.Zone == stats.ZoneV6 {
			fam = 1
		}
		end := sg.End
		for _, next := range segs[k+1:] {
			if next.Zone != sg.Zone {
				break
			}
			end = next.End
		}
		w.segRec[k][run] = recoverAt(arms[sg.Start:end], fam, w.recover)
	}
}

// recoverAt returns the first offset k with arms[k:k+r] all fam, or +Inf.
func recoverAt(arms []int8, fam int8, r int) float64 {
	streak := 0
	for i, a := range arms {
		if a != fam {
			streak = 0
			continue
		}
		if streak++; streak == r {
			return float64(i + 1 - r)
		}
	}
	return math.Inf(1)
}

func grow2(b [][]float64, rows, cols int) [][]float64 {
	for len(b) < rows {
		b = append(b, nil)
	}
	for i := range rows {
		if cap(b[i]) < cols {
			b[i] = make([]float64, cols)
		}
		b[i] = b[i][:cols]
	}
	return b
}

// runSeed hashes (seed, probe, anchor, run, policy) into a PCG seed, so
// that every randomized policy's run has its own reproducible stream
// whatever the worker or the order of the policies.
func runSeed(seed string, probe, anchor int64, run int, policy string) (uint64, uint64) {
	h := fnv.New128a()
	var b [8]byte
	h.Write([]byte(seed))
	h.Write([]byte{0})
	binary.LittleEndian.PutUint64(b[:], uint64(probe))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(anchor))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(run))
	h.Write(b[:])
	h.Write([]byte(policy))
	sum := h.Sum(nil)
	return binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:])
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
