package transition_test

import (
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
