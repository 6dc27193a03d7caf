package compare

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// MetricNames are the metric columns of the policy outputs, in the
// order of Metrics' fields.
var MetricNames = []string{"best_choice", "mean_ms", "gain_v6_ms", "regret_ms", "conns_per_request"}

func (m Metrics) values() [5]float64 {
	return [5]float64{m.BestChoice, m.MeanMs, m.GainV6, m.Regret, m.Conns}
}

// ZoneLabelColumn and SegmentZoneLabelColumn are the columns
// WriteOptions.Labels appends: the label of the zone column, and in
// policies_segments.csv that of segment_zone.
const (
	ZoneLabelColumn        = "zone_label"
	SegmentZoneLabelColumn = "segment_zone_label"
)

// WriteOptions are the options of the CSV writers. The zero value writes
// the columns without labels.
type WriteOptions struct {
	// Labels appends label columns after the others (whose bytes stay the
	// same): zone_label to policies_pairs.csv and policies.csv,
	// zone_label and segment_zone_label to policies_segments.csv. A label
	// is the zone's stats.Zone.Label ("IPv4 is better", "None is better",
	// "IPv6 is better", or "all" for policies.csv's rows over every zone).
	Labels bool
}

func writeOptions(opt []WriteOptions) WriteOptions {
	if len(opt) > 0 {
		return opt[0]
	}
	return WriteOptions{}
}

