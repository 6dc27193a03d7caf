package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/pipeline"
)

// named is synthetic data (without failed tests) described as path, marked
// synthetic or not.
func named(t *testing.T, path string, synthetic bool) pipeline.Input {
	in := synthInput(t, 120, true)
	in.Describe = func() (pipeline.InputInfo, error) {
		return pipeline.InputInfo{Path: path, Synthetic: synthetic}, nil
	}
	return in
}

// readReport reads dir's report.html and report.md.
func readReport(t *testing.T, dir string) (htm, md string) {
	t.Helper()
	h, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(h), string(m)
}

// TestReportHeader: the report of a run, and the reports redrawn from its
// directory (with its manifest, and with its summary.json alone), name the run's input and date in their title, and show the
// synthetic-data banner (not a note) exactly when the input is synthetic.
func TestReportHeader(t *testing.T) {
	for _, synthetic := range []bool{false, true} {
		t.Run(map[bool]string{false: "measured", true: "synthetic"}[synthetic], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			before := time.Now().UTC().Format(time.DateOnly)
			if err := write(t, named(t, "some/tests.csv.gz", synthetic), pipeline.Stages{Tables: true, Replay: true, Figures: true}, dir, "reproduce", false); err != nil {
				t.Fatal(err)
			}
			redrawn := filepath.Join(dir, "redrawn")
			if _, err := pipeline.Redraw(context.Background(), pipeline.RedrawInput{Dir: dir}, pipeline.FiguresConfig{Points: 100},
				pipeline.Output{Dir: redrawn, Command: "figures"}, nil); err != nil {
				t.Fatal(err)
			}
			// A directory of an older afsel, with a summary.json and no
			// manifest.
			if err := os.Remove(filepath.Join(dir, pipeline.ManifestFile)); err != nil {
				t.Fatal(err)
			}
			older := filepath.Join(dir, "older")
			if _, err := pipeline.Redraw(context.Background(), pipeline.RedrawInput{Dir: dir}, pipeline.FiguresConfig{Points: 100},
				pipeline.Output{Dir: older, Command: "figures"}, nil); err != nil {
				t.Fatal(err)
			}
			after := time.Now().UTC().Format(time.DateOnly)
			for _, d := range []string{filepath.Join(dir, pipeline.FiguresDir), redrawn, older} {
				htm, md := readReport(t, d)
				title := "afsel report: some/tests.csv.gz, run of " + before
				if !strings.Contains(htm, "<title>"+title+"</title>") && !strings.Contains(htm, "<title>afsel report: some/tests.csv.gz, run of "+after+"</title>") {
					t.Errorf("%s: report.html's title is not %q", d, title)
				}
				if !strings.HasPrefix(md, "# afsel report: some/tests.csv.gz, run of ") {
					t.Errorf("%s: report.md's title is %q", d, md[:strings.IndexByte(md, '\n')])
				}
				if got := strings.Contains(htm, `<p class="banner"`); got != synthetic {
					t.Errorf("%s: banner shown %v", d, got)
				}
				if got := strings.Contains(md, "> **Synthetic data.** "+pipeline.SyntheticNote); got != synthetic {
					t.Errorf("%s: report.md's banner shown %v", d, got)
				}
				if strings.Contains(htm, `<p class="note">`+pipeline.SyntheticNote) {
					t.Errorf("%s: the synthetic note is also a note", d)
				}
			}
		})
	}
}

// TestRedrawnReportDate: a report redrawn from a run's files shows the
// run's date, from the started time its summary records.
func TestRedrawnReportDate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := write(t, named(t, "some/tests.csv.gz", false), pipeline.Stages{Tables: true, Replay: true}, dir, "tables", false); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{pipeline.ManifestFile, pipeline.SummaryFile} {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		day := time.Now().UTC().Format(time.DateOnly)
		if !strings.Contains(string(b), `"started": "`+day) {
			t.Fatalf("%s records no start today: %s", name, b)
		}
		b = []byte(strings.ReplaceAll(string(b), `"started": "`+day, `"started": "2023-06-08`))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pipeline.Redraw(context.Background(), pipeline.RedrawInput{Dir: dir}, pipeline.FiguresConfig{Points: 100},
		pipeline.Output{Dir: filepath.Join(dir, pipeline.FiguresDir), Command: "figures"}, nil); err != nil {
		t.Fatal(err)
	}
	htm, _ := readReport(t, filepath.Join(dir, pipeline.FiguresDir))
	if want := "<title>afsel report: some/tests.csv.gz, run of 2023-06-08</title>"; !strings.Contains(htm, want) {
		t.Errorf("report.html lacks %q", want)
	}
}
