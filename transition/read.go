package transition

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/afsel/afsel/internal/csvtable"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// ErrNotComparison is wrapped by ReadOutput's error when a directory does
// not hold a comparison's files.
var ErrNotComparison = errors.New("not the output of afsel compare")

// ReadOutput reads back the comparison Write wrote into dir. The result has
// every field Write writes; of its runs A and B only Dir, Input and
// BestChoice (Pairs is empty: the runs' own files hold them).
func ReadOutput(dir string) (*Result, error) {
	var s jsonSummary
	path := filepath.Join(dir, SummaryFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w: no %s", dir, ErrNotComparison, SummaryFile)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Command != "compare" {
		return nil, fmt.Errorf("%s: %w: its command is %q", path, ErrNotComparison, s.Command)
	}
	run := func(i runInfo) *Run { return &Run{Dir: i.Dir, Input: i.InputSHA256, BestChoice: i.BestChoice} }
	r := &Result{A: run(s.A), B: run(s.B), Forced: s.Forced, EligibleA: s.A.EligiblePairs, EligibleB: s.B.EligiblePairs,
		Both: s.Both, Kept: s.Kept, KeptShare: math.NaN()}
	if s.KeptShare != nil {
		r.KeptShare = *s.KeptShare
	}
	for _, f := range []struct {
		name string
		read func(io.Reader) error
	}{
		{TransitionsFile, r.readTransitions},
		{BestChoiceFile, r.readBestChoice},
		{BestChoiceStatsFile, r.readBestChoiceStats},
		{NewGoneFile, r.readNewGone},
	} {
		if _, err := readFile(dir, f.name, f.read); err != nil {
			return nil, err
		}
	}
	n := 0
	for i := range r.Matrix {
		for j, c := range r.Matrix[i] {
			if c.Pairs != s.Matrix[i][j] {
				return nil, fmt.Errorf("%s: %w: %s has %d pairs from %s to %s, %s %d", dir, csvtable.ErrBadInput, TransitionsFile, c.Pairs, Zones[i], Zones[j], SummaryFile, s.Matrix[i][j])
			}
			n += c.Pairs
		}
	}
	if n != r.Both || len(r.New) != s.New || len(r.Gone) != s.Gone {
		return nil, fmt.Errorf("%s: %w: its files disagree with %s on the pairs eligible in both, new or gone", dir, csvtable.ErrBadInput, SummaryFile)
	}
	return r, nil
}

// zone parses row i's field name as one of Zones, or also 0 if all.
func zone(t *csvtable.Table, i int, name string, all bool) (stats.Zone, error) {
	n, err := t.Int(i, name)
	z := stats.Zone(n)
	if err != nil || (z == 0 && all) {
		return z, err
	}
	if !slices.Contains(Zones[:], z) {
		return 0, fmt.Errorf("%w: row %d: %s %d: want 1, 2 or 3", csvtable.ErrBadInput, i+2, name, n)
	}
	return z, nil
}

func (r *Result) readTransitions(rd io.Reader) error {
	t, err := csvtable.Read(rd, TransitionsColumns...)
	if err != nil {
		return err
	}
	for i := range t.Len() {
		from, err := zone(t, i, "zone_a", false)
		if err != nil {
			return err
		}
		to, err := zone(t, i, "zone_b", false)
		if err != nil {
			return err
		}
		c := Cell{From: from, To: to}
		n, err := t.Int(i, "pairs")
		if err != nil {
			return err
		}
		c.Pairs = int(n)
		if err := t.Floats(i, []string{"share", "row_share"}, &c.Share, &c.RowShare); err != nil {
			return err
		}
		r.Matrix[zoneIndex(from)][zoneIndex(to)] = c
	}
	return nil
}

func (r *Result) readBestChoice(rd io.Reader) error {
	var err error
	r.Changes, err = csvtable.ReadPairs(rd, BestChoiceColumns, func(t *csvtable.Table, i int, k pairs.Key, c *Change) error {
		c.Key = k
		var err error
		if c.From, err = zone(t, i, "zone_a", false); err != nil {
			return err
		}
		if c.To, err = zone(t, i, "zone_b", false); err != nil {
			return err
		}
		if kept, err := strconv.ParseBool(t.Str(i, "kept")); err != nil || kept != (c.From == c.To) {
			return fmt.Errorf("%w: row %d: kept %q with zones %d and %d", csvtable.ErrBadInput, i+2, t.Str(i, "kept"), c.From, c.To)
		}
		return t.Floats(i, BestChoiceColumns[5:], &c.BestChoiceA, &c.BestChoiceB, &c.Delta)
	})
	return err
}

func (r *Result) readBestChoiceStats(rd io.Reader) error {
	t, err := csvtable.Read(rd, BestChoiceStatsColumns...)
	if err != nil {
		return err
	}
	for i := range t.Len() {
		z, err := zone(t, i, "zone_a", true)
		if err != nil {
			return err
		}
		var s Summary
		n, err := t.Int(i, "pairs")
		if err != nil {
			return err
		}
		s.N = int(n)
		if err := t.Floats(i, BestChoiceStatsColumns[3:], &s.Min, &s.Q1, &s.Median, &s.Q3, &s.Max, &s.Mean); err != nil {
			return err
		}
		if z == 0 {
			r.BestChoice = s
		} else {
			r.BestChoiceByZone[zoneIndex(z)] = s
		}
	}
	return nil
}

func (r *Result) readNewGone(rd io.Reader) error {
	all, err := csvtable.ReadPairs(rd, NewGoneColumns, func(t *csvtable.Table, i int, k pairs.Key, a *Alone) error {
		a.Key, a.Status = k, t.Str(i, "status")
		var err error
		if a.Zone, err = zone(t, i, "zone", false); err != nil {
			return err
		}
		switch o := t.Str(i, "other_run"); o {
		case "ineligible":
			a.Present = true
		case "absent":
		default:
			return fmt.Errorf("%w: row %d: other_run %q: want ineligible or absent", csvtable.ErrBadInput, i+2, o)
		}
		a.BestChoice, err = t.Float(i, "best_choice")
		return err
	})
	if err != nil {
		return err
	}
	for _, a := range all {
		switch a.Status {
		case "new":
			r.New = append(r.New, a)
		case "gone":
			r.Gone = append(r.Gone, a)
		default:
			return fmt.Errorf("%w: pair %v: status %q: want new or gone", csvtable.ErrBadInput, a.Key, a.Status)
		}
	}
	return nil
}
