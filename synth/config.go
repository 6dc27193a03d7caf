package synth

import (
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Sizes of the paper's dataset (Piraux & Bonaventure, section 3).
const (
	PaperPairs = 490_000     // (probe, anchor) pairs
	PaperRows  = 156_800_000 // paired tests
)

// DefaultPairs is the number of pairs Config generates unless told.
const DefaultPairs = 800

// DefaultBatchRows is the number of rows in each record batch but the last.
const DefaultBatchRows = 64 * 1024

// Config says what to generate. The zero value is not usable; start from
// DefaultConfig.
type Config struct {
	Pairs    int           // (probe, anchor) pairs, exactly
	Seed     uint64        // the output is a function of Seed and the fields below, not of Workers
	Start    time.Time     // start of the campaign
	Days     int           // length of the campaign in days
	Interval time.Duration // nominal time between two tests of a pair

	Model Model // the statistical model; DefaultModel is calibrated

	// Failures makes some tests fail, as in RIPE Atlas (see the Fail
	// fields of Model): batches are then of ingest.FailuresSchema, a failed
	// test's duration null. The rows are the same with or without it, and
	// so are the durations of the tests that worked: failures are drawn
	// from streams of their own and replace tests, they add none.
	Failures bool

	Workers   int              // generating goroutines; <= 0 means GOMAXPROCS
	BatchRows int              // rows per batch; <= 0 means DefaultBatchRows
	Allocator memory.Allocator // nil means memory.DefaultAllocator
}

// DefaultConfig is the paper's week, 2023-06-01 to 2023-06-08, with
// DefaultPairs pairs, seed 1 and tests every 30 minutes.
func DefaultConfig() Config {
	return Config{
		Pairs:    DefaultPairs,
		Seed:     1,
		Start:    time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC),
		Days:     7,
		Interval: 30 * time.Minute,
		Model:    DefaultModel(),
	}
}

// PaperInterval is the test interval of PaperScale. The paper's pairs
// average 320 paired tests (PaperRows / PaperPairs), more than a week of
// 30-minute slots allows with its share of short pairs; this interval
// gives that average with the same model (Tables 1 and 2 move by less
// than 1.5 points, measured on 8000 pairs).
const PaperInterval = 1463 * time.Second

// PaperScale is DefaultConfig with the paper's size: PaperPairs pairs and
// about PaperRows rows (tests every PaperInterval), probes reaching 14
// anchors on average.
func PaperScale() Config {
	c := DefaultConfig()
	c.Pairs = PaperPairs
	c.Interval = PaperInterval
	// About 35000 probes, so that their ids stay in 1..70000; RIPE Atlas
	// had fewer, each reaching more anchors.
	c.Model.AnchorsPerProbe = 14
	c.Model.MaxAnchorsProbe = 40
	return c
}

// Slots is the number of test slots a full pair has: Days / Interval.
func (c Config) Slots() int {
	return int(time.Duration(c.Days) * 24 * time.Hour / c.Interval)
}

// Validate reports the first unusable field.
func (c Config) Validate() error {
	switch {
	case c.Pairs < 0:
		return fmt.Errorf("synth: pairs %d < 0", c.Pairs)
	case c.Days <= 0:
		return fmt.Errorf("synth: days %d <= 0", c.Days)
	case c.Interval < 3*time.Minute:
		return fmt.Errorf("synth: interval %s < 3m", c.Interval)
	case c.Start.IsZero():
		return errors.New("synth: start time not set")
	case c.Slots() < 1:
		return fmt.Errorf("synth: %d days of %s has no slot", c.Days, c.Interval)
	}
	if err := c.Model.validate(); err != nil {
		return err
	}
	if err := c.Model.validateMeta(); err != nil {
		return err
	}
	if c.Failures {
		return c.Model.validateFailures()
	}
	return nil
}

