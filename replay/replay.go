package replay

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/afsel/afsel/bandit"
	"github.com/afsel/afsel/internal/pyrand"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// Config holds the replay parameters.
type Config struct {
	Gammas    []float64    `json:"gammas"`         // EXP3 exploration rates, each replayed separately (artefacts: 0.1)
	Runs      int          `json:"runs"`           // runs per pair and gamma (100)
	Seed      string       `json:"seed"`           // Python random.Random seed of each (pair, gamma) (artefacts: "test")
	Train     int          `json:"train"`          // rounds with index <= Train are not scored (30); the score divides by N - Train
	MaxWeight float64      `json:"max_weight"`     // EXP3 weight sum after rescaling (100)
	MinTests  int          `json:"min_tests"`      // eligibility (150 paired tests)
	Stats     stats.Config `json:"classification"` // classification, for zones and the probe's family
	Workers   int          `json:"-"`              // <= 0: GOMAXPROCS
}

// DefaultConfig reproduces the artefacts.
func DefaultConfig() Config {
	return Config{
		Gammas:    []float64{0.1},
		Runs:      100,
		Seed:      "test",
		Train:     30,
		MaxWeight: bandit.DefaultMaxWeight,
		MinTests:  pairs.DefaultMinTests,
		Stats:     stats.DefaultConfig(),
	}
}

// PaperTrain is the number of training rounds the paper's prose states.
const PaperTrain = 60

// Validate reports whether c is usable.
func (c Config) Validate() error {
	if len(c.Gammas) == 0 {
		return fmt.Errorf("replay: no gamma")
	}
	for _, g := range c.Gammas {
		if err := (bandit.Exp3Config{Gamma: g, MaxWeight: c.MaxWeight}).Validate(); err != nil {
			return err
		}
	}
	switch {
	case c.Runs < 1:
		return fmt.Errorf("replay: runs %d: want at least 1", c.Runs)
	case c.Train < 0:
		return fmt.Errorf("replay: train %d: want 0 or more", c.Train)
	case c.MinTests <= c.Train+1:
		return fmt.Errorf("replay: min tests %d must exceed train+1 = %d so that every replayed pair has scored rounds", c.MinTests, c.Train+1)
	}
	return nil
}

// Sim is one pair's replay at one gamma.
type Sim struct {
	// MedianBestChoice is the artefacts' median_best_choice: element Runs/2
	// of the sorted run scores, a run's score being its best choices in
	// scored rounds over N - Train.
	MedianBestChoice float64
	// Gain is EXP3's mean gain per scored request in ms (the other family's
	// duration minus the chosen one's), median over runs.
	Gain float64
	// Regret is EXP3's cumulative regret over scored rounds in ms against the
	// per-round oracle (chosen minus the faster duration), median over runs.
	Regret float64
}

// Pair is one pair's replay. Ineligible pairs carry only identifiers and N.
type Pair struct {
	Probe, Anchor int64
	N             int
	Eligible      bool
	Class         stats.Result // the pair's zone, gain and median duration
	Family        stats.Family // the probe's majority family
	// BestPathChoice is the share of all rounds where the probe's family was
	// no slower (NaN when the probe has no family).
	BestPathChoice float64
	// StaticBestChoice is the larger of the shares of rounds where v4 <= v6
	// and where v6 <= v4 (ties count for both).
	StaticBestChoice float64
	// StaticGain and ProbeGain are the mean gains per scored request in ms
	// of always choosing the a-posteriori family (the one StaticBestChoice
	// picks; v4 on a tie) and the probe's family (NaN when none).
	StaticGain, ProbeGain float64
	Sims                  []Sim // one per Config.Gammas
}

// Key is the pair's identifier.
func (p *Pair) Key() pairs.Key { return pairs.Key{Probe: p.Probe, Anchor: p.Anchor} }

// SortPairs sorts by (Probe, Anchor).
func SortPairs(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int { return pairs.Compare(a.Key(), b.Key()) })
}

// Engine replays pairs with one configuration. It holds what workers share
// (the random stream, generated once) and is safe for concurrent use.
type Engine struct {
	cfg   Config
	draws *drawCache
}

// NewEngine validates cfg and returns an engine for it.
func NewEngine(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, draws: newDrawCache(cfg.Seed)}, nil
}

