package networks_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/internal/goldentest"
	"github.com/afsel/afsel/networks"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/tables"
)

// TestSumsToTable1: on the golden set with its probes' archive, for every
// kind the groups' Table 1 counts add up to Table 1, and so do their pairs;
// a probe the archive lacks is "unknown", not dropped.
func TestSumsToTable1(t *testing.T) {
	res, err := pipeline.Run(context.Background(), pipeline.FileInput([]string{goldentest.Data()}, "", ingest.Options{}),
		pipeline.Artefacts(), pipeline.Stages{Tables: true, Replay: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	probes, err := atlas.LoadProbes("../testdata/failures/anchors.json")
	if err != nil {
		t.Fatal(err)
	}
	// One probe the archive does not know.
	var missing int64
	for i := range res.Tables {
		if res.Tables[i].Eligible {
			missing = res.Tables[i].Probe
			delete(probes, missing)
			break
		}
	}
	tp, err := res.TablesWithSegments()
	if err != nil {
		t.Fatal(err)
	}
	groups := networks.Summarize(tp, res.Replay, probes)
	want := tables.Rows1(res.Table1)
	for _, k := range networks.Kinds {
		sum := map[string]int{}
		pairs, unknown, mixed := 0, 0, 0
		for _, g := range groups {
			if g.Kind != k {
				continue
			}
			for _, r := range g.Table1 {
				sum[r.Category] += r.Count
			}
			pairs += g.Pairs
			mixed += g.MixedASN
			if g.Key == networks.Unknown {
				unknown = g.Pairs
			}
		}
		for _, r := range want {
			if sum[r.Category] != r.Count {
				t.Errorf("%s: %s sums to %d, Table 1 has %d", k, r.Category, sum[r.Category], r.Count)
			}
		}
		if pairs != res.Table1.Total() || unknown == 0 {
			t.Errorf("%s: %d pairs (%d unknown), Table 1 has %d", k, pairs, unknown, res.Table1.Total())
		}
		if k == networks.ASNv6 && mixed == 0 {
			t.Errorf("no pair with differing IPv4 and IPv6 ASes; the archive has tunnels")
		}
	}
	// Sorted by pairs within a kind.
	for i := 1; i < len(groups); i++ {
		if groups[i].Kind == groups[i-1].Kind && groups[i].Pairs > groups[i-1].Pairs {
			t.Fatalf("groups not sorted by pairs: %s %d after %s %d", groups[i].Key, groups[i].Pairs, groups[i-1].Key, groups[i-1].Pairs)
		}
	}
	var b bytes.Buffer
	if err := networks.Write(&b, groups); err != nil {
		t.Fatal(err)
	}
	back, err := networks.Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	if err := networks.Write(&b2, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), b2.Bytes()) || len(back) != len(groups) {
		t.Errorf("round trip differs (%d groups, %d back)", len(groups), len(back))
	}
}
