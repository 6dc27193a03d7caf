package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// commands returns every command of afsel by its path ("afsel ingest
// file").
func commands() map[string]*cobra.Command {
	all := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		all[c.CommandPath()] = c
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRootCmd(&env{stdout: io.Discard, stderr: io.Discard}))
	return all
}

// TestFlagNames: every command that writes is told where with --out/-o (a
// directory or a file as it writes several files or one), with --output
// kept as a hidden alias of it; every --input the help lists is paired
// tests, files (repeatable), never a directory.
func TestFlagNames(t *testing.T) {
	all := commands()
	writers := []string{"reproduce", "tables", "replay", "sweep", "figures", "synth", "ingest file", "ingest atlas", "ingest bigquery"}
	for _, name := range writers {
		c := all["afsel "+name]
		if c == nil {
			t.Fatalf("no command %q", name)
		}
		f := c.Flags()
		out, alias := f.Lookup("out"), f.Lookup("output")
		switch {
		case out == nil || out.Shorthand != "o" || out.Hidden:
			t.Errorf("%s: no --out/-o in the help: %+v", name, out)
		case alias == nil || !alias.Hidden || alias.Value != out.Value:
			t.Errorf("%s: --output is not a hidden alias of --out: %+v", name, alias)
		}
	}
	for name, c := range all {
		if in := c.Flags().Lookup("input"); in != nil && !in.Hidden {
			if in.Value.Type() != "stringArray" || !strings.HasPrefix(in.Usage, "paired tests") {
				t.Errorf("%s: --input is %s, %q: want files of paired tests", name, in.Value.Type(), in.Usage)
			}
		}
	}
}

// TestIngestFileForms: ingest file takes its inputs as arguments, as
// --input (both together too) or - for standard input, and its output as
// -o, --out or --output; the outputs are the same.
func TestIngestFileForms(t *testing.T) {
	dir := t.TempDir()
	a, b := splitGolden(t, dir, "a.csv", "b.csv")
	data, err := os.ReadFile(goldenData)
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i, args := range [][]string{
		{a, b, "-o", "OUT"},
		{"--input", a, "--input", b, "--out", "OUT"},
		{a, "-i", b, "--output", "OUT"},
		{"-", "-o", "OUT"},
		{"--input", "-", "-o", "OUT"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "tests.csv")
			args[len(args)-1] = out
			if args[0] == "-" || args[1] == "-" {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				go func() { w.Write(data); w.Close() }()
				stdin := os.Stdin
				os.Stdin = r
				defer func() { os.Stdin = stdin; r.Close() }()
			}
			code, stdout, stderr := run(t, append([]string{"ingest", "file", "-q"}, args...)...)
			if code != 0 || strings.TrimSpace(stdout) != out {
				t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = got
				checkTables(t, "--input", out)
			} else if string(got) != string(first) {
				t.Error("the output differs from that of the first form")
			}
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".afsel-*")); len(m) > 0 {
				t.Errorf("left behind: %v", m)
			}
		})
	}
	code, _, stderr := run(t, "ingest", "file", "-o", filepath.Join(dir, "x.arrow"))
	if code != exitUsage || !strings.Contains(stderr, "an INPUT (or --input) is required") {
		t.Errorf("no input: exit %d: %s", code, stderr)
	}
}
