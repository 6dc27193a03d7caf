package queries

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

// files are the SQL templates. Their leading comments are printed by afsel
// query and read by users: they say what the query selects, the pairing rule
// and the parameters, and how it differs from the authors' query (REFERENCE
// section 1, mpiraux/ccr23-artefacts e2e_latency/query.sql). Notes for
// developers go here, not there:
//
//   - The comments hold no round brackets and no ORDER BY keyword
//     (TestComments). The BigQuery client scans the SQL text, comments
//     included, for a top-level ORDER BY to decide whether the results are
//     ordered, and reads ordered results from a single stream, which is
//     what Config.Ordered wants and nothing else should trigger. A bracket
//     in a comment would upset its count of nesting; the keyword in a
//     comment would read as a sort. The sorts inside ARRAY_AGG do not
//     count: they are within brackets.
//   - Tables are filled in by Build from identifiers that match TableRE
//     only; values are query parameters.
//   - testdata holds each rendered query; testdata/code the same without
//     comment lines, rewritten only with -update-code, so a change to the
//     comments alone leaves it as it is.
//
//go:embed *.sql
var files embed.FS

// templates are parsed on first use, as is tableRE: together they cost every
// start of the command, whatever it does, 6 ms.
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Option("missingkey=error").ParseFS(files, "*.sql"))
})

// Default tables: the public RIPE Atlas dataset on BigQuery.
const (
	DefaultHTTPTable   = "ripencc-atlas.measurements.http"
	DefaultProbesTable = "ripencc-atlas.probes.probes"
)

// DefaultPairMinutes is the paper's pairing window: an IPv4 and an IPv6 test
// pair when ABS(TIMESTAMP_DIFF(v4, v6, MINUTE)) < 2, i.e. |Δt| < 120 s.
const DefaultPairMinutes = 2

// TableRE is the pattern a table reference must match: project.dataset.table,
// the project may contain '-' (as ripencc-atlas does).
const TableRE = `^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\.[A-Za-z0-9_]{1,1000}\.[A-Za-z0-9_-]{1,1000}$`

var tableRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(TableRE) })

// ErrBadTable is returned for a table reference that does not match TableRE.
var ErrBadTable = errors.New("queries: bad table reference")

// ErrNoAnchors is returned for a Config.Anchors that is empty but not nil.
var ErrNoAnchors = errors.New("queries: no anchors")

// ErrBadWindow is returned when the time window is empty or the pairing
// window is not positive.
var ErrBadWindow = errors.New("queries: bad window")

// Kind selects one of the two queries.
type Kind int

const (
	// Tests is paired_tests.sql: one row per paired test.
	Tests Kind = iota
	// Series is paired_series.sql: one row per (prb_id, anchor_id) with
	// time-ordered arrays start_time, v4_duration, v6_duration. A paired
	// test with a NULL duration is left out before grouping, as ARRAY_AGG
	// fails the whole query on a NULL element (the failures variant makes
	// such a duration NaN instead).
	Series
)

// File returns the name of the embedded SQL file of k.
func (k Kind) File() string {
	if k == Series {
		return "paired_series.sql"
	}
	return "paired_tests.sql"
}

// FailuresFile returns the name of the embedded SQL file of k's variant
// that keeps failed tests (Config.Failures).
func (k Kind) FailuresFile() string {
	if k == Series {
		return "paired_series_failures.sql"
	}
	return "paired_tests_failures.sql"
}

// Config selects the query and its values. Zero tables mean the defaults.
type Config struct {
	Kind        Kind
	Start, End  time.Time // Start <= start_time < End
	PairMinutes int64     // 0 means DefaultPairMinutes
	HTTPTable   string
	ProbesTable string
	// Ordered sorts the result by prb_id, anchor_id (and start_time for
	// Tests). The BigQuery client then reads it from a single stream, but
	// the file it gives is sorted by probe, which afsel's grouping streams
	// through holding one probe in memory.
	Ordered bool
	// Failures selects the variant of Kind that keeps failed tests
	// (Kind.FailuresFile): every test, not only those with status 200, is
	// paired, and each brings its status, error and DNS error, raw, for
	// outcome.Classify. Without it the SQL is the authors' query's.
	Failures bool
	// Anchors, when not nil, are the anchors the tests are matched to,
	// sent as the @anchors parameter (AnchorsType) in place of the join
	// with ProbesTable, which lists today's anchors: an archive of a past
	// day gives that day's. It may not be empty.
	Anchors []Anchor
}

