package tables

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
)

// The column layouts of the files this package writes, which its readers
// (read.go) expect. The artefacts' versions of the files have the same
// columns after pandas' index.
var (
	FlowsColumns        = []string{csvtable.ProbeCol, csvtable.AnchorCol, "best_path", "avg_expected_gain", "median_duration"}
	ChangePointsColumns = []string{csvtable.ProbeCol, csvtable.AnchorCol, "segments", "mixed_zones"}
	TableColumns        = []string{"category", "count", "share"}
)

// The label columns WriteOptions.Labels appends: to flows.csv the pair's
// zone code (1, 2, 3; empty when ineligible) and its label; to
// change_points.csv the labels of the segments' zones, as a JSON array.
var (
	FlowsLabelColumns        = []string{"zone", "zone_label"}
	ChangePointsLabelColumns = []string{"segment_labels"}
)

// IneligibleLabel is the zone_label of a pair with fewer than MinTests
// paired tests, which has no zone.
const IneligibleLabel = "ineligible"

// WriteOptions are the options of the per-pair writers. The zero value
// writes the artefacts' columns and nothing else.
type WriteOptions struct {
	// Labels appends label columns after the artefacts' columns (whose
	// bytes stay the same): FlowsLabelColumns, ChangePointsLabelColumns.
	// A label is a zone's stats.Zone.String ("IPv4 is better", "None is
	// better", "IPv6 is better") or IneligibleLabel.
	Labels bool
}

func writeOptions(opt []WriteOptions) WriteOptions {
	if len(opt) > 0 {
		return opt[0]
	}
	return WriteOptions{}
}

// ZoneLabel is the zone_label of a pair: its zone's String, or
// IneligibleLabel.
func ZoneLabel(p *Pair) string {
	if !p.Eligible {
		return IneligibleLabel
	}
	return p.Class.Zone.String()
}

// WriteFlows writes flows.csv: prb_id,anchor_id,best_path,avg_expected_gain,
// median_duration, one row per pair (the artefacts' ripe_flows.csv without
// pandas' index column). Ineligible pairs have an empty best_path and 0
// values, as pairs where neither family is better do; with opt's Labels
// the columns zone and zone_label tell them apart.
func WriteFlows(w io.Writer, ps []Pair, opt ...WriteOptions) error {
	o := writeOptions(opt)
	cw := csv.NewWriter(w)
	cols := FlowsColumns
	if o.Labels {
		cols = append(slices.Clip(cols), FlowsLabelColumns...)
	}
	cw.Write(cols)
	rec := make([]string, len(cols))
	for i := range ps {
		p := &ps[i]
		rec = append(rec[:0],
			strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10),
			p.Class.Zone.BestPath(), csvtable.FormatFloat(p.Class.Gain), csvtable.FormatFloat(p.Class.Median),
		)
		if o.Labels {
			zone := ""
			if p.Eligible {
				zone = strconv.Itoa(int(p.Class.Zone))
			}
			rec = append(rec, zone, ZoneLabel(p))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// WriteChangePoints writes change_points.csv: prb_id,anchor_id,segments,
// mixed_zones with segments a JSON array of [start,end,zone], one row per
// pair (ineligible pairs: [] and false). With opt's Labels, the column
// segment_labels holds the segments' zone labels as a JSON array of
// strings.
func WriteChangePoints(w io.Writer, ps []Pair, opt ...WriteOptions) error {
	cw := NewChangePointsWriter(w, writeOptions(opt))
	for i := range ps {
		cw.Write(&ps[i])
	}
	return cw.Flush()
}

// ChangePointsWriter writes change_points.csv a pair at a time, as
// WriteChangePoints does, for pairs not held at once with their segments.
type ChangePointsWriter struct {
	cw          *csv.Writer
	labels      bool
	buf, labelb []byte
	rec         []string
}

// NewChangePointsWriter writes the header of change_points.csv to w.
func NewChangePointsWriter(w io.Writer, opt WriteOptions) *ChangePointsWriter {
	c := &ChangePointsWriter{cw: csv.NewWriter(w), labels: opt.Labels}
	cols := ChangePointsColumns
	if opt.Labels {
		cols = append(slices.Clip(cols), ChangePointsLabelColumns...)
	}
	c.cw.Write(cols)
	c.rec = make([]string, len(cols))
	return c
}

// Write writes the row of p. Errors are Flush's.
func (c *ChangePointsWriter) Write(p *Pair) {
	buf := append(c.buf[:0], '[')
	labels := append(c.labelb[:0], '[')
	for k, s := range p.Segments {
		if k > 0 {
			buf = append(buf, ',')
			labels = append(labels, ',')
		}
		buf = append(buf, '[')
		buf = strconv.AppendInt(buf, int64(s.Start), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(s.End), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(s.Zone), 10)
		buf = append(buf, ']')
		labels = strconv.AppendQuote(labels, s.Zone.String())
	}
	buf = append(buf, ']')
	labels = append(labels, ']')
	c.rec = append(c.rec[:0],
		strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10),
		string(buf), strconv.FormatBool(p.Mixed),
	)
	if c.labels {
		c.rec = append(c.rec, string(labels))
	}
	c.cw.Write(c.rec)
	c.buf, c.labelb = buf, labels
}

// Flush writes what is buffered and returns the first error of the
// writes.
func (c *ChangePointsWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// Row is one line of a table: a category, its count and its share of the
// eligible pairs.
type Row struct {
	Category string
	Count    int
	Share    float64
}

// Rows1 is Table 1 as rows, in the paper's order, then the total.
func Rows1(t stats.Table1) []Row {
	n := t.Total()
	return []Row{
		row(stats.ZoneV4.String(), t.V4, n),
		row(stats.ZoneNone.String(), t.None, n),
		row(stats.ZoneV6.String(), t.V6, n),
		row("total", n, n),
	}
}

// Rows2 is Table 2 as rows: A, B, C, D, total, overlap_A_B.
func Rows2(t Table2) []Row {
	return []Row{
		row("A", t.A, t.Total),
		row("B", t.B, t.Total),
		row("C", t.C, t.Total),
		row("D", t.D(), t.Total),
		row("total", t.Total, t.Total),
		row("overlap_A_B", t.Overlap, t.Total),
	}
}

func row(c string, n, total int) Row {
	r := Row{Category: c, Count: n}
	if total > 0 {
		r.Share = float64(n) / float64(total)
	}
	return r
}

// WriteTable writes rows as category,count,share.
func WriteTable(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(TableColumns)
	for _, r := range rows {
		cw.Write([]string{r.Category, strconv.Itoa(r.Count), csvtable.FormatFloat(r.Share)})
	}
	cw.Flush()
	return cw.Error()
}
