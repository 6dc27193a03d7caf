package atlas

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
)

// Anchors maps the addresses of RIPE Atlas anchors to their ids, one map per
// address family. Addresses are compared as parsed addresses (net/netip), so
// every spelling of an IPv6 address matches.
type Anchors struct {
	v4, v6 map[netip.Addr][]int64 // several ids when records share an address
	n      int
	list   []AnchorAddrs
}

// AnchorAddrs is one anchor record of a probe list, its addresses spelled
// as the list spells them ("" for none): a query joining on them compares
// strings, as a join with the probes table does.
type AnchorAddrs struct {
	ID                   int64
	AddressV4, AddressV6 string
}

// anchorRecord is one probe of a RIPE Atlas probe list or archive.
type anchorRecord struct {
	ID        *int64  `json:"id"`
	AddressV4 *string `json:"address_v4"`
	AddressV6 *string `json:"address_v6"`
	IsAnchor  bool    `json:"is_anchor"`
	ASNv4     *int64  `json:"asn_v4"`
	ASNv6     *int64  `json:"asn_v6"`
	Country   *string `json:"country_code"`
}

// LoadAnchors reads the anchor list at path (see ReadAnchors); it may be
// gzip or bzip2 compressed.
func LoadAnchors(path string) (*Anchors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAnchors(f, path)
}

// ReadAnchors reads a RIPE Atlas probe list: an archive object
// {"objects": [...]}, an API page {"results": [...]}, or a plain JSON array
// of probe objects (id, address_v4, address_v6, is_anchor, ...), plain, gzip
// or bzip2. Only probes with is_anchor true count; a missing or null address
// leaves that family out. name is used in errors.
//
// When two anchor records share an address, a test to it belongs to both,
// as in the query's join.
func ReadAnchors(r io.Reader, name string) (*Anchors, error) {
	recs, err := readRecords(r, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: anchors: %w", name, err)
	}
	a := &Anchors{v4: make(map[netip.Addr][]int64), v6: make(map[netip.Addr][]int64)}
	for i, rec := range recs {
		if !rec.IsAnchor {
			continue
		}
		if rec.ID == nil {
			return nil, fmt.Errorf("read %s: anchors: record %d has no id", name, i)
		}
		a.n++
		rec4, rec6 := "", ""
		if rec.AddressV4 != nil {
			rec4 = *rec.AddressV4
		}
		if rec.AddressV6 != nil {
			rec6 = *rec.AddressV6
		}
		a.list = append(a.list, AnchorAddrs{ID: *rec.ID, AddressV4: rec4, AddressV6: rec6})
		for _, f := range []struct {
			s  *string
			m  map[netip.Addr][]int64
			af int
		}{{rec.AddressV4, a.v4, 4}, {rec.AddressV6, a.v6, 6}} {
			if f.s == nil || *f.s == "" {
				continue
			}
			ip, err := netip.ParseAddr(*f.s)
			if err != nil {
				return nil, fmt.Errorf("read %s: anchor %d: address_v%d: %w", name, *rec.ID, f.af, err)
			}
			ip = norm(ip, f.af)
			if (f.af == 4) != ip.Is4() {
				return nil, fmt.Errorf("read %s: anchor %d: address_v%d %q is not an IPv%d address", name, *rec.ID, f.af, *f.s, f.af)
			}
			if !slices.Contains(f.m[ip], *rec.ID) {
				f.m[ip] = append(f.m[ip], *rec.ID)
			}
		}
	}
	return a, nil
}

