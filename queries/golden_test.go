package queries_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/afsel/afsel/queries"
)

var (
	update     = flag.Bool("update", false, "rewrite the golden SQL texts in testdata")
	updateCode = flag.Bool("update-code", false, "rewrite the golden SQL texts without comments in testdata/code")
)

// goldenCases are the rendered queries kept in testdata, by file name.
var goldenCases = []struct {
	file string
	cfg  queries.Config
}{
	{"paired_tests.sql", queries.Config{Kind: queries.Tests}},
	{"paired_tests_ordered.sql", queries.Config{Kind: queries.Tests, Ordered: true}},
	{"paired_series.sql", queries.Config{Kind: queries.Series}},
	{"paired_series_ordered.sql", queries.Config{Kind: queries.Series, Ordered: true}},
	{"paired_tests_failures.sql", queries.Config{Kind: queries.Tests, Failures: true}},
	{"paired_tests_failures_ordered.sql", queries.Config{Kind: queries.Tests, Ordered: true, Failures: true}},
	{"paired_series_failures.sql", queries.Config{Kind: queries.Series, Failures: true}},
	{"paired_series_failures_ordered.sql", queries.Config{Kind: queries.Series, Ordered: true, Failures: true}},
	{"paired_tests_anchors.sql", queries.Config{Kind: queries.Tests, Anchors: testAnchors}},
	{"paired_series_anchors.sql", queries.Config{Kind: queries.Series, Anchors: testAnchors}},
	{"paired_tests_failures_anchors.sql", queries.Config{Kind: queries.Tests, Failures: true, Anchors: testAnchors}},
}

// testAnchors stand for a probe archive's anchors.
var testAnchors = []queries.Anchor{{ID: 6001, AddressV4: "193.0.0.1", AddressV6: "2001:db8::1"}, {ID: 6002, AddressV4: "193.0.0.2"}}

// TestGolden compares each rendered query with its text in testdata, byte
// for byte: the SQL sent to BigQuery changes only on purpose (rewrite with
// -update and review the diff).
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			c.cfg.Start, c.cfg.End = start, end
			q, err := queries.Build(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(q.SQL), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if q.SQL != string(want) {
				t.Errorf("SQL differs from %s (run with -update after an intended change):\n%s", path, q.SQL)
			}
		})
	}
}

// TestGoldenCode compares each rendered query without its comment lines
// with its text in testdata/code. -update rewrites the full texts only, so
// a change to the comments alone passes here unchanged; a change to the SQL
// itself needs -update-code as well.
func TestGoldenCode(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			c.cfg.Start, c.cfg.End = start, end
			q, err := queries.Build(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			code := stripComments(q.SQL)
			path := filepath.Join("testdata", "code", c.file)
			if *updateCode {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if code != string(want) {
				t.Errorf("SQL without comments differs from %s (run with -update-code after an intended change to the SQL):\n%s", path, code)
			}
		})
	}
}
