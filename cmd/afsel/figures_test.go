package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// figuresDir copies the committed outputs of tables and replay on the golden
// set (testdata/cli, checked against fresh runs by TestTablesGolden and
// TestReplayGolden) into a temporary DIR, leaving out the files in skip.
func figuresDir(t *testing.T, skip ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"table1.csv", "table2.csv", "flows.csv", "change_points.csv", "simulation.csv", "replay_metrics.csv"} {
		if strings.Contains(strings.Join(skip, ","), name) {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", "cli", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFigures(t *testing.T) {
	dir := figuresDir(t)
	code, stdout, stderr := run(t, "figures", "--dir", dir, "--data", goldenData, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "figures")
	for _, name := range []string{"fig1.csv", "fig2.csv", "fig4.csv", "coverage.csv",
		"fig1.svg", "fig1.png", "fig2.svg", "fig2.png", "fig4.svg", "fig4.png", "coverage.svg", "coverage.png",
		"report.html", "report.md"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if !strings.Contains(stdout, "Per-probe coverage over 207 probes") {
		t.Errorf("stdout: %s", stdout)
	}
	// Figure 2's default pair: the first with 4+ segments and mixed zones.
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Figure 2: Probe 2115 → anchor 6760", "| figure 2 pair | 2115:6760 |", "| IPv4 is better | 193 | 30.0% | 113092 (28.4%) |", "207099 paired tests"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
	fig1, err := os.ReadFile(filepath.Join(out, "fig1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(fig1), "figure,panel,series,x,y\n1,rct,IPv4,") {
		t.Errorf("fig1.csv starts %.60q", fig1)
	}
}

func TestFiguresWithoutData(t *testing.T) {
	dir := figuresDir(t)
	out := t.TempDir()
	code, _, stderr := run(t, "figures", "--input", dir, "--out", out, "--points", "50")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "Figures 1 and 2 skipped") {
		t.Errorf("no warning about the skipped figures: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "fig1.csv")); err == nil {
		t.Error("fig1.csv written without --data")
	}
	if _, err := os.Stat(filepath.Join(out, "fig4.svg")); err != nil {
		t.Error(err)
	}
	// No policy files: no policies figure, no policy section.
	if _, err := os.Stat(filepath.Join(out, "policies.svg")); err == nil {
		t.Error("policies.svg written without policies_cdf.csv")
	}
	b, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Policy comparison") {
		t.Error("report.md has a policy section without policies.csv")
	}
}

func TestFiguresErrors(t *testing.T) {
	tests := []struct {
		name string
		skip []string
		args []string
		code int
		want string
	}{
		{"no input", nil, []string{}, exitUsage, "--dir DIR is required"},
		{"no simulation", []string{"simulation.csv"}, nil, exitError, "lacks simulation.csv: run afsel replay --input DATA --out"},
		{"no tables", []string{"flows.csv", "table2.csv"}, nil, exitError, "lacks table2.csv, flows.csv: run afsel tables --input DATA --out"},
		{"bad pair", nil, []string{"--pair", "12"}, exitUsage, "want PRB:ANCHOR"},
		{"unknown pair", nil, []string{"--pair", "1:2", "--data", goldenData}, exitUsage, "no such pair"},
		{"bad points", nil, []string{"--points", "0"}, exitUsage, "--points 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"figures"}
			if tc.name != "no input" {
				args = append(args, "--dir", figuresDir(t, tc.skip...), "--out", t.TempDir())
			}
			code, _, stderr := run(t, append(args, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestFiguresDirNames: the runs' directory is --dir (-d); --input (-i),
// its name before, still works but is not among the flags help lists, so
// that every --input listed is paired tests; -o and --output name the
// output directory.
func TestFiguresDirNames(t *testing.T) {
	for _, args := range [][]string{
		{"--dir", "DIR", "--out", "OUT"},
		{"-d", "DIR", "-o", "OUT"},
		{"--input", "DIR", "--output", "OUT"},
		{"-i", "DIR", "-o", "OUT"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir, out := figuresDir(t), filepath.Join(t.TempDir(), "figs")
			for i, a := range args {
				switch a {
				case "DIR":
					args[i] = dir
				case "OUT":
					args[i] = out
				}
			}
			code, _, stderr := run(t, append([]string{"figures", "--points", "50", "-q"}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "fig4.svg")); err != nil {
				t.Error(err)
			}
		})
	}
	_, help, _ := run(t, "figures", "--help")
	if !strings.Contains(help, "--dir DIR") || strings.Contains(help, "--input string") || strings.Contains(help, "--output string") {
		t.Errorf("figures --help lists --input or --output, or does not show --dir DIR:\n%s", help)
	}
}

// TestFiguresMismatch: change points from other data than --data.
func TestFiguresMismatch(t *testing.T) {
	dir := figuresDir(t)
	cp := filepath.Join(dir, "change_points.csv")
	b, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	// Shorten the chosen pair's last segment.
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "2115,6760,") {
			lines[i] = strings.Replace(l, ",333,", ",330,", 1)
		}
	}
	if err := os.WriteFile(cp, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "figures", "--input", dir, "--data", goldenData, "--out", t.TempDir())
	if code != exitError || !strings.Contains(stderr, "different inputs") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestFiguresPolicies: policies.csv and policies_cdf.csv of replay
// --policies add the policies figure and the report's section; without them
// neither appears (TestFiguresWithoutData).
func TestFiguresPolicies(t *testing.T) {
	dir := figuresDir(t)
	files := map[string]string{
		"policies.csv": "zone,policy,metric,pairs,q1,median,q3,mean\n" +
			"1,v6,best_choice,193,0.01,0.017,0.04,0.07\n1,v6,regret_ms,193,2530,5343.7,14235,14105\n" +
			"1,\"rttcache:alpha=0.125,delay=250ms\",best_choice,193,0.28,0.672,0.95,0.6\n1,\"rttcache:alpha=0.125,delay=250ms\",regret_ms,193,10,1109.2,3000,2000\n",
		"policies_cdf.csv": "figure,panel,series,x,y\n" +
			"policies,best_choice,v6,0,0.5\npolicies,best_choice,v6,0.1,1\n" +
			"policies,best_choice,\"rttcache:alpha=0.125,delay=250ms\",0.5,0.5\npolicies,best_choice,\"rttcache:alpha=0.125,delay=250ms\",1,1\n" +
			"policies,regret_ms,v6,100,0.5\npolicies,regret_ms,v6,9000,1\n" +
			"policies,regret_ms,\"rttcache:alpha=0.125,delay=250ms\",0,0.5\npolicies,regret_ms,\"rttcache:alpha=0.125,delay=250ms\",2000,1\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	code, _, stderr := run(t, "figures", "--input", dir, "--out", out, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"policies.svg", "policies.png"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, want := range map[string][]string{
		"report.md":   {"## Policy comparison", "### IPv4 is better (193 pairs)", "| rttcache:alpha=0.125,delay=250ms | 0.672 | 1109.2 |", "![policies](policies.png)"},
		"report.html": {"<h2>Policy comparison</h2>", "<td>rttcache:alpha=0.125,delay=250ms</td><td>0.672</td><td>1109.2</td>", `<figure id="policies">`},
	} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}

	// A malformed policies.csv is an error naming the file and what is
	// wrong (compare.ReadSummary's words: its header).
	if err := os.WriteFile(filepath.Join(dir, "policies.csv"), []byte("zone,policy\n1,v6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, "figures", "--input", dir, "--out", t.TempDir())
	if code != exitError || !strings.Contains(stderr, "policies.csv") || !strings.Contains(stderr, "policies.csv header") {
		t.Errorf("bad policies.csv: exit %d, stderr %q", code, stderr)
	}
}

// TestFiguresShowsEveryRun: after tables and replay into one directory the
// report shows both runs' summaries (replay's summary.json used to
// overwrite tables', whose parameters were then lost to the report).
func TestFiguresShowsEveryRun(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"tables", "--input", goldenData, "--out", dir, "--pelt-penalty", "7", "-q"},
		{"replay", "--input", goldenData, "--out", dir, "--runs", "5", "-q"},
		{"figures", "--input", dir, "-q"},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "figures", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tables (manifest.json)", "replay (manifest.json)", "| tables_parameters.pelt.penalty | 7 |", "| replay_parameters.runs | 5 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	// The figures are recorded with the runs: a later run of another
	// command on the same input keeps them.
	if code, _, stderr := run(t, "replay", "--input", goldenData, "--out", dir, "--runs", "5", "--policies", "v6,best", "-q"); code != 0 {
		t.Fatalf("replay --policies: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "figures", "report.md")); err != nil {
		t.Errorf("a later run removed the figures: %v", err)
	}
}

// TestFiguresDataFromPipe: --data may be read only once (standard input,
// a pipe): it is copied first, since Figure 1 reads it several times.
func TestFiguresDataFromPipe(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"tables", "--input", goldenData, "--out", dir, "-q"},
		{"replay", "--input", goldenData, "--out", dir, "--runs", "5", "-q"},
	} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(goldenData)
	go func() { w.Write(data); w.Close() }()
	stdin := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = stdin; r.Close() }()
	if code, _, stderr := run(t, "figures", "--input", dir, "--data", "-", "-q"); code != 0 {
		t.Fatalf("figures --data -: exit %d: %s", code, stderr)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "figures", "fig1.csv"))
	if err != nil || len(csv) == 0 {
		t.Errorf("no Figure 1 from the pipe: %v", err)
	}
}
