package covalence

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func (s *scheduler) state() (window, inflight int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.window, s.inflight
}

func (s *scheduler) queued(rd *Read) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[rd]; q != nil {
		return len(q.waiters)
	}
	return 0
}

func mustAcquire(t *testing.T, s *scheduler, rd *Read) *slot {
	t.Helper()
	sl, err := s.acquire(testCtx(t, 5*time.Second), rd, false, false)
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	return sl
}

// granted reports whether acquire returns within d.
func granted(s *scheduler, rd *Read, d time.Duration) (*slot, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	sl, err := s.acquire(ctx, rd, false, false)
	return sl, err == nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSchedulerWindowShrinksAndGrows: a refusal halves the window once per
// round of requests (never below 1); answers grow it back one step at a
// time, never above max.
func TestSchedulerWindowShrinksAndGrows(t *testing.T) {
	s := newScheduler(8, 0, time.Minute)
	s.probeBase, s.probeInterval = 0, 0
	rd := &Read{}
	var slots []*slot
	for range 8 {
		slots = append(slots, mustAcquire(t, s, rd))
	}
	if _, ok := granted(s, rd, 20*time.Millisecond); ok {
		t.Fatal("a ninth request went out with max 8")
	}
	r := slots[7].refused(0, false)
	if !r.shrunk || r.window != 4 {
		t.Fatalf("after a refusal: %+v, want the window halved to 4", r)
	}
	// Sent in the same round: its refusal is no news.
	if r := slots[6].refused(0, false); r.shrunk || r.window != 4 {
		t.Errorf("a second refusal of the same round: %+v, want the window left at 4", r)
	}
	for _, sl := range slots[:6] {
		sl.answered()
	}
	// Refusals of requests sent under the smaller window shrink it again, to 1 at the least.
	for _, want := range []int{2, 1, 1} {
		r := mustAcquire(t, s, rd).refused(0, false)
		if r.window != want {
			t.Errorf("window %d, want %d", r.window, want)
		}
	}
	// Answers grow it back, one step per window's worth of answers.
	w, _ := s.state()
	seen := []int{w}
	for range 200 {
		sl := mustAcquire(t, s, rd)
		sl.answered()
		w, _ := s.state()
		if w > 8 {
			t.Fatalf("window %d above max 8", w)
		}
		if seen[len(seen)-1] != w {
			seen = append(seen, w)
		}
	}
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(seen, want) {
		t.Errorf("window went %v, want %v", seen, want)
	}
}

// TestSchedulerProbesRarely: after a refusal the window grows back quickly
// to the largest window known to be served, and beyond it one step per
// probe interval.
func TestSchedulerProbesRarely(t *testing.T) {
	s := newScheduler(8, 0, time.Minute)
	rd := &Read{}
	var slots []*slot
	for range 4 {
		slots = append(slots, mustAcquire(t, s, rd))
	}
	s.mu.Lock()
	s.window, s.good = 4, 3 // as if 3 had served and 4 were a probe
	s.mu.Unlock()
	slots[3].refused(0, false) // window 2
	for _, sl := range slots[1:] {
		sl.answered()
	}
	s.mu.Lock()
	s.probeInterval = 500 * time.Millisecond
	s.mu.Unlock()
	start := time.Now()
	var reached3, reached4 time.Duration
	for reached4 == 0 {
		mustAcquire(t, s, rd).answered()
		switch w, _ := s.state(); {
		case w == 3 && reached3 == 0:
			reached3 = time.Since(start)
		case w == 4:
			reached4 = time.Since(start)
		case w > 4:
			t.Fatalf("window %d", w)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("the window did not grow back")
		}
	}
	if reached3 > 250*time.Millisecond {
		t.Errorf("back to 3 (known to be served) after %v, want at once", reached3)
	}
	if reached4 < 500*time.Millisecond {
		t.Errorf("probed 4 again after %v, want at least the 500ms probe interval", reached4)
	}
}

// TestSchedulerGoodNeedsRequestsInFlight: answers to requests sent one at a
// time prove a window of 1, not the window they were sent under.
func TestSchedulerGoodNeedsRequestsInFlight(t *testing.T) {
	s := newScheduler(8, 0, time.Minute)
	rd := &Read{}
	for range 20 {
		mustAcquire(t, s, rd).answered()
	}
	a, b := mustAcquire(t, s, rd), mustAcquire(t, s, rd)
	for range 8 {
		mustAcquire(t, s, rd).answered()
	}
	a.answered()
	b.answered()
	s.mu.Lock()
	good := s.good
	s.mu.Unlock()
	if good != 3 {
		t.Errorf("good = %d after at most 3 requests in flight, want 3", good)
	}
}

// TestSchedulerNeverExceedsMax: workers against a portal that refuses
// beyond 3 in flight; the scheduler never has more than max in flight, ends
// up refused less and less, and grows back once the limit is gone.
func TestSchedulerNeverExceedsMax(t *testing.T) {
	const maxInFlight, limit = 6, 3
	s := newScheduler(maxInFlight, 0, time.Minute)
	s.probeBase, s.probeInterval = 5*time.Millisecond, 5*time.Millisecond
	var inPortal, peak, refusals atomic.Int32
	var limited atomic.Bool
	limited.Store(true)
	var wg sync.WaitGroup
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rd := &Read{}
			if w%2 == 0 {
				rd = nil
			}
			for range 60 {
				r := rd
				if r == nil {
					r = &Read{}
				}
				sl, err := s.acquire(context.Background(), r, false, false)
				if err != nil {
					t.Error(err)
					return
				}
				n := inPortal.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				inPortal.Add(-1)
				if limited.Load() && n > limit {
					refusals.Add(1)
					sl.refused(0, false)
				} else {
					sl.answered()
				}
			}
		}()
	}
	wg.Wait()
	if p := peak.Load(); p > maxInFlight {
		t.Errorf("%d requests in flight, max %d", p, maxInFlight)
	}
	if refusals.Load() == 0 {
		t.Error("no refusal: the test did not exercise the window")
	}
	if w, in := s.state(); in != 0 || w < 1 || w > maxInFlight {
		t.Errorf("window %d, %d in flight after the run", w, in)
	}
	limited.Store(false)
	for range 400 {
		mustAcquire(t, s, &Read{}).answered()
		time.Sleep(100 * time.Microsecond)
	}
	if w, _ := s.state(); w != maxInFlight {
		t.Errorf("window %d after 400 answers without a limit, want back to %d", w, maxInFlight)
	}
}

