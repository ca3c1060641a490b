package provider

import (
	"runtime/debug"
	"sync"
)

// readGCPercent is the garbage collector's target while covalence_aros
// reads run on the fast path.
const readGCPercent = 35

// largeReadState is the size of an encoded state from which the end of a read
// returns the read's garbage to the system before gRPC copies the state.
const largeReadState = 4 << 20

var readGC struct {
	sync.Mutex
	readers int
	saved   int
}

// lowerGCDuringRead is the one runtime setting the provider makes, and only
// while a covalence_aros read runs on the fast path: it sets the process's
// GC percent to readGCPercent until the returned function is called (a
// stricter setting, a lower GOGC or the collector off, is kept; reads running
// together share it and the last to end restores it), and that function,
// given the size of a large encoded state, first returns the read's garbage
// to the system (debug.FreeOSMemory) before gRPC copies the state. A large
// read decodes many short-lived pages while its state grows: measured on
// whole applies, without this the plugin's peak memory passes the budget
// that BENCHMARKS.md sets, and with it the apply takes as long.
func lowerGCDuringRead() (restore func(stateSize int)) {
	readGC.Lock()
	defer readGC.Unlock()
	if readGC.readers == 0 {
		readGC.saved = debug.SetGCPercent(readGCPercent)
		if readGC.saved < readGCPercent { // -1: the collector is off
			debug.SetGCPercent(readGC.saved)
		}
	}
	readGC.readers++
	var once sync.Once
	return func(stateSize int) {
		once.Do(func() {
			if stateSize >= largeReadState {
				debug.FreeOSMemory()
			}
			readGC.Lock()
			defer readGC.Unlock()
			if readGC.readers--; readGC.readers == 0 {
				debug.SetGCPercent(readGC.saved)
			}
		})
	}
}
