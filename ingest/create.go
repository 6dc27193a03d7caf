package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// writers are the writers of the formats a batch stream is written to,
// each atomic: on error or cancellation nothing is left at path. CBOR is not
// among them: it holds whole pairs, which only a grouping of the tests
// gives (CreateCBOR).
var writers = map[Format]func(ctx context.Context, path string, src array.RecordReader) (int64, error){
	FormatCSV:         WriteCSVFile,
	FormatArrow:       WriteIPC,
	FormatArrowStream: WriteIPCStream,
	FormatParquet:     WriteParquet,
}

// OutputFormat is the format a file named path is written in: the format
// its name says (DetectFormat), where only CSV may be compressed (.csv.gz).
func OutputFormat(path string) (Format, error) {
	f := DetectFormat(path)
	lower := strings.ToLower(path)
	switch {
	case strings.HasSuffix(lower, ".bz2"), f != FormatCSV && strings.HasSuffix(lower, ".gz"):
		return "", fmt.Errorf("%s: only CSV output can be compressed (.csv.gz): want %s", path, OutputNames)
	case f == FormatCSV && !strings.HasSuffix(strings.TrimSuffix(lower, ".gz"), ".csv"):
		return "", fmt.Errorf("%s: unknown output format: want %s", path, OutputNames)
	}
	return f, nil
}

// OutputNames lists the output file names OutputFormat takes.
const OutputNames = ".arrow, .arrows, .parquet, .csv, .csv.gz or .cbor"

// WriteFile writes src to path in the format its name says (OutputFormat),
// atomically, and returns the number of rows written. CBOR outputs are
// written by CreateCBOR.
func WriteFile(ctx context.Context, path string, src array.RecordReader) (int64, error) {
	f, err := OutputFormat(path)
	if err != nil {
		return 0, err
	}
	w, ok := writers[f]
	if !ok {
		return 0, fmt.Errorf("%s: %s holds whole pairs: write it with CreateCBOR", path, f)
	}
	return w(ctx, path, src)
}
