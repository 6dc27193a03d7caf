package figures

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"math"
	"strings"
	"testing"
)

const policiesCSV = `zone,policy,metric,pairs,q1,median,q3,mean
1,v6,best_choice,3,0.1,0.2,0.3,0.25
1,v6,regret_ms,3,10,20,30,25
1,"rttcache:alpha=0.125,delay=250ms",best_choice,3,0.5,0.6,0.7,0.6
1,"rttcache:alpha=0.125,delay=250ms",regret_ms,3,1,2,3,2
all,v6,best_choice,0,,,,
`

func TestReadPolicies(t *testing.T) {
	got, err := ReadPolicies(strings.NewReader(policiesCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d rows, want 5", len(got))
	}
	want := PolicyStat{Zone: "1", Policy: "rttcache:alpha=0.125,delay=250ms", Metric: "regret_ms", Pairs: 3, Q1: 1, Median: 2, Q3: 3, Mean: 2}
	if got[3] != want {
		t.Errorf("row 4: %+v, want %+v", got[3], want)
	}
	if e := got[4]; e.Zone != "all" || e.Pairs != 0 || !math.IsNaN(e.Median) || !math.IsNaN(e.Mean) {
		t.Errorf("empty row: %+v", e)
	}

	for _, tc := range []struct{ name, in, want string }{
		{"missing column", "zone,policy,metric,pairs,q1,median,q3\n", "missing columns mean"},
		{"bad pairs", "zone,policy,metric,pairs,q1,median,q3,mean\n1,v6,x,three,1,2,3,4\n", `pairs "three"`},
		{"bad median", "zone,policy,metric,pairs,q1,median,q3,mean\n1,v6,x,3,1,two,3,4\n", `median "two"`},
		{"empty", "", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPolicies(strings.NewReader(tc.in))
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want ErrBadInput with %q", err, tc.want)
			}
		})
	}
}

func TestReadRows(t *testing.T) {
	rows := []Row{{"policies", "best_choice", "v6", 0, 0.5}, {"policies", "best_choice", "a,b", 0.5, 1}, {"policies", "regret_ms", "v6", 3, math.NaN()}}
	var b bytes.Buffer
	if err := WriteRows(&b, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRows(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rows) {
		t.Fatalf("%d rows, want %d", len(got), len(rows))
	}
	for i := range rows {
		if got[i].Series != rows[i].Series || got[i].Panel != rows[i].Panel || got[i].X != rows[i].X ||
			(got[i].Y != rows[i].Y && !(math.IsNaN(got[i].Y) && math.IsNaN(rows[i].Y))) {
			t.Errorf("row %d: %+v, want %+v", i, got[i], rows[i])
		}
	}
	if _, err := ReadRows(strings.NewReader("figure,panel,series,x,y\np,m,s,one,1\n")); !errors.Is(err, ErrBadInput) {
		t.Errorf("bad x: %v", err)
	}
}

// policyRows are CDFs for n policies over the four metrics of replay
// --policies.
func policyRows(n int) []Row {
	var rows []Row
	for _, m := range []string{"best_choice", "gain_v6_ms", "regret_ms", "conns_per_request"} {
		for p := range n {
			for i := range 50 {
				x := float64(i) / 49
				if m != "best_choice" {
					x = float64(p+1) * float64(i*i)
				}
				rows = append(rows, Row{"policies", m, fmt.Sprintf("policy%d:k=%d", p, p), x, float64(i+1) / 50})
			}
		}
	}
	return rows
}

func TestRenderPolicies(t *testing.T) {
	for _, n := range []int{1, 8, 10} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			fig, err := RenderPolicies(policyRows(n), 100)
			if err != nil {
				t.Fatal(err)
			}
			if fig.Name != "policies" || len(fig.Legend) != n {
				t.Errorf("name %q, legend %v", fig.Name, fig.Legend)
			}
			// 4 metric panels and the legend: 2 rows of 3.
			if len(fig.Panels) != 6 || fig.Cols != 3 {
				t.Errorf("%d panels in %d columns, want 6 in 3", len(fig.Panels), fig.Cols)
			}
			var svg bytes.Buffer
			if err := fig.WriteSVG(&svg); err != nil {
				t.Fatal(err)
			}
			texts := svgTexts(t, &svg)
			count := map[string]int{}
			for _, s := range texts {
				count[strings.TrimSpace(s)]++
			}
			for p := range n {
				name := fmt.Sprintf("policy%d:k=%d", p, p)
				if count[name] != 1 {
					t.Errorf("legend entry %q drawn %d times", name, count[name])
				}
			}
			for _, title := range []string{"best-choice ratio", "gain vs IPv6 (ms)", "regret (ms)", "connections per request"} {
				if count[title] == 0 {
					t.Errorf("no panel %q in %q", title, texts)
				}
			}
			var pb bytes.Buffer
			if err := fig.WritePNG(&pb); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&pb)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != WidthPx || b.Dy() != fig.HeightPx() {
				t.Errorf("PNG %v, want %d×%d", b, WidthPx, fig.HeightPx())
			}
			if s := inkShare(img); s < 0.01 {
				t.Errorf("PNG nearly blank: ink share %.4f", s)
			}
		})
	}
	if _, err := RenderPolicies(nil, 100); !errors.Is(err, ErrBadInput) {
		t.Errorf("no rows: %v", err)
	}
}

