// Package bandit implements the multi-armed bandit side of the replay: the
// artefacts' EXP3 policy (Exp3 for two arms, Exp3K for any number), Python's
// random.choices rule (WeightedChoice), and the small Policy interface the
// replay drives.
//
// Reproducing the authors' decisions exactly is the contract: with
// internal/pyrand's stream, which is Python 3.11's random.Random, the EXP3 types mirror the Python expressions operation by
// operation, in the same order, with products kept apart from sums (no fused
// multiply-add) where Python keeps them apart. Python's math.exp is the C
// library's; this package uses internal/glibc's Exp, which reproduces glibc's
// on x86-64 with FMA bit for bit, so the weights match too, not only the
// decisions (Go's math.Exp differs in the last bit for about one
// argument in eight).
//
// Policies take the uniform draw as an argument instead of a random source,
// so the replay can generate a run's whole stream in bulk (pyrand.Rand.Fill) and
// feed one value per round. Nothing in this package uses global randomness.
//
// Beyond the paper, Strategy is the interface of the policies a browser or
// an OS could run, each named with its parameters and parsed by ParseSpec:
// fixed families, Happy Eyeballs races, the full race, a Safari-style RTT
// cache, and learners (EXP3 variants, UCB1 and its sliding-window and
// discounted forms, Thompson sampling).
package bandit
