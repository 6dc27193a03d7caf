package figures

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/stats"
	"github.com/afsel/afsel/tables"
)

// ErrBadInput is wrapped by every error about the content of an input file.
var ErrBadInput = errors.New("bad input")

// table is a CSV file read whole, with its columns by name. A first column
// with an empty name (pandas' index) is ignored.
type table struct {
	col  map[string]int
	rows [][]string
}

func readTable(r io.Reader, want ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%w: empty file, want a header with %s", ErrBadInput, strings.Join(want, ","))
	}
	t := &table{col: make(map[string]int), rows: recs[1:]}
	for i, name := range recs[0] {
		if name != "" {
			t.col[name] = i
		}
	}
	var missing []string
	for _, w := range want {
		if _, ok := t.col[w]; !ok {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing columns %s (header: %s)", ErrBadInput, strings.Join(missing, ","), strings.Join(recs[0], ","))
	}
	return t, nil
}

func (t *table) str(i int, name string) string { return t.rows[i][t.col[name]] }

func (t *table) int(i int, name string) (int64, error) {
	s := t.str(i, name)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: row %d: %s %q: not an integer", ErrBadInput, i+2, name, s)
	}
	return v, nil
}

// key parses row i's prb_id and anchor_id.
func (t *table) key(i int) (PairKey, error) {
	p, err := t.int(i, "prb_id")
	if err != nil {
		return PairKey{}, err
	}
	a, err := t.int(i, "anchor_id")
	return PairKey{Probe: p, Anchor: a}, err
}

// float parses a float; an empty field is NaN, as pandas writes it.
func (t *table) float(i int, name string) (float64, error) {
	s := t.str(i, name)
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: row %d: %s %q: not a number", ErrBadInput, i+2, name, s)
	}
	return v, nil
}

// PairKey identifies a (probe, anchor) pair.
type PairKey struct{ Probe, Anchor int64 }

// String is "PRB:ANCHOR", the form of the command's --pair flag.
func (k PairKey) String() string { return fmt.Sprintf("%d:%d", k.Probe, k.Anchor) }

// ParsePairKey parses "PRB:ANCHOR".
func ParsePairKey(s string) (PairKey, error) {
	p, a, ok := strings.Cut(s, ":")
	if ok {
		pi, err1 := strconv.ParseInt(p, 10, 64)
		ai, err2 := strconv.ParseInt(a, 10, 64)
		if err1 == nil && err2 == nil {
			return PairKey{pi, ai}, nil
		}
	}
	return PairKey{}, fmt.Errorf("pair %q: want PRB:ANCHOR, two integers", s)
}

// SimPair is one row of simulation.csv (or the artefacts' ripe_simulation.csv).
// Ineligible pairs have Eligible false and the other values NaN; BestPath is
// NaN when the probe has no family.
type SimPair struct {
	PairKey
	Eligible         bool
	Zone             stats.Zone
	Gain             float64 // avg_expected_gain, ms
	Median           float64 // median_duration, ms
	MedianBestChoice float64 // EXP3, median over runs
	BestPathChoice   float64 // the probe's family
	StaticBestChoice float64 // the pair's a-posteriori family
}

// ReadSimulation reads simulation.csv as written by replay.WriteSimulation,
// or the artefacts' ripe_simulation.csv (pandas' index column first, zone as
// 1.0/2.0/3.0, empty fields for NaN), keeping the row order.
func ReadSimulation(r io.Reader) ([]SimPair, error) {
	t, err := readTable(r, "prb_id", "anchor_id", "zone", "avg_expected_gain", "median_duration", "median_best_choice", "best_path_choice", "static_best_choice")
	if err != nil {
		return nil, err
	}
	out := make([]SimPair, len(t.rows))
	for i := range t.rows {
		p := &out[i]
		if p.PairKey, err = t.key(i); err != nil {
			return nil, err
		}
		z, err := t.float(i, "zone")
		if err != nil {
			return nil, err
		}
		for _, f := range []struct {
			name string
			dst  *float64
		}{
			{"avg_expected_gain", &p.Gain}, {"median_duration", &p.Median}, {"median_best_choice", &p.MedianBestChoice},
			{"best_path_choice", &p.BestPathChoice}, {"static_best_choice", &p.StaticBestChoice},
		} {
			if *f.dst, err = t.float(i, f.name); err != nil {
				return nil, err
			}
		}
		if math.IsNaN(z) {
			continue
		}
		if z != 1 && z != 2 && z != 3 {
			return nil, fmt.Errorf("%w: row %d: zone %v: want 1, 2 or 3", ErrBadInput, i+2, z)
		}
		p.Eligible, p.Zone = true, stats.Zone(z)
	}
	return out, nil
}

