// Package pcgrand is math/rand/v2's PCG generator with Rand's Float64 and
// NormFloat64 as concrete, inlinable methods. A rand.Rand reaches its
// source through an interface, one call per draw; the learners that replay
// a pair a hundred times draw several numbers a round, and those calls cost
// more than the draws. The streams are math/rand/v2's bit for bit
// (TestMatchesMathRand): the state update and output function of rand.PCG,
// and the ziggurat of rand.Rand.NormFloat64 with its tables, copied from
// the Go source (BSD licence, The Go Authors).
package pcgrand
