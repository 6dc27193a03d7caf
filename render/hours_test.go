package render

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/afsel/afsel/hours"
	"github.com/afsel/afsel/stats"
)

var hoursPNG = flag.String("hours-png", "", "write the test's hours figure to this PNG file, to look at")

// hourRows is a summary with a daily cycle in zones 1 and 3 and all, zone
// 2 without pairs, and a gap at hours 4 and 5 of zone 3.
func hourRows() []hours.Row {
	var rows []hours.Row
	for _, z := range hours.Zones {
		for h := range hours.Hours {
			r := hours.Row{Zone: z, Hour: h, Q1: math.NaN(), Median: math.NaN(), Q3: math.NaN()}
			wave := 3 * math.Sin(2*math.Pi*float64(h)/24)
			switch {
			case z == stats.ZoneNone:
			case z == stats.ZoneV6 && (h == 4 || h == 5):
			default:
				base := map[stats.Zone]float64{stats.ZoneV4: -8, stats.ZoneV6: 6, 0: -1}[z]
				r.Pairs = 40 + h
				r.Q1, r.Median, r.Q3 = base+wave-4, base+wave, base+wave+5
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func TestRenderHours(t *testing.T) {
	fig, err := Hours(hourRows())
	if err != nil {
		t.Fatal(err)
	}
	if fig.Name != "hours" || len(fig.Panels) != 4 || fig.HeightPx() <= 0 {
		t.Fatalf("name %q, %d panels (want 4), height %d px", fig.Name, len(fig.Panels), fig.HeightPx())
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	texts := "|" + strings.Join(svgTexts(t, &svg), "|") + "|"
	for _, want := range []string{stats.ZoneV4.String() + " (up to 63 pairs an hour)", "all zones (up to 63 pairs an hour)",
		"hour of day (UTC)", "|0|", "|21|", "median over pairs (per zone, in its colour)", "interquartile range over pairs"} {
		if !strings.Contains(texts, want) {
			t.Errorf("no %q in the figure's texts %q", want, texts)
		}
	}
	if !strings.Contains(texts, stats.ZoneNone.String()+" (no pairs)") {
		t.Errorf("zone 2's panel does not say it has no pairs: %q", texts)
	}
	var png bytes.Buffer
	if err := fig.WritePNG(&png); err != nil {
		t.Fatal(err)
	}
	if *hoursPNG != "" {
		if err := os.WriteFile(*hoursPNG, png.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRenderHoursEmpty(t *testing.T) {
	var rows []hours.Row
	for _, r := range hourRows() {
		r.Pairs, r.Q1, r.Median, r.Q3 = 0, math.NaN(), math.NaN(), math.NaN()
		rows = append(rows, r)
	}
	for name, rows := range map[string][]hours.Row{"no rows": nil, "no pairs": rows} {
		t.Run(name, func(t *testing.T) {
			if _, err := Hours(rows); !errors.Is(err, ErrNoHours) {
				t.Errorf("err %v, want ErrNoHours", err)
			}
		})
	}
}

func TestRenderHoursSingleHour(t *testing.T) {
	rows := []hours.Row{{Zone: stats.ZoneV6, Hour: 7, Pairs: 1, Q1: 2, Median: 2, Q3: 2}}
	fig, err := Hours(rows)
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
}
