package pipeline

// SetSegmentsInMemory sets the bytes of packed segments a run holds in
// memory before it spills them to a file, and returns the function that
// restores the bound.
func SetSegmentsInMemory(n int) (restore func()) {
	old := segmentsInMemory
	segmentsInMemory = n
	return func() { segmentsInMemory = old }
}

// SegmentsSpilled reports whether r's segments are in a file.
func SegmentsSpilled(r *Result) bool { return r.store.f != nil }