// FlowPair is one row of flows.csv (or the artefacts' ripe_flows.csv).
type FlowPair struct {
	PairKey
	BestPath string  // "v4", "v6" or "" (none, or ineligible)
	Gain     float64 // avg_expected_gain, ms
	Median   float64 // median_duration, ms
}

// ReadFlows reads flows.csv as written by tables.WriteFlows, or the
// artefacts' ripe_flows.csv, keeping the row order.
func ReadFlows(r io.Reader) ([]FlowPair, error) {
	t, err := readTable(r, "prb_id", "anchor_id", "best_path", "avg_expected_gain", "median_duration")
	if err != nil {
		return nil, err
	}
	out := make([]FlowPair, len(t.rows))
	for i := range t.rows {
		p := &out[i]
		if p.PairKey, err = t.key(i); err != nil {
			return nil, err
		}
		p.BestPath = t.str(i, "best_path")
		switch p.BestPath {
		case "", "v4", "v6":
		default:
			return nil, fmt.Errorf("%w: row %d: best_path %q: want v4, v6 or empty", ErrBadInput, i+2, p.BestPath)
		}
		if p.Gain, err = t.float(i, "avg_expected_gain"); err != nil {
			return nil, err
		}
		if p.Median, err = t.float(i, "median_duration"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SegPair is one row of change_points.csv.
type SegPair struct {
	PairKey
	Segments []changepoint.Segment
	Mixed    bool
}

var intRE = regexp.MustCompile(`-?\d+`)

// ReadChangePoints reads change_points.csv as written by
// tables.WriteChangePoints (segments as [[s,e,z],...]) or the artefacts'
// ripe_change_points.csv (segments as [(s, e, z), ...], True/False).
func ReadChangePoints(r io.Reader) ([]SegPair, error) {
	t, err := readTable(r, "prb_id", "anchor_id", "segments", "mixed_zones")
	if err != nil {
		return nil, err
	}
	out := make([]SegPair, len(t.rows))
	for i := range t.rows {
		p := &out[i]
		if p.PairKey, err = t.key(i); err != nil {
			return nil, err
		}
		nums := intRE.FindAllString(t.str(i, "segments"), -1)
		if len(nums)%3 != 0 {
			return nil, fmt.Errorf("%w: row %d: segments %q: want (start, end, zone) triples", ErrBadInput, i+2, t.str(i, "segments"))
		}
		for k := 0; k < len(nums); k += 3 {
			s, _ := strconv.Atoi(nums[k])
			e, _ := strconv.Atoi(nums[k+1])
			z, _ := strconv.Atoi(nums[k+2])
			p.Segments = append(p.Segments, changepoint.Segment{Start: s, End: e, Zone: stats.Zone(z)})
		}
		switch m := t.str(i, "mixed_zones"); m {
		case "true", "True":
			p.Mixed = true
		case "false", "False":
		default:
			return nil, fmt.Errorf("%w: row %d: mixed_zones %q: want true or false", ErrBadInput, i+2, m)
		}
	}
	return out, nil
}

// ReadTable reads table1.csv or table2.csv (category,count,share). The
// artefacts' table2.csv names the categories cat_1..cat_4 and
// overlap_cat_1_cat_2; they are renamed A..D and overlap_A_B.
func ReadTable(r io.Reader) ([]tables.Row, error) {
	t, err := readTable(r, "category", "count", "share")
	if err != nil {
		return nil, err
	}
	rename := map[string]string{"cat_1": "A", "cat_2": "B", "cat_3": "C", "cat_4": "D", "overlap_cat_1_cat_2": "overlap_A_B"}
	out := make([]tables.Row, len(t.rows))
	for i := range t.rows {
		c := t.str(i, "category")
		if n, ok := rename[c]; ok {
			c = n
		}
		n, err := t.int(i, "count")
		if err != nil {
			return nil, err
		}
		s, err := t.float(i, "share")
		if err != nil {
			return nil, err
		}
		out[i] = tables.Row{Category: c, Count: int(n), Share: s}
	}
	return out, nil
}

// Metric is one row of replay_metrics.csv.
type Metric struct {
	PairKey
	Gamma                           float64
	Zone                            stats.Zone
	Family                          string
	EXP3Gain, StaticGain, ProbeGain float64 // ms per scored request
	EXP3Regret                      float64 // ms, cumulative
}

// ReadMetrics reads replay_metrics.csv as written by replay.WriteMetrics.
func ReadMetrics(r io.Reader) ([]Metric, error) {
	t, err := readTable(r, "prb_id", "anchor_id", "gamma", "zone", "probe_family", "exp3_gain_ms", "static_gain_ms", "probe_gain_ms", "exp3_regret_ms")
	if err != nil {
		return nil, err
	}
	out := make([]Metric, len(t.rows))
	for i := range t.rows {
		m := &out[i]
		if m.PairKey, err = t.key(i); err != nil {
			return nil, err
		}
		z, err := t.int(i, "zone")
		if err != nil {
			return nil, err
		}
		m.Zone = stats.Zone(z)
		m.Family = t.str(i, "probe_family")
		for _, f := range []struct {
			name string
			dst  *float64
		}{{"gamma", &m.Gamma}, {"exp3_gain_ms", &m.EXP3Gain}, {"static_gain_ms", &m.StaticGain}, {"probe_gain_ms", &m.ProbeGain}, {"exp3_regret_ms", &m.EXP3Regret}} {
			if *f.dst, err = t.float(i, f.name); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Summary is a summary.json flattened to key/value pairs in file order
// (nested keys joined with dots, arrays printed as JSON).
type Summary struct {
	Command string // "tables", "replay", "sweep" or "" when absent
	Fields  []KV
}

// KV is one flattened field of a summary.
type KV struct{ Key, Value string }

// Get returns the value of key, or "".
func (s Summary) Get(key string) string {
	for _, f := range s.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// ReadSummary reads a summary.json written by afsel tables, replay or sweep.
func ReadSummary(r io.Reader) (Summary, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var s Summary
	if err := flatten(dec, "", &s.Fields); err != nil {
		return s, fmt.Errorf("%w: summary.json: %v", ErrBadInput, err)
	}
	s.Command = s.Get("command")
	return s, nil
}

// flatten reads one JSON value from dec and appends its leaves.
func flatten(dec *json.Decoder, prefix string, out *[]KV) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key := fmt.Sprint(k)
			if prefix != "" {
				key = prefix + "." + key
			}
			if err := flatten(dec, key, out); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case json.Delim('['):
		var vals []json.RawMessage
		for dec.More() {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			vals = append(vals, v)
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		b, _ := json.Marshal(vals)
		*out = append(*out, KV{prefix, string(b)})
		return nil
	case nil:
		*out = append(*out, KV{prefix, "null"})
		return nil
	}
	*out = append(*out, KV{prefix, fmt.Sprint(tok)})
	return nil
}

// PairSeries is one pair's paired tests in time order (stable for equal
// times, as package pairs sorts).
type PairSeries struct {
	PairKey
	Time   []int64 // microseconds since the Unix epoch
	V4, V6 []float64
}

// ReadPair reads every batch of src (the ingest schema) and returns the
// series of pair, in time order. The batches are not retained.
func ReadPair(ctx context.Context, src array.RecordReader, pair PairKey) (PairSeries, error) {
	s := PairSeries{PairKey: pair}
	for src.Next() {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		rec := src.Record()
		if err := ingest.CheckSchema(rec.Schema()); err != nil {
			return s, err
		}
		probe := rec.Column(ingest.IdxProbe).(*array.Int64).Int64Values()
		anchor := rec.Column(ingest.IdxAnchor).(*array.Int64).Int64Values()
		tm := rec.Column(ingest.IdxStartTime).(*array.Timestamp).TimestampValues()
		v4 := rec.Column(ingest.IdxV4).(*array.Float64).Float64Values()
		v6 := rec.Column(ingest.IdxV6).(*array.Float64).Float64Values()
		for i := range probe {
			if probe[i] == pair.Probe && anchor[i] == pair.Anchor {
				s.Time = append(s.Time, int64(tm[i]))
				s.V4 = append(s.V4, v4[i])
				s.V6 = append(s.V6, v6[i])
			}
		}
	}
	if err := src.Err(); err != nil {
		return s, err
	}
	s.sortByTime()
	return s, nil
}

// RecordsPass is a Pass over the duration columns of the batches open
// returns (the ingest schema), opened again for every pass.
func RecordsPass(open func() (array.RecordReader, error)) Pass {
	return func(ctx context.Context, visit func(v4, v6 []float64) error) error {
		src, err := open()
		if err != nil {
			return err
		}
		defer src.Release()
		for src.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec := src.Record()
			if err := ingest.CheckSchema(rec.Schema()); err != nil {
				return err
			}
			v4 := rec.Column(ingest.IdxV4).(*array.Float64)
			v6 := rec.Column(ingest.IdxV6).(*array.Float64)
			if v4.NullN() > 0 || v6.NullN() > 0 {
				return fmt.Errorf("figures: null durations: %w", ingest.ErrBadRow)
			}
			if err := visit(v4.Float64Values(), v6.Float64Values()); err != nil {
				return err
			}
		}
		return src.Err()
	}
}
