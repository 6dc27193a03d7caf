package synth_test

import (
	"bytes"
	"fmt"

	"github.com/afsel/afsel/ingest/atlas"
	"github.com/afsel/afsel/synth"
)

// The probe archive of a synthetic campaign, read back as a RIPE Atlas
// archive: every probe of the data has a country and its ASes.
func ExampleWriteArchive() {
	cfg := synth.DefaultConfig()
	cfg.Pairs = 2000
	probes, err := synth.Probes(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var b bytes.Buffer
	if err := synth.WriteArchive(&b, cfg); err != nil {
		fmt.Println(err)
		return
	}
	archive, err := atlas.ReadProbes(&b, "archive")
	if err != nil {
		fmt.Println(err)
		return
	}
	countries, tunnels := map[string]int{}, 0
	for _, p := range probes {
		countries[archive[p.ID].Country]++
		if p.ASNv4 != p.ASNv6 {
			tunnels++
		}
	}
	fmt.Printf("%d probes, %d records; %d in DE, %d in US; %d IPv6 tunnels\n",
		len(probes), len(archive), countries["DE"], countries["US"], tunnels)
	// Output: 535 probes, 1224 records; 129 in DE, 66 in US; 19 IPv6 tunnels
}
