package replay

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/afsel/afsel/stats"
)

// TestSimulationMetricsRoundTrip: WriteSimulation and WriteMetrics, then
// ReadSimulation and ReadMetrics, give back the pairs as far as the files
// hold them (not N, nor MedianBestChoice beyond the first gamma).
func TestSimulationMetricsRoundTrip(t *testing.T) {
	nan := math.NaN()
	ps := []Pair{
		{Probe: 1, Anchor: 2, Eligible: true, Class: stats.Result{Zone: stats.ZoneV6, Gain: 2.5, Median: 70.25}, Family: "v6",
			BestPathChoice: 0.75, StaticBestChoice: 0.8, StaticGain: 1.5, ProbeGain: 1.25,
			Sims: []Sim{{MedianBestChoice: 0.7, Gain: 1.1, Regret: 30}, {MedianBestChoice: nan, Gain: 1.2, Regret: 31}}},
		{Probe: 1, Anchor: 3},
		{Probe: 4, Anchor: 2, Eligible: true, Class: stats.Result{Zone: stats.ZoneNone}, BestPathChoice: nan, StaticBestChoice: 0.5,
			StaticGain: 0, ProbeGain: nan,
			Sims: []Sim{{MedianBestChoice: 0.5, Gain: -0.5, Regret: 3}, {MedianBestChoice: nan, Gain: 0, Regret: 4}}},
	}
	gammas := []float64{0.1, 0.05}
	var sb, mb bytes.Buffer
	if err := WriteSimulation(&sb, ps, 0); err != nil {
		t.Fatal(err)
	}
	if err := WriteMetrics(&mb, ps, gammas); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSimulation(&sb)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ReadMetrics(&mb, got)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g) != fmt.Sprint(gammas) {
		t.Errorf("gammas %v, want %v", g, gammas)
	}
	// %+v prints NaN alike, which == does not compare equal.
	if a, b := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", ps); a != b {
		t.Errorf("got  %s\nwant %s", a, b)
	}
}

// TestLabels: with Labels, simulation.csv, replay_metrics.csv and sweep.csv
// gain zone_label as their last column, every other byte as without; the
// readers read both forms alike.
func TestLabels(t *testing.T) {
	nan := math.NaN()
	ps := []Pair{
		{Probe: 1, Anchor: 2, Eligible: true, Class: stats.Result{Zone: stats.ZoneV6, Gain: 2.5, Median: 70.25}, Family: "v6",
			BestPathChoice: 0.75, StaticBestChoice: 0.8, StaticGain: 1.5, ProbeGain: 1.25,
			Sims: []Sim{{MedianBestChoice: 0.7, Gain: 1.1, Regret: 30}}},
		{Probe: 1, Anchor: 3},
		{Probe: 4, Anchor: 2, Eligible: true, Class: stats.Result{Zone: stats.ZoneNone}, BestPathChoice: nan, StaticBestChoice: 0.5,
			ProbeGain: nan, Sims: []Sim{{MedianBestChoice: 0.5, Gain: -0.5, Regret: 3}}},
	}
	gammas := []float64{0.1}
	for _, c := range []struct {
		file   string
		write  func(w *bytes.Buffer, o ...WriteOptions) error
		labels []string // the label column, header first
	}{
		{"simulation.csv", func(w *bytes.Buffer, o ...WriteOptions) error { return WriteSimulation(w, ps, 0, o...) },
			[]string{"zone_label", "IPv6 is better", "ineligible", "None is better"}},
		{"replay_metrics.csv", func(w *bytes.Buffer, o ...WriteOptions) error { return WriteMetrics(w, ps, gammas, o...) },
			[]string{"zone_label", "IPv6 is better", "None is better"}},
		{"sweep.csv", func(w *bytes.Buffer, o ...WriteOptions) error { return WriteSweep(w, ps, gammas, o...) },
			[]string{"zone_label", "IPv4 is better", "None is better", "IPv6 is better", "all"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			var plain, labelled bytes.Buffer
			if err := c.write(&plain); err != nil {
				t.Fatal(err)
			}
			if err := c.write(&labelled, WriteOptions{Labels: true}); err != nil {
				t.Fatal(err)
			}
			pl := strings.Split(strings.TrimSuffix(plain.String(), "\n"), "\n")
			ll := strings.Split(strings.TrimSuffix(labelled.String(), "\n"), "\n")
			if len(pl) != len(ll) || len(ll) != len(c.labels) {
				t.Fatalf("%d lines with labels, %d without, want %d", len(ll), len(pl), len(c.labels))
			}
			for i := range ll {
				if want := pl[i] + "," + c.labels[i]; ll[i] != want {
					t.Errorf("line %d: %q, want %q", i+1, ll[i], want)
				}
			}
		})
	}
	var plain, labelled, metrics bytes.Buffer
	WriteSimulation(&plain, ps, 0)
	WriteSimulation(&labelled, ps, 0, WriteOptions{Labels: true})
	WriteMetrics(&metrics, ps, gammas, WriteOptions{Labels: true})
	a, err := ReadSimulation(&plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadSimulation(&labelled)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMetrics(&metrics, b); err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d pairs read with labels, %d without", len(b), len(a))
	}
	for i := range a {
		if a[i].Key() != b[i].Key() || a[i].Eligible != b[i].Eligible || a[i].Class.Zone != b[i].Class.Zone {
			t.Errorf("pair %d: %+v with labels, %+v without", i, b[i], a[i])
		}
	}
}

// TestReadSimulationArtefacts reads the authors' ripe_simulation.csv:
// pandas' index, zone as 1.0, empty fields for ineligible pairs.
func TestReadSimulationArtefacts(t *testing.T) {
	f, err := os.Open("../testdata/golden/ripe_simulation.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := ReadSimulation(f)
	if err != nil {
		t.Fatal(err)
	}
	var eligible int
	for _, p := range ps {
		if p.Eligible {
			eligible++
		}
	}
	if len(ps) != 800 || eligible != 644 {
		t.Errorf("%d pairs, %d eligible; want 800, 644", len(ps), eligible)
	}
}

func FuzzReadSimulation(f *testing.F) {
	f.Add("prb_id,anchor_id,zone,avg_expected_gain,median_duration,median_best_choice,best_path_choice,static_best_choice\n1,2,3,1,2,0.5,,0.5\n1,3,,,,,,\n")
	f.Add(",prb_id,anchor_id,zone,avg_expected_gain,median_duration,median_best_choice,best_path_choice,static_best_choice\n0,1,2,1.0,1,2,0.5,,0.5\n")
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ReadSimulation(strings.NewReader(in))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := WriteSimulation(&b, ps, 0); err != nil {
			t.Fatal(err)
		}
		again, err := ReadSimulation(&b)
		if err != nil || fmt.Sprintf("%+v", again) != fmt.Sprintf("%+v", ps) {
			t.Fatalf("does not round-trip: %v\n%+v\n%+v", err, ps, again)
		}
	})
}
