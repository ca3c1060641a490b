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
// CPU and peak RSS together (make bench, 20,000 AROs, the read ending with
// a collection, see TightenGC): 25 gave 119 MB, 35 gave 132 MB, 50 gave
// 136-182 MB and 100 (Go's default) 191 MB of peak RSS, for plugin CPU that
// fell by some 0.3 s from 25 to 100, within the noise between 35 and 50.
// The one large live object, the encoded state, is a pointer-free []byte
// that costs the collector nothing to mark, while decoding makes much
// short-lived garbage: collecting it sooner keeps the peak down for little CPU.
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
