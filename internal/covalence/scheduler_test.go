package covalence

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The scheduler's tests run in a synctest bubble: time is fake, and moves
// only when every goroutine of the bubble is blocked, so the times below
// are exact.

func (s *scheduler) state() (window, inflight int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policy.window, s.inflight
}

// queued is the number of requests waiting in rd's queue (rd's outermost read's).
func (s *scheduler) queued(rd *Read) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[rd.root()]; q != nil {
		return len(q.waiters)
	}
	return 0
}

// fixedJitter makes every release gap its mean.
func fixedJitter(s *scheduler) *scheduler {
	s.policy.jitter = func(n int64) int64 { return n / 2 }
	return s
}

func mustAcquire(t *testing.T, s *scheduler, rd *Read) *slot {
	t.Helper()
	sl, err := s.acquire(t.Context(), rd, acquireOptions{})
	if err != nil {
		t.Fatalf("acquire: %v", err)
	}
	return sl
}

// grant is a slot granted to a request started with acquireAsync, and when.
type grant struct {
	slot *slot
	at   time.Time
	err  error
}

// acquireAsync asks for a slot in a goroutine of its own; the channel gets
// the outcome.
func acquireAsync(ctx context.Context, s *scheduler, rd *Read) <-chan grant {
	c := make(chan grant, 1)
	go func() {
		sl, err := s.acquire(ctx, rd, acquireOptions{})
		c <- grant{slot: sl, at: time.Now(), err: err}
	}()
	return c
}

// pending fails the test if c has had its outcome (call it after
// synctest.Wait).
func pending(t *testing.T, c <-chan grant) {
	t.Helper()
	select {
	case g := <-c:
		t.Fatalf("granted (err %v) while it should wait", g.err)
	default:
	}
}

// TestSchedulerGrantsWithinTheWindow: requests beyond the window wait until
// answers bring the in-flight count below it; a refusal shrinks it.
func TestSchedulerGrantsWithinTheWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScheduler(8, 0, time.Minute)
		rd := &Read{}
		var slots []*slot
		for range 8 {
			slots = append(slots, mustAcquire(t, s, rd))
		}
		ninth := acquireAsync(t.Context(), s, rd)
		synctest.Wait()
		pending(t, ninth)
		if d := slots[7].refused(0, false); d.window != 4 || !d.shrunk {
			t.Fatalf("refusal: %+v, want the window halved to 4", d)
		}
		for _, sl := range slots[:3] {
			sl.answered()
		}
		synctest.Wait()
		pending(t, ninth) // 4 in flight, window 4
		slots[3].answered()
		g := <-ninth
		if g.err != nil {
			t.Fatal(g.err)
		}
		if w, in := s.state(); w != 4 || in != 4 {
			t.Errorf("window %d, %d in flight; want 4 and 4", w, in)
		}
	})
}

// TestSchedulerNeverExceedsMax: workers against a portal that refuses
// beyond 3 in flight; the scheduler never has more than max in flight, and
// grows back to max once the limit is gone.
func TestSchedulerNeverExceedsMax(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxInFlight, limit = 6, 3
		s := newScheduler(maxInFlight, 0, time.Minute)
		s.policy.grow.probeBase, s.policy.grow.probeEvery = 5*time.Millisecond, 5*time.Millisecond
		var inPortal, peak, refusals atomic.Int32
		var limited atomic.Bool
		limited.Store(true)
		var wg sync.WaitGroup
		for w := range 12 {
			shared := &Read{}
			wg.Go(func() {
				for range 60 {
					rd := shared
					if w%2 == 0 {
						rd = &Read{}
					}
					sl := mustAcquire(t, s, rd)
					n := inPortal.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
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
			})
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
		for range 60 {
			var wg sync.WaitGroup
			for range maxInFlight {
				wg.Go(func() {
					sl := mustAcquire(t, s, &Read{})
					time.Sleep(time.Millisecond)
					sl.answered()
				})
			}
			wg.Wait()
		}
		if w, _ := s.state(); w != maxInFlight {
			t.Errorf("window %d after 60 ms of answers without a limit, want back to %d", w, maxInFlight)
		}
	})
}

