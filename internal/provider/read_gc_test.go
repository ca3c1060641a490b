package provider

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestReadGCNests: the GC percent is tightened while any read runs and
// restored when the last ends; a stricter setting is never loosened.
func TestReadGCNests(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	g := gcGuard{free: func() {}}
	a := g.tighten(35)
	b := g.tighten(35)
	if got := debug.SetGCPercent(35); got != 35 {
		t.Fatalf("during reads GC percent is %d, want 35", got)
	}
	a(nil)
	a(nil) // releasing twice counts once
	if got := debug.SetGCPercent(35); got != 35 {
		t.Fatalf("with one read left GC percent is %d, want 35", got)
	}
	b(nil)
	if got := debug.SetGCPercent(20); got != 100 {
		t.Fatalf("after the reads GC percent is %d, want 100 restored", got)
	}
	g.tighten(35)(nil) // 20 is stricter than 35: kept
	if got := debug.SetGCPercent(100); got != 20 {
		t.Fatalf("a read loosened GC percent 20 to %d", got)
	}
	before := debug.SetGCPercent(100)
	g.tighten(0)(nil) // 0: the collector left alone
	if got := debug.SetGCPercent(100); got != before {
		t.Fatalf("COVALENCE_READ_GOGC=0 changed the GC percent to %d", got)
	}
}

// TestReadGCForcesCollectionOnlyAfterLargeReads: the collection that returns
// a read's garbage runs once the last of overlapping reads ends, and only
// when one of them had a state of at least largeReadState.
func TestReadGCForcesCollectionOnlyAfterLargeReads(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	forced := 0
	g := gcGuard{free: func() { forced++ }, watch: func([]byte, func()) {}}

	g.tighten(35)(make([]byte, largeReadState-1))
	if forced != 0 {
		t.Fatalf("a read with a state of %d bytes forced a collection", largeReadState-1)
	}
	g.tighten(35)(make([]byte, largeReadState))
	if forced != 1 {
		t.Fatalf("a read with a state of %d bytes: %d forced collections, want 1", largeReadState, forced)
	}
	small, large := g.tighten(35), g.tighten(35)
	large(make([]byte, largeReadState*3))
	if forced != 1 {
		t.Fatal("a collection was forced while another read still ran")
	}
	small(make([]byte, 10))
	if forced != 2 {
		t.Fatalf("overlapping reads, one large: %d forced collections in all, want 2", forced)
	}
	g.tighten(35)(nil)
	if forced != 2 {
		t.Fatal("a small read after a large one forced a collection: the large read was remembered")
	}
}

// TestReadGCHoldsWhileALargeStateIsSent: after a large read, the GC percent
// is sendGCPercent (or the saved one, if looser or off) until the state is
// freed, then the saved one; reads in between tighten it as usual and do not
// take the held percent for the saved one.
func TestReadGCHoldsWhileALargeStateIsSent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	var sent []func()
	g := gcGuard{free: func() {}, watch: func(_ []byte, done func()) { sent = append(sent, done) }}
	percent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }

	g.tighten(35)(make([]byte, largeReadState))
	if len(sent) != 1 || percent() != sendGCPercent {
		t.Fatalf("after a large read: %d states watched, GC percent %d, want 1 and %d", len(sent), percent(), sendGCPercent)
	}
	release := g.tighten(35)
	if percent() != 35 {
		t.Fatalf("a read during the send: GC percent %d, want 35", percent())
	}
	release(make([]byte, 10))
	if percent() != sendGCPercent {
		t.Fatalf("a small read ended during the send: GC percent %d, want %d", percent(), sendGCPercent)
	}
	sent[0]()
	if percent() != 100 {
		t.Fatalf("after the send: GC percent %d, want the saved 100", percent())
	}
	g.tighten(35)(nil) // small: nothing held
	if len(sent) != 1 || percent() != 100 {
		t.Fatalf("after a read without a state: %d states watched, GC percent %d", len(sent), percent())
	}

	// Overlapping reads: a large one that ends first is held once the last
	// ends, small or without a state, until its own state is freed.
	large, small := g.tighten(35), g.tighten(35)
	large(make([]byte, largeReadState))
	if len(sent) != 2 || percent() != 35 {
		t.Fatalf("a large read ended beside another: %d states watched, GC percent %d, want 2 and 35", len(sent), percent())
	}
	small(nil)
	if percent() != sendGCPercent {
		t.Fatalf("the last read ended while the large state is sent: GC percent %d, want %d", percent(), sendGCPercent)
	}
	sent[1]()
	if percent() != 100 {
		t.Fatalf("after the large state was sent: GC percent %d, want 100", percent())
	}

	// A looser saved percent, or the collector off, is kept through the send.
	for _, saved := range []int{300, -1} {
		debug.SetGCPercent(saved)
		g.tighten(35)(make([]byte, largeReadState))
		if percent() != saved {
			t.Errorf("saved %d: GC percent %d during the send", saved, percent())
		}
		sent[len(sent)-1]()
		if percent() != saved {
			t.Errorf("saved %d: GC percent %d after the send", saved, percent())
		}
	}
}

// TestReadGCRestoresWhenTheStateIsCollected: without a test's watch, the
// saved percent comes back once the collector frees the state.
func TestReadGCRestoresWhenTheStateIsCollected(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	g := gcGuard{free: func() {}}
	g.tighten(35)(make([]byte, largeReadState))
	percent := func() int {
		g.mu.Lock()
		defer g.mu.Unlock()
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		return p
	}
	if p := percent(); p != sendGCPercent {
		t.Fatalf("during the send: GC percent %d, want %d", p, sendGCPercent)
	}
	// Cleanups run in their own goroutine after the collection that frees
	// the object: collect until it has run.
	for i := 0; i < 1000 && percent() != 100; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if p := percent(); p != 100 {
		t.Fatalf("after the state was collected: GC percent %d, want 100", p)
	}
}
