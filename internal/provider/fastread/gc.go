package fastread

import (
	"os"
	"runtime/debug"
	"strconv"
	"sync"
)

// EnvReadGOGC overrides ReadGCPercent; 0 leaves the garbage collector alone.
const EnvReadGOGC = "COVALENCE_READ_GOGC"

// ReadGCPercent is the GC target while fast reads run. Their one large live
// object, the encoded state, is a pointer-free []byte that costs the
// collector nothing to mark, while JSON decoding makes much short-lived
// garbage: collecting it sooner cuts the plugin's peak RSS by about a third
// for some 20% more CPU (make bench).
var ReadGCPercent = envInt(EnvReadGOGC, 25)

var gc struct {
	sync.Mutex
	readers int
	saved   int
}

// TightenGC lowers the GC percent to ReadGCPercent while at least one read
// runs (never loosening a stricter setting); the returned func undoes it
// when the last one ends.
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
