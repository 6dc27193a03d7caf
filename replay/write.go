package replay

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
)

// The column layouts of simulation.csv and replay_metrics.csv, which the
// readers (read.go) expect.
var (
	SimulationColumns = []string{csvtable.ProbeCol, csvtable.AnchorCol, "zone", "avg_expected_gain", "median_duration",
		"median_best_choice", "best_path_choice", "static_best_choice"}
	MetricsColumns = []string{csvtable.ProbeCol, csvtable.AnchorCol, "gamma", "zone", "probe_family",
		"exp3_gain_ms", "static_gain_ms", "probe_gain_ms", "exp3_regret_ms"}
)

// ZoneLabelColumn is the column WriteOptions.Labels appends to
// simulation.csv, replay_metrics.csv and sweep.csv.
const ZoneLabelColumn = "zone_label"

// IneligibleLabel is the zone_label of a pair with fewer than MinTests
// paired tests, which has no zone.
const IneligibleLabel = "ineligible"

// WriteOptions are the options of the CSV writers. The zero value writes
// the artefacts' columns and nothing else.
type WriteOptions struct {
	// Labels appends the column zone_label after the others (whose bytes
	// stay the same): the zone's stats.Zone.Label ("IPv4 is better",
	// "None is better", "IPv6 is better", "all" in sweep.csv's rows over
	// every zone), or IneligibleLabel.
	Labels bool
}

func writeOptions(opt []WriteOptions) WriteOptions {
	if len(opt) > 0 {
		return opt[0]
	}
	return WriteOptions{}
}

// header is cols, with the label column if o asks for it.
func (o WriteOptions) header(cols []string) []string {
	if o.Labels {
		return append(slices.Clip(cols), ZoneLabelColumn)
	}
	return cols
}

// WriteSimulation writes simulation.csv for the gamma at index g of the
// configuration: prb_id,anchor_id,zone,avg_expected_gain,median_duration,
// median_best_choice,best_path_choice,static_best_choice, one row per pair
// (the artefacts' ripe_simulation.csv, sorted, without pandas' index).
// Ineligible pairs have every field after anchor_id empty, and
// best_path_choice is empty when the probe has no family. With opt's
// Labels, zone_label follows (IneligibleLabel for ineligible pairs).
func WriteSimulation(w io.Writer, ps []Pair, g int, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	cols := o.header(SimulationColumns)
	cw.Write(cols)
	rec := make([]string, len(cols))
	for i := range ps {
		p := &ps[i]
		rec[0] = strconv.FormatInt(p.Probe, 10)
		rec[1] = strconv.FormatInt(p.Anchor, 10)
		if !p.Eligible {
			clear(rec[2:])
		} else {
			rec[2] = strconv.Itoa(int(p.Class.Zone))
			rec[3] = csvtable.FormatFloat(p.Class.Gain)
			rec[4] = csvtable.FormatFloat(p.Class.Median)
			rec[5] = csvtable.FormatFloat(p.Sims[g].MedianBestChoice)
			rec[6] = csvtable.FormatFloat(p.BestPathChoice)
			rec[7] = csvtable.FormatFloat(p.StaticBestChoice)
		}
		if o.Labels {
			rec[len(SimulationColumns)] = zoneLabel(p)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteMetrics writes replay_metrics.csv, the metrics the artefacts computed
// and dropped, one row per eligible pair and gamma: prb_id,anchor_id,gamma,
// zone,probe_family,exp3_gain_ms,static_gain_ms,probe_gain_ms,exp3_regret_ms.
// Gains are mean ms saved per scored request against the other family
// (median over runs for EXP3); regret is EXP3's cumulative ms lost against
// the per-round oracle over scored rounds (median over runs). Empty values
// are undefined (no probe family). With opt's Labels, zone_label follows.
func WriteMetrics(w io.Writer, ps []Pair, gammas []float64, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	cw.Write(o.header(MetricsColumns))
	for i := range ps {
		p := &ps[i]
		if !p.Eligible {
			continue
		}
		for g, gamma := range gammas {
			s := p.Sims[g]
			rec := []string{
				strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10),
				csvtable.FormatFloat(gamma), strconv.Itoa(int(p.Class.Zone)), string(p.Family),
				csvtable.FormatFloat(s.Gain), csvtable.FormatFloat(p.StaticGain), csvtable.FormatFloat(p.ProbeGain), csvtable.FormatFloat(s.Regret),
			}
			if o.Labels {
				rec = append(rec, zoneLabel(p))
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// zoneLabel is the zone_label of a pair.
func zoneLabel(p *Pair) string {
	if !p.Eligible {
		return IneligibleLabel
	}
	return p.Class.Zone.String()
}
