package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/pipeline"
)

// TestPipeInput: an input that can be read only once (a named pipe, as
// <(zcat f) gives) is read whole, once, and gives what the file gives, with
// the same digest; the copy made of it is gone after the run. Reading it
// twice at once (to digest it) used to split its bytes between the readers.
func TestPipeInput(t *testing.T) {
	want := run(t, pipeline.Artefacts(), pipeline.Stages{Tables: true})
	for _, name := range []string{"data.csv.gz", "unsorted.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(goldentest.Data())
			if err != nil {
				t.Fatal(err)
			}
			if name == "unsorted.csv" {
				// Not sorted by probe: the input is read a second time.
				data = goldentest.Reversed(t)
			}
			dir := t.TempDir()
			fifo := filepath.Join(dir, name)
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skip("no named pipes here:", err)
			}
			go func() {
				f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				f.Write(data)
				f.Close()
			}()
			cfg := pipeline.Artefacts()
			cfg.TempDir = t.TempDir()
			in := pipeline.FileInput([]string{fifo}, "", ingest.Options{})
			got, err := pipeline.Run(context.Background(), in, cfg, pipeline.Stages{Tables: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			if same := reflect.DeepEqual(whole(t, got), whole(t, want)); got.Rows.RowsRead != 207099 || !same {
				t.Errorf("read %d rows from the pipe; tables equal to the file's: %v", got.Rows.RowsRead, same)
			}
			if got.Input.Path != fifo || got.Input.Bytes != int64(len(data)) {
				t.Errorf("input described as %+v", got.Input)
			}
			if name == "data.csv.gz" && got.Input.SHA256 != want.Input.SHA256 {
				t.Errorf("digest %s, the file's %s", got.Input.SHA256, want.Input.SHA256)
			}
			if left, _ := os.ReadDir(cfg.TempDir); len(left) != 0 {
				t.Errorf("left %d files in the temporary directory", len(left))
			}
		})
	}
}
