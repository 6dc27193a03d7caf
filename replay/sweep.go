package replay

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// SweepRow summarises one gamma over the eligible pairs of one zone (Zone 0:
// all zones).
type SweepRow struct {
	Gamma      float64
	Zone       stats.Zone
	Pairs      int
	Q1, Median float64 // quartiles of median_best_choice (numpy linear)
	Q3         float64
	MeanGain   float64 // mean over pairs of EXP3's gain per request, ms
	MedianGain float64 // median over pairs of the same
}

// Sweep summarises ps per gamma and zone, zones 1-3 then all.
func Sweep(ps []Pair, gammas []float64) []SweepRow {
	var rows []SweepRow
	var choice, gain []float64
	for g, gamma := range gammas {
		for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0} {
			choice, gain = choice[:0], gain[:0]
			for i := range ps {
				p := &ps[i]
				if !p.Eligible || (z != 0 && p.Class.Zone != z) {
					continue
				}
				choice = append(choice, p.Sims[g].MedianBestChoice)
				gain = append(gain, p.Sims[g].Gain)
			}
			slices.Sort(choice)
			slices.Sort(gain)
			var mean float64
			for _, v := range gain {
				mean += v
			}
			mean /= float64(len(gain))
			rows = append(rows, SweepRow{
				Gamma: gamma, Zone: z, Pairs: len(choice),
				Q1: stats.Quantile(choice, 0.25), Median: stats.Quantile(choice, 0.5), Q3: stats.Quantile(choice, 0.75),
				MeanGain: mean, MedianGain: stats.Quantile(gain, 0.5),
			})
		}
	}
	return rows
}

// SweepColumns is the header of sweep.csv.
var SweepColumns = []string{"gamma", "zone", "pairs", "q1_best_choice", "median_best_choice", "q3_best_choice", "mean_gain_ms", "median_gain_ms"}

// WriteSweep writes sweep.csv: gamma,zone,pairs,q1_best_choice,
// median_best_choice,q3_best_choice,mean_gain_ms,median_gain_ms with zone 1,
// 2, 3 or "all". Empty values are undefined (no pairs). With opt's Labels,
// zone_label follows.
func WriteSweep(w io.Writer, ps []Pair, gammas []float64, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	cw.Write(o.header(SweepColumns))
	for _, r := range Sweep(ps, gammas) {
		zone := "all"
		if r.Zone != 0 {
			zone = strconv.Itoa(int(r.Zone))
		}
		rec := []string{
			csvtable.FormatFloat(r.Gamma), zone, strconv.Itoa(r.Pairs),
			csvtable.FormatFloat(r.Q1), csvtable.FormatFloat(r.Median), csvtable.FormatFloat(r.Q3),
			csvtable.FormatFloat(r.MeanGain), csvtable.FormatFloat(r.MedianGain),
		}
		if o.Labels {
			rec = append(rec, r.Zone.Label())
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
