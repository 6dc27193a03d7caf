package bigquery_test

// The tests run the real client against the wire-level fake of
// internal/bqfake; these are its names as the tests use them.

import (
	"testing"

	"github.com/afsel/afsel/internal/bqfake"
)

type (
	testRow = bqfake.Row
	fake    = bqfake.Fake
)

const (
	fakeProject = bqfake.Project
	fakeJob     = bqfake.Job
)

// fixture is the first n data rows of the golden CSV, the CSV text of those
// rows (header included) and the rows parsed.
type fixture struct {
	csv  []byte
	rows []testRow
}

func loadFixture(t testing.TB, n int) fixture {
	t.Helper()
	fx := bqfake.LoadFixture(t, "../../testdata/golden/data.csv.gz", n)
	return fixture{csv: fx.CSV, rows: fx.Rows}
}

var (
	newFake       = bqfake.New
	sortRows      = bqfake.SortRows
	series        = bqfake.Group
	readOutput    = bqfake.ReadOutput
	schemaMessage = bqfake.SchemaMessage
)
