package tables

import (
	"encoding/csv"
	"io"
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

// WriteFlows writes flows.csv: prb_id,anchor_id,best_path,avg_expected_gain,
// median_duration, one row per pair (the artefacts' ripe_flows.csv without
// pandas' index column). Ineligible pairs have an empty best_path and 0 values.
func WriteFlows(w io.Writer, ps []Pair) error {
	cw := csv.NewWriter(w)
	cw.Write(FlowsColumns)
	for i := range ps {
		p := &ps[i]
		cw.Write([]string{
			strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10),
			p.Class.Zone.BestPath(), csvtable.FormatFloat(p.Class.Gain), csvtable.FormatFloat(p.Class.Median),
		})
	}
	cw.Flush()
	return cw.Error()
}

// WriteChangePoints writes change_points.csv: prb_id,anchor_id,segments,
// mixed_zones with segments a JSON array of [start,end,zone], one row per
// pair (ineligible pairs: [] and false).
func WriteChangePoints(w io.Writer, ps []Pair) error {
	cw := csv.NewWriter(w)
	cw.Write(ChangePointsColumns)
	var buf []byte
	for i := range ps {
		p := &ps[i]
		buf = append(buf[:0], '[')
		for k, s := range p.Segments {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, '[')
			buf = strconv.AppendInt(buf, int64(s.Start), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(s.End), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(s.Zone), 10)
			buf = append(buf, ']')
		}
		buf = append(buf, ']')
		cw.Write([]string{
			strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10),
			string(buf), strconv.FormatBool(p.Mixed),
		})
	}
	cw.Flush()
	return cw.Error()
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