// WritePairs writes policies_pairs.csv: prb_id,anchor_id,zone,
// probe_family,policy, then MetricNames; one row per eligible pair
// and policy. Empty values are undefined (per-probe best without a family).
// With opt's Labels, zone_label follows.
func WritePairs(w io.Writer, r *Result, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	head := append([]string{"prb_id", "anchor_id", "zone", "probe_family", "policy"}, MetricNames...)
	if o.Labels {
		head = append(head, ZoneLabelColumn)
	}
	cw.Write(head)
	for i := range r.Pairs {
		p := &r.Pairs[i]
		for j, l := range r.Labels {
			rec := []string{strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10), strconv.Itoa(int(p.Zone)), string(p.Family), l}
			for _, v := range p.Metrics[j].values() {
				rec = append(rec, csvtable.FormatFloat(v))
			}
			if o.Labels {
				rec = append(rec, p.Zone.Label())
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// SummaryRow summarises one policy's metric over the eligible pairs of one
// zone (Zone 0: all zones), NaN values left out.
type SummaryRow struct {
	Zone       stats.Zone
	Policy     string
	Metric     string
	Pairs      int
	Q1, Median float64 // quartiles over pairs (numpy linear)
	Q3         float64
	Mean       float64
}

// Summary summarises r per zone (1, 2, 3, then all), policy and
// metric.
func Summary(r *Result) []SummaryRow {
	var rows []SummaryRow
	var x []float64
	for _, z := range []stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6, 0} {
		for j, l := range r.Labels {
			for m, name := range MetricNames {
				x = x[:0]
				for i := range r.Pairs {
					p := &r.Pairs[i]
					if z != 0 && p.Zone != z {
						continue
					}
					if v := p.Metrics[j].values()[m]; !math.IsNaN(v) {
						x = append(x, v)
					}
				}
				slices.Sort(x)
				row := SummaryRow{Zone: z, Policy: l, Metric: name, Pairs: len(x)}
				row.Q1, row.Median, row.Q3 = math.NaN(), math.NaN(), math.NaN()
				row.Mean = math.NaN()
				if len(x) > 0 {
					row.Q1, row.Median, row.Q3 = stats.Quantile(x, 0.25), stats.Quantile(x, 0.5), stats.Quantile(x, 0.75)
					var s float64
					for _, v := range x {
						s += v
					}
					row.Mean = s / float64(len(x))
				}
				rows = append(rows, row)
			}
		}
	}
	return rows
}

// summaryColumns is the header of policies.csv, which WriteSummary writes
// and ReadSummary reads.
var summaryColumns = []string{"zone", "policy", "metric", "pairs", "q1", "median", "q3", "mean"}

// zoneAll is the zone field of the rows over all zones.
const zoneAll = "all"

// WriteSummary writes policies.csv: zone,policy,metric,pairs,q1,
// median,q3,mean with zone 1, 2, 3 or "all"; empty values: no pairs. With
// opt's Labels, zone_label follows.
func WriteSummary(w io.Writer, r *Result, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	if o.Labels {
		cw.Write(append(slices.Clip(summaryColumns), ZoneLabelColumn))
	} else {
		cw.Write(summaryColumns)
	}
	for _, row := range Summary(r) {
		zone := zoneAll
		if row.Zone != 0 {
			zone = strconv.Itoa(int(row.Zone))
		}
		rec := []string{zone, row.Policy, row.Metric, strconv.Itoa(row.Pairs),
			csvtable.FormatFloat(row.Q1), csvtable.FormatFloat(row.Median), csvtable.FormatFloat(row.Q3), csvtable.FormatFloat(row.Mean)}
		if o.Labels {
			rec = append(rec, row.Zone.Label())
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ErrFormat is wrapped by the errors ReadSummary returns for a file that is
// not policies.csv as WriteSummary writes it.
var ErrFormat = errors.New("not a policies.csv")

// ReadSummary reads policies.csv as WriteSummary writes it, with or without
// zone_label (which must then agree with zone), rows in file order; empty
// values read as NaN.
func ReadSummary(r io.Reader) ([]SummaryRow, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("compare: policies.csv header: %w", err)
	}
	labels := slices.Equal(head, append(slices.Clip(summaryColumns), ZoneLabelColumn))
	if !labels && !slices.Equal(head, summaryColumns) {
		return nil, fmt.Errorf("compare: policies.csv header: %w: %q, want %q (and zone_label)", ErrFormat, head, summaryColumns)
	}
	var rows []SummaryRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("compare: policies.csv: %w", err)
		}
		row, err := parseSummaryRow(rec)
		if err == nil && labels && rec[len(summaryColumns)] != row.Zone.Label() {
			err = fmt.Errorf("zone_label %q: want %q for zone %s", rec[len(summaryColumns)], row.Zone.Label(), rec[0])
		}
		if err != nil {
			return nil, fmt.Errorf("compare: policies.csv line %d: %w: %v", line, ErrFormat, err)
		}
		rows = append(rows, row)
	}
}

func parseSummaryRow(rec []string) (SummaryRow, error) {
	row := SummaryRow{Policy: rec[1], Metric: rec[2]}
	if rec[0] != zoneAll {
		z, err := strconv.Atoi(rec[0])
		if err != nil || z < int(stats.ZoneV4) || z > int(stats.ZoneV6) {
			return row, fmt.Errorf("zone %q: want 1, 2, 3 or %s", rec[0], zoneAll)
		}
		row.Zone = stats.Zone(z)
	}
	var err error
	if row.Pairs, err = strconv.Atoi(rec[3]); err != nil || row.Pairs < 0 {
		return row, fmt.Errorf("pairs %q: want a count", rec[3])
	}
	for i, v := range []*float64{&row.Q1, &row.Median, &row.Q3, &row.Mean} {
		f := rec[4+i]
		if f == "" {
			*v = math.NaN()
			continue
		}
		if *v, err = strconv.ParseFloat(f, 64); err != nil {
			return row, fmt.Errorf("%s %q: want a number", summaryColumns[4+i], f)
		}
	}
	return row, nil
}

// WriteSegments writes policies_segments.csv for the pairs of
// Table 2's groups A and C: prb_id,anchor_id,group,zone,policy,segment,
// start,end,segment_zone,best_choice,recover_rounds. recover_rounds is
// empty when not applicable and "inf" when the policy did not recover
// within the regime up to the next change of zone (median run). With opt's
// Labels, zone_label and segment_zone_label follow.
func WriteSegments(w io.Writer, r *Result, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	head := []string{"prb_id", "anchor_id", "group", "zone", "policy", "segment", "start", "end", "segment_zone", "best_choice", "recover_rounds"}
	if o.Labels {
		head = append(head, ZoneLabelColumn, SegmentZoneLabelColumn)
	}
	cw.Write(head)
	for i := range r.Pairs {
		p := &r.Pairs[i]
		if p.Group == "" {
			continue
		}
		for j, l := range r.Labels {
			for k, sg := range p.Segments {
				m := p.SegMetrics[j][k]
				rec := "inf"
				if !math.IsInf(m.Recover, 1) {
					rec = csvtable.FormatFloat(m.Recover)
				}
				row := []string{strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10), p.Group,
					strconv.Itoa(int(p.Zone)), l, strconv.Itoa(k), strconv.Itoa(sg.Start), strconv.Itoa(sg.End),
					strconv.Itoa(int(sg.Zone)), csvtable.FormatFloat(m.BestChoice), rec}
				if o.Labels {
					row = append(row, p.Zone.Label(), sg.Zone.Label())
				}
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteCDF writes policies_cdf.csv in the tidy figure form
// figure,panel,series,x,y: figure "policies", one panel per metric, one
// series per policy, the exact ECDF over eligible pairs (NaN left out) as
// points (x, share of pairs <= x).
func WriteCDF(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"figure", "panel", "series", "x", "y"})
	var x []float64
	for m, name := range MetricNames {
		for j, l := range r.Labels {
			x = x[:0]
			for i := range r.Pairs {
				if v := r.Pairs[i].Metrics[j].values()[m]; !math.IsNaN(v) {
					x = append(x, v)
				}
			}
			slices.Sort(x)
			n := float64(len(x))
			for i, v := range x {
				if i+1 < len(x) && x[i+1] == v {
					continue
				}
				cw.Write([]string{"policies", name, l, csvtable.FormatFloat(v), csvtable.FormatFloat(float64(i+1) / n)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
