package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestWriteFilesAfter: every file is written, and a file of later is
// started only once ready is closed or every file of now is started: the
// writers do not wait on later while there is other work.
func TestWriteFilesAfter(t *testing.T) {
	dir := t.TempDir()
	mon := &Monitor{}
	ready := make(chan struct{})
	var nowStarted, nowDone atomic.Int64
	var early atomic.Int64 // later files started too soon
	var now, later []outFile
	for i := range 20 {
		name := fmt.Sprintf("now%02d", i)
		now = append(now, outFile{name, func(w io.Writer) error {
			nowStarted.Add(1)
			defer func() {
				if nowDone.Add(1) == 10 {
					close(ready) // the work later waits for ends meanwhile
				}
			}()
			time.Sleep(time.Millisecond)
			_, err := io.WriteString(w, name)
			return err
		}})
	}
	for i := range 2 {
		name := fmt.Sprintf("later%d", i)
		later = append(later, outFile{name, func(w io.Writer) error {
			select {
			case <-ready:
			default:
				if nowStarted.Load() < 20 {
					early.Add(1)
				}
				select {
				case <-ready:
				case <-time.After(5 * time.Second):
					return errors.New("ready never came: every writer waits on later")
				}
			}
			_, err := io.WriteString(w, name)
			return err
		}})
	}
	if err := writeFiles(context.Background(), dir, now, later, ready, mon); err != nil {
		t.Fatal(err)
	}
	if n := early.Load(); n > 0 {
		t.Errorf("%d files of later started before ready with files of now left", n)
	}
	for _, f := range append(now, later...) {
		if b, err := os.ReadFile(filepath.Join(dir, f.name)); err != nil || string(b) != f.name {
			t.Errorf("%s: %q, %v", f.name, b, err)
		}
	}
	if w, n := mon.Written.Load(), mon.Files.Load(); w != 22 || n != 22 {
		t.Errorf("monitor counts %d of %d files written, want 22 of 22", w, n)
	}
}
