package provider

import (
	"runtime/debug"
	"testing"
)

// TestLowerGCDuringRead: the GC percent is readGCPercent while any read
// runs, the process's own once the last read ends (whichever ends first, and
// however often a restore is called), and a stricter setting is left alone.
func TestLowerGCDuringRead(t *testing.T) {
	orig := debug.SetGCPercent(100)
	defer debug.SetGCPercent(orig)
	percent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }

	first := lowerGCDuringRead()
	if got := percent(); got != readGCPercent {
		t.Fatalf("during a read: GC percent %d, want %d", got, readGCPercent)
	}
	second := lowerGCDuringRead()
	first(0)
	first(0)
	if got := percent(); got != readGCPercent {
		t.Fatalf("with a read still running: GC percent %d, want %d", got, readGCPercent)
	}
	second(0)
	if got := percent(); got != 100 {
		t.Fatalf("after the reads: GC percent %d, want 100", got)
	}

	for _, strict := range []int{10, -1} {
		debug.SetGCPercent(strict)
		restore := lowerGCDuringRead()
		if got := percent(); got != strict {
			t.Errorf("GOGC %d during a read: GC percent %d, want it kept", strict, got)
		}
		restore(0)
		if got := percent(); got != strict {
			t.Errorf("GOGC %d after a read: GC percent %d", strict, got)
		}
	}
}
