package fastread

import (
	"os"
	"runtime/debug"
	"strconv"
	"sync"
)

// EnvReadGOGC overrides ReadGCPercent; 0 leaves the garbage collector alone.
const EnvReadGOGC = "COVALENCE_READ_GOGC"

// ReadGCPercent is the GC target while fast reads run, chosen by measuring
// plugin CPU and peak RSS together (make bench: terraform apply of 20,000
// AROs, medians of 3 runs in one run each, the read ending with a collection,
// see TightenGC): 25 gave 1.00 s and 126 MB, 35 gave 0.92 s and 129 MB, 100
// (Go's default) 0.84 s and 149 MB. The one large live object, the encoded
// state, is pointer-free and costs the collector nothing to mark, while
// decoding makes much short-lived garbage: 35 keeps the peak well under
// 150 MB for some 0.1 s of CPU.
var ReadGCPercent = envInt(EnvReadGOGC, 35)

var gc struct {
	sync.Mutex
	readers int
	saved   int
}

// TightenGC lowers the GC percent to ReadGCPercent while at least one read
// runs (never loosening a stricter setting); the returned func undoes it
// when the last one ends, after a collection that returns the read's
// garbage to the system before the state is sent.
func TightenGC() (release func()) {
	if ReadGCPercent <= 0 {
		return func() {}
	}
	gc.Lock()
	if gc.readers == 0 {
		gc.saved = debug.SetGCPercent(ReadGCPercent)
		if gc.saved >= 0 && gc.saved < ReadGCPercent {
			debug.SetGCPercent(gc.saved)
		}
	}
	gc.readers++
	gc.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			gc.Lock()
			gc.readers--
			if gc.readers == 0 {
				// Collect the read's garbage (decoded pages, the state
				// buffer's earlier sizes) and hand it back now, before
				// gRPC makes its own copy of the state to send it.
				debug.FreeOSMemory()
				debug.SetGCPercent(gc.saved)
			}
			gc.Unlock()
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
