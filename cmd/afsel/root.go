package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/afsel/afsel/pipeline"
)

// Exit codes.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitInterrupt = 130
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it the module version or VCS revision is used.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

// usageError marks errors in the command line, for the exit code.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// env is what every command shares: where results and logs go.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	verbose        bool
	quiet          bool
	cpuProfile     string
	stopProfile    func() error

	mu        sync.Mutex
	tempDirs  []string // where runs keep temporary files (RemoveTemp)
	tempFiles []string // temporary files of the command's own
}

// addTempFile records a temporary file of the command's, which an exit on
// an interrupt removes.
func (e *env) addTempFile(path string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tempFiles = append(e.tempFiles, path)
}

// addTempDir records that a run keeps its temporary files in dir.
func (e *env) addTempDir(dir string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tempDirs = append(e.tempDirs, dir)
}

// removeTemp removes the runs' temporary files, for an exit that does not
// wait for them to end.
func (e *env) removeTemp() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.tempDirs {
		pipeline.RemoveTemp(d)
	}
	for _, f := range e.tempFiles {
		os.Remove(f)
	}
}

// interruptGrace is how long a command has to stop after an interrupt
// before afsel exits without it: every loop of afsel's own checks for the
// interrupt, but a library's drawing of a figure cannot be stopped.
const interruptGrace = 500 * time.Millisecond

// Main runs afsel with args and returns the process exit code. Only main
// exits.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	e := &env{stdout: stdout, stderr: stderr}
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		select {
		case err = <-done:
		case <-time.After(interruptGrace):
			// The output directory is as it was (runs write a staging
			// directory beside it); their temporary files go.
			e.removeTemp()
			fmt.Fprintln(stderr, "afsel: interrupted")
			return exitInterrupt
		}
	}
	if e.stopProfile != nil {
		err = errors.Join(err, e.stopProfile())
	}
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "afsel: interrupted")
		return exitInterrupt
	}
	fmt.Fprintf(stderr, "afsel: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "afsel",
		Short: "Address family selection: is IPv4 or IPv6 faster, and can a learner tell?",
		Long: `afsel reproduces and extends the RIPE Atlas study "Adaptive Address Family
Selection for Latency-Sensitive Applications on Dual-stack Hosts" (Piraux &
Bonaventure). From paired IPv4/IPv6 HTTP tests (probe to anchor, the two tests
within 2 minutes) it classifies each (probe, anchor) pair by Welch's t-test
(Table 1), finds change points with PELT (Table 2), and replays EXP3.

Results go to files or stdout; logs and progress go to stderr.`,
		Example: `  # Tables 1 and 2 from the authors' CSV export
  afsel tables --input testdata/golden/data.csv.gz --out out/

  # Convert a CSV export to an Arrow IPC file
  afsel ingest file data.csv.gz -o tests.arrow`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelInfo
			if e.verbose {
				level = slog.LevelDebug
			}
			if e.quiet {
				level = slog.LevelWarn
			}
			e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			if e.cpuProfile != "" {
				stop, err := startCPUProfile(e.cpuProfile)
				if err != nil {
					return err
				}
				e.stopProfile = stop
			}
			return nil
		},
	}
	root.PersistentFlags().BoolVarP(&e.verbose, "verbose", "v", false, "log debug details to stderr")
	root.PersistentFlags().BoolVarP(&e.quiet, "quiet", "q", false, "log only warnings and errors, no progress")
	root.PersistentFlags().StringVar(&e.cpuProfile, "cpuprofile", "", "write a Go CPU profile of the run to `FILE` (for go tool pprof)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newReproduceCmd(e), newTablesCmd(e), newReplayCmd(e), newSweepCmd(e), newIngestCmd(e), newFiguresCmd(e), newSynthCmd(e), newQueryCmd(e), newCompareCmd(e))
	return root
}

// startCPUProfile profiles the process into path until the returned stop is
// called; the profile is only complete after stop.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("--cpuprofile %s: %w", path, err)
		}
		return nil
	}, nil
}
