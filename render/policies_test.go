package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"testing"

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
