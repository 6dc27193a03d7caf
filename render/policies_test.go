package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"github.com/afsel/afsel/figures"
)

// policyRows are CDFs for n policies over the four metrics of replay
// --policies.
func policyRows(n int) []figures.Row {
	var rows []figures.Row
	for _, m := range []string{"best_choice", "gain_v6_ms", "regret_ms", "conns_per_request"} {
		for p := range n {
			for i := range 50 {
				x := float64(i) / 49
				if m != "best_choice" {
					x = float64(p+1) * float64(i*i)
				}
				rows = append(rows, figures.Row{Figure: "policies", Panel: m, Series: fmt.Sprintf("policy%d:k=%d", p, p), X: x, Y: float64(i+1) / 50})
			}
		}
	}
	return rows
}

func TestRenderPolicies(t *testing.T) {
	for _, n := range []int{1, 8, 10} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			fig, err := Policies(policyRows(n), 100)
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
	if _, err := Policies(nil, 100); !errors.Is(err, figures.ErrBadInput) {
		t.Errorf("no rows: %v", err)
	}
}

// TestPoliciesLegendFits: a policy named with every parameter spelled out
// shrinks the legend's text to fit its panel instead of running past the
// figure's edge; short names keep 12 pt.
func TestPoliciesLegendFits(t *testing.T) {
	long := "huston:delay=300ms,factor=2,alpha=0.125,and=more,parameters=here"
	size := func(rows []figures.Row, name string) float64 {
		fig, err := Policies(rows, 100)
		if err != nil {
			t.Fatal(err)
		}
		var svg bytes.Buffer
		if err := fig.WriteSVG(&svg); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`font-size:([0-9.]+)px">` + regexp.QuoteMeta(name) + `<`).FindSubmatch(svg.Bytes())
		if m == nil {
			t.Fatalf("no legend text %q", name)
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	rows := policyRows(2)
	if got := size(rows, "policy0:k=0"); got != 12 {
		t.Errorf("short names: legend at %v pt, want 12", got)
	}
	for i := range rows {
		if rows[i].Series == "policy1:k=1" {
			rows[i].Series = long
		}
	}
	got := size(rows, long)
	if got >= 12 || got < 8 {
		t.Errorf("long name: legend at %v pt, want less than 12 and at least 8", got)
	}
	// The text's width at that size fits a panel's third of the figure.
	sty := text.Style{Font: font.From(plot.DefaultFont, vg.Points(got)), Handler: plot.DefaultTextHandler}
	if w := sty.Width(long); w > Width/3-vg.Points(36) {
		t.Errorf("long name is %v wide at %v pt; a panel is %v", w, got, Width/3)
	}
}
