// Package bandit implements the two-arm bandit learners the replays run
// (arm 0 = IPv4, arm 1 = IPv6): the artefacts' EXP3 (Exp3), Python's
// random.choices rule (WeightedChoice), and, behind the one Learner
// interface, the learners the policy comparison adds (textbook EXP3,
// EXP3-IX, EXP3.S, UCB1 and its sliding-window and discounted forms,
// Thompson sampling).
//
// Reproducing the authors' decisions exactly is the contract of Exp3: with
// internal/pyrand's stream, which is Python 3.11's random.Random, Exp3
// mirrors the Python expressions operation by operation, in the same order,
// with products kept apart from sums (no fused multiply-add) where Python
// keeps them apart. Python's math.exp is the C library's; this package uses
// internal/glibc's Exp, which reproduces glibc's on x86-64 with FMA bit for
// bit, so the weights match too, not only the decisions (Go's math.Exp
// differs in the last bit for about one argument in eight).
//
// Exp3 takes the uniform draw as an argument instead of a random source, so
// the replay can generate a run's whole stream in bulk (pyrand.Rand.Fill)
// and feed one value per round; its hot loops use the concrete type. The
// other learners take a Source per choice, since Thompson sampling draws
// several values a round; ThompsonPCG is Thompson sampling with its source
// fixed to math/rand/v2's PCG (internal/pcgrand), for callers that play
// many runs and would otherwise pay an interface call per draw. Nothing in
// this package uses global randomness.
//
// Package policy wraps learners into address-selection strategies and
// parses their specs.
package bandit
