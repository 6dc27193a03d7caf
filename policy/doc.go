// Package policy implements the address-selection strategies a browser or an
// OS could run, replayed on recorded IPv4 and IPv6 durations, and the spec
// parser that names them: fixed families (v4, v6), the a-posteriori oracles
// a replay resolves (best, probe), Happy Eyeballs races (he), the full race,
// a Safari-style RTT cache, and learners (bandit.Learner) under the
// artefacts' reward rule.
//
// Every kind is one entry of a registry table: its name, aliases,
// parameters with defaults and ranges, presets, whether it is randomized or
// an oracle, and its constructor. Parse, Spec.String, Spec.Randomized,
// Spec.Oracle and Spec.New all read that table, so adding a policy is adding
// an entry. Spec.String is the canonical form outputs print; Parse maps it
// back to the same Spec.
package policy
