package failures

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/outcome"
	"github.com/afsel/afsel/stats"
)

// PairColumns are the columns of failures_pairs.csv.
func PairColumns() []string {
	cols := []string{"prb_id", "anchor_id", "family", "tests", "failed", "rate", "rate_lo", "rate_hi"}
	for _, c := range outcome.Failures() {
		cols = append(cols, c.String())
	}
	return cols
}

// SortPairs orders ps by (probe, anchor).
func SortPairs(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(a.Probe, b.Probe), cmp.Compare(a.Anchor, b.Anchor))
	})
}

// WritePairs writes failures_pairs.csv: one row per pair and family, in
// the order of ps, with the failure rate, its Wilson 95% interval and the
// failures by outcome.
func WritePairs(w io.Writer, ps []Pair) error {
	cw := csv.NewWriter(w)
	cw.Write(PairColumns())
	fam := [2]string{"v4", "v6"}
	for i := range ps {
		p := &ps[i]
		for f := range 2 {
			lo, hi := stats.Wilson(p.Failed[f], p.Tests[f])
			rec := []string{strconv.FormatInt(p.Probe, 10), strconv.FormatInt(p.Anchor, 10), fam[f],
				strconv.FormatInt(p.Tests[f], 10), strconv.FormatInt(p.Failed[f], 10),
				csvtable.FormatFloat(p.Rate(f)), csvtable.FormatFloat(lo), csvtable.FormatFloat(hi)}
			for _, c := range outcome.Failures() {
				rec = append(rec, strconv.FormatInt(p.Outcome(f, c), 10))
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// TableColumns are the columns of failures.csv.
var TableColumns = []string{"scope", "measure", "count", "total", "share", "share_lo", "share_hi"}

// WriteTable writes failures.csv from Table's rows.
func WriteTable(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(TableColumns)
	for _, r := range rows {
		lo, hi := stats.Wilson(r.Count, r.Total)
		cw.Write([]string{r.Scope, r.Measure, strconv.FormatInt(r.Count, 10), strconv.FormatInt(r.Total, 10),
			csvtable.FormatFloat(r.Share()), csvtable.FormatFloat(lo), csvtable.FormatFloat(hi)})
	}
	cw.Flush()
	return cw.Error()
}

// ReadTable reads failures.csv as WriteTable wrote it.
func ReadTable(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("failures.csv: %w", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], TableColumns) {
		return nil, fmt.Errorf("failures.csv: header is not %v", TableColumns)
	}
	rows := make([]Row, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		c, err1 := strconv.ParseInt(rec[2], 10, 64)
		t, err2 := strconv.ParseInt(rec[3], 10, 64)
		if err := cmp.Or(err1, err2); err != nil {
			return nil, fmt.Errorf("failures.csv: line %d: %w", i+2, err)
		}
		rows = append(rows, Row{Scope: rec[0], Measure: rec[1], Count: c, Total: t})
	}
	return rows, nil
}