// Model holds the parameters of the generator. Durations are in ms; "log"
// quantities are natural logarithms of durations. DefaultModel gives the
// calibrated values.
type Model struct {
	// Probes and anchors.
	MaxProbeID      int64   // probe ids are drawn from 1..max(MaxProbeID, 2*probes)
	AnchorMin       int64   // anchor ids are drawn from AnchorMin..AnchorMax
	AnchorMax       int64   //
	AnchorPool      int     // distinct anchors in the campaign
	AnchorsPerProbe float64 // 1 + Poisson(AnchorsPerProbe-1) anchors per probe, at most MaxAnchorsProbe
	MaxAnchorsProbe int     //
	JitterSec       float64 // sd of the start time jitter around the slot, seconds
	ShortShare      float64 // share of pairs covering a window of 1..170 slots (most ineligible)
	PartialShare    float64 // share covering 170 slots to 85% of the campaign; the rest cover it all
	MissMin         float64 // per-pair miss probability is MissMin + (MissMax-MissMin)*u^2, u ~ U(0, 1)
	MissMax         float64 //
	OutageProb      float64 // probability of one outage in a pair
	OutageMaxSlots  int     // an outage lasts 1..OutageMaxSlots slots
	BaseLogMean     float64 // pair base RCT: lognormal(BaseLogMean, BaseLogSD), ms
	BaseLogSD       float64 // above the median; below it BaseLogSDLow
	BaseLogSDLow    float64 // (a skewed lognormal)
	MinRCT          float64 // floor of any RCT, ms
	NoiseLogMedian  float64 // pair noise sd (log scale): NoiseLogMedian * exp(N(0, NoiseLogSpread))
	NoiseLogSpread  float64 //
	CommonShare     float64 // share of the noise variance common to both families
	DailyAmplitude  float64 // daily cycle amplitude (log) is U(0, DailyAmplitude), common
	V4FasterShare   float64 // offset mixture: share of pairs with IPv4 faster
	V6FasterShare   float64 // share with IPv6 faster; the rest have no offset
	OffsetNoiseMult float64 // |offset| = noise sd * OffsetNoiseMult * exp(N(0, OffsetSpread))
	OffsetSpread    float64 //
	OffsetMin       float64 // but at least OffsetMin (log),
	V6OffsetScale   float64 // then times V6OffsetScale when IPv6 is faster
	EqualJitter     float64 // offset of "equal" pairs: N(0, EqualJitter * noise sd)
	V6Shift         float64 // IPv6 base RCT is the IPv4 one times exp(V6Shift + V6TailShift*max(0, z)),
	V6TailShift     float64 // z the z-score of the pair's base
	SpikeProb       float64 // per test and family: a spike multiplies the RCT by exp(Exp(1)*SpikeScale)
	SpikeScale      float64 //
	RegimeProb      float64 // probability of a regime (a stretch of slots) with another offset: ± a new one if the pair has none,
	RegimeFlipShare float64 // of the regimes of pairs with an offset: share that flips the faster family,
	RegimeNoneShare float64 // share with no offset; the others scale the offset by U(0.5, 2)
	RegimeMinSlots  int     // regime length in slots: RegimeMinSlots..RegimeMaxSlots
	RegimeMaxSlots  int     //
	LevelShiftProb  float64 // probability of a common level shift (route change) in a pair
	LevelShiftLogSD float64 // size of the shift, log

	// Failed tests, with Config.Failures. A pair's failure rate for a
	// family is min(FailMaxRate, exp(mu + FailNetSpread*zNet +
	// FailPairSpread*zPair)), zNet drawn per probe (its network) and
	// family, zPair per pair and family, both N(0, 1), and mu such that
	// the mean, cap included, is V4FailRate or V6FailRate: a lognormal, so
	// most pairs fail rarely or never and a few networks often. A pair's
	// failures come in runs (outages) of a mean FailBurst tests, each run
	// of one kind drawn from FailKinds.
	V4FailRate     float64    // mean per-test failure rate of IPv4
	V6FailRate     float64    // and of IPv6
	FailNetSpread  float64    // sd of a network's log rate
	FailPairSpread float64    // sd of a pair's log rate around its network's
	FailMaxRate    float64    // cap of a pair's rate, at most FailBurst/(1+FailBurst)
	FailBurst      float64    // mean length of a run of failures, in tests, >= 1
	FailKinds      []FailKind // the kinds of failure and their shares (normalised)

	// Probe metadata (Probes, Archive), drawn from streams of its own: a
	// probe's country is Countries[c] with weight 1/(c+1)^CountrySkew, its
	// IPv4 AS one of its country's ASesPerCountry with weight
	// 1/rank^ASSkew, and its IPv6 AS the IPv4 one but for a share
	// TunnelShare of the probes, whose IPv6 goes through a tunnel broker.
	CountrySkew float64 // Zipf exponent over the countries, >= 0 (0: uniform)
	ASSkew      float64 // Zipf exponent over a country's ASes, >= 0
	TunnelShare float64 // share of probes with an IPv6 tunnel
}

