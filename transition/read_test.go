package transition_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/afsel/afsel/transition"
)

// compared writes the comparison of weekA with weekB into a new directory.
func compared(t *testing.T) (dir, a, b string, res *transition.Result) {
	t.Helper()
	a, b = writeRun(t, weekA, 150), writeRun(t, weekB, 150)
	dir = filepath.Join(t.TempDir(), "cmp")
	res, _, err := transition.Compare(context.Background(), transition.Config{A: a, B: b, Out: dir, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return dir, a, b, res
}

// TestReadOutput: what Write writes reads back into a result that writes
// the same files, byte for byte.
func TestReadOutput(t *testing.T) {
	dir, _, _, res := compared(t)
	got, err := transition.ReadOutput(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name  string
		write func(*transition.Result) func(w *bytes.Buffer) error
	}{
		{transition.TransitionsFile, func(r *transition.Result) func(*bytes.Buffer) error {
			return func(w *bytes.Buffer) error { return r.WriteTransitions(w) }
		}},
		{transition.BestChoiceFile, func(r *transition.Result) func(*bytes.Buffer) error {
			return func(w *bytes.Buffer) error { return r.WriteBestChoice(w) }
		}},
		{transition.BestChoiceStatsFile, func(r *transition.Result) func(*bytes.Buffer) error {
			return func(w *bytes.Buffer) error { return r.WriteBestChoiceStats(w) }
		}},
		{transition.NewGoneFile, func(r *transition.Result) func(*bytes.Buffer) error {
			return func(w *bytes.Buffer) error { return r.WriteNewGone(w) }
		}},
	} {
		t.Run(f.name, func(t *testing.T) {
			var want, again bytes.Buffer
			if err := f.write(res)(&want); err != nil {
				t.Fatal(err)
			}
			if err := f.write(got)(&again); err != nil {
				t.Fatal(err)
			}
			if again.String() != want.String() {
				t.Errorf("read back and written:\n%s\nwant\n%s", again.String(), want.String())
			}
		})
	}
	if got.Both != res.Both || got.Kept != res.Kept || !near(got.KeptShare, res.KeptShare) || got.EligibleA != res.EligibleA ||
		got.EligibleB != res.EligibleB || got.A.Dir != res.A.Dir || got.B.Input != res.B.Input || !got.A.BestChoice {
		t.Errorf("read back %+v\nwant %+v", got, res)
	}
}

func TestReadOutputErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(dir string)
		isErr error
		msg   string
	}{
		{"no summary", func(dir string) { os.Remove(filepath.Join(dir, transition.SummaryFile)) }, transition.ErrNotComparison, "no summary.json"},
		{"a run's summary", func(dir string) {
			os.WriteFile(filepath.Join(dir, transition.SummaryFile), []byte(`{"command":"reproduce"}`), 0o644)
		}, transition.ErrNotComparison, `command is "reproduce"`},
		{"no file", func(dir string) { os.Remove(filepath.Join(dir, transition.NewGoneFile)) }, nil, "disagree"},
		{"matrix edited", func(dir string) {
			p := filepath.Join(dir, transition.TransitionsFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte("1,IPv4 is better,1,IPv4 is better,2,"), []byte("1,IPv4 is better,1,IPv4 is better,3,"), 1), 0o644)
		}, nil, "transitions.csv has 3 pairs"},
		{"bad zone", func(dir string) {
			p := filepath.Join(dir, transition.NewGoneFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(",gone,2,"), []byte(",gone,7,"), 1), 0o644)
		}, nil, "zone 7"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, _, _, _ := compared(t)
			c.edit(dir)
			_, err := transition.ReadOutput(dir)
			if err == nil || !strings.Contains(err.Error(), c.msg) || (c.isErr != nil && !errors.Is(err, c.isErr)) {
				t.Errorf("error %v, want one with %q", err, c.msg)
			}
		})
	}
}

// TestReportSection: the section of a comparison holds its counts and
// figure, and a note only when the report's runs are neither run compared.
func TestReportSection(t *testing.T) {
	dir, a, b, res := compared(t)
	for _, c := range []struct {
		name, run string
		note      bool
	}{
		{"run B", b, false},
		{"run A", a, false},
		{"another run", t.TempDir(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := transition.ReportSection(dir, c.run)
			if err != nil {
				t.Fatal(err)
			}
			if w.Both != res.Both || w.Kept != res.Kept || w.New != len(res.New) || w.Gone != len(res.Gone) ||
				w.Matrix[1][2].Pairs != 1 || w.BestChoice == nil || w.BestChoice.Pairs != res.BestChoice.N || w.Figure == nil {
				t.Errorf("section %+v", w)
			}
			if (len(w.Notes) > 0) != c.note {
				t.Errorf("notes %q, want a note: %v", w.Notes, c.note)
			}
		})
	}
}