// TestSchedulerPauseReleasesGradually: a Retry-After holds every request
// back; at its end the waiting requests go out one per gap (a tenth of the
// pause) until the window is full, the rest as slots free up.
func TestSchedulerPauseReleasesGradually(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := fixedJitter(newScheduler(8, 0, time.Minute))
		start := time.Now()
		if d := mustAcquire(t, s, &Read{}).refused(300*time.Millisecond, true); !d.pauseSet || d.paused != 300*time.Millisecond || d.window != 4 {
			t.Fatalf("refusal with Retry-After: %+v", d)
		}
		var mu sync.Mutex
		var at []time.Duration
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				sl := mustAcquire(t, s, &Read{})
				mu.Lock()
				at = append(at, time.Since(start))
				mu.Unlock()
				time.Sleep(200 * time.Millisecond) // hold the slot: the window is what limits
				sl.answered()
			})
		}
		wg.Wait()
		slices.Sort(at)
		ms := time.Millisecond
		if want := []time.Duration{300 * ms, 330 * ms, 360 * ms, 390 * ms, 500 * ms, 530 * ms}; !slices.Equal(at, want) {
			t.Errorf("granted at %v, want %v", at, want)
		}
	})
}

// TestSchedulerReleaseJitter: with the real jitter, release gaps vary
// within half a gap either way.
func TestSchedulerReleaseJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScheduler(64, 0, time.Minute)
		mustAcquire(t, s, &Read{}).refused(time.Second, true) // gap 100 ms, window 32
		var at []time.Time
		for range 20 {
			mustAcquire(t, s, &Read{})
			at = append(at, time.Now())
		}
		gaps := map[time.Duration]bool{}
		for i := 1; i < len(at); i++ {
			gap := at[i].Sub(at[i-1])
			if gap < 50*time.Millisecond || gap >= 150*time.Millisecond {
				t.Errorf("release gap %v, want within [50ms, 150ms)", gap)
			}
			gaps[gap] = true
		}
		if len(gaps) < 5 {
			t.Errorf("release gaps %v: no jitter", gaps)
		}
	})
}

// TestSchedulerCancelFreesSlot: a request whose context ends while it
// waits leaves nothing behind: no queue entry, no slot, no token.
func TestSchedulerCancelFreesSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScheduler(1, 0, time.Minute)
		rd := &Read{}
		a := mustAcquire(t, s, rd)
		ctx, cancel := context.WithCancel(t.Context())
		c := acquireAsync(ctx, s, rd)
		synctest.Wait()
		if n := s.queued(rd); n != 1 {
			t.Fatalf("%d queued, want 1", n)
		}
		cancel()
		if g := <-c; !errors.Is(g.err, context.Canceled) {
			t.Fatalf("cancelled acquire: %v", g.err)
		}
		if s.queued(rd) != 0 {
			t.Error("the cancelled request is still queued")
		}
		a.answered()
		mustAcquire(t, s, rd).answered()

		// A request waiting for its token holds no slot; cancelled, it
		// hands the token back.
		s = newScheduler(2, 1, time.Minute) // one request per second
		start := time.Now()
		a = mustAcquire(t, s, rd) // the first token
		ctx, cancel = context.WithCancel(t.Context())
		c = acquireAsync(ctx, s, rd)
		time.Sleep(500 * time.Millisecond)
		if _, in := s.state(); in != 1 {
			t.Errorf("%d in flight while a request waits for its token, want 1", in)
		}
		cancel()
		if g := <-c; !errors.Is(g.err, context.Canceled) {
			t.Fatalf("cancelled token wait: %v", g.err)
		}
		a.answered()
		if mustAcquire(t, s, rd); time.Since(start) != time.Second {
			t.Errorf("the next request went out at %v, want at 1s (its token, handed back)", time.Since(start))
		}
	})
}

