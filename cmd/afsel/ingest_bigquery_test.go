package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestBigQueryCredentials: without credentials the message says
// "bigquery" once and names the two ways out. Application Default
// Credentials point at a missing file, so the machine's own play no part.
func TestIngestBigQueryCredentials(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "missing.json"))
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"dry run", []string{"ingest", "bigquery", "--project", "p", "--dry-run"}},
		{"ingest", []string{"ingest", "bigquery", "--project", "p", "-o", filepath.Join(t.TempDir(), "out.arrow")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code == 0 {
				t.Fatal("exit 0 without credentials")
			}
			for _, w := range []string{"afsel: bigquery: no usable Google Cloud credentials: ", "missing.json", "gcloud auth application-default login", "--credentials key.json"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if n := strings.Count(stderr, "bigquery:"); n != 1 {
				t.Errorf("%d bigquery: prefixes:\n%s", n, stderr)
			}
		})
	}
}
