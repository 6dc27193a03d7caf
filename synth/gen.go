package synth

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/afsel/afsel/outcome"
)

// Stream keys mixed into the seed: one for the plan, one per probe, and
// one per probe for its failures (Config.Failures), which leave the other
// streams as they are.
const (
	keyPlan  = 0x706c616e // "plan"
	keyProbe = 0x70726f62 // "prob"
	keyFail  = 0x6661696c // "fail"
)

// splitmix64 is the finaliser of SplitMix64, a good 64-bit mixer.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream returns the PCG generator for (seed, key, index).
func stream(seed, key, index uint64) *rand.Rand {
	h := splitmix64(seed ^ splitmix64(key) ^ splitmix64(splitmix64(index)+key))
	return rand.New(rand.NewPCG(h, splitmix64(h^0x5851f42d4c957f2d)))
}

// plan is what must be decided sequentially: the probes, their ids and how
// many anchors each reaches, and the anchor pool. Everything else is drawn
// from each probe's own stream.
type plan struct {
	ids     []int64 // probe ids, ascending
	anchors []int32 // anchors per probe, summing to Config.Pairs
	pool    []int64 // anchor ids, ascending
}

func newPlan(cfg Config) plan {
	m := cfg.Model
	r := stream(cfg.Seed, keyPlan, 0)
	var p plan
	for left := cfg.Pairs; left > 0; {
		k := 1 + poisson(r, m.AnchorsPerProbe-1)
		k = min(k, m.MaxAnchorsProbe, left)
		p.anchors = append(p.anchors, int32(k))
		left -= k
	}
	p.ids = sample(r, len(p.anchors), 1, max(m.MaxProbeID, 2*int64(len(p.anchors))))
	p.pool = sample(r, m.AnchorPool, m.AnchorMin, m.AnchorMax)
	return p
}

// sample draws n distinct integers from lo..hi in ascending order (Knuth's
// selection sampling, algorithm S).
func sample(r *rand.Rand, n int, lo, hi int64) []int64 {
	out := make([]int64, 0, n)
	total := hi - lo + 1
	for v := lo; v <= hi && len(out) < n; v++ {
		need := int64(n - len(out))
		if r.Int64N(total-(v-lo)) < need {
			out = append(out, v)
		}
	}
	return out
}

// poisson draws from Poisson(lambda) by inversion (lambda is small).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// probeRows holds one probe's paired tests, in time order.
type probeRows struct {
	probe  int64
	anchor []int64
	time   []arrow.Timestamp
	v4, v6 []float64      // 0 where the test failed
	o4, o6 []outcome.Code // nil without Config.Failures
}

func (b *probeRows) len() int { return len(b.time) }

// generator makes probes; one per worker, it keeps scratch buffers.
type generator struct {
	cfg     Config
	plan    *plan
	startUS int64
	slotUS  float64
	endUS   float64
	slots   int
	tmp     probeRows
	idx     []int
	failMu  [2]float64 // with Config.Failures, Model.failMu
}

func newGenerator(cfg Config, p *plan) *generator {
	g := &generator{
		cfg:     cfg,
		plan:    p,
		startUS: cfg.Start.UnixMicro(),
		slotUS:  float64(cfg.Interval / time.Microsecond),
		endUS:   float64(cfg.Start.Add(time.Duration(cfg.Days) * 24 * time.Hour).UnixMicro()),
		slots:   cfg.Slots(),
	}
	if cfg.Failures {
		g.failMu = cfg.Model.failMu()
	}
	return g
}

