package queries_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/queries"
)

var (
	start = time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	end   = time.Date(2023, 6, 8, 0, 0, 0, 0, time.UTC)
)

// topLevel removes everything inside round brackets, as the BigQuery client
// does to decide whether a query's results are ordered.
func topLevel(sql string) string {
	var b strings.Builder
	depth := 0
	for _, c := range sql {
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind queries.Kind
		want []string
	}{
		{"tests", queries.Tests, []string{"v4_v6_ratio", "http_status = 200", "@start", "@end", "@pair_minutes", "`ripencc-atlas.probes.probes`", "`ripencc-atlas.measurements.http`"}},
		{"series", queries.Series, []string{"ARRAY_AGG(start_time ORDER BY", "GROUP BY prb_id, anchor_id", "@start", "@end", "@pair_minutes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := queries.Build(queries.Config{Kind: tc.kind, Start: start, End: end})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(q.SQL, w) {
					t.Errorf("SQL lacks %q", w)
				}
			}
			if strings.Contains(q.SQL, "2023") || strings.Contains(q.SQL, "{{") {
				t.Errorf("values or template actions in the SQL text:\n%s", q.SQL)
			}
			if strings.Count(q.SQL, "(") != strings.Count(q.SQL, ")") {
				t.Error("unbalanced brackets")
			}
			if strings.Contains(strings.ToUpper(topLevel(q.SQL)), "ORDER BY") {
				t.Error("top-level ORDER BY: the client would read one stream")
			}
			if len(q.Params) != 3 || q.Params[0].Value != start || q.Params[1].Value != end || q.Params[2].Value != int64(2) {
				t.Errorf("params = %+v", q.Params)
			}
		})
	}
}