// readRecords reads the probe records of a probe list (see ReadAnchors for
// its forms).
func readRecords(r io.Reader, name string) ([]anchorRecord, error) {
	text, stop, err := decompress(r)
	if err != nil {
		return nil, err
	}
	defer stop()
	data, err := io.ReadAll(text)
	if err != nil {
		return nil, err
	}
	var recs []anchorRecord
	switch t := bytes.TrimLeft(data, " \t\r\n"); {
	case len(t) > 0 && t[0] == '[':
		err = json.Unmarshal(t, &recs)
	case len(t) > 0 && t[0] == '{':
		var wrap struct {
			Objects []anchorRecord `json:"objects"`
			Results []anchorRecord `json:"results"`
		}
		err = json.Unmarshal(t, &wrap)
		recs = append(wrap.Objects, wrap.Results...)
	default:
		err = fmt.Errorf("not a JSON object or array")
	}
	return recs, err
}

// Probe is what a probe archive says of a probe's networks: the origin AS
// of its IPv4 and IPv6 addresses (0: unknown) and its country (ISO 3166
// alpha-2; "": unknown).
type Probe struct {
	ID           int64
	ASNv4, ASNv6 int64
	Country      string
	Anchor       bool // is_anchor
}

// LoadProbes reads the probes of the probe list at path (see ReadProbes).
func LoadProbes(path string) (map[int64]Probe, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadProbes(f, path)
}

// ReadProbes reads every probe of a probe list, in the forms ReadAnchors
// reads, anchors or not, by id. name is used in errors.
func ReadProbes(r io.Reader, name string) (map[int64]Probe, error) {
	recs, err := readRecords(r, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: probes: %w", name, err)
	}
	probes := make(map[int64]Probe, len(recs))
	for i, rec := range recs {
		if rec.ID == nil {
			return nil, fmt.Errorf("read %s: probes: record %d has no id", name, i)
		}
		p := Probe{ID: *rec.ID, Anchor: rec.IsAnchor}
		if rec.ASNv4 != nil {
			p.ASNv4 = *rec.ASNv4
		}
		if rec.ASNv6 != nil {
			p.ASNv6 = *rec.ASNv6
		}
		if rec.Country != nil {
			p.Country = *rec.Country
		}
		probes[p.ID] = p
	}
	return probes, nil
}

// probeRecord is the JSON of a record WriteProbes writes.
type probeRecord struct {
	ID        int64   `json:"id"`
	ASNv4     int64   `json:"asn_v4"`
	ASNv6     int64   `json:"asn_v6"`
	Country   string  `json:"country_code"`
	IsAnchor  bool    `json:"is_anchor"`
	AddressV4 *string `json:"address_v4"`
	AddressV6 *string `json:"address_v6"`
}

// WriteProbes writes probes as a RIPE Atlas probe archive, the layout
// ReadProbes and ReadAnchors read: {"objects": [...]}, one record a line,
// in the order given, addresses null (an archive written so has anchors
// without addresses: it describes networks, not where tests went).
func WriteProbes(w io.Writer, probes []Probe) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("{\"objects\": [\n")
	for i, p := range probes {
		b, err := json.Marshal(probeRecord{ID: p.ID, ASNv4: p.ASNv4, ASNv6: p.ASNv6, Country: p.Country, IsAnchor: p.Anchor})
		if err != nil {
			return fmt.Errorf("probe %d: %w", p.ID, err)
		}
		bw.Write(b)
		if i < len(probes)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// norm is the canonical form of an address of family af: IPv4-mapped IPv6
// addresses are unmapped for IPv4, zones dropped.
func norm(ip netip.Addr, af int) netip.Addr {
	ip = ip.WithZone("")
	if af == 4 {
		ip = ip.Unmap()
	}
	return ip
}

// Len is the number of anchors (records with is_anchor true).
func (a *Anchors) Len() int { return a.n }

// List returns the anchor records in the order of the list, after the
// checks ReadAnchors makes of their addresses.
func (a *Anchors) List() []AnchorAddrs { return slices.Clone(a.list) }

// Lookup returns the ids of the anchors whose address of family af (4 or 6)
// is ip, or nil.
func (a *Anchors) Lookup(af int, ip netip.Addr) []int64 {
	switch af {
	case 4:
		return a.v4[norm(ip, 4)]
	case 6:
		return a.v6[norm(ip, 6)]
	}
	return nil
}
