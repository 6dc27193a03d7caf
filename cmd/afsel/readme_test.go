package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/afsel/afsel/replay"
	"github.com/afsel/afsel/synth"
)

// squash makes texts comparable across line wrapping and Markdown: runs of
// white space become one space, backquotes and the quotes help puts around
// command names go.
func squash(s string) string {
	s = strings.NewReplacer("`", "", "'", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// help returns afsel's help of the command args, squashed.
func help(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := run(t, append(args, "--help")...)
	if code != 0 {
		t.Fatalf("%v --help: exit %d: %s", args, code, stderr)
	}
	return squash(stdout)
}

// TestHelpAgreesWithREADME: where the README and --help state the same
// fact, they state it alike, and as the code has it.
func TestHelpAgreesWithREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := squash(string(b))
	train := replay.DefaultConfig().Train
	commas := func(n int) string {
		s := fmt.Sprint(n)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	}
	for _, c := range []struct {
		fact     string
		readme   []string
		help     []string // in the help of command
		command  []string
		flagName string // whose default must be flagDef
		flagDef  string
	}{
		{"unscored rounds",
			[]string{fmt.Sprintf("--train %d: the first %d rounds", train, train+1), fmt.Sprintf("N − %d", train), fmt.Sprintf("--profile paper: --train %d", replay.PaperTrain)},
			[]string{fmt.Sprintf("--train are not scored (%d: the first %d rounds)", train, train+1), fmt.Sprintf("N - %d", train), fmt.Sprintf("(the first N+1: %d for %d)", train+1, train)},
			[]string{"replay"}, "train", fmt.Sprint(train)},
		{"paper scale",
			[]string{fmt.Sprintf("%d,000 pairs and about %dM rows (%s with --seed 1; the paper", synth.PaperPairs/1000, paperScaleRows/1_000_000, commas(paperScaleRows)), fmt.Sprintf("%.1fM paired tests", float64(synth.PaperRows)/1e6), fmt.Sprintf("%dM tests", paperScaleRows/1_000_000)},
			[]string{fmt.Sprintf("%d pairs, about %dM rows (%d with --seed 1; the paper", synth.PaperPairs, paperScaleRows/1_000_000, paperScaleRows), fmt.Sprintf("%.1fM", float64(synth.PaperRows)/1e6)},
			[]string{"synth"}, "", ""},
		{"Figure 1's reading of --data",
			[]string{"Figure 1 reads --data rather than holding it: four or five times (more when many durations tie), in about 150 MB however large it is; Figure 2 reads it once more for its pair"},
			[]string{"Figure 1 reads --data rather than holding it: four or five times (more when many durations tie), in about 150 MB however large it is; Figure 2 reads it once more for its pair"},
			[]string{"figures"}, "", ""},
		{"the report's sections of a sweep and a comparison",
			[]string{`table2_sweep.csv (afsel sweep --pelt-* into DIR) adds a section "How robust Table 2 is" (figure table2_sweep and the table)`,
				`adds a section "Week over week" (figure transitions, the class matrix, the share keeping its class, the best-choice change, pairs new and gone)`, "--compare CMP"},
			[]string{`table2_sweep.csv (afsel sweep --pelt-* into DIR) adds a section "How robust Table 2 is" (figure table2_sweep and the table)`,
				`adds a section "Week over week" (figure transitions, the class matrix, the share keeping its class, the best-choice change, pairs new and gone)`, "--compare CMP"},
			[]string{"figures"}, "compare", ""},
		{"what --data takes",
			[]string{"--data is one file, in any format tables reads (- is standard input"},
			[]string{"--data is the paired tests both ran on: one file, in any format afsel tables reads (- is standard input", "paired tests, one file in any format tables reads"},
			[]string{"figures"}, "", ""},
		{"a past window's anchors",
			[]string{"probe archive of the windows first day, published daily at https://ftp.ripe.net/ripe/atlas/probes/archive/YYYY/MM/YYYYMMDD.json.bz2", "ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6 STRING>>", "it must have the columns prb_id, is_anchor, addr_v4 and addr_v6"},
			[]string{"probe archive of the windows first day, published daily at https://ftp.ripe.net/ripe/atlas/probes/archive/YYYY/MM/YYYYMMDD.json.bz2", "ARRAY<STRUCT<id INT64, address_v4 STRING, address_v6 STRING>>", "it must have the columns prb_id, is_anchor, addr_v4 and addr_v6"},
			[]string{"ingest", "bigquery"}, "", ""},
		{"resuming and long windows",
			[]string{"results for about 24 hours: --job ID --location L reads them again without running, or paying for, the query", "limited to about 10 GB compressed", "--destination PROJECT.DATASET.TABLE writes the result to that table (which must not exist or be empty"},
			[]string{"results for about 24 hours: --job ID --location L reads them again without running, or paying for, the query", "limited to about 10 GB compressed", "--destination PROJECT.DATASET.TABLE writes the result to that table (which must not exist or be empty"},
			[]string{"ingest", "bigquery"}, "", ""},
	} {
		t.Run(c.fact, func(t *testing.T) {
			for _, s := range c.readme {
				if !strings.Contains(readme, s) {
					t.Errorf("README lacks %q", s)
				}
			}
			h := help(t, c.command...)
			for _, s := range c.help {
				if !strings.Contains(h, s) {
					t.Errorf("%s --help lacks %q", c.command, s)
				}
			}
			if c.flagName != "" {
				f := commands()["afsel "+strings.Join(c.command, " ")].Flags().Lookup(c.flagName)
				if f.DefValue != c.flagDef {
					t.Errorf("--%s defaults to %s, the texts say %s", c.flagName, f.DefValue, c.flagDef)
				}
			}
		})
	}
}
