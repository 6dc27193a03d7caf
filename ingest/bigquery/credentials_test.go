package bigquery_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/ingest/bigquery"
	"github.com/afsel/afsel/queries"
)

// TestCredentials: when the client finds no credentials, DryRun and Ingest
// return ErrCredentials, saying "bigquery" once. The environment points
// Application Default Credentials at a file that does not exist, which the
// client tries before anything else, so the machine's own credentials play
// no part.
func TestCredentials(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "missing.json"))
	q, err := queries.Build(queries.Config{Start: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2023, 6, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := bigquery.Config{Project: "p", Query: q, Timeout: 10 * time.Second}
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"dry run", func() error { _, err := bigquery.DryRun(context.Background(), cfg); return err }},
		{"ingest", func() error {
			_, err := bigquery.Ingest(context.Background(), cfg, filepath.Join(t.TempDir(), "out.arrow"))
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if !errors.Is(err, bigquery.ErrCredentials) {
				t.Fatalf("err = %v, want ErrCredentials", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "bigquery: no usable Google Cloud credentials: ") || strings.Count(msg, "bigquery") != 1 {
				t.Errorf("message %q: want one bigquery prefix, then the sentinel", msg)
			}
			if !strings.Contains(msg, "missing.json") {
				t.Errorf("message %q lacks the client's reason", msg)
			}
		})
	}
}
