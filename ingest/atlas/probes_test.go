package atlas_test

import (
	"bytes"
	"maps"
	"testing"

	"github.com/afsel/afsel/ingest/atlas"
)

// TestWriteProbesRoundTrip: an archive WriteProbes writes reads back with
// ReadProbes as written, and ReadAnchors counts its anchors.
func TestWriteProbesRoundTrip(t *testing.T) {
	probes := []atlas.Probe{
		{ID: 1, ASNv4: 3333, ASNv6: 3333, Country: "NL"},
		{ID: 2, ASNv4: 7018, ASNv6: 6939, Country: "US"}, // a tunnel
		{ID: 6000, ASNv4: 3333, ASNv6: 3333, Country: "NL", Anchor: true},
		{ID: 3}, // nothing known
	}
	var b bytes.Buffer
	if err := atlas.WriteProbes(&b, probes); err != nil {
		t.Fatal(err)
	}
	got, err := atlas.ReadProbes(bytes.NewReader(b.Bytes()), "archive")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]atlas.Probe{}
	for _, p := range probes {
		want[p.ID] = p
	}
	if !maps.Equal(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
	a, err := atlas.ReadAnchors(bytes.NewReader(b.Bytes()), "archive")
	if err != nil || a.Len() != 1 {
		t.Errorf("anchors: %v, %v", a, err)
	}
}
