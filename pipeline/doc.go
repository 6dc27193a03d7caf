// Package pipeline is the study as one library call: it reads paired tests
// once, grouped probe by probe, runs the stages a Config selects on each
// probe (Tables 1 and 2, the EXP3 replay, gamma sweeps, figures), and writes
// their files.
//
// Every command that reads paired tests is a selection of stages of the same
// pass: `tables` is Stages{Tables}, `replay` is Stages{Replay} (with
// --policies, Stages{Replay, Policies}), `sweep` Stages{Replay, Sweep},
// `reproduce` Stages{Tables, Replay, Figures}; `figures` is Redraw, from
// the files of earlier runs. The
// profiles (Artefacts, Paper) are owned here, so that what "--profile paper"
// means is decided in one place.
//
// A run is Run then Write:
//
//	res, err := pipeline.Run(ctx, in, cfg, mon)
//	files, err := res.Write(ctx, dir, mon)
//
// Run holds only each pair's results (a few hundred bytes a pair) and, for
// Figure 1, each test's two durations in a spill that goes to a file beyond
// a few million tests. Write computes Figure 1 while the files that do not
// need it are written; it writes the whole directory into a staging
// directory beside it, with a manifest of the runs whose files it holds,
// and swaps it in at the end, so that an output directory is whole or as it
// was.
package pipeline
