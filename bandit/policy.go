package bandit

// Policy is a bandit policy driven round by round: Choose an arm with the
// round's uniform draw, then Update it with the reward that arm earned.
//
// Choose takes the draw rather than a random source so that a caller can
// generate a run's draws in bulk (pyrand.Rand.Fill) and so that the policy's
// randomness is always explicit. Reset returns the policy to its initial
// state without allocating, so one instance serves many runs.
//
// Hot loops should use the concrete types (Exp3, Exp3K), whose calls are
// direct and whose Choose inlines; the interface is for code that mixes
// policies.
type Policy interface {
	// Choose returns the arm to play, from 0, for the uniform draw u in [0, 1).
	Choose(u float64) int
	// Update gives reward, in [0, 1], to arm.
	Update(arm int, reward float64)
	// Reset restores the state of a freshly constructed policy.
	Reset()
}

var (
	_ Policy = (*Exp3)(nil)
	_ Policy = (*Exp3K)(nil)
)
