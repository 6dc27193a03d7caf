package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/afsel/afsel/ingest/atlas"
)

// Countries are the countries probes are placed in, most probes first: 40
// ISO 3166 alpha-2 codes, roughly in the order of RIPE Atlas's connected
// probes per country. A probe's country is drawn with weight 1/rank^s,
// s = Model.CountrySkew (a Zipf law).
var Countries = []string{
	"DE", "US", "FR", "NL", "GB", "RU", "IT", "CZ", "UA", "BE",
	"CH", "SE", "AT", "PL", "CA", "ES", "FI", "NO", "DK", "JP",
	"AU", "IE", "BR", "RO", "HU", "SG", "IN", "ZA", "GR", "PT",
	"SK", "BG", "NZ", "IR", "SI", "HR", "LT", "TR", "IL", "KR",
}

// ASes of the probe metadata. The networks are invented, so their numbers
// are private-use ones (RFC 6996) and those of the tunnel brokers
// documentation ones (RFC 5398): no real network is credited with a
// synthetic latency.
const (
	// ASesPerCountry is the size of each country's pool of ASes: the
	// country of rank c (0 for Countries[0]) has ASes FirstAS+c*ASesPerCountry
	// and the ASesPerCountry-1 that follow, drawn with weight 1/rank^s,
	// s = Model.ASSkew.
	ASesPerCountry = 16
	FirstAS        = 64512
	// TunnelASes is the number of IPv6 tunnel brokers, ASes FirstTunnelAS
	// and the TunnelASes-1 that follow, drawn with weight 1/rank.
	TunnelASes    = 4
	FirstTunnelAS = 64496
)

// keyMeta and keyAnchorMeta are the stream keys of the probe metadata,
// per probe index and per anchor id: streams of their own, which leave
// the generated tests as they are.
const (
	keyMeta       = 0x6d657461 // "meta"
	keyAnchorMeta = 0x616e6368 // "anch"
)

// zipf is the cumulative distribution of a Zipf law over n ranks.
type zipf []float64

func newZipf(n int, s float64) zipf {
	z := make(zipf, n)
	acc := 0.0
	for i := range z {
		acc += math.Pow(float64(i+1), -s)
		z[i] = acc
	}
	for i := range z {
		z[i] /= acc
	}
	z[n-1] = 1
	return z
}

// draw returns a rank, 0 the most probable.
func (z zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	return min(len(z)-1, sort.Search(len(z), func(i int) bool { return z[i] > u }))
}

// metaModel draws probe metadata.
type metaModel struct {
	m                     *Model
	country, as, tunnelAS zipf
}

func newMetaModel(m *Model) *metaModel {
	return &metaModel{m: m, country: newZipf(len(Countries), m.CountrySkew), as: newZipf(ASesPerCountry, m.ASSkew), tunnelAS: newZipf(TunnelASes, 1)}
}

// probe draws the metadata of the probe with the given id from r: its
// country, its IPv4 AS from the country's pool and, for a share
// Model.TunnelShare of the probes, an IPv6 AS of a tunnel broker;
// otherwise the IPv6 AS is the IPv4 one.
func (mm *metaModel) probe(r *rand.Rand, id int64) atlas.Probe {
	c := mm.country.draw(r)
	as4 := int64(FirstAS + c*ASesPerCountry + mm.as.draw(r))
	as6 := as4
	tunnel := r.Float64() < mm.m.TunnelShare
	t := mm.tunnelAS.draw(r) // drawn either way: a fixed number of draws per probe
	if tunnel {
		as6 = int64(FirstTunnelAS + t)
	}
	return atlas.Probe{ID: id, ASNv4: as4, ASNv6: as6, Country: Countries[c]}
}

// Probes returns the metadata of the probes cfg generates, by ascending
// id: each probe's country and origin ASes (see Countries, FirstAS and
// Model.TunnelShare). It is a function of cfg's Seed, Pairs and Model
// only; the metadata is drawn from streams of its own, so the generated
// tests are the same as before it existed.
func Probes(cfg Config) ([]atlas.Probe, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := newPlan(cfg)
	return probesOf(cfg, &p), nil
}

func probesOf(cfg Config, p *plan) []atlas.Probe {
	mm := newMetaModel(&cfg.Model)
	out := make([]atlas.Probe, len(p.ids))
	for i, id := range p.ids {
		out[i] = mm.probe(stream(cfg.Seed, keyMeta, uint64(i)), id)
	}
	return out
}

// Archive returns the records of the probe archive of cfg's data, by
// ascending id: the generated probes (Probes) and the anchors of the
// campaign's pool, which also get a country and ASes. An anchor whose id
// is also a probe's is one record, the probe's, marked as an anchor.
func Archive(cfg Config) ([]atlas.Probe, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := newPlan(cfg)
	probes := probesOf(cfg, &p)
	mm := newMetaModel(&cfg.Model)
	out := make([]atlas.Probe, 0, len(probes)+len(p.pool))
	i, j := 0, 0
	for i < len(probes) || j < len(p.pool) {
		switch {
		case j == len(p.pool) || (i < len(probes) && probes[i].ID < p.pool[j]):
			out = append(out, probes[i])
			i++
		case i == len(probes) || p.pool[j] < probes[i].ID:
			a := p.pool[j]
			ap := mm.probe(stream(cfg.Seed, keyAnchorMeta, uint64(a)), a)
			ap.Anchor = true
			out = append(out, ap)
			j++
		default: // the same id
			pr := probes[i]
			pr.Anchor = true
			out = append(out, pr)
			i++
			j++
		}
	}
	return out, nil
}

// WriteArchive writes the probe archive of cfg's data (Archive) to w
// (atlas.WriteProbes). The output is a function of cfg's Seed, Pairs and
// Model.
func WriteArchive(w io.Writer, cfg Config) error {
	recs, err := Archive(cfg)
	if err != nil {
		return err
	}
	if err := atlas.WriteProbes(w, recs); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// validateMeta checks the fields of the probe metadata.
func (m Model) validateMeta() error {
	switch {
	case !(m.CountrySkew >= 0) || math.IsInf(m.CountrySkew, 0):
		return fmt.Errorf("synth: model CountrySkew %v: want a finite exponent >= 0", m.CountrySkew)
	case !(m.ASSkew >= 0) || math.IsInf(m.ASSkew, 0):
		return fmt.Errorf("synth: model ASSkew %v: want a finite exponent >= 0", m.ASSkew)
	case !(m.TunnelShare >= 0 && m.TunnelShare <= 1):
		return fmt.Errorf("synth: model TunnelShare %v not in [0, 1]", m.TunnelShare)
	}
	return nil
}