func TestPolicyTables(t *testing.T) {
	st, err := ReadPolicies(strings.NewReader(policiesCSV))
	if err != nil {
		t.Fatal(err)
	}
	zs := PolicyTables(st)
	if len(zs) != 2 || zs[0].Zone != "IPv4 is better" || zs[1].Zone != "all" || zs[0].Pairs != 3 {
		t.Fatalf("zones %+v", zs)
	}
	if got := strings.Join(zs[0].Metrics, "|"); got != "best-choice ratio|regret (ms)" {
		t.Errorf("metrics %q", got)
	}
	if l := zs[0].Lines[1]; l.Policy != "rttcache:alpha=0.125,delay=250ms" || strings.Join(l.Medians, "|") != "0.600|2.0" {
		t.Errorf("line %+v", l)
	}
	// Zone "all" has no regret row and no pairs: dashes.
	if l := zs[1].Lines[0]; strings.Join(l.Medians, "|") != "—|—" {
		t.Errorf("all: %+v", l)
	}
	if PolicyTables(nil) != nil {
		t.Error("tables from nothing")
	}
}

// TestReportPolicies: the report's policy section, and its absence.
func TestReportPolicies(t *testing.T) {
	st, err := ReadPolicies(strings.NewReader(policiesCSV))
	if err != nil {
		t.Fatal(err)
	}
	fig, err := RenderPolicies(policyRows(2), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, with := range []bool{true, false} {
		r := &Report{}
		if with {
			r.Policies, r.Figures = PolicyTables(st), []*Figure{fig}
		}
		var h, m bytes.Buffer
		if err := WriteHTML(&h, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&m, r); err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"html": h.String(), "md": m.String()} {
			if got := strings.Contains(s, "Policy comparison"); got != with {
				t.Errorf("%s: section present %v, want %v", name, got, with)
			}
		}
		if !with {
			continue
		}
		for _, want := range []string{"<h2>Policy comparison</h2>", "<caption>IPv4 is better (3 pairs)</caption>", "<th>regret (ms)</th>",
			"<tr><td>rttcache:alpha=0.125,delay=250ms</td><td>0.600</td><td>2.0</td></tr>", `<figure id="policies">`} {
			if !strings.Contains(h.String(), want) {
				t.Errorf("report.html lacks %q", want)
			}
		}
		for _, want := range []string{"## Policy comparison", "### IPv4 is better (3 pairs)", "| policy | best-choice ratio | regret (ms) |",
			"| rttcache:alpha=0.125,delay=250ms | 0.600 | 2.0 |", "![policies](policies.png)"} {
			if !strings.Contains(m.String(), want) {
				t.Errorf("report.md lacks %q", want)
			}
		}
	}
}