// probe generates probe i into a new probeRows.
func (g *generator) probe(i int) *probeRows {
	r := stream(g.cfg.Seed, keyProbe, uint64(i))
	k := int(g.plan.anchors[i])
	anchors := make([]int64, 0, k)
	for len(anchors) < k {
		a := g.plan.pool[r.IntN(len(g.plan.pool))]
		if !slices.Contains(anchors, a) {
			anchors = append(anchors, a)
		}
	}
	t := &g.tmp
	t.anchor, t.time, t.v4, t.v6, t.o4, t.o6 = t.anchor[:0], t.time[:0], t.v4[:0], t.v6[:0], t.o4[:0], t.o6[:0]
	var f *failures
	if g.cfg.Failures {
		f = newFailures(&g.cfg, g.failMu, i)
	}
	for _, a := range anchors {
		g.pair(r, a, f)
	}
	// Order the probe's rows by time; ties (improbable) by generation order,
	// so the order is total and the unstable sort deterministic.
	g.idx = g.idx[:0]
	for j := range t.time {
		g.idx = append(g.idx, j)
	}
	slices.SortFunc(g.idx, func(x, y int) int {
		if c := cmp.Compare(t.time[x], t.time[y]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	n := len(g.idx)
	out := &probeRows{
		probe:  g.plan.ids[i],
		anchor: make([]int64, n),
		time:   make([]arrow.Timestamp, n),
		v4:     make([]float64, n),
		v6:     make([]float64, n),
	}
	for j, s := range g.idx {
		out.anchor[j], out.time[j], out.v4[j], out.v6[j] = t.anchor[s], t.time[s], t.v4[s], t.v6[s]
	}
	if f != nil {
		out.o4, out.o6 = make([]outcome.Code, n), make([]outcome.Code, n)
		for j, s := range g.idx {
			out.o4[j], out.o6[j] = t.o4[s], t.o6[s]
		}
	}
	return out
}

// pair appends the tests of one (probe, anchor) pair to g.tmp, with their
// outcomes drawn from f unless f is nil.
func (g *generator) pair(r *rand.Rand, anchor int64, f *failures) {
	m := &g.cfg.Model
	slots := g.slots

	// Window of the campaign the pair covers.
	length := slots
	switch u := r.Float64(); {
	case u < m.ShortShare:
		length = 1 + r.IntN(min(slots, 170))
	case u < m.ShortShare+m.PartialShare:
		lo := min(slots, 170)
		hi := max(lo, slots*85/100)
		length = lo + r.IntN(hi-lo+1)
	}
	first := r.IntN(slots - length + 1)
	u := r.Float64()
	miss := m.MissMin + (m.MissMax-m.MissMin)*u*u
	outFrom, outTo := -1, -1
	if r.Float64() < m.OutageProb {
		outFrom = first + r.IntN(length)
		outTo = outFrom + 1 + r.IntN(m.OutageMaxSlots)
	}
	phase := r.Float64() * g.slotUS
	jitter := m.JitterSec * 1e6
	maxJitter := 0.4 * g.slotUS

	// Latency parameters.
	z := r.NormFloat64()
	base4 := m.BaseLogMean + m.BaseLogSD*z
	if z < 0 {
		base4 = m.BaseLogMean + m.BaseLogSDLow*z
	}
	base6 := base4 + m.V6Shift + m.V6TailShift*max(0, z)
	sigma := m.NoiseLogMedian * math.Exp(m.NoiseLogSpread*r.NormFloat64())
	sc := sigma * math.Sqrt(m.CommonShare)
	s4 := sigma * math.Sqrt(1-m.CommonShare)
	s6 := s4 * math.Exp(0.2*r.NormFloat64())
	daily := m.DailyAmplitude * r.Float64()
	dailyPhase := 2 * math.Pi * r.Float64()
	mag := func() float64 {
		return max(m.OffsetMin, sigma*m.OffsetNoiseMult*math.Exp(m.OffsetSpread*r.NormFloat64()))
	}
	var off float64 // log v4 - log v6
	equal := false
	switch u := r.Float64(); {
	case u < m.V4FasterShare:
		off = -mag()
	case u < m.V4FasterShare+m.V6FasterShare:
		off = m.V6OffsetScale * mag()
	default:
		equal = true
		off = m.EqualJitter * sigma * r.NormFloat64()
	}
	regFrom, regTo, regOff := -1, -1, 0.0
	if r.Float64() < m.RegimeProb {
		n := m.RegimeMinSlots + r.IntN(m.RegimeMaxSlots-m.RegimeMinSlots+1)
		regFrom = first + r.IntN(length)
		regTo = regFrom + n
		switch {
		case equal:
			regOff = mag()
			if r.IntN(2) == 0 {
				regOff = -regOff
			}
		default:
			switch u := r.Float64(); {
			case u < m.RegimeFlipShare:
				regOff = -off
			case u < m.RegimeFlipShare+m.RegimeNoneShare:
				regOff = 0
			default:
				regOff = off * (0.5 + 1.5*r.Float64())
			}
		}
	}
	shiftAt, shift := -1, 0.0
	if r.Float64() < m.LevelShiftProb {
		shiftAt = first + r.IntN(length)
		shift = m.LevelShiftLogSD * r.NormFloat64()
	}

	const ar = 0.5 // AR(1) coefficient of the common noise
	arSD := sc * math.Sqrt(1-ar*ar)
	common := sc * r.NormFloat64()
	t := &g.tmp
	emitted := 0
	if f != nil {
		f.pair()
	}
	for k := first; k < first+length; k++ {
		common = ar*common + arSD*r.NormFloat64()
		skip := (k >= outFrom && k < outTo) || r.Float64() < miss
		if skip && (emitted > 0 || k < first+length-1) {
			continue // every pair keeps at least one test
		}
		emitted++
		j := max(-maxJitter, min(maxJitter, jitter*r.NormFloat64()))
		// Inside the campaign: [start, start+days).
		us := max(float64(g.startUS), min(g.endUS-1, float64(g.startUS)+phase+float64(k)*g.slotUS+j))
		d := off
		if k >= regFrom && k < regTo {
			d = regOff
		}
		level := common + daily*math.Sin(2*math.Pi*(us-float64(g.startUS))/86400e6+dailyPhase)
		if k >= shiftAt && shiftAt >= 0 {
			level += shift
		}
		l4 := base4 + level + d/2 + s4*r.NormFloat64()
		l6 := base6 + level - d/2 + s6*r.NormFloat64()
		if r.Float64() < m.SpikeProb {
			l4 += m.SpikeScale * r.ExpFloat64()
		}
		if r.Float64() < m.SpikeProb {
			l6 += m.SpikeScale * r.ExpFloat64()
		}
		t.anchor = append(t.anchor, anchor)
		t.time = append(t.time, arrow.Timestamp(math.Floor(us)))
		d4, d6 := rct(l4, m.MinRCT), rct(l6, m.MinRCT)
		if f != nil {
			// A failed test has no duration: its would-be value is
			// drawn all the same, so that r's later draws stay put.
			c4, c6 := f.test()
			if c4.Failed() {
				d4 = 0
			}
			if c6.Failed() {
				d6 = 0
			}
			t.o4 = append(t.o4, c4)
			t.o6 = append(t.o6, c6)
		}
		t.v4 = append(t.v4, d4)
		t.v6 = append(t.v6, d6)
	}
}

// rct turns a log duration into ms, floored at lo and rounded to the
// nanosecond, the precision of the authors' export.
func rct(l, lo float64) float64 {
	return math.Round(max(lo, math.Exp(l))*1e6) / 1e6
}
