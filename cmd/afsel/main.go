// Command afsel reproduces and extends the RIPE Atlas study of address family
// selection (Piraux & Bonaventure): from paired IPv4/IPv6 HTTP tests it
// computes which family is faster per probe and anchor (Table 1), how that
// changes over time (Table 2), and how well an online learner picks the
// faster family.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}
