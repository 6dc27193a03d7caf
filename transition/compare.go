package transition

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/stats"
)

// Zones are the Table 1 classes in the order of the matrix's rows and
// columns.
var Zones = [3]stats.Zone{stats.ZoneV4, stats.ZoneNone, stats.ZoneV6}

// ErrParameters is wrapped by the error (a *ParamsError) of two runs made
// with different parameters.
var ErrParameters = errors.New("runs made with different parameters")

// ParamDiff is one parameter that differs between runs A and B: its
// flattened name ("tables_parameters.min_tests") and JSON values, "" where
// a run does not record it.
type ParamDiff struct {
	Name string `json:"name"`
	A    string `json:"a"`
	B    string `json:"b"`
}

func (d ParamDiff) String() string {
	v := func(s string) string {
		if s == "" {
			return "not recorded"
		}
		return s
	}
	return fmt.Sprintf("%s (%s in A, %s in B)", d.Name, v(d.A), v(d.B))
}

// ParamsError is Compare's error for runs made with different parameters.
type ParamsError struct {
	A, B  string
	Diffs []ParamDiff
}

func (e *ParamsError) Error() string {
	names := make([]string, len(e.Diffs))
	for i, d := range e.Diffs {
		names[i] = d.String()
	}
	return fmt.Sprintf("%s and %s: %v: %s; compare them anyway with --force", e.A, e.B, ErrParameters, strings.Join(names, ", "))
}

func (e *ParamsError) Unwrap() error { return ErrParameters }

