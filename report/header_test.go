package report

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/internal/figtest"
	"github.com/afsel/afsel/pairs"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/stats"
)

// writeBoth writes r's HTML and Markdown.
func writeBoth(t *testing.T, r *Report) (htm, md string) {
	t.Helper()
	var h, m bytes.Buffer
	if err := WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&m, r); err != nil {
		t.Fatal(err)
	}
	return h.String(), m.String()
}

// TestHeader: the title names the input and the run's UTC day, as far as
// they are known; the banner is there exactly when the input is synthetic.
func TestHeader(t *testing.T) {
	// 01:30 in UTC+2 is the day before in UTC.
	date := time.Date(2023, 6, 9, 1, 30, 0, 0, time.FixedZone("UTC+2", 2*60*60))
	for _, c := range []struct {
		name   string
		h      Header
		title  string
		mdHead string
	}{
		{"input and date", Header{Input: "data.csv.gz", Date: date}, "afsel report: data.csv.gz, run of 2023-06-08", "# afsel report: data.csv.gz, run of 2023-06-08\n"},
		{"synthetic", Header{Input: "embedded default data", Date: date, Synthetic: "Generated, not measured."},
			"afsel report: embedded default data, run of 2023-06-08", "# afsel report: embedded default data, run of 2023-06-08\n\n> **Synthetic data.** Generated, not measured.\n"},
		{"no date", Header{Input: "a_b*.csv"}, "afsel report: a_b*.csv", "# afsel report: a\\_b\\*.csv\n"},
		{"no input", Header{Date: date}, "afsel report: run of 2023-06-08", "# afsel report: run of 2023-06-08\n"},
		{"nothing", Header{}, "afsel report", "# afsel report\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.h.Title(); got != c.title {
				t.Errorf("Title() = %q, want %q", got, c.title)
			}
			htm, md := writeBoth(t, &Report{Header: c.h})
			esc := template.HTMLEscapeString(c.title)
			for _, want := range []string{"<title>" + esc + "</title>", "<h1>" + esc + "</h1>"} {
				if !strings.Contains(htm, want) {
					t.Errorf("report.html lacks %q", want)
				}
			}
			if !strings.HasPrefix(md, c.mdHead) {
				t.Errorf("report.md starts with %q, want %q", md[:min(len(md), len(c.mdHead)+20)], c.mdHead)
			}
			banner := strings.Contains(htm, `class="banner"`)
			if banner != (c.h.Synthetic != "") {
				t.Errorf("banner shown %v, synthetic %q", banner, c.h.Synthetic)
			}
			if banner && !strings.Contains(htm, "<strong>Synthetic data.</strong> "+c.h.Synthetic) {
				t.Errorf("banner lacks its text:\n%s", htm)
			}
		})
	}
}

// TestFigureCaptions: every figure the report can show has a caption,
// under it in report.html and after its image in report.md.
func TestFigureCaptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	v4, v6 := figtest.Lognormal(rng, 5000, 0.001)
	f1, err := figures.Figure1(v4, v6)
	if err != nil {
		t.Fatal(err)
	}
	s := figures.PairSeries{Key: pairs.Key{Probe: 7, Anchor: 8}}
	for i := range 200 {
		s.Time = append(s.Time, int64(i))
		s.V4 = append(s.V4, 50+rng.Float64())
		s.V6 = append(s.V6, 60+rng.Float64())
	}
	f2, err := figures.Figure2(s, []changepoint.Segment{{Start: 0, End: 100, Zone: stats.ZoneV4}, {Start: 100, End: 200, Zone: stats.ZoneV6}}, stats.ZoneV4)
	if err != nil {
		t.Fatal(err)
	}
	sim := figtest.Golden(t, "ripe_simulation.csv", func(f *os.File) ([]replay.Pair, error) { return replay.ReadSimulation(f) })
	cdf := func(fig, panel string) []figures.Row {
		var rows []figures.Row
		for _, series := range []string{"v6", "best"} {
			for i, x := range []float64{10, 20, 30} {
				rows = append(rows, figures.Row{Figure: fig, Panel: panel, Series: series, X: x, Y: float64(i+1) / 3})
			}
		}
		return rows
	}
	in := Inputs{Fig1: f1, Fig2: f2, Sim: sim, PolicyCDF: cdf("policies", "best_choice"), FailureCDF: cdf("policies_failures", "time")}
	_, rep, err := Build(in, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range rep.Figures {
		names = append(names, f.Name)
	}
	if want := []string{"fig1", "fig2", "fig4", "coverage", "policies", "policies_failures"}; !slices.Equal(names, want) {
		t.Fatalf("figures %v, want %v", names, want)
	}
	htm, md := writeBoth(t, rep)
	for _, f := range rep.Figures {
		c := Caption(f.Name)
		if c == "" {
			t.Errorf("%s has no caption", f.Name)
			continue
		}
		fig, _, _ := strings.Cut(htm[max(0, strings.Index(htm, `<figure id="`+f.Name+`">`)):], "</figure>")
		if !strings.HasPrefix(fig, `<figure id="`+f.Name+`">`) || !strings.Contains(fig, "<figcaption>"+template.HTMLEscapeString(c)+"</figcaption>") {
			t.Errorf("report.html: figure %s lacks its caption", f.Name)
		}
		if want := "![" + f.Name + "](" + f.Name + ".png)\n\n" + mdEscape(c) + "\n\n"; !strings.Contains(md, want) {
			t.Errorf("report.md: figure %s lacks its caption", f.Name)
		}
	}
	if Caption("nonesuch") != "" {
		t.Error("a caption for an unknown figure")
	}
}