// TestSchedulerPauseReleasesGradually: a Retry-After holds every request
// back; at its end the waiting requests go out one by one, with jittered
// gaps, not all in the same instant.
func TestSchedulerPauseReleasesGradually(t *testing.T) {
	s := newScheduler(8, 0, time.Minute)
	rd := &Read{}
	sl := mustAcquire(t, s, rd)
	pause := 300 * time.Millisecond
	refusedAt := time.Now()
	r := sl.refused(pause, true)
	if !r.pauseSet || r.paused < pause-20*time.Millisecond {
		t.Fatalf("refusal with Retry-After: %+v", r)
	}
	const n = 6
	var at []time.Time // grant times, recorded by the scheduler (under its lock)
	s.mu.Lock()
	s.onGrant = func(now time.Time) { at = append(at, now) }
	s.mu.Unlock()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := mustAcquire(t, s, &Read{})
			time.Sleep(200 * time.Millisecond) // hold the slot: the window is what limits
			sl.answered()
		}()
	}
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(at) != n {
		t.Fatalf("%d granted", len(at))
	}
	slices.SortFunc(at, time.Time.Compare)
	if first := at[0].Sub(refusedAt); first < pause-5*time.Millisecond {
		t.Errorf("a request went out %v into a %v pause", first, pause)
	}
	// The window is 4 after the refusal: four go out one by one, the other
	// two when slots free up.
	gaps := map[time.Duration]bool{}
	for i := 1; i < 4; i++ {
		gap := at[i].Sub(at[i-1])
		gaps[gap] = true
		if gap < 10*time.Millisecond {
			t.Errorf("requests %d and %d went out %v apart: not a gradual release (%v)", i, i+1, gap, at)
		}
	}
	if len(gaps) < 2 {
		t.Errorf("release gaps %v: no jitter", gaps)
	}
	if span := at[3].Sub(at[0]); span > time.Second {
		t.Errorf("the release took %v", span)
	}
}

// TestSchedulerCancelFreesSlot: a request whose context ends, waiting in the
// queue or for the rate, leaves no slot taken.
func TestSchedulerCancelFreesSlot(t *testing.T) {
	s := newScheduler(1, 0, time.Minute)
	rd := &Read{}
	a := mustAcquire(t, s, rd)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := s.acquire(ctx, rd, false, false)
		errc <- err
	}()
	waitFor(t, "the request to queue", func() bool { return s.queued(rd) == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled acquire: %v", err)
	}
	if s.queued(rd) != 0 {
		t.Error("the cancelled request is still queued")
	}
	a.answered()
	if _, ok := granted(s, rd, time.Second); !ok {
		t.Fatal("the slot was not free after a cancelled wait")
	}

	// Cancelled while it waits for its token, holding a slot.
	s = newScheduler(2, 1, time.Minute) // one request per second
	a = mustAcquire(t, s, rd)           // takes the first token
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		_, err := s.acquire(ctx, rd, false, false)
		errc <- err
	}()
	waitFor(t, "the second request to hold a slot", func() bool { _, in := s.state(); return in == 2 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled token wait: %v", err)
	}
	if _, in := s.state(); in != 1 {
		t.Errorf("%d in flight after the cancelled token wait, want 1", in)
	}
	a.answered()
}

