package provider

import (
	"runtime/debug"
	"sync"
)

// defaultReadGCPercent is the GC percent while fast reads run, unless
// COVALENCE_READ_GOGC sets another. A lower percent keeps less garbage at the
// peak of a read, a higher one collects less often and costs less CPU; this
// one was chosen by measuring both together with `make bench` (README's
// benchmark section has the figures). The one large live object of a read,
// its encoded state, is pointer-free and costs the collector nothing to
// mark, while decoding makes much short-lived garbage, so a tighter target
// than Go's default is cheap.
const defaultReadGCPercent = 35

// largeReadState is the size of an encoded state from which the end of a
// read forces a collection that returns the read's garbage to the system
// (debug.FreeOSMemory) before gRPC copies the state to send it. That garbage
// (the decoded pages, the encoded items now copied into the state) grows
// with the state, and so does gRPC's copy; below this size it is too small
// to be worth a forced collection, which is a whole collection of the heap
// and gives back pages the next read must fault in again. 4 MiB is the Go
// runtime's smallest heap goal, the size below which it does not collect at
// all: a heap the runtime itself does not consider worth collecting.
const largeReadState = 4 << 20

// readGC is the garbage collector's setting while fast reads run. The GC
// percent is the process's, so it is one for every server in the process
// (tests run several); the served read owns it through tighten.
var readGC gcGuard

type gcGuard struct {
	mu      sync.Mutex
	readers int
	saved   int  // the GC percent before the first read
	large   bool // a read since the first ended with a large state
	// free forces the collection (debug.FreeOSMemory when nil; tests count).
	free func()
}

// tighten lowers the GC percent to percent while at least one read runs
// (never loosening a stricter setting; percent <= 0 leaves the collector
// alone; reads that overlap keep the first one's setting). The returned
// release, called with the size of the read's encoded state (0 if it has
// none), undoes it when the last read ends, forcing a collection first if
// one of the reads had a state of at least largeReadState. Releasing twice
// counts once.
func (g *gcGuard) tighten(percent int) (release func(stateSize int)) {
	if percent <= 0 {
		return func(int) {}
	}
	g.mu.Lock()
	if g.readers == 0 {
		g.saved = debug.SetGCPercent(percent)
		if g.saved >= 0 && g.saved < percent {
			debug.SetGCPercent(g.saved)
		}
	}
	g.readers++
	g.mu.Unlock()
	var once sync.Once
	return func(stateSize int) {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.large = g.large || stateSize >= largeReadState
			g.readers--
			if g.readers > 0 {
				return
			}
			if g.large {
				if g.free != nil {
					g.free()
				} else {
					debug.FreeOSMemory()
				}
			}
			debug.SetGCPercent(g.saved)
			g.large = false
		})
	}
}
