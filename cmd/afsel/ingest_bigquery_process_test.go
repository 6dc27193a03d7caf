package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/internal/bqfake"
	"github.com/afsel/afsel/internal/testfs"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// afselBinary builds afsel once per test run, into a directory removed at
// the end of the run.
func afselBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "afsel-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "afsel")
		out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// String returns what was written so far.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// afselProcess is afsel run as a process against the fake.
func afselProcess(t *testing.T, f *bqfake.Fake, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(afselBinary(t), args...)
	cmd.Env = append(os.Environ(),
		bigquery.EnvEndpoint+"="+f.RESTEndpoint(),
		bigquery.EnvStorageEndpoint+"="+f.StorageEndpoint(),
		"GOOGLE_APPLICATION_CREDENTIALS="+filepath.Join(t.TempDir(), "none.json"))
	return cmd
}

// TestIngestBigQueryProcess runs afsel ingest bigquery as a process against
// the wire-level fake: tables on its file equals tables on the same rows
// from CSV, the job it printed is read again with --job without running
// the query, and the endpoint override is not in --help.
func TestIngestBigQueryProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds afsel")
	}
	fx := bqfake.LoadFixture(t, goldenData, 20000)
	f := bqfake.New(t, fx.Rows, false, 4, 1000)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rows.csv")
	if err := os.WriteFile(csvPath, fx.CSV, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tests.arrow")
	cmd := afselProcess(t, f, "ingest", "bigquery", "--project", bqfake.Project, "--location", bqfake.Location, "-o", out)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if strings.TrimSpace(stdout.String()) != out {
		t.Errorf("stdout %q, want the output path", stdout.String())
	}
	for _, w := range []string{"bigquery: job job_1 in EU; to read its results again without rerunning the query: --job job_1 --location EU", "job_id=job_1 job_location=EU"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	if n := len(f.QueryRequests()); n != 1 {
		t.Fatalf("%d jobs.query calls", n)
	}

	again := filepath.Join(dir, "again.arrow")
	cmd = afselProcess(t, f, "ingest", "bigquery", "--project", bqfake.Project, "--location", bqfake.Location, "--job", bqfake.Job, "-o", again)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("--job: %v: %s", err, b)
	}
	if n := len(f.QueryRequests()); n != 1 || len(f.InsertRequests()) != 0 {
		t.Errorf("--job ran the query: %d jobs.query, %d jobs.insert", n, len(f.InsertRequests()))
	}

	tables := func(input string) map[string]string {
		t.Helper()
		o := filepath.Join(dir, "out-"+filepath.Base(input))
		if code, _, stderr := run(t, "tables", "--input", input, "--out", o, "-q"); code != 0 {
			t.Fatalf("tables --input %s: exit %d: %s", input, code, stderr)
		}
		files := testfs.Files(t, o)
		// summary.json has timings, manifest.json the input's name, size
		// and hash; of the manifest the rows read and kept are compared.
		var m struct {
			Runs []struct {
				Rows json.RawMessage `json:"rows"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil || len(m.Runs) != 1 {
			t.Fatalf("manifest.json: %v, %d runs", err, len(m.Runs))
		}
		files["manifest.json rows"] = string(m.Runs[0].Rows)
		delete(files, "summary.json")
		delete(files, "manifest.json")
		return files
	}
	want := tables(csvPath)
	if len(want) == 0 {
		t.Fatal("tables wrote nothing")
	}
	for _, in := range []string{out, again} {
		got := tables(in)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s: %s differs from the CSV's", filepath.Base(in), name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d files, the CSV's %d", filepath.Base(in), len(got), len(want))
		}
	}

	help, err := exec.Command(afselBinary(t), "ingest", "bigquery", "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(help, []byte("AFSEL_BIGQUERY")) || bytes.Contains(help, []byte("endpoint")) {
		t.Error("--help shows the endpoint override")
	}
}

// TestIngestBigQueryInterrupt: SIGINT to afsel ingest bigquery while it
// downloads ends it with exit 130 and leaves no output, nor a temporary
// file beside it.
func TestIngestBigQueryInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds afsel")
	}
	fx := bqfake.LoadFixture(t, goldenData, 4000)
	f := bqfake.New(t, fx.Rows, false, 2, 100)
	f.BatchDelay = 100 * time.Millisecond // 20 batches a stream: 2 s of download
	dir := t.TempDir()
	out := filepath.Join(dir, "tests.arrow")
	cmd := afselProcess(t, f, "ingest", "bigquery", "--project", bqfake.Project, "-o", out)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Mid-download: the job is known and batches are arriving.
	for f.ReadRowsCalls() == 0 || !strings.Contains(stderr.String(), "bigquery: job job_1") {
		if ctx.Err() != nil {
			cmd.Process.Kill()
			t.Fatalf("no download started: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		cmd.Process.Kill()
		t.Fatal("afsel did not stop after SIGINT")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupt || !strings.Contains(stderr.String(), "afsel: interrupted") {
		t.Errorf("exit: %v, want %d; stderr:\n%s", err, exitInterrupt, stderr.String())
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind: %s", e.Name())
	}
}
