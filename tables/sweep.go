package tables

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/internal/csvtable"
)

// SweepColumns is the column layout of table2_sweep.csv: Table 2 (the
// rows of Rows2) for each change-point configuration of a sweep, one row
// per configuration and group.
var SweepColumns = []string{"min_size", "jump", "penalty", "group", "count", "share"}

// SweepRow is one row of table2_sweep.csv: one row of Table 2 under the
// change-point parameters Pelt.
type SweepRow struct {
	Pelt changepoint.Config
	Row  // Category is the group: A, B, C, D, total, overlap_A_B
}

// SweepRows is Table 2 of each configuration, in the order given: t2[i] is
// Table 2 under cfgs[i]. It panics if the lengths differ.
func SweepRows(cfgs []changepoint.Config, t2 []Table2) []SweepRow {
	if len(cfgs) != len(t2) {
		panic("tables: SweepRows: configurations and tables differ in number")
	}
	var rows []SweepRow
	for i, c := range cfgs {
		for _, r := range Rows2(t2[i]) {
			rows = append(rows, SweepRow{Pelt: c, Row: r})
		}
	}
	return rows
}

// WriteSweep writes rows as table2_sweep.csv (SweepColumns). The count and
// share of a row are written as WriteTable writes them, so the rows of one
// configuration hold the bytes of that configuration's table2.csv.
func WriteSweep(w io.Writer, rows []SweepRow) error {
	cw := csv.NewWriter(w)
	cw.Write(SweepColumns)
	for _, r := range rows {
		cw.Write([]string{
			strconv.Itoa(r.Pelt.MinSize), strconv.Itoa(r.Pelt.Jump), csvtable.FormatFloat(r.Pelt.Penalty),
			r.Category, strconv.Itoa(r.Count), csvtable.FormatFloat(r.Share),
		})
	}
	cw.Flush()
	return cw.Error()
}

// ReadSweep reads table2_sweep.csv as WriteSweep writes it, keeping the
// row order.
func ReadSweep(r io.Reader) ([]SweepRow, error) {
	t, err := csvtable.Read(r, SweepColumns...)
	if err != nil {
		return nil, err
	}
	out := make([]SweepRow, t.Len())
	for i := range out {
		var ints [3]int64
		for k, c := range []string{SweepColumns[0], SweepColumns[1], SweepColumns[4]} {
			if ints[k], err = t.Int(i, c); err != nil {
				return nil, err
			}
		}
		pen, err := t.Float(i, SweepColumns[2])
		if err != nil {
			return nil, err
		}
		share, err := t.Float(i, SweepColumns[5])
		if err != nil {
			return nil, err
		}
		out[i] = SweepRow{Pelt: changepoint.Config{MinSize: int(ints[0]), Jump: int(ints[1]), Penalty: pen},
			Row: Row{Category: t.Str(i, SweepColumns[3]), Count: int(ints[2]), Share: share}}
	}
	return out, nil
}
