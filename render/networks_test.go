package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestRenderNetworks(t *testing.T) {
	bars := []ShareBar{{"NL (97 pairs)", 0.35, 0.29, 0.36}, {"unknown (3 pairs)", 0, 1, 0}, {"AS3333 (12 pairs)", 0.5, 0.25, 0.25}}
	fig, err := Networks("networks_country", "Table 1 per country", bars)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(svgTexts(t, &svg), "|")
	for _, want := range []string{"NL (97 pairs)", "unknown (3 pairs)", "AS3333 (12 pairs)", "IPv4 is better", "None is better", "IPv6 is better"} {
		if !strings.Contains(texts, want) {
			t.Errorf("no %q in %q", want, texts)
		}
	}
	// The first group is the top bar: its label comes first in the SVG's
	// y tick labels, drawn bottom up, so last among the three.
	if i, j := strings.Index(texts, "NL (97"), strings.Index(texts, "AS3333"); i < j {
		t.Errorf("NL drawn below AS3333: %q", texts)
	}
	if _, err := Networks("x", "x", nil); err == nil {
		t.Error("no groups: no error")
	}
	var png bytes.Buffer
	if err := fig.WritePNG(&png); err != nil {
		t.Fatal(err)
	}
}
