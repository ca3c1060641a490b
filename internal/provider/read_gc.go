package provider

import (
	"runtime"
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

// sendGCPercent is the GC percent, when no read runs, from the end of a large
// read until the collector frees that read's state. gRPC copies the state
// into its message in one copy as large as the state, which the runtime
// cannot preempt. With the percent restored at once, the heap left after the
// forced collection (about the state itself) reaches its goal during that
// copy: the collection that starts then waits for the copy to end, its
// workers spinning on the other processors (on a virtual machine, mostly in
// the kernel). At 200 the goal is three times that heap, above the state and
// its copy, so no collection starts while gRPC copies. The state is freed by
// the first collection after gRPC has sent it, which at 200 starts once the
// heap has grown to about three times the state: that bounds what the hold
// costs in memory. A GC percent set for the process (GOGC) below 200 is
// loosened to 200 for that time; one above it, or the collector turned off,
// is kept.
const sendGCPercent = 200

// readGC is the garbage collector's setting while fast reads run. The GC
// percent is the process's, so it is one for every server in the process
// (tests run several); the served read owns it through tighten.
var readGC gcGuard

type gcGuard struct {
	mu      sync.Mutex
	readers int
	sending int  // large states given to gRPC and not yet freed
	saved   int  // the GC percent before the first read or send
	large   bool // a read since the first ended with a large state
	// free forces the collection (debug.FreeOSMemory when nil; tests count).
	free func()
	// watch calls done once state is freed (runtime.AddCleanup when nil;
	// tests call done themselves).
	watch func(state []byte, done func())
}

// tighten lowers the GC percent to percent while at least one read runs
// (never loosening a stricter setting; percent <= 0 leaves the collector
// alone; reads that overlap keep the first one's setting). The returned
// release, called with the read's encoded state (nil if it has none), ends
// the read. When the last read ends, it forces a collection first if one of
// the reads had a state of at least largeReadState. Every such state holds
// the GC percent at sendGCPercent or looser, once no read runs, until the
// state is freed; without one the percent is restored at once. Releasing
// twice counts once.
func (g *gcGuard) tighten(percent int) (release func(state []byte)) {
	if percent <= 0 {
		return func([]byte) {}
	}
	g.mu.Lock()
	if g.readers == 0 {
		prev := debug.SetGCPercent(percent)
		if g.sending == 0 {
			g.saved = prev // not the send hold's percent
		}
		if g.saved >= 0 && g.saved < percent {
			debug.SetGCPercent(g.saved)
		}
	}
	g.readers++
	g.mu.Unlock()
	var once sync.Once
	return func(state []byte) {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if len(state) >= largeReadState {
				// Watched even while other reads run: its send may outlast them.
				g.large = true
				g.sending++
				g.watchState(state)
			}
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
			g.settle()
			g.large = false
		})
	}
}

// watchState arranges for the end of the send of state.
func (g *gcGuard) watchState(state []byte) {
	done := func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.sending--
		g.settle()
	}
	if g.watch != nil {
		g.watch(state, done)
		return
	}
	runtime.AddCleanup(&state[0], func(done func()) { done() }, done)
}

// settle sets the GC percent for when no read runs: the saved one, or
// sendGCPercent while a large state is being sent and the saved one is
// stricter (a collector turned off stays off). g.mu must be held.
func (g *gcGuard) settle() {
	if g.readers > 0 {
		return
	}
	p := g.saved
	if g.sending > 0 && p >= 0 && p < sendGCPercent {
		p = sendGCPercent
	}
	debug.SetGCPercent(p)
}