// DiffParams lists the parameters that differ between a and b, by name.
// A stage's parameters (tables_parameters, replay_parameters) recorded by
// one run only are not compared (a run of tables alone against one of
// reproduce); but a run that records no parameters at all differs in
// every parameter the other records. Two that record none do not differ.
func DiffParams(a, b *Run) []ParamDiff {
	names := slices.Sorted(maps.Keys(a.Params))
	for k := range b.Params {
		if _, ok := a.Params[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	stage := func(name string) string { s, _, _ := strings.Cut(name, "."); return s }
	has := func(r *Run, st string) bool {
		for k := range r.Params {
			if stage(k) == st {
				return true
			}
		}
		return false
	}
	both := a.Params != nil && b.Params != nil
	var d []ParamDiff
	for _, n := range names {
		if st := stage(n); both && has(a, st) != has(b, st) {
			continue
		}
		if va, vb := a.Params[n], b.Params[n]; va != vb {
			d = append(d, ParamDiff{n, va, vb})
		}
	}
	return d
}

// Cell is one cell of the transition matrix: pairs of class From in run A
// and To in run B.
type Cell struct {
	From, To stats.Zone
	Pairs    int
	// Share is Pairs over the pairs eligible in both runs; RowShare over
	// those of class From in A (NaN when there are none).
	Share, RowShare float64
}

// Change is one pair eligible in both runs.
type Change struct {
	Key      pairs.Key
	From, To stats.Zone
	// BestChoiceA, BestChoiceB: EXP3's best-choice ratio in each run;
	// Delta = B - A (NaN where a run has no simulation.csv).
	BestChoiceA, BestChoiceB, Delta float64
}

// Summary describes a distribution: n values, quartiles (numpy's linear
// interpolation) and mean; NaN fields when N is 0.
type Summary struct {
	N                        int
	Min, Q1, Median, Q3, Max float64
	Mean                     float64
}

// Describe summarises x (which it sorts), NaN values left out.
func Describe(x []float64) Summary {
	x = slices.DeleteFunc(x, math.IsNaN)
	slices.Sort(x)
	s := Summary{N: len(x), Mean: stats.Mean(x)}
	s.Min, s.Q1, s.Median = stats.Quantile(x, 0), stats.Quantile(x, 0.25), stats.Quantile(x, 0.5)
	s.Q3, s.Max = stats.Quantile(x, 0.75), stats.Quantile(x, 1)
	return s
}

// Alone is a pair eligible in one run only.
type Alone struct {
	Key        pairs.Key
	Status     string // "new" (eligible in B only) or "gone" (in A only)
	Zone       stats.Zone
	BestChoice float64 // in the run where it is eligible; NaN without simulation.csv
	// Present is whether the pair is in the other run's files at all
	// (then ineligible there: too few paired tests).
	Present bool
}

// Result is the comparison of run A with run B.
type Result struct {
	A, B *Run
	// Forced lists the parameters that differ, compared anyway (Force).
	Forced []ParamDiff
	// EligibleA and EligibleB count each run's eligible pairs; Both those
	// eligible in both.
	EligibleA, EligibleB, Both int
	// Matrix[i][j] is the cell From Zones[i] To Zones[j].
	Matrix [3][3]Cell
	// Kept is the number of pairs of Both in the same class in both runs;
	// KeptShare = Kept / Both (NaN when Both is 0).
	Kept      int
	KeptShare float64
	// Changes are the pairs of Both, by probe then anchor.
	Changes []Change
	// BestChoice summarises the Delta of Changes, over all of Both and
	// per class in A (in the order of Zones). Empty (N 0) when a run has
	// no simulation.csv.
	BestChoice       Summary
	BestChoiceByZone [3]Summary
	// New and Gone are the pairs eligible in B only and in A only, by
	// probe then anchor.
	New, Gone []Alone
}

// zoneIndex is the index of z in Zones.
func zoneIndex(z stats.Zone) int {
	i := slices.Index(Zones[:], z)
	if i < 0 {
		panic(fmt.Sprintf("transition: zone %d of an eligible pair", z))
	}
	return i
}

// Diff compares run a with run b. Runs with differing parameters
// (DiffParams) are refused with a *ParamsError unless force is set, when
// the result records them in Forced. It panics if an eligible pair's zone
// is not ZoneV4, ZoneNone or ZoneV6 (ReadRun never returns one).
func Diff(a, b *Run, force bool) (*Result, error) {
	d := DiffParams(a, b)
	if len(d) > 0 && !force {
		return nil, &ParamsError{A: a.Dir, B: b.Dir, Diffs: d}
	}
	res := &Result{A: a, B: b, Forced: d, EligibleA: a.Eligible(), EligibleB: b.Eligible()}
	inA := make(map[pairs.Key]*Pair, len(a.Pairs))
	for i := range a.Pairs {
		inA[a.Pairs[i].Key] = &a.Pairs[i]
	}
	inB := make(map[pairs.Key]*Pair, len(b.Pairs))
	for i := range b.Pairs {
		inB[b.Pairs[i].Key] = &b.Pairs[i]
	}
	var counts [3][3]int
	for i := range a.Pairs {
		pa := &a.Pairs[i]
		pb := inB[pa.Key]
		switch {
		case !pa.Eligible:
		case pb == nil || !pb.Eligible:
			res.Gone = append(res.Gone, Alone{Key: pa.Key, Status: "gone", Zone: pa.Zone, BestChoice: pa.BestChoice, Present: pb != nil})
		default:
			counts[zoneIndex(pa.Zone)][zoneIndex(pb.Zone)]++
			res.Changes = append(res.Changes, Change{Key: pa.Key, From: pa.Zone, To: pb.Zone,
				BestChoiceA: pa.BestChoice, BestChoiceB: pb.BestChoice, Delta: pb.BestChoice - pa.BestChoice})
		}
	}
	for i := range b.Pairs {
		pb := &b.Pairs[i]
		if pa := inA[pb.Key]; pb.Eligible && (pa == nil || !pa.Eligible) {
			res.New = append(res.New, Alone{Key: pb.Key, Status: "new", Zone: pb.Zone, BestChoice: pb.BestChoice, Present: pa != nil})
		}
	}
	byKey := func(x, y pairs.Key) int { return pairs.Compare(x, y) }
	slices.SortFunc(res.Changes, func(x, y Change) int { return byKey(x.Key, y.Key) })
	slices.SortFunc(res.New, func(x, y Alone) int { return byKey(x.Key, y.Key) })
	slices.SortFunc(res.Gone, func(x, y Alone) int { return byKey(x.Key, y.Key) })
	res.Both = len(res.Changes)
	for i := range Zones {
		row := counts[i][0] + counts[i][1] + counts[i][2]
		for j := range Zones {
			res.Matrix[i][j] = Cell{From: Zones[i], To: Zones[j], Pairs: counts[i][j],
				Share: ratio(counts[i][j], res.Both), RowShare: ratio(counts[i][j], row)}
		}
		res.Kept += counts[i][i]
	}
	res.KeptShare = ratio(res.Kept, res.Both)
	var all []float64
	var by [3][]float64
	for _, c := range res.Changes {
		all = append(all, c.Delta)
		by[zoneIndex(c.From)] = append(by[zoneIndex(c.From)], c.Delta)
	}
	res.BestChoice = Describe(all)
	for i := range by {
		res.BestChoiceByZone[i] = Describe(by[i])
	}
	return res, nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return math.NaN()
	}
	return float64(n) / float64(d)
}
