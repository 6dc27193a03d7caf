// Package pyrand reproduces CPython's random.Random bit for bit: the same
// seeding (init_by_array, with the SHA-512 key of str and bytes seeds), the
// same 32-bit outputs (getrandbits(32)) and the same random() doubles as
// Python 3.11, for the same seed.
//
// The replay needs the artefacts' random.Random("test") stream exactly:
// every EXP3 decision depends on it. Fill generates a run's whole stream in
// bulk, as successive random() calls would.
package pyrand