func TestBuildOrdered(t *testing.T) {
	for _, kind := range []queries.Kind{queries.Tests, queries.Series} {
		q, err := queries.Build(queries.Config{Kind: kind, Start: start, End: end, Ordered: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.ToUpper(topLevel(q.SQL)), "ORDER BY PRB_ID") && !strings.Contains(topLevel(q.SQL), "ORDER BY v4.prb_id") {
			t.Errorf("%s: no top-level ORDER BY:\n%s", kind.File(), q.SQL)
		}
	}
}

func TestBuildTables(t *testing.T) {
	q, err := queries.Build(queries.Config{Start: start, End: end, ProbesTable: "my-proj.archive.probes_20230601"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(q.SQL, "`my-proj.archive.probes_20230601`") {
		t.Error("probes table not substituted")
	}
	for _, bad := range []string{"x", "a.b", "a.b.c`; DROP TABLE x; --", "a.b.c d", "a.b.c\n", "a..c", "`a.b.c`"} {
		_, err := queries.Build(queries.Config{Start: start, End: end, ProbesTable: bad})
		if !errors.Is(err, queries.ErrBadTable) {
			t.Errorf("probes table %q: err = %v, want ErrBadTable", bad, err)
		}
	}
	if _, err := queries.Build(queries.Config{Start: end, End: start}); !errors.Is(err, queries.ErrBadWindow) {
		t.Errorf("reversed window: err = %v", err)
	}
}

func TestBuildFailures(t *testing.T) {
	for _, kind := range []queries.Kind{queries.Tests, queries.Series} {
		t.Run(kind.FailuresFile(), func(t *testing.T) {
			cfg := queries.Config{Kind: kind, Start: start, End: end, Failures: true}
			if cfg.File() != kind.FailuresFile() {
				t.Errorf("File() = %s", cfg.File())
			}
			q, err := queries.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := queries.Build(queries.Config{Kind: kind, Start: start, End: end})
			if err != nil {
				t.Fatal(err)
			}
			// Every test is kept, with what tells how it went.
			if strings.Contains(q.SQL, "http_status = 200") || !strings.Contains(plain.SQL, "http_status = 200") {
				t.Error("the variant filters on the status, or the authors' query does not")
			}
			for _, w := range []string{"IFNULL(m.http_status, -1)", "IFNULL(m.error, '')", "IFNULL(m.dns_error, '')",
				"v4_duration", "v6_duration", "v4_status", "v6_status", "v4_error", "v6_error", "v4_dns_error", "v6_dns_error",
				"ABS(TIMESTAMP_DIFF(v4.start_time, v6.start_time, MINUTE)) < @pair_minutes", "@start", "@end"} {
				if !strings.Contains(q.SQL, w) {
					t.Errorf("SQL lacks %q", w)
				}
			}
			if strings.Contains(q.SQL, "2023") || strings.Contains(q.SQL, "{{") || strings.Count(q.SQL, "(") != strings.Count(q.SQL, ")") {
				t.Errorf("values, template actions or unbalanced brackets:\n%s", q.SQL)
			}
			if strings.Contains(strings.ToUpper(topLevel(q.SQL)), "ORDER BY") {
				t.Error("top-level ORDER BY: the client would read one stream")
			}
			if len(q.Params) != 3 || !slices.Equal(q.Params, plain.Params) {
				t.Errorf("params = %+v, want those of the authors' query", q.Params)
			}
			ordered, err := queries.Build(queries.Config{Kind: kind, Start: start, End: end, Failures: true, Ordered: true})
			if err != nil {
				t.Fatal(err)
			}
			if top := topLevel(ordered.SQL); !strings.Contains(top, "ORDER BY prb_id") && !strings.Contains(top, "ORDER BY v4.prb_id") {
				t.Errorf("ordered: no top-level ORDER BY:\n%s", ordered.SQL)
			}
		})
	}
}

// TestComments: no comment of any query has round brackets or the sort
// keyword, which would mislead the client's scan for a top-level ORDER BY.
func TestComments(t *testing.T) {
	for _, kind := range []queries.Kind{queries.Tests, queries.Series} {
		for _, failures := range []bool{false, true} {
			for _, ordered := range []bool{false, true} {
				for _, anchors := range [][]queries.Anchor{nil, testAnchors} {
					q, err := queries.Build(queries.Config{Kind: kind, Start: start, End: end, Failures: failures, Ordered: ordered, Anchors: anchors})
					if err != nil {
						t.Fatal(err)
					}
					for _, line := range strings.Split(q.SQL, "\n") {
						if _, c, ok := strings.Cut(line, "--"); ok && (strings.ContainsAny(c, "()") || strings.Contains(strings.ToUpper(c), "ORDER BY")) {
							t.Errorf("%s, ordered %v, anchors %v: comment %q", queries.Config{Kind: kind, Failures: failures}.File(), ordered, anchors != nil, line)
						}
					}
				}
			}
		}
	}
}

// TestSeriesNulls: ARRAY_AGG fails the whole query on a NULL element, so
// every aggregated value of the series queries is guarded. The default
// variant leaves out the paired tests with a NULL duration before grouping,
// which keeps the arrays aligned; the failures variant turns a NULL
// duration into NaN and a NULL status or error into -1 or an empty string.
func TestSeriesNulls(t *testing.T) {
	for _, tc := range []struct {
		failures bool
		want     []string
	}{
		{false, []string{"AND v4.http_duration IS NOT NULL\n    AND v6.http_duration IS NOT NULL\n)"}},
		{true, []string{"IFNULL(v4.http_duration, CAST('NaN' AS FLOAT64)) AS v4_duration", "IFNULL(v6.http_duration, CAST('NaN' AS FLOAT64)) AS v6_duration",
			"IFNULL(m.http_status, -1) AS status", "IFNULL(m.error, '') AS err", "IFNULL(m.dns_error, '') AS dns_err"}},
	} {
		cfg := queries.Config{Kind: queries.Series, Start: start, End: end, Failures: tc.failures}
		t.Run(cfg.File(), func(t *testing.T) {
			q, err := queries.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			code := stripComments(q.SQL)
			for _, w := range tc.want {
				if !strings.Contains(code, w) {
					t.Errorf("SQL lacks the guard %q:\n%s", w, code)
				}
			}
			if strings.Contains(code, "IGNORE NULLS") {
				t.Error("IGNORE NULLS on one array would misalign it with the others")
			}
		})
	}
}

// stripComments removes the SQL comment lines, those starting with --.
func stripComments(sql string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// TestCommentsForUsers: afsel query prints the comments, so they speak to
// a user: no notes for developers, and the differences from the authors'
// query are explained where they occur.
func TestCommentsForUsers(t *testing.T) {
	for _, kind := range []queries.Kind{queries.Tests, queries.Series} {
		for _, failures := range []bool{false, true} {
			cfg := queries.Config{Kind: kind, Start: start, End: end, Failures: failures}
			t.Run(cfg.File(), func(t *testing.T) {
				q, err := queries.Build(cfg)
				if err != nil {
					t.Fatal(err)
				}
				var comments strings.Builder
				for _, line := range strings.Split(q.SQL, "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), "--") {
						comments.WriteString(line + "\n")
					}
				}
				c := comments.String()
				for _, dev := range []string{"REFERENCE", "Keep comments", "package queries", "the client", "sort keyword", "validated identifiers"} {
					if strings.Contains(c, dev) {
						t.Errorf("comment for developers %q:\n%s", dev, c)
					}
				}
				for _, w := range []string{"-- " + cfg.File() + ":", "What it selects", "@start", "@end", "@pair_minutes", "SELECT DISTINCT"} {
					if !strings.Contains(c, w) {
						t.Errorf("comments lack %q:\n%s", w, c)
					}
				}
				if cfg.File() == "paired_tests.sql" {
					for _, w := range []string{"Pairing rule", "SAFE_DIVIDE", "division by zero", "why the rows are the same"} {
						if !strings.Contains(c, w) {
							t.Errorf("comments lack %q:\n%s", w, c)
						}
					}
				}
			})
		}
	}
}

// TestBuildAnchors: with Config.Anchors the anchors arrive as the @anchors
// parameter, the probes table is not read, and no address is in the text.
func TestBuildAnchors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		anchors []queries.Anchor
		err     error
	}{
		{"archive", testAnchors, nil},
		{"empty", []queries.Anchor{}, queries.ErrNoAnchors},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := queries.Build(queries.Config{Start: start, End: end, Anchors: tc.anchors})
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if strings.Contains(q.SQL, queries.DefaultProbesTable) || q.Probes != "" || !strings.Contains(q.SQL, "UNNEST(@anchors)") {
				t.Errorf("SQL reads the probes table %q or not @anchors:\n%s", q.Probes, q.SQL)
			}
			if strings.Contains(q.SQL, "193.0.0.1") {
				t.Error("an address is in the SQL text")
			}
			last := q.Params[len(q.Params)-1]
			if last.Name != "anchors" || last.Type != queries.AnchorsType || !reflect.DeepEqual(last.Value, tc.anchors) {
				t.Errorf("parameter = %+v", last)
			}
		})
	}
}
