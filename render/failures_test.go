package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/afsel/afsel/figures"
)

func TestRenderPolicyFailures(t *testing.T) {
	var rows []figures.Row
	for _, pol := range []string{"v6", "he:chrome", "steer"} {
		for _, pt := range [][2]float64{{0.5, 0.01}, {20, 0.3}, {100, 0.9}, {5000, 0.99}} {
			rows = append(rows, figures.Row{Figure: "policies_failures", Panel: "all", Series: pol, X: pt[0], Y: pt[1]})
		}
	}
	fig, err := PolicyFailures(rows)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Name != "policies_failures" || len(fig.Legend) != 3 || len(fig.Panels) != 1 {
		t.Fatalf("name %q, legend %v, %d panels", fig.Name, fig.Legend, len(fig.Panels))
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(svgTexts(t, &svg), "|")
	// The decades of the y axis down to the smallest share not answered
	// (1 - 0.99 = 0.01), and every legend entry.
	for _, want := range []string{"|1|", "|0.1|", "|0.01|", "v6", "he:chrome", "steer"} {
		if !strings.Contains("|"+texts+"|", want) {
			t.Errorf("no %q in the figure's texts %q", want, texts)
		}
	}
	if strings.Contains("|"+texts+"|", "|0.001|") {
		t.Errorf("the y axis goes below the smallest share: %q", texts)
	}
	var pb bytes.Buffer
	if err := fig.WritePNG(&pb); err != nil {
		t.Fatal(err)
	}
	if _, err := PolicyFailures(nil); !errors.Is(err, figures.ErrBadInput) {
		t.Errorf("no rows: err %v, want ErrBadInput", err)
	}
}