// TestSchedulerFairAcrossReads: a read's first request waits behind at most
// one request of another read however many that one has queued.
func TestSchedulerFairAcrossReads(t *testing.T) {
	s := newScheduler(1, 0, time.Minute)
	deep, fresh := &Read{}, &Read{}
	hold := mustAcquire(t, s, &Read{})
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	enqueue := func(rd *Read, name string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sl := mustAcquire(t, s, rd)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			sl.answered()
		}()
	}
	for i := range 10 {
		enqueue(deep, "deep")
		waitFor(t, "deep paging to queue", func() bool { return s.queued(deep) == i+1 })
	}
	enqueue(fresh, "fresh")
	waitFor(t, "the fresh read to queue", func() bool { return s.queued(fresh) == 1 })
	hold.answered()
	wg.Wait()
	pos := -1
	for i, n := range order {
		if n == "fresh" {
			pos = i
		}
	}
	if pos < 0 || pos > 1 {
		t.Errorf("the fresh read's request went out at position %d: %v", pos+1, order)
	}
}

// TestSchedulerSubReadsQueueWithTheirRead: a read started within another
// (a stream within a data source read) takes the outer read's turns and
// counts in both.
func TestSchedulerSubReadsQueueWithTheirRead(t *testing.T) {
	ctx, outer := StartRead(context.Background())
	_, inner := StartRead(ctx)
	if inner.root() != outer {
		t.Fatal("the inner read's root is not the outer read")
	}
	s := newScheduler(2, 0, time.Minute)
	sl, err := s.acquire(context.Background(), inner, false, false)
	if err != nil {
		t.Fatal(err)
	}
	inner.sent()
	inner.count(false, true)
	sl.refused(0, false)
	for _, r := range []*Read{inner, outer} {
		if st := r.Stats(); st.Requests != 1 || st.RateLimited != 1 {
			t.Errorf("stats %+v", st)
		}
	}
}

// TestSchedulerRefusalStreak: refusals alone for the bound make refused
// requests give up; an answer ends the streak; a pause never outlasts it.
func TestSchedulerRefusalStreak(t *testing.T) {
	s := newScheduler(4, 0, 500*time.Millisecond)
	rd := &Read{}
	if r := mustAcquire(t, s, rd).refused(0, false); r.giveUp || r.refused != 1 {
		t.Fatalf("first refusal: %+v", r)
	}
	time.Sleep(50 * time.Millisecond)
	if r := mustAcquire(t, s, rd).refused(0, false); r.giveUp || r.refused != 2 {
		t.Fatalf("refusal within the bound: %+v", r)
	}
	time.Sleep(500 * time.Millisecond)
	r := mustAcquire(t, s, rd).refused(0, false)
	if !r.giveUp || r.refused != 3 || r.streak < 500*time.Millisecond {
		t.Fatalf("refusal after the bound: %+v, want giveUp with 3 refused over >= 500ms", r)
	}
	mustAcquire(t, s, rd).answered()
	if r := mustAcquire(t, s, rd).refused(10*time.Second, true); r.giveUp || r.refused != 1 || r.paused > 500*time.Millisecond {
		t.Errorf("after an answer: %+v, want a new streak whose pause ends with its bound", r)
	}
	if r := mustAcquire(t, s, rd).refused(time.Hour, true); r.retryable {
		t.Errorf("a Retry-After of an hour is waited for: %+v", r)
	}
}

func TestTokenBucketSpacesRequests(t *testing.T) {
	b := newTokenBucket(50) // one every 20 ms
	start := time.Now()
	for range 6 {
		if err := b.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 95*time.Millisecond {
		t.Errorf("6 tokens at 50/s in %v, want at least 100ms", el)
	}
	slow := newTokenBucket(0.001) // the first token is free, the next 1000 s away
	if err := slow.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := slow.wait(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Errorf("a wait for a far token ended with %v after %v, want the context's end", err, time.Since(start))
	}
}
