package synth

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/afsel/afsel/ingest"
	"github.com/afsel/afsel/ingest/atlas"
)

// dataProbes returns the distinct probe ids of the data cfg generates, in
// order.
func dataProbes(t *testing.T, cfg Config) []int64 {
	t.Helper()
	r, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	var ids []int64
	for r.Next() {
		p := r.Record().Column(ingest.IdxProbe).(*array.Int64)
		for i := range p.Len() {
			if v := p.Value(i); len(ids) == 0 || ids[len(ids)-1] != v {
				ids = append(ids, v)
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestProbesDeterministic: the metadata is a function of the seed, not of
// the workers, and describes exactly the probes of the data.
func TestProbesDeterministic(t *testing.T) {
	cfg := smallConfig(400, 5, 1)
	a, err := Probes(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 4
	b, err := Probes(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("metadata depends on Workers")
	}
	ids := make([]int64, len(a))
	for i, p := range a {
		ids[i] = p.ID
	}
	if want := dataProbes(t, cfg); !slices.Equal(ids, want) {
		t.Errorf("metadata of %d probes, the data has %d (or other ids)", len(ids), len(want))
	}
	cfg.Seed = 6
	c, err := Probes(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("another seed gives the same metadata")
	}
	var w1, w2 bytes.Buffer
	cfg.Seed = 5
	if err := WriteArchive(&w1, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 1
	if err := WriteArchive(&w2, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Error("archive depends on Workers")
	}
}

// TestProbesSkew: a few countries and ASes hold many probes, every probe
// has a known country and ASes from its country's pool, and a few % of
// the probes have an IPv6 tunnel.
func TestProbesSkew(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Pairs = 8000
	probes, err := Probes(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := len(probes)
	countries := map[string]int{}
	ases := map[int64]int{}
	tunnels := 0
	for _, p := range probes {
		c := slices.Index(Countries, p.Country)
		if c < 0 {
			t.Fatalf("probe %d: country %q not in Countries", p.ID, p.Country)
		}
		if lo := int64(FirstAS + c*ASesPerCountry); p.ASNv4 < lo || p.ASNv4 >= lo+ASesPerCountry {
			t.Fatalf("probe %d in %s: IPv4 AS %d not in its country's pool", p.ID, p.Country, p.ASNv4)
		}
		countries[p.Country]++
		ases[p.ASNv4]++
		if p.ASNv6 != p.ASNv4 {
			tunnels++
			if p.ASNv6 < FirstTunnelAS || p.ASNv6 >= FirstTunnelAS+TunnelASes {
				t.Errorf("probe %d: IPv6 AS %d differs from IPv4 AS %d but is no tunnel broker", p.ID, p.ASNv6, p.ASNv4)
			}
		}
	}
	top := countries[Countries[0]]
	for c, k := range countries {
		if k > top {
			t.Errorf("%s holds %d probes, more than %s's %d", c, k, Countries[0], top)
		}
	}
	share := func(k int) float64 { return float64(k) / float64(n) }
	if s := share(top); s < 0.15 || s > 0.35 {
		t.Errorf("top country holds %.1f%% of %d probes, want a large share (15-35%%)", 100*s, n)
	}
	if len(countries) < 30 {
		t.Errorf("%d countries, want most of the %d", len(countries), len(Countries))
	}
	topAS := 0
	for _, k := range ases {
		topAS = max(topAS, k)
	}
	if s := share(topAS); s < 0.05 {
		t.Errorf("the largest AS holds %.1f%% of the probes, want a large one", 100*s)
	}
	if s := share(tunnels); s < 0.01 || s > 0.06 {
		t.Errorf("%d tunnels in %d probes (%.1f%%), want a few %%", tunnels, n, 100*s)
	}
	t.Logf("%d probes: %s %.1f%%, largest AS %.1f%%, %d tunnels (%.1f%%)", n, Countries[0], 100*share(top), 100*share(topAS), tunnels, 100*share(tunnels))
}

// TestArchiveRoundTrip: the archive reads back with atlas.ReadProbes,
// every generated probe with its metadata, and with atlas.ReadAnchors, the
// campaign's anchors.
func TestArchiveRoundTrip(t *testing.T) {
	cfg := smallConfig(500, 9, 1)
	var buf bytes.Buffer
	if err := WriteArchive(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	got, err := atlas.ReadProbes(bytes.NewReader(buf.Bytes()), "archive")
	if err != nil {
		t.Fatal(err)
	}
	probes, err := Probes(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probes {
		g, ok := got[p.ID]
		g.Anchor = false // a probe may also be an anchor of the pool
		if !ok || g != p {
			t.Fatalf("probe %d: read %+v (present %v), want %+v", p.ID, g, ok, p)
		}
	}
	recs, err := Archive(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if g := got[r.ID]; g != r {
			t.Fatalf("record %d: read %+v, want %+v", r.ID, g, r)
		}
	}
	if len(got) != len(recs) {
		t.Errorf("read %d probes, wrote %d records", len(got), len(recs))
	}
	anchors := 0
	for i, r := range recs {
		if i > 0 && recs[i-1].ID >= r.ID {
			t.Fatalf("records not by ascending id: %d then %d", recs[i-1].ID, r.ID)
		}
		if r.Anchor {
			anchors++
			if r.ID < cfg.Model.AnchorMin || r.ID > cfg.Model.AnchorMax {
				t.Errorf("anchor %d outside %d..%d", r.ID, cfg.Model.AnchorMin, cfg.Model.AnchorMax)
			}
		}
		if r.Country == "" || r.ASNv4 == 0 || r.ASNv6 == 0 {
			t.Errorf("record %+v lacks metadata", r)
		}
	}
	if anchors != cfg.Model.AnchorPool {
		t.Errorf("%d anchors, want the pool's %d", anchors, cfg.Model.AnchorPool)
	}
	a, err := atlas.ReadAnchors(bytes.NewReader(buf.Bytes()), "archive")
	if err != nil {
		t.Fatal(err)
	}
	if a.Len() != anchors {
		t.Errorf("ReadAnchors: %d anchors, want %d", a.Len(), anchors)
	}
	if !strings.HasPrefix(buf.String(), `{"objects": [`) || !strings.Contains(buf.String(), `"address_v4":null`) {
		t.Errorf("not an archive's layout: %.200s", buf.String())
	}
}

func TestProbesValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*Model)
	}{
		{"negative country skew", func(m *Model) { m.CountrySkew = -1 }},
		{"NaN AS skew", func(m *Model) { m.ASSkew = math.NaN() }},
		{"tunnel share above 1", func(m *Model) { m.TunnelShare = 1.5 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := smallConfig(10, 1, 1)
			c.set(&cfg.Model)
			if _, err := Probes(cfg); err == nil {
				t.Error("no error")
			}
			if _, err := New(context.Background(), cfg); err == nil {
				t.Error("New: no error")
			}
		})
	}
}