// Config returns the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// Draws returns at least the first n values of the random() stream of the
// engine's seed, the stream every (pair, gamma) replays from: run r of a
// pair of n rounds reads Draws(runs*n)[r*n:(r+1)*n]. The slice is shared:
// callers must not modify it.
func (e *Engine) Draws(n int) []float64 { return e.draws.prefix(n) }

// drawCache holds the random() stream of a seed. Every (pair, gamma) starts a
// generator from the same seed, so all of them read a prefix of one stream;
// it is generated once, grown on demand, and shared read-only.
type drawCache struct {
	mu  sync.Mutex
	rng *pyrand.Rand
	buf atomic.Pointer[[]float64]
}

func newDrawCache(seed string) *drawCache {
	c := &drawCache{rng: pyrand.NewString(seed)}
	empty := []float64{}
	c.buf.Store(&empty)
	return c
}

// prefix returns at least the first n draws of the stream.
func (c *drawCache) prefix(n int) []float64 {
	if b := *c.buf.Load(); len(b) >= n {
		return b
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b := *c.buf.Load()
	if len(b) >= n {
		return b
	}
	grown := make([]float64, max(n, 2*len(b)))
	copy(grown, b)
	c.rng.Fill(grown[len(b):])
	c.buf.Store(&grown)
	return grown
}

// Worker replays the pairs of one probe at a time, keeping buffers between
// probes; use one per goroutine.
type Worker struct {
	eng    *Engine
	cfg    Config
	draws  *drawCache
	cls    *stats.Classifier
	exp3   []*bandit.Exp3  // one per gamma
	consts []*kernelConsts // the vector kernel's operands, one per gamma
	kern   kernelScratch   // the vector kernel's state
	runs   []runResult
	scores []float64
	gains  []float64
	regret []float64
	// kept holds the arms of the last probe's kernel runs when KeepArms
	// asked for them (arms.go).
	keep bool
	kept []keptArms
}

// NewWorker returns a worker of the engine.
func (e *Engine) NewWorker() *Worker {
	cfg := e.cfg
	r := &Worker{eng: e, cfg: cfg, draws: e.draws, cls: stats.NewClassifier(cfg.Stats)}
	for _, g := range cfg.Gammas {
		r.exp3 = append(r.exp3, bandit.NewExp3(bandit.Exp3Config{Gamma: g, MaxWeight: cfg.MaxWeight}))
		mw := cfg.MaxWeight
		if mw == 0 {
			mw = bandit.DefaultMaxWeight
		}
		r.consts = append(r.consts, newKernelConsts(g, mw))
	}
	r.runs = make([]runResult, cfg.Runs)
	r.scores = make([]float64, cfg.Runs)
	r.gains = make([]float64, cfg.Runs)
	r.regret = make([]float64, cfg.Runs)
	return r
}

// Engine returns the worker's engine.
func (r *Worker) Engine() *Engine { return r.eng }

// Probe replays the probe's pairs: it classifies them all, takes the
// majority family over all of them (ineligible ones voting none), then
// replays each eligible pair. classes, when not nil, holds each series'
// classification as a stats.Classifier with the engine's Stats config gives
// it (ignored for ineligible series), so a caller that has classified the
// pairs already need not pay for it twice. It returns the pairs in the
// probe's order and the EXP3 steps simulated.
func (r *Worker) Probe(ctx context.Context, p *pairs.Probe, classes []stats.Result) ([]Pair, int64, error) {
	if classes != nil && len(classes) != len(p.Series) {
		panic("replay: classes do not match the probe's series")
	}
	out := make([]Pair, len(p.Series))
	votes := make([]string, len(p.Series))
	for i := range p.Series {
		s := &p.Series[i]
		out[i] = Pair{Probe: s.Probe, Anchor: s.Anchor, N: s.Len(), Eligible: s.Eligible(r.cfg.MinTests)}
		if out[i].Eligible {
			if classes != nil {
				out[i].Class = classes[i]
			} else {
				out[i].Class = r.cls.Classify(s.V4, s.V6)
			}
			votes[i] = out[i].Class.Zone.BestPath()
		}
	}
	fam := stats.ProbeFamily(votes)
	r.kept = r.kept[:0]
	var steps int64
	for i := range p.Series {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if out[i].Eligible {
			out[i].Family = fam
			steps += r.pair(&out[i], &p.Series[i])
		}
	}
	return out, steps, nil
}

// pair fills the replay fields of one eligible pair.
func (r *Worker) pair(out *Pair, s *pairs.Series) int64 {
	v4, v6 := s.V4, s.V6
	n := len(v4)
	var le4, le6 int
	for i := range v4 {
		if v4[i] <= v6[i] {
			le4++
		}
		if v6[i] <= v4[i] {
			le6++
		}
	}
	nf := float64(n)
	share4, share6 := float64(le4)/nf, float64(le6)/nf
	out.StaticBestChoice = math.Max(share4, share6)
	switch out.Family {
	case "v4":
		out.BestPathChoice = share4
	case "v6":
		out.BestPathChoice = share6
	default:
		out.BestPathChoice = math.NaN()
	}
	train := r.cfg.Train
	static := 0
	if share6 > share4 {
		static = 1
	}
	out.StaticGain = fixedGain(v4, v6, static, train)
	switch out.Family {
	case "v4":
		out.ProbeGain = fixedGain(v4, v6, 0, train)
	case "v6":
		out.ProbeGain = fixedGain(v4, v6, 1, train)
	default:
		out.ProbeGain = math.NaN()
	}

	runs := r.cfg.Runs
	draws := r.draws.prefix(kernelDraws(runs, n))
	out.Sims = make([]Sim, len(r.exp3))
	scored := float64(n - train - 1)
	for g, e := range r.exp3 {
		res := r.runs
		if kernelUsable(r.cfg.Gammas[g], v4, v6) {
			kernelRuns(r.consts[g], v4, v6, draws, train, res, &r.kern)
			if r.keep {
				r.keepArms(g, v4, v6)
			}
		} else {
			clear(res) // replayRuns adds to it
			for run := 0; run < runs; run += lanes {
				k := min(lanes, runs-run)
				replayRuns(e, v4, v6, draws[run*n:(run+k)*n], train, res[run:run+k])
			}
		}
		for l, x := range res {
			r.scores[l] = float64(x.best) / float64(n-train)
			r.gains[l] = x.gain / scored
			r.regret[l] = x.regret
		}
		out.Sims[g] = Sim{
			MedianBestChoice: stats.UpperMedian(r.scores),
			Gain:             stats.UpperMedian(r.gains),
			Regret:           stats.UpperMedian(r.regret),
		}
	}
	return int64(runs * n * len(r.exp3))
}

// lanes is how many runs replayRuns steps together. Each run's EXP3 update
// is a chain of dependent divisions and an exp; interleaving independent
// runs lets the CPU overlap those chains.
const lanes = 4

type runResult struct {
	best         int
	gain, regret float64
}

// replayRuns runs len(res) consecutive runs of the artefacts' loop over the
// pair, run l reading the draws u[l*n:(l+1)*n], each from a fresh copy of
// the initial policy init. Each round a run picks a family with that round's
// draw; the reward is 1 when the chosen duration is no slower than the
// other family's last observed duration (0 before any). Rounds with index >
// train are scored: a best choice when the chosen duration is <= the
// other's; gain adds other - chosen, regret chosen - min.
func replayRuns(init *bandit.Exp3, v4, v6, u []float64, train int, res []runResult) {
	n := len(v4)
	k := len(res)
	var es [lanes]bandit.Exp3
	// Last observed v4, v6 of each run; NaN before any, so that the reward
	// comparison is false as the artefacts' "is not None" test makes it.
	var last [lanes][2]float64
	for l := range k {
		es[l] = *init
		es[l].Reset()
		last[l] = [2]float64{math.NaN(), math.NaN()}
	}
	// The comparisons below are written to compile to flag moves rather than
	// branches: their outcomes are random, and mispredictions were a third
	// of the time.
	for i := 0; i < n; i++ {
		d := [2]float64{v4[i], v6[i]}
		for l := 0; l < k; l++ {
			arm := es[l].Choose(u[l*n+i]) & 1
			mine, other := d[arm], d[1-arm]
			reward := float64(b2i(mine <= last[l][1-arm]))
			if i > train {
				res[l].best += b2i(mine <= other)
				res[l].regret += max(mine-other, 0)
				res[l].gain += other - mine
			}
			last[l][arm] = mine
			es[l].Update(arm, reward)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fixedGain is the mean gain per scored round of always choosing arm.
func fixedGain(v4, v6 []float64, arm, train int) float64 {
	var sum float64
	var n int
	for i := train + 1; i < len(v4); i++ {
		if arm == 0 {
			sum += v6[i] - v4[i]
		} else {
			sum += v4[i] - v6[i]
		}
		n++
	}
	return sum / float64(n)
}
