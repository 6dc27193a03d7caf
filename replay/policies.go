package replay

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/stats"
)

// DefaultRecover is the number of consecutive rounds on the new segment's
// better family after which a policy counts as recovered from a change.
const DefaultRecover = 5

// PolicyConfig selects the policies a replay compares (policy.Parse).
type PolicyConfig struct {
	Specs []policy.Spec
	// Labels name the policies in the outputs, one per spec; nil means
	// each spec's canonical String. Labels must be distinct.
	Labels []string
	// Segments turns on the non-stationary view (pairs whose segments'
	// zones differ from the pair's: Table 2's groups A and C), with
	// segments from Pelt and the replay's Stats config.
	Segments bool
	Pelt     changepoint.Config
	// Recover is the run of consecutive rounds on the new segment's better
	// family that ends a recovery; <= 0 means DefaultRecover.
	Recover int
}

// Validate reports whether pc is usable.
func (pc PolicyConfig) Validate() error {
	if pc.Labels != nil && len(pc.Labels) != len(pc.Specs) {
		return fmt.Errorf("replay: %d labels for %d policies", len(pc.Labels), len(pc.Specs))
	}
	seen := map[string]bool{}
	for i := range pc.Specs {
		if _, err := pc.Specs[i].New(); err != nil && !pc.Specs[i].Oracle() {
			return err
		}
		l := pc.label(i)
		if seen[l] {
			return fmt.Errorf("replay: policy %q given twice", l)
		}
		seen[l] = true
	}
	if pc.Segments {
		if err := pc.Pelt.Validate(); err != nil {
			return err
		}
	}
	return nil
}

func (pc PolicyConfig) label(i int) string {
	if pc.Labels != nil {
		return pc.Labels[i]
	}
	return pc.Specs[i].String()
}

// PolicyMetrics is one policy's replay of one pair, over the scored rounds
// (index > Train); for randomized policies each field is the median over
// runs (element Runs/2 of the sorted values, as median_best_choice).
// Fields are NaN when the policy is undefined for the pair (probe without
// a family).
type PolicyMetrics struct {
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
	// of zone) before the policy first serves PolicyConfig.Recover
	// consecutive rounds with the segment's better family, looking as far
	// as the next change of zone (consecutive segments in the same zone
	// form one regime). NaN when not applicable (first segment, zone 2, or
	// same zone as the previous segment), +Inf when it never does so in
	// the regime (median over runs for randomized policies).
	Recover float64
}

// PolicyPair is the policy replay of one eligible pair.
type PolicyPair struct {
	Probe, Anchor int64
	N             int
	Zone          stats.Zone
	Family        stats.Family
	Metrics       []PolicyMetrics // one per policy
	// Group is "A" or "C" (Table 2) when the pair is in the non-stationary
	// view, else "".
	Group    string
	Segments []changepoint.Segment // only for groups A and C
	// SegMetrics[j][k] is policy j on segment k.
	SegMetrics [][]SegmentMetrics
}

// PolicyResult is the outcome of the policy replay.
type PolicyResult struct {
	Labels []string
	Pairs  []PolicyPair // eligible pairs, sorted by (Probe, Anchor)
	Steps  []int64      // rounds simulated per policy (rounds x runs)
}

