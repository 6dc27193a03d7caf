package pipeline

import (
	"encoding/json"
	"io"
	"time"

	"github.com/afsel/afsel/changepoint"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/tables"
)

// Summary is summary.json: what was read, with which parameters, what was
// found, and the files written. The parameters of the stages run are the
// configs themselves (their JSON form), not copies.
type Summary struct {
	Command string         `json:"command"`
	Version string         `json:"version"`
	Input   InputInfo      `json:"input"`
	Profile string         `json:"profile"`
	Tables  *tables.Config `json:"tables_parameters,omitempty"`
	Replay  *replay.Config `json:"replay_parameters,omitempty"`
	Figures *FiguresConfig `json:"figures_parameters,omitempty"`
	// Rows counts the rows read, kept and dropped by reason:
	// RowsRead == RowsKept + the sum of Dropped.
	Rows       ingest.Stats `json:"rows"`
	Probes     int          `json:"probes"`
	Pairs      int          `json:"pairs"`
	Eligible   int          `json:"eligible_pairs"`
	Ineligible int          `json:"ineligible_pairs"`
	// NaNQuirk counts pairs classified through the artefacts' NaN quirk
	// (with the tables).
	NaNQuirk *int         `json:"nan_quirk_pairs,omitempty"`
	Table1   []tables.Row `json:"table1,omitempty"`
	Table2   []tables.Row `json:"table2,omitempty"`
	// NoFamily counts eligible pairs whose probe has no majority family
	// (with the replay).
	NoFamily    *int    `json:"eligible_pairs_without_probe_family,omitempty"`
	Steps       int64   `json:"exp3_steps,omitempty"`
	StepsPerSec float64 `json:"exp3_steps_per_second,omitempty"`
	// Started is when the run started, RFC 3339 in UTC: the date a report
	// redrawn from the run's files shows.
	Started string `json:"started,omitempty"`
	// PeltGrid is the PELT sweep's change-point configurations (its
	// tables_parameters.pelt are the classification run's, unused).
	PeltGrid []changepoint.Config `json:"pelt_grid,omitempty"`
	// ProbesArchive names the probe archive of networks.csv (--probes).
	ProbesArchive   string   `json:"probes_archive,omitempty"`
	AnalysisSeconds float64  `json:"analysis_seconds"`
	Elapsed         float64  `json:"elapsed_seconds"`
	Files           []string `json:"files"`
	// Policies names the policies compared, each with its rounds simulated
	// (rounds x runs), with the comparison only.
	Policies []PolicySteps `json:"policies,omitempty"`
	// Failures describes the comparison with failed tests kept, with the
	// failures only.
	Failures *FailuresSummary `json:"failures,omitempty"`
}

// FailuresSummary is what a run with failed tests kept records of them.
type FailuresSummary struct {
	Timeout  string        `json:"connect_timeout"` // the OS connect timeout of policies without their own
	Tests    [2]int64      `json:"tests"`           // IPv4, IPv6 tests of every pair
	Failed   [2]int64      `json:"failed"`          // failed tests of every pair, IPv4, IPv6
	Policies []PolicySteps `json:"policies"`
}

// PolicySteps is one compared policy: its canonical name and the rounds
// simulated.
type PolicySteps struct {
	Name  string `json:"name"`
	Steps int64  `json:"steps"`
}

// summary is the run's summary so far, without Files and Elapsed.
func (r *Result) summary(p Output) *Summary {
	s := &Summary{
		Command: p.Command, Version: p.Version, Input: r.Input, Profile: r.Config.Profile,
		Rows: r.Rows, Probes: r.Group.Probes, Pairs: r.Group.Pairs,
		Eligible: r.Eligible(), AnalysisSeconds: r.Analysis.Seconds(),
		Started: r.start.UTC().Format(time.RFC3339), ProbesArchive: r.Config.ProbesArchive,
	}
	s.Ineligible = s.Pairs - s.Eligible
	if r.Stages.Tables {
		s.Tables = &r.Config.Tables
		s.NaNQuirk = &r.Table1.NaNQuirk
		s.Table1, s.Table2 = tables.Rows1(r.Table1), tables.Rows2(r.Table2)
	}
	if r.Stages.Replay {
		s.Replay = &r.Config.Replay
		n := 0
		for i := range r.Replay {
			if r.Replay[i].Eligible && r.Replay[i].Family == "" {
				n++
			}
		}
		s.NoFamily = &n
		s.Steps = r.Steps
		s.StepsPerSec = float64(r.Steps) / r.Analysis.Seconds()
	}
	if p := r.Policies; p != nil {
		s.Tables = &r.Config.Tables // the segments' parameters
		for j, l := range p.Labels {
			s.Policies = append(s.Policies, PolicySteps{l, p.Steps[j]})
		}
	}
	if p := r.PoliciesFailures; p != nil {
		f := &FailuresSummary{Timeout: p.Timeout.String()}
		for i := range r.FailurePairs {
			for k := range 2 {
				f.Tests[k] += r.FailurePairs[i].Tests[k]
				f.Failed[k] += r.FailurePairs[i].Failed[k]
			}
		}
		for j, l := range p.Labels {
			f.Policies = append(f.Policies, PolicySteps{l, r.FailureSteps[j]})
		}
		s.Failures = f
	}
	if r.Stages.Figures {
		s.Figures = &r.Config.Figures
	}
	return s
}

// WriteJSON writes v as indented JSON, as every summary is written.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