// TestSchedulerRateSpacesRequests: a client-side rate spaces grants
// exactly; a token reserved for a request that a pause then holds goes
// back, so that the requests after the pause are spaced too.
func TestSchedulerRateSpacesRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ms := time.Millisecond
		s := newScheduler(8, 50, time.Minute) // one every 20 ms
		start := time.Now()
		var cs []<-chan grant
		for range 6 {
			cs = append(cs, acquireAsync(t.Context(), s, &Read{}))
			synctest.Wait()
		}
		var at []time.Duration
		for _, c := range cs {
			g := <-c
			at = append(at, g.at.Sub(start))
			g.slot.answered()
		}
		if want := []time.Duration{0, 20 * ms, 40 * ms, 60 * ms, 80 * ms, 100 * ms}; !slices.Equal(at, want) {
			t.Errorf("6 requests at 50/s granted at %v, want %v", at, want)
		}

		s = fixedJitter(newScheduler(4, 10, time.Minute)) // one every 100 ms
		start = time.Now()
		a := mustAcquire(t, s, &Read{})
		b := acquireAsync(t.Context(), s, &Read{}) // its token is due at 100 ms
		time.Sleep(50 * time.Millisecond)
		a.refused(100*time.Millisecond, true) // a pause until 150 ms, release gap 10 ms
		c := acquireAsync(t.Context(), s, &Read{})
		gb, gc := <-b, <-c
		if gb.at.Sub(start) != 150*ms || gc.at.Sub(start) != 250*ms {
			t.Errorf("after the pause, granted at %v and %v; want 150ms and 250ms", gb.at.Sub(start), gc.at.Sub(start))
		}
	})
}

// TestSchedulerFairAcrossReads: a read's first request waits behind at most
// one request of another read however many that one has queued.
func TestSchedulerFairAcrossReads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newScheduler(1, 0, time.Minute)
		deep, fresh := &Read{}, &Read{}
		hold := mustAcquire(t, s, &Read{})
		order := servedOrder(t, s, hold, []*Read{deep, deep, deep, deep, deep, deep, deep, deep, deep, deep, fresh})
		if pos := slices.Index(order, 10); pos > 1 {
			t.Errorf("the fresh read's request went out at position %d: %v", pos+1, order)
		}
	})
}

// TestSchedulerSubReadsQueueWithTheirRead: requests of reads started within
// another (streams within a data source read) wait in the outer read's
// queue and take its turns: another read's request goes out second,
// however many sub-reads the outer read has.
func TestSchedulerSubReadsQueueWithTheirRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, outer := StartRead(t.Context())
		var subs []*Read
		for range 4 {
			_, sub := StartRead(ctx)
			subs = append(subs, sub, sub)
		}
		other := &Read{}
		s := newScheduler(1, 0, time.Minute)
		hold := mustAcquire(t, s, &Read{})
		order := servedOrder(t, s, hold, append(subs, other), func() {
			if n := s.queued(outer); n != 8 {
				t.Errorf("%d requests in the outer read's queue, want its sub-reads' 8", n)
			}
		})
		if pos := slices.Index(order, 8); pos != 1 {
			t.Errorf("the other read's request went out at position %d (%v), want 2", pos+1, order)
		}
	})
}

// servedOrder queues one request per element of reads, in order, while
// hold keeps the only slot, then releases it and returns the indexes of
// reads in the order they were served. queued, if given, runs once all
// are queued.
func servedOrder(t *testing.T, s *scheduler, hold *slot, reads []*Read, queued ...func()) []int {
	t.Helper()
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i, rd := range reads {
		wg.Go(func() {
			sl := mustAcquire(t, s, rd)
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			sl.answered()
		})
		synctest.Wait() // queued in this order
	}
	for _, f := range queued {
		f()
	}
	hold.answered()
	wg.Wait()
	return order
}
