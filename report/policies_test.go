package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/afsel/afsel/compare"
	"github.com/afsel/afsel/figures"
	"github.com/afsel/afsel/render"
)

const policiesCSV = `zone,policy,metric,pairs,q1,median,q3,mean
1,v6,best_choice,3,0.1,0.2,0.3,0.25
1,v6,regret_ms,3,10,20,30,25
1,"rttcache:alpha=0.125,delay=250ms",best_choice,3,0.5,0.6,0.7,0.6
1,"rttcache:alpha=0.125,delay=250ms",regret_ms,3,1,2,3,2
all,v6,best_choice,0,,,,
`

func TestPolicyTables(t *testing.T) {
	st, err := compare.ReadSummary(strings.NewReader(policiesCSV))
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
	st, err := compare.ReadSummary(strings.NewReader(policiesCSV))
	if err != nil {
		t.Fatal(err)
	}
	fig, err := render.Policies([]figures.Row{{Figure: "policies", Panel: "best_choice", Series: "v6", X: 0.5, Y: 1}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, with := range []bool{true, false} {
		r := &Report{}
		if with {
			r.Policies, r.Figures = PolicyTables(st), []*render.Figure{fig}
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
