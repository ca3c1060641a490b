package provider

import (
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
	a(0)
	a(0) // releasing twice counts once
	if got := debug.SetGCPercent(35); got != 35 {
		t.Fatalf("with one read left GC percent is %d, want 35", got)
	}
	b(0)
	if got := debug.SetGCPercent(20); got != 100 {
		t.Fatalf("after the reads GC percent is %d, want 100 restored", got)
	}
	g.tighten(35)(0) // 20 is stricter than 35: kept
	if got := debug.SetGCPercent(100); got != 20 {
		t.Fatalf("a read loosened GC percent 20 to %d", got)
	}
	before := debug.SetGCPercent(100)
	g.tighten(0)(0) // 0: the collector left alone
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
	g := gcGuard{free: func() { forced++ }}

	g.tighten(35)(largeReadState - 1)
	if forced != 0 {
		t.Fatalf("a read with a state of %d bytes forced a collection", largeReadState-1)
	}
	g.tighten(35)(largeReadState)
	if forced != 1 {
		t.Fatalf("a read with a state of %d bytes: %d forced collections, want 1", largeReadState, forced)
	}
	small, large := g.tighten(35), g.tighten(35)
	large(largeReadState * 3)
	if forced != 1 {
		t.Fatal("a collection was forced while another read still ran")
	}
	small(10)
	if forced != 2 {
		t.Fatalf("overlapping reads, one large: %d forced collections in all, want 2", forced)
	}
	g.tighten(35)(0)
	if forced != 2 {
		t.Fatal("a small read after a large one forced a collection: the large read was remembered")
	}
}