// DefaultModel returns the parameters calibrated against the paper's
// figures (see the package tests).
func DefaultModel() Model {
	return Model{
		MaxProbeID:      70000,
		AnchorMin:       6000,
		AnchorMax:       7100,
		AnchorPool:      700,
		AnchorsPerProbe: 3.8,
		MaxAnchorsProbe: 16,
		JitterSec:       20,
		ShortShare:      0.19,
		PartialShare:    0.07,
		MissMin:         0.005,
		MissMax:         0.15,
		OutageProb:      0.3,
		OutageMaxSlots:  40,
		BaseLogMean:     4.63,
		BaseLogSD:       0.98,
		BaseLogSDLow:    0.93,
		MinRCT:          1.5,
		NoiseLogMedian:  0.06,
		NoiseLogSpread:  0.5,
		CommonShare:     0.5,
		DailyAmplitude:  0.08,
		V4FasterShare:   0.277,
		V6FasterShare:   0.325,
		OffsetNoiseMult: 10,
		OffsetSpread:    0.5,
		V6OffsetScale:   0.7,
		OffsetMin:       0.03,
		EqualJitter:     0.3,
		V6Shift:         0,
		V6TailShift:     0,
		SpikeProb:       0.01,
		SpikeScale:      1.2,
		RegimeProb:      0.17,
		RegimeFlipShare: 0.17,
		RegimeNoneShare: 0.28,
		RegimeMinSlots:  40,
		RegimeMaxSlots:  150,
		LevelShiftProb:  0.3,
		LevelShiftLogSD: 0.2,
		V4FailRate:      DefaultV4FailRate,
		V6FailRate:      DefaultV6FailRate,
		FailNetSpread:   1.3,
		FailPairSpread:  0.5,
		FailMaxRate:     0.3,
		FailBurst:       3,
		FailKinds:       DefaultFailKinds(),
		CountrySkew:     1,
		ASSkew:          1.2,
		TunnelShare:     0.03,
	}
}

func (m Model) validate() error {
	share := func(name string, v float64) error {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("synth: model %s %v not in [0, 1]", name, v)
		}
		return nil
	}
	for _, s := range []struct {
		name string
		v    float64
	}{
		{"ShortShare", m.ShortShare}, {"PartialShare", m.PartialShare}, {"ShortShare+PartialShare", m.ShortShare + m.PartialShare},
		{"MissMin", m.MissMin}, {"MissMax", m.MissMax}, {"OutageProb", m.OutageProb}, {"CommonShare", m.CommonShare},
		{"V4FasterShare", m.V4FasterShare}, {"V6FasterShare", m.V6FasterShare}, {"V4FasterShare+V6FasterShare", m.V4FasterShare + m.V6FasterShare},
		{"SpikeProb", m.SpikeProb}, {"RegimeProb", m.RegimeProb}, {"RegimeFlipShare", m.RegimeFlipShare}, {"RegimeFlipShare+RegimeNoneShare", m.RegimeFlipShare + m.RegimeNoneShare}, {"LevelShiftProb", m.LevelShiftProb},
	} {
		if err := share(s.name, s.v); err != nil {
			return err
		}
	}
	switch {
	case m.AnchorMin < 1 || m.AnchorMax < m.AnchorMin:
		return fmt.Errorf("synth: model anchor ids %d..%d", m.AnchorMin, m.AnchorMax)
	case m.AnchorPool < 1 || int64(m.AnchorPool) > m.AnchorMax-m.AnchorMin+1:
		return fmt.Errorf("synth: model AnchorPool %d does not fit anchor ids %d..%d", m.AnchorPool, m.AnchorMin, m.AnchorMax)
	case m.MaxAnchorsProbe < 1 || m.MaxAnchorsProbe > m.AnchorPool:
		return fmt.Errorf("synth: model MaxAnchorsProbe %d not in 1..AnchorPool", m.MaxAnchorsProbe)
	case m.AnchorsPerProbe < 1:
		return fmt.Errorf("synth: model AnchorsPerProbe %v < 1", m.AnchorsPerProbe)
	case m.MaxProbeID < 1:
		return fmt.Errorf("synth: model MaxProbeID %d < 1", m.MaxProbeID)
	case m.MissMax < m.MissMin:
		return errors.New("synth: model MissMax < MissMin")
	case m.RegimeMinSlots < 1 || m.RegimeMaxSlots < m.RegimeMinSlots:
		return fmt.Errorf("synth: model regime slots %d..%d", m.RegimeMinSlots, m.RegimeMaxSlots)
	case m.OutageMaxSlots < 1:
		return fmt.Errorf("synth: model OutageMaxSlots %d < 1", m.OutageMaxSlots)
	case !(m.MinRCT > 0):
		return errors.New("synth: model MinRCT must be > 0")
	case m.JitterSec < 0 || m.NoiseLogMedian <= 0 || m.BaseLogSD < 0 || m.BaseLogSDLow < 0:
		return errors.New("synth: model JitterSec, NoiseLogMedian, BaseLogSD, BaseLogSDLow must be positive")
	}
	return nil
}
