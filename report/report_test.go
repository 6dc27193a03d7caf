package report

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/render"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

// testReport is a report of the golden set's tables and replay with
// Figures 1 (from synthetic paired tests), 4 and the coverage.
func testReport(t *testing.T) ([]*render.Figure, *Report) {
	t.Helper()
	v4, v6 := figtest.Lognormal(rand.New(rand.NewPCG(3, 4)), 20000, 0)
	f1, err := figures.Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	sim := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	cov := figures.ComputeCoverage(sim)
	r1, err := render.Figure1(f1, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	r4, err := render.Figure4(figures.Figure4(sim), figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := render.Coverage(cov, figures.DefaultPoints)
	if err != nil {
		t.Fatal(err)
	}
	figs := []*render.Figure{r1, r4, rc}
	t1 := figtest.Golden(t, "table1.csv", func(f *os.File) ([]tables.Row, error) { return tables.ReadTable(f) })
	t2 := figtest.Golden(t, "table2.csv", func(f *os.File) ([]tables.Row, error) { return tables.ReadTable(f) })
	rep := &Report{Table1: t1, Table2: t2, Fig1: f1, Coverage: cov, Replay: ReplaySummary(sim), Figures: figs,
		Summaries:  []NamedSummary{{Name: "replay", Summary: Summary{Command: "replay", Fields: []KV{{"input.sha256", "abc"}}}}},
		Parameters: []KV{{"points", "1000"}}, Notes: []string{"a note"}}
	return figs, rep
}

// TestReportHTML parses report.html and finds both tables' category rows
// beside the paper's shares, one inline SVG per figure, and nothing fetched
// from elsewhere.
func TestReportHTML(t *testing.T) {
	figs, rep := testReport(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	tablesByID := make(map[string][][]string)
	var svgs, figures int
	var walk func(n *html.Node, table string)
	walk = func(n *html.Node, table string) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" && n.Data == "table" {
					table = a.Val
				}
				if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("<%s %s=%q>: the report must be self-contained", n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "script", "link", "img", "iframe":
				t.Errorf("<%s> in the report", n.Data)
			case "svg":
				svgs++
			case "figure":
				figures++
			case "tr":
				var cells []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && c.Data == "td" {
						cells = append(cells, text(c))
					}
				}
				if len(cells) > 0 {
					tablesByID[table] = append(tablesByID[table], cells)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, table)
		}
	}
	walk(doc, "")
	if svgs != len(figs) || figures != len(figs) {
		t.Errorf("%d inline SVGs in %d figures, want %d", svgs, figures, len(figs))
	}
	check := func(id string, want map[string]string) {
		rows := tablesByID[id]
		found := 0
		for _, r := range rows {
			if p, ok := want[r[0]]; ok {
				found++
				if len(r) < 4 || r[3] != p {
					t.Errorf("%s row %v: want paper %s", id, r, p)
				}
			}
		}
		if found != len(want) {
			t.Errorf("%s: found %d of the category rows %v in %v", id, found, want, rows)
		}
	}
	// The artefacts' table_1.py and table_2.py outputs on the paper's data.
	check("table1", map[string]string{"IPv4 is better": "113092 (28.4%)", "None is better": "156212 (39.2%)", "IPv6 is better": "129070 (32.4%)", "total": "398374 (100.0%)"})
	check("table2", map[string]string{"A": "4569 (1.1%)", "B": "32459 (8.1%)", "C": "27312 (6.9%)", "D": "334034 (83.8%)"})
	if r := tablesByID["table1"]; len(r) != 4 || r[0][1] != "193" || r[0][2] != "30.0%" {
		t.Errorf("table1 rows %v", r)
	}
	if !bytes.Contains(b.Bytes(), []byte("Per-probe coverage")) || !bytes.Contains(b.Bytes(), []byte("Replay summary")) {
		t.Error("report lacks the coverage or replay sections")
	}

	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| IPv4 is better | 193 | 30.0% | 113092 (28.4%) |", "| A | 21 | 3.3% | 4569 (1.1%) |", "![fig4](fig4.png)"} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var s string
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s += text(c)
	}
	return strings.TrimSpace(s)
}
