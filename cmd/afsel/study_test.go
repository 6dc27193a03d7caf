package main

import (
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/stats"
)

// TestProfileUnderFlags: --profile sets what the flags left alone; a flag
// given explicitly wins over it, slices included, in any order.
func TestProfileUnderFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want func(*pipeline.Config)
	}{
		{"artefacts", nil, func(*pipeline.Config) {}},
		{"paper", []string{"--profile", "paper"}, func(c *pipeline.Config) {
			c.Profile, c.Tables.Stats, c.Replay.Train = "paper", stats.PaperConfig(), 60
		}},
		{"paper under flags", []string{"--confidence", "0.9", "--profile", "paper", "--train", "40", "--gamma", "0.2,0.3", "--workers", "1"}, func(c *pipeline.Config) {
			c.Profile, c.Tables.Stats.Confidence, c.Replay.Train = "paper", 0.9, 40
			c.Replay.Gammas, c.Workers = []float64{0.2, 0.3}, 1
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The flags replay and sweep bind, on a command of sweep's name.
			o := &replayOptions{studyOptions: newStudyOptions()}
			cmd := &cobra.Command{Use: "sweep"}
			addReplayFlags(cmd, o)
			cmd.Flags().Float64SliceVar(&o.gammas, "gamma", []float64{0.1}, "")
			if err := cmd.ParseFlags(append([]string{"--input", "x.csv", "--out", "o"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			s := pipeline.Stages{Replay: true, Sweep: true}
			if err := o.resolve(cmd, &s); err != nil {
				t.Fatal(err)
			}
			want := pipeline.Artefacts()
			tt.want(&want)
			want.TempDir = "."
			want.Normalize()
			if !reflect.DeepEqual(o.cfg, want) {
				t.Errorf("config\n%+v\nwant\n%+v", o.cfg, want)
			}
		})
	}
}
