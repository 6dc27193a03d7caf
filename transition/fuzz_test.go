package transition_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/afsel/afsel/transition"
)

// FuzzReadRun: any simulation.csv and flows.csv give a run or an error,
// never a panic, and a run read compares with itself as the identity.
func FuzzReadRun(f *testing.F) {
	f.Add("prb_id,anchor_id,zone,avg_expected_gain,median_duration,median_best_choice,best_path_choice,static_best_choice\n1,2,3,1,2,0.9,0.9,0.9\n1,3,,,,,,\n",
		"prb_id,anchor_id,best_path,avg_expected_gain,median_duration\n1,2,v6,1,2\n1,3,,,\n")
	f.Add("", "prb_id,anchor_id,best_path,avg_expected_gain,median_duration,zone,zone_label\n1,2,,1,2,2,x\n")
	f.Fuzz(func(t *testing.T, sim, flows string) {
		dir := t.TempDir()
		for name, text := range map[string]string{"simulation.csv": sim, "flows.csv": flows} {
			if text != "" {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		r, err := transition.ReadRun(dir)
		if err != nil {
			return
		}
		res, err := transition.Diff(r, r, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Kept != res.Both || len(res.New)+len(res.Gone) != 0 {
			t.Errorf("a run against itself: kept %d of %d, new %d, gone %d", res.Kept, res.Both, len(res.New), len(res.Gone))
		}
	})
}

// FuzzReadOutput: any comparison files give a result or an error, never a
// panic, and a result read writes its matrix back.
func FuzzReadOutput(f *testing.F) {
	f.Add("zone_a,zone_a_label,zone_b,zone_b_label,pairs,share,row_share\n1,IPv4 is better,1,IPv4 is better,1,1,1\n",
		"zone_a,zone_a_label,pairs,min,q1,median,q3,max,mean\n0,all,1,0,0,0,0,0,0\n2,x,0,,,,,,\n",
		"prb_id,anchor_id,status,zone,zone_label,best_choice,other_run\n4,10,gone,2,None is better,0.6,absent\n")
	f.Fuzz(func(t *testing.T, trans, stats, newGone string) {
		dir := t.TempDir()
		for name, text := range map[string]string{
			transition.SummaryFile:         `{"command":"compare","run_a":{"dir":"a"},"run_b":{"dir":"b"},"eligible_in_both":1,"kept_class":1,"gone_pairs":1,"transitions":[[1,0,0],[0,0,0],[0,0,0]]}`,
			transition.TransitionsFile:     trans,
			transition.BestChoiceStatsFile: stats,
			transition.NewGoneFile:         newGone,
			transition.BestChoiceFile:      "prb_id,anchor_id,zone_a,zone_b,kept,best_choice_a,best_choice_b,change\n1,10,1,1,true,0.9,0.95,0.05\n",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := transition.ReadOutput(dir)
		if err != nil {
			return
		}
		if err := r.WriteTransitions(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