// RunWithPolicies is Run plus the policy replay of pc over the same pass
// on the input. Its Result equals Run's.
func RunWithPolicies(ctx context.Context, open pairs.Opener, cfg Config, pc PolicyConfig, progress *pairs.Progress) (*Result, *PolicyResult, error) {
	eng, err := NewEngine(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := pc.Validate(); err != nil {
		return nil, nil, err
	}
	var mu sync.Mutex
	var out []Pair
	var pout []PolicyPair
	steps := int64(0)
	psteps := make([]int64, len(pc.Specs))
	newWork := func() func(pairs.Probe) error {
		w := eng.NewWorker()
		pw := eng.newPolicyWorker(pc)
		return func(p pairs.Probe) error {
			res, n, err := w.Probe(ctx, &p, nil)
			if err != nil {
				return err
			}
			pres, err := pw.probe(ctx, &p, res)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			steps += n
			out = append(out, res...)
			pout = append(pout, pres...)
			for j, s := range pw.steps {
				psteps[j] += s
			}
			clear(pw.steps)
			return nil
		}
	}
	restart := func() {
		out, pout, steps = out[:0], pout[:0], 0
		clear(psteps)
	}
	each := pairs.EachConfig{Workers: cfg.Workers, Progress: progress, Restart: restart}
	gst, ist, err := pairs.Each(ctx, open, each, newWork)
	if err != nil {
		return nil, nil, err
	}
	SortPairs(out)
	slices.SortFunc(pout, func(a, b PolicyPair) int {
		if c := cmpInt(a.Probe, b.Probe); c != 0 {
			return c
		}
		return cmpInt(a.Anchor, b.Anchor)
	})
	labels := make([]string, len(pc.Specs))
	for i := range labels {
		labels[i] = pc.label(i)
	}
	return &Result{Pairs: out, Group: gst, Rows: ist, Steps: steps},
		&PolicyResult{Labels: labels, Pairs: pout, Steps: psteps}, nil
}

// policyWorker replays the policies over one probe's pairs at a time.
type policyWorker struct {
	cfg     Config
	pc      PolicyConfig
	draws   *drawCache
	strats  []policy.Strategy // nil for oracles
	seg     *changepoint.Segmenter
	pcg     *rand.PCG
	rng     *rand.Rand
	recover int
	steps   []int64

	arms                            []int8
	best, mean, gain, regret, conns []float64 // per run
	segBest, segRec                 [][]float64
	segBuf                          []changepoint.Segment
}

func (e *Engine) newPolicyWorker(pc PolicyConfig) *policyWorker {
	w := &policyWorker{cfg: e.cfg, pc: pc, draws: e.draws, steps: make([]int64, len(pc.Specs))}
	for _, sp := range pc.Specs {
		s, err := sp.New()
		if err != nil {
			s = nil // an oracle; Validate rejected anything else
		}
		w.strats = append(w.strats, s)
	}
	if pc.Segments {
		w.seg = changepoint.NewSegmenter(pc.Pelt, e.cfg.Stats)
	}
	w.pcg = rand.NewPCG(0, 0)
	w.rng = rand.New(w.pcg)
	w.recover = pc.Recover
	if w.recover <= 0 {
		w.recover = DefaultRecover
	}
	r := e.cfg.Runs
	w.best, w.mean, w.gain, w.regret, w.conns = make([]float64, r), make([]float64, r), make([]float64, r), make([]float64, r), make([]float64, r)
	return w
}

// probe replays the eligible pairs of p, whose default replay is res.
func (w *policyWorker) probe(ctx context.Context, p *pairs.Probe, res []Pair) ([]PolicyPair, error) {
	var out []PolicyPair
	for i := range p.Series {
		if !res[i].Eligible {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pp, err := w.pair(&res[i], &p.Series[i])
		if err != nil {
			return nil, fmt.Errorf("pair (%d, %d): %w", res[i].Probe, res[i].Anchor, err)
		}
		out = append(out, pp)
	}
	return out, nil
}

// groupOf returns Table 2's group A or C of a pair in zone z with segs, or "".
func groupOf(z stats.Zone, segs []changepoint.Segment) string {
	var has [4]bool
	for _, s := range segs {
		if s.Zone >= 1 && s.Zone <= 3 {
			has[s.Zone] = true
		}
	}
	switch {
	case z == stats.ZoneV4 && has[stats.ZoneV6], z == stats.ZoneV6 && has[stats.ZoneV4]:
		return "A"
	case z == stats.ZoneNone && (has[stats.ZoneV4] || has[stats.ZoneV6]):
		return "C"
	}
	return ""
}

func (w *policyWorker) pair(rp *Pair, s *pairs.Series) (PolicyPair, error) {
	v4, v6 := s.V4, s.V6
	n := len(v4)
	pp := PolicyPair{Probe: rp.Probe, Anchor: rp.Anchor, N: n, Zone: rp.Class.Zone, Family: rp.Family}
	if w.seg != nil {
		var err error
		if w.segBuf, err = w.seg.Segments(w.segBuf[:0], v4, v6); err != nil {
			return pp, err
		}
		if g := groupOf(pp.Zone, w.segBuf); g != "" {
			pp.Group = g
			pp.Segments = slices.Clone(w.segBuf)
		}
	}
	if cap(w.arms) < n {
		w.arms = make([]int8, n)
	}
	w.arms = w.arms[:n]
	pp.Metrics = make([]PolicyMetrics, len(w.strats))
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
				pp.Metrics[j] = PolicyMetrics{nan, nan, nan, nan, nan}
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
		var draws []float64
		if sp.Kind == policy.KindExp3 {
			draws = w.draws.prefix(runs * n)
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
				w.segments(pp.Segments, v4, v6, run)
			}
		}
		w.steps[j] += int64(runs * n)
		pp.Metrics[j] = PolicyMetrics{
			BestChoice: median(w.best[:runs]),
			MeanMs:     median(w.mean[:runs]),
			GainV6:     median(w.gain[:runs]),
			Regret:     median(w.regret[:runs]),
			Conns:      median(w.conns[:runs]),
		}
		if pp.Group != "" {
			sm := make([]SegmentMetrics, len(pp.Segments))
			for k := range sm {
				sm[k] = SegmentMetrics{BestChoice: median(w.segBest[k][:runs]), Recover: median(w.segRec[k][:runs])}
			}
			pp.SegMetrics[j] = sm
		}
	}
	return pp, nil
}

// runOnce plays one run of st over the pair, recording its arms and its
// metrics at index run.
func (w *policyWorker) runOnce(st policy.Strategy, v4, v6 []float64, run int) {
	train := w.cfg.Train
	n := len(v4)
	var best, conns int
	var lat, gain, regret float64
	for i := range n {
		o := st.Play(v4[i], v6[i])
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

// segments records run's metrics on each segment from w.arms.
func (w *policyWorker) segments(segs []changepoint.Segment, v4, v6 []float64, run int) {
	train := w.cfg.Train
	for k, sg := range segs {
		var best, scored int
		for i := max(sg.Start, train+1); i < sg.End; i++ {
			mine, other := v4[i], v6[i]
			if w.arms[i] == 1 {
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
		w.segRec[k][run] = recoverAt(w.arms[sg.Start:end], fam, w.recover)
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
