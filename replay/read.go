package replay

import (
	"fmt"
	"io"
	"math"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// ErrBadInput is wrapped by every error about the content of a file read.
var ErrBadInput = csvtable.ErrBadInput

// ReadSimulation reads simulation.csv as WriteSimulation writes it (with
// or without zone_label, which it ignores: zone says the same), or the
// artefacts' ripe_simulation.csv (pandas' index column first, zone as
// 1.0/2.0/3.0, empty fields for NaN), keeping the row order. Each pair has
// the fields the file holds: ineligible pairs (empty zone) only Probe and
// Anchor; eligible ones also Class.Zone, Class.Gain, Class.Median,
// BestPathChoice, StaticBestChoice and one Sim with MedianBestChoice (the
// file's gamma), whose Gain and Regret are NaN, as are StaticGain and
// ProbeGain, until ReadMetrics fills them.
func ReadSimulation(r io.Reader) ([]Pair, error) {
	return csvtable.ReadPairs(r, SimulationColumns, func(t *csvtable.Table, i int, k pairs.Key, p *Pair) error {
		p.Probe, p.Anchor = k.Probe, k.Anchor
		var z float64
		s := Sim{Gain: math.NaN(), Regret: math.NaN()}
		if err := t.Floats(i, SimulationColumns[2:], &z, &p.Class.Gain, &p.Class.Median,
			&s.MedianBestChoice, &p.BestPathChoice, &p.StaticBestChoice); err != nil {
			return err
		}
		if math.IsNaN(z) {
			*p = Pair{Probe: k.Probe, Anchor: k.Anchor}
			return nil
		}
		if z != 1 && z != 2 && z != 3 {
			return fmt.Errorf("%w: row %d: zone %v: want 1, 2 or 3", ErrBadInput, i+2, z)
		}
		p.Eligible, p.Class.Zone = true, stats.Zone(z)
		p.StaticGain, p.ProbeGain = math.NaN(), math.NaN()
		p.Sims = []Sim{s}
		return nil
	})
}

// ReadMetrics reads replay_metrics.csv as WriteMetrics writes it (with or
// without zone_label) into ps,
// the eligible pairs of simulation.csv of the same run (ReadSimulation), and
// returns its gammas in order. A pair's rows are its gammas in order, the
// first the gamma of simulation.csv: they set its Family, StaticGain,
// ProbeGain and Sims' Gain and Regret, adding a Sim (MedianBestChoice NaN)
// for every further gamma. Rows of pairs not in ps are ignored.
func ReadMetrics(r io.Reader, ps []Pair) (gammas []float64, err error) {
	t, err := csvtable.Read(r, MetricsColumns...)
	if err != nil {
		return nil, err
	}
	at := make(map[pairs.Key]int, len(ps))
	for i := range ps {
		at[ps[i].Key()] = i
	}
	seen := make(map[pairs.Key]int, len(ps)) // rows read per pair
	for i := range t.Len() {
		k, err := t.Key(i)
		if err != nil {
			return nil, err
		}
		z, err := t.Int(i, MetricsColumns[3])
		if err != nil {
			return nil, err
		}
		var gamma, staticGain, probeGain float64
		s := Sim{MedianBestChoice: math.NaN()}
		if err := t.Floats(i, MetricsColumns[5:], &s.Gain, &staticGain, &probeGain, &s.Regret); err != nil {
			return nil, err
		}
		if gamma, err = t.Float(i, MetricsColumns[2]); err != nil {
			return nil, err
		}
		g := seen[k]
		seen[k]++
		if g == len(gammas) {
			gammas = append(gammas, gamma)
		}
		j, ok := at[k]
		if !ok {
			continue
		}
		p := &ps[j]
		if p.Class.Zone != stats.Zone(z) {
			return nil, fmt.Errorf("%w: row %d: pair %v is zone %d in simulation.csv but %d here", ErrBadInput, i+2, k, p.Class.Zone, z)
		}
		p.Family = stats.Family(t.Str(i, MetricsColumns[4]))
		p.StaticGain, p.ProbeGain = staticGain, probeGain
		if g < len(p.Sims) {
			s.MedianBestChoice = p.Sims[g].MedianBestChoice
			p.Sims[g] = s
		} else {
			p.Sims = append(p.Sims, s)
		}
	}
	return gammas, nil
}