// Anchor is one anchor of Config.Anchors: its id and addresses, "" for
// none. The tags name the fields of the STRUCT parameter for the BigQuery
// client.
type Anchor struct {
	ID        int64  `bigquery:"id"`
	AddressV4 string `bigquery:"address_v4"`
	AddressV6 string `bigquery:"address_v6"`
}

// AnchorsLiteral returns anchors as a GoogleSQL array literal of the
// @anchors parameter's type, one STRUCT a line, for a user to paste where
// the console asks for the parameter's value.
func AnchorsLiteral(anchors []Anchor) string {
	var b strings.Builder
	for i, a := range anchors {
		open, sep := " ", ",\n"
		if i == 0 {
			open = "["
		}
		if i == len(anchors)-1 {
			sep = "]"
		}
		fmt.Fprintf(&b, "%sSTRUCT(%d AS id, %s AS address_v4, %s AS address_v6)%s", open, a.ID, strconv.Quote(a.AddressV4), strconv.Quote(a.AddressV6), sep)
	}
	return b.String()
}

// AnchorsType is the BigQuery type of the @anchors parameter.
const AnchorsType = "ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6 STRING>>"

// ProbesColumns are the columns a probes table must have: the query reads
// prb_id, is_anchor, addr_v4 and addr_v6.
var ProbesColumns = []string{"prb_id", "is_anchor", "addr_v4", "addr_v6"}

// File returns the name of the embedded SQL file cfg selects.
func (cfg Config) File() string {
	if cfg.Failures {
		return cfg.Kind.FailuresFile()
	}
	return cfg.Kind.File()
}

// Param is one named query parameter.
type Param struct {
	Name  string
	Type  string // BigQuery type: TIMESTAMP, INT64 or AnchorsType
	Value any    // time.Time, int64 or []Anchor
}

// Query is a rendered query: the SQL text and its parameters.
type Query struct {
	SQL    string
	Params []Param
	// Probes is the probes table the SQL reads, "" when the anchors are
	// the @anchors parameter.
	Probes string
}

// Build renders the SQL of cfg (cfg.File) with its table references and
// returns it with the parameters to send alongside.
func Build(cfg Config) (Query, error) {
	if cfg.HTTPTable == "" {
		cfg.HTTPTable = DefaultHTTPTable
	}
	if cfg.ProbesTable == "" {
		cfg.ProbesTable = DefaultProbesTable
	}
	if cfg.PairMinutes == 0 {
		cfg.PairMinutes = DefaultPairMinutes
	}
	for _, t := range []string{cfg.HTTPTable, cfg.ProbesTable} {
		if !tableRE().MatchString(t) {
			return Query{}, fmt.Errorf("%w: %q: want project.dataset.table", ErrBadTable, t)
		}
	}
	if !cfg.Start.Before(cfg.End) {
		return Query{}, fmt.Errorf("%w: start %s is not before end %s", ErrBadWindow, cfg.Start.Format(time.RFC3339), cfg.End.Format(time.RFC3339))
	}
	if cfg.PairMinutes < 0 {
		return Query{}, fmt.Errorf("%w: pairing window %d minutes", ErrBadWindow, cfg.PairMinutes)
	}
	if cfg.Anchors != nil && len(cfg.Anchors) == 0 {
		return Query{}, fmt.Errorf("%w: the anchor list is empty", ErrNoAnchors)
	}
	var b bytes.Buffer
	err := templates().ExecuteTemplate(&b, cfg.File(), struct {
		HTTP, Probes string
		Ordered      bool
		Anchors      bool
	}{cfg.HTTPTable, cfg.ProbesTable, cfg.Ordered, cfg.Anchors != nil})
	if err != nil {
		return Query{}, fmt.Errorf("queries: %w", err)
	}
	q := Query{
		SQL: b.String(),
		Params: []Param{
			{Name: "start", Type: "TIMESTAMP", Value: cfg.Start.UTC()},
			{Name: "end", Type: "TIMESTAMP", Value: cfg.End.UTC()},
			{Name: "pair_minutes", Type: "INT64", Value: cfg.PairMinutes},
		},
	}
	if cfg.Anchors != nil {
		q.Params = append(q.Params, Param{Name: "anchors", Type: AnchorsType, Value: slices.Clone(cfg.Anchors)})
		q.Probes = ""
	} else {
		q.Probes = cfg.ProbesTable
	}
	return q, nil
}
