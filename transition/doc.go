// Package transition compares two runs of afsel pair by pair, week over
// week: for the (probe, anchor) pairs eligible in both runs, the transition
// matrix of their Table 1 classes (IPv4 better, None, IPv6 better) with
// counts and shares, the share of pairs keeping their class, and the
// change in EXP3's best-choice ratio (median_best_choice of simulation.csv);
// and the pairs eligible in one run only (new in B, gone from A).
//
// A run is an output directory of afsel tables, replay or reproduce
// (ReadRun). Two runs made with different parameters (tables_parameters,
// replay_parameters of their manifest or summary) are not comparable:
// Diff (and Compare) refuse them with a *ParamsError naming every differing
// parameter, unless Config.Force is set.
//
// Invariants of a Result: the nine cells of Matrix sum to Both; Both +
// len(Gone) is A's eligible pairs and Both + len(New) is B's; Kept is the
// trace of Matrix.
package transition
