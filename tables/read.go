package tables

import (
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// ErrBadInput is wrapped by every error about the content of a file read.
var ErrBadInput = csvtable.ErrBadInput

// ReadFlows reads flows.csv as WriteFlows writes it, with or without the
// label columns, or the artefacts' ripe_flows.csv, keeping the row order.
// Each pair has the fields the file holds: Probe, Anchor, Class.Gain and
// Class.Median (NaN where the artefacts leave them empty), and Class.Zone
// from best_path: ZoneV4, ZoneV6, or 0 when empty (none better, or
// ineligible: the artefacts' columns do not tell them apart). A file with
// the column zone (WriteOptions.Labels) tells them apart: Class.Zone is
// then ZoneNone where neither family is better, and Eligible is set.
func ReadFlows(r io.Reader) ([]Pair, error) {
	zoneCol := FlowsLabelColumns[0]
	return csvtable.ReadPairs(r, FlowsColumns, func(t *csvtable.Table, i int, k pairs.Key, p *Pair) error {
		p.Probe, p.Anchor = k.Probe, k.Anchor
		bp := t.Str(i, FlowsColumns[2])
		switch bp {
		case "":
		case "v4":
			p.Class.Zone = stats.ZoneV4
		case "v6":
			p.Class.Zone = stats.ZoneV6
		default:
			return fmt.Errorf("%w: row %d: best_path %q: want v4, v6 or empty", ErrBadInput, i+2, bp)
		}
		if t.Has(zoneCol) {
			if z := t.Str(i, zoneCol); z != "" {
				n, err := strconv.Atoi(z)
				switch zone := stats.Zone(n); {
				case err != nil || zone < stats.ZoneV4 || zone > stats.ZoneV6:
					return fmt.Errorf("%w: row %d: zone %q: want 1, 2, 3 or empty", ErrBadInput, i+2, z)
				case zone.BestPath() != bp:
					return fmt.Errorf("%w: row %d: zone %d but best_path %q", ErrBadInput, i+2, zone, bp)
				default:
					p.Eligible, p.Class.Zone = true, zone
				}
			} else if bp != "" {
				return fmt.Errorf("%w: row %d: best_path %q but no zone", ErrBadInput, i+2, bp)
			}
		}
		return t.Floats(i, FlowsColumns[3:], &p.Class.Gain, &p.Class.Median)
	})
}

var intRE = regexp.MustCompile(`-?\d+`)

// ReadChangePoints reads change_points.csv as WriteChangePoints writes it
// (segments as [[s,e,z],...]; segment_labels, if there, is ignored) or the artefacts' ripe_change_points.csv
// (segments as [(s, e, z), ...], True/False), keeping the row order. Each
// pair has the fields the file holds: Probe, Anchor, Segments and Mixed.
func ReadChangePoints(r io.Reader) ([]Pair, error) {
	segCol, mixedCol := ChangePointsColumns[2], ChangePointsColumns[3]
	return csvtable.ReadPairs(r, ChangePointsColumns, func(t *csvtable.Table, i int, k pairs.Key, p *Pair) error {
		p.Probe, p.Anchor = k.Probe, k.Anchor
		nums := intRE.FindAllString(t.Str(i, segCol), -1)
		if len(nums)%3 != 0 {
			return fmt.Errorf("%w: row %d: segments %q: want (start, end, zone) triples", ErrBadInput, i+2, t.Str(i, segCol))
		}
		for k := 0; k < len(nums); k += 3 {
			s, _ := strconv.Atoi(nums[k])
			e, _ := strconv.Atoi(nums[k+1])
			z, _ := strconv.Atoi(nums[k+2])
			p.Segments = append(p.Segments, changepoint.Segment{Start: s, End: e, Zone: stats.Zone(z)})
		}
		switch m := t.Str(i, mixedCol); m {
		case "true", "True":
			p.Mixed = true
		case "false", "False":
		default:
			return fmt.Errorf("%w: row %d: mixed_zones %q: want true or false", ErrBadInput, i+2, m)
		}
		return nil
	})
}

// artefactsTable2 renames the categories of the artefacts' table2.csv.
var artefactsTable2 = map[string]string{"cat_1": "A", "cat_2": "B", "cat_3": "C", "cat_4": "D", "overlap_cat_1_cat_2": "overlap_A_B"}

// ReadTable reads table1.csv or table2.csv as WriteTable writes them. The
// artefacts' table2.csv names the categories cat_1..cat_4 and
// overlap_cat_1_cat_2; they are renamed A..D and overlap_A_B.
func ReadTable(r io.Reader) ([]Row, error) {
	t, err := csvtable.Read(r, TableColumns...)
	if err != nil {
		return nil, err
	}
	out := make([]Row, t.Len())
	for i := range out {
		c := t.Str(i, TableColumns[0])
		if n, ok := artefactsTable2[c]; ok {
			c = n
		}
		n, err := t.Int(i, TableColumns[1])
		if err != nil {
			return nil, err
		}
		s, err := t.Float(i, TableColumns[2])
		if err != nil {
			return nil, err
		}
		out[i] = Row{Category: c, Count: int(n), Share: s}
	}
	return out, nil
}
