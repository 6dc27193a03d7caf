package networks

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// Columns are the columns of networks.csv: one row per group, table and
// category, the share with its Wilson 95% interval.
var Columns = []string{"kind", "key", "probes", "pairs", "mixed_asn", "exp3_gain_ms", "table", "category", "count", "share", "share_lo", "share_hi"}

// Write writes networks.csv from Summarize's groups.
func Write(w io.Writer, groups []Group) error {
	cw := csv.NewWriter(w)
	cw.Write(Columns)
	for _, g := range groups {
		for _, t := range []struct {
			name string
			rows []tables.Row
		}{{"table1", g.Table1}, {"table2", g.Table2}} {
			for _, r := range t.rows {
				total := g.Pairs
				if t.name == "table2" {
					total = tableTotal(g.Table2)
				}
				lo, hi := stats.Wilson(int64(r.Count), int64(total))
				cw.Write([]string{g.Kind, g.Key, strconv.Itoa(g.Probes), strconv.Itoa(g.Pairs), strconv.Itoa(g.MixedASN),
					csvtable.FormatFloat(g.Gain), t.name, r.Category, strconv.Itoa(r.Count),
					csvtable.FormatFloat(r.Share), csvtable.FormatFloat(lo), csvtable.FormatFloat(hi)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Read reads networks.csv back into groups.
func Read(r io.Reader) ([]Group, error) {
	t, err := csvtable.Read(r, Columns...)
	if err != nil {
		return nil, fmt.Errorf("networks.csv: %w", err)
	}
	var out []Group
	for i := range t.Len() {
		kind, key := t.Str(i, "kind"), t.Str(i, "key")
		if len(out) == 0 || out[len(out)-1].Kind != kind || out[len(out)-1].Key != key {
			probes, e1 := t.Int(i, "probes")
			pairs, e2 := t.Int(i, "pairs")
			mixed, e3 := t.Int(i, "mixed_asn")
			gain, e4 := t.Float(i, "exp3_gain_ms")
			for _, e := range []error{e1, e2, e3, e4} {
				if e != nil {
					return nil, fmt.Errorf("networks.csv: %w", e)
				}
			}
			out = append(out, Group{Kind: kind, Key: key, Probes: int(probes), Pairs: int(pairs), MixedASN: int(mixed), Gain: gain})
		}
		g := &out[len(out)-1]
		n, err := t.Int(i, "count")
		if err != nil {
			return nil, fmt.Errorf("networks.csv: %w", err)
		}
		share, err := t.Float(i, "share")
		if err != nil {
			return nil, fmt.Errorf("networks.csv: %w", err)
		}
		row := tables.Row{Category: t.Str(i, "category"), Count: int(n), Share: share}
		switch t.Str(i, "table") {
		case "table1":
			g.Table1 = append(g.Table1, row)
		case "table2":
			g.Table2 = append(g.Table2, row)
		default:
			return nil, fmt.Errorf("networks.csv: row %d: table %q: want table1 or table2", i+2, t.Str(i, "table"))
		}
	}
	return out, nil
}

// tableTotal is the count of a table's "total" row.
func tableTotal(rows []tables.Row) int {
	for _, r := range rows {
		if r.Category == "total" {
			return r.Count
		}
	}
	return 0
}
