package covalence

import (
	"context"
	"sync"
	"time"
)

// Flow-control defaults.
const (
	// DefaultRateLimitTimeout is how long the portal may answer nothing but
	// refusals (HTTP 429, or 503 with Retry-After) before refused requests
	// fail instead of waiting and trying again.
	DefaultRateLimitTimeout = 2 * time.Minute
	// A window that was refused is grown back quickly up to the largest
	// window that served a full round of answers without a refusal, and
	// beyond it only one step per probe interval: a probe that overshoots
	// costs a Retry-After pause of every request, so probes are rare next to
	// that pause.
	minProbeInterval = 2 * time.Second
	maxProbeInterval = 30 * time.Second
	probesPerPause   = 10
	// maxReleaseGap bounds the gap between two requests released one by one
	// after a pause.
	maxReleaseGap = 100 * time.Millisecond
	minReleaseGap = 5 * time.Millisecond
)

// scheduler is the flow control of one Client. Every attempt of every
// request asks it for a slot before it is sent and reports how it went:
//
//   - the window: at most window requests are in flight, window <= max
//     (max_parallel_requests). A refusal halves it (never below 1) once per
//     round of requests; each run of window answers grows it back by one
//     (AIMD): quickly up to the largest window known to be served, beyond
//     that at most once per probe interval.
//   - the pause: a refusal with Retry-After holds back every request of the
//     client until then; after it, waiting requests are released one by one
//     with jittered gaps until the window is full, never all at once.
//   - fairness: requests wait in one queue per read (StartRead), and the
//     queues are served in turn, so a read's first request waits behind at
//     most one request of each other read, however deep they page.
//   - the rate: an optional token bucket spaces requests at a client-side
//     rate (requests_per_second).
//   - the refusal streak: refusals do not use up a request's retries, but
//     once the portal has answered nothing but refusals for refusalBound,
//     refused requests fail.
type scheduler struct {
	mu       sync.Mutex
	max      int
	window   int
	inflight int
	ring     []*readQueue // reads with waiting requests, in serving order
	queues   map[*Read]*readQueue
	rate     *tokenBucket // nil: no client-side rate

	pausedUntil time.Time
	// After a pause, requests are released at most one per releaseGap
	// (jittered) until rampUntil or until the window is full.
	rampUntil   time.Time
	releaseGap  time.Duration
	nextRelease time.Time
	timer       *time.Timer
	timerAt     time.Time

	good          int           // the most requests in flight that the portal served through a round of answers
	peak          int           // the most requests in flight since the window last changed
	probeBase     time.Duration // least probe interval
	probeInterval time.Duration // least time between steps beyond good
	successes     int           // answers since the window last changed
	lastChange    time.Time     // the window last grew or shrank
	lastDecrease  time.Time     // requests sent before this do not shrink the window again

	onGrant func(time.Time) // tests: called as each slot is granted, under mu

	refusalBound  time.Duration
	refusingSince time.Time // first refusal since the last answer; zero while answers come
	refused       int       // refusals since the last answer
}

type readQueue struct {
	read    *Read
	waiters []*waiter
}

type waiter struct {
	ready   chan struct{}
	granted bool
}

func newScheduler(maxInFlight int, perSecond float64, refusalBound time.Duration) *scheduler {
	s := &scheduler{
		max:           maxInFlight,
		window:        maxInFlight,
		queues:        map[*Read]*readQueue{},
		probeBase:     minProbeInterval,
		probeInterval: minProbeInterval,
		refusalBound:  refusalBound,
	}
	if perSecond > 0 {
		s.rate = newTokenBucket(perSecond)
	}
	return s
}

// slot is one granted attempt; answered, failed or refused must be called
// exactly once.
type slot struct {
	s    *scheduler
	sent time.Time
}

// acquire waits for a slot: for its read's turn, a free place in the window,
// the end of any pause, and the client-side rate. retry puts the request at
// the head of its read's queue (it was sent before and refused or failed);
// afterRefusal counts the wait as one on rate limits. It fails only when ctx
// ends, and then holds no slot.
func (s *scheduler) acquire(ctx context.Context, rd *Read, retry, afterRefusal bool) (*slot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &waiter{ready: make(chan struct{})}
	s.mu.Lock()
	now := time.Now()
	limited := afterRefusal || now.Before(s.pausedUntil) || s.window < s.max
	q := s.queues[rd.root()]
	if q == nil {
		q = &readQueue{read: rd.root()}
		s.queues[q.read] = q
		s.ring = append(s.ring, q)
	}
	if retry {
		q.waiters = append([]*waiter{w}, q.waiters...)
	} else {
		q.waiters = append(q.waiters, w)
	}
	s.dispatchLocked(now)
	s.mu.Unlock()

	rd.waitBegin(limited)
	defer rd.waitEnd(limited)
	select {
	case <-w.ready:
	case <-ctx.Done():
		s.mu.Lock()
		if w.granted {
			s.inflight--
			s.dispatchLocked(time.Now())
		} else {
			s.removeLocked(q, w)
		}
		s.mu.Unlock()
		return nil, ctx.Err()
	}
	if s.rate != nil {
		err := s.rate.wait(ctx)
		if err == nil {
			// A pause that began while this request waited for its token
			// holds it too.
			s.mu.Lock()
			until := s.pausedUntil
			s.mu.Unlock()
			err = sleep(ctx, time.Until(until))
		}
		if err != nil {
			s.mu.Lock()
			s.inflight--
			s.dispatchLocked(time.Now())
			s.mu.Unlock()
			return nil, err
		}
	}
	return &slot{s: s, sent: time.Now()}, nil
}

// removeLocked takes a waiter that gave up out of its queue.
func (s *scheduler) removeLocked(q *readQueue, w *waiter) {
	for i, x := range q.waiters {
		if x == w {
			q.waiters = append(q.waiters[:i], q.waiters[i+1:]...)
			break
		}
	}
	if len(q.waiters) == 0 && s.queues[q.read] == q {
		delete(s.queues, q.read)
		for i, x := range s.ring {
			if x == q {
				s.ring = append(s.ring[:i], s.ring[i+1:]...)
				break
			}
		}
	}
}

// dispatchLocked grants slots to waiting requests, one read at a time in
// turn, while the window has room and no pause or release gap holds them.
func (s *scheduler) dispatchLocked(now time.Time) {
	for len(s.ring) > 0 && s.inflight < s.window {
		if now.Before(s.pausedUntil) {
			s.wakeAt(s.pausedUntil)
			return
		}
		ramping := now.Before(s.rampUntil)
		if ramping && now.Before(s.nextRelease) {
			s.wakeAt(s.nextRelease)
			return
		}
		q := s.ring[0]
		w := q.waiters[0]
		q.waiters = q.waiters[1:]
		s.ring = s.ring[1:]
		if len(q.waiters) > 0 {
			s.ring = append(s.ring, q)
		} else {
			delete(s.queues, q.read)
		}
		w.granted = true
		s.inflight++
		s.peak = max(s.peak, s.inflight)
		close(w.ready)
		if s.onGrant != nil {
			s.onGrant(now)
		}
		if ramping {
			if s.inflight >= s.window {
				s.rampUntil = time.Time{} // the window is full: the release is over
			} else {
				s.nextRelease = now.Add(s.releaseGap/2 + time.Duration(jitter(int64(s.releaseGap))))
			}
		}
	}
}

// wakeAt makes sure dispatchLocked runs again at at.
func (s *scheduler) wakeAt(at time.Time) {
	if s.timer != nil && !s.timerAt.After(at) {
		return // an earlier wake-up is due; it re-arms as needed
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timerAt = at
	s.timer = time.AfterFunc(time.Until(at), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.timerAt.Equal(at) {
			s.timer, s.timerAt = nil, time.Time{}
		}
		s.dispatchLocked(time.Now())
	})
}

// answered reports an attempt the portal answered with anything but a
// refusal: the refusal streak ends, and a run of them grows the window.
func (sl *slot) answered() {
	s := sl.s
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.inflight--
	s.refusingSince, s.refused = time.Time{}, 0
	s.successes++
	if s.successes >= s.window {
		// Only requests that were in flight together prove a window good.
		s.good = max(s.good, min(s.window, s.peak))
		if s.window < s.max && (s.window < s.good || now.Sub(s.lastChange) >= s.probeInterval) {
			s.window++
			s.successes, s.lastChange, s.peak = 0, now, s.inflight
		}
	}
	s.dispatchLocked(now)
}

// failed reports an attempt that got no answer (connection failure, timeout).
func (sl *slot) failed() {
	s := sl.s
	s.mu.Lock()
	s.inflight--
	s.dispatchLocked(time.Now())
	s.mu.Unlock()
}

// refusal describes the scheduler's state after a refusal.
type refusal struct {
	window    int           // the window after this refusal
	paused    time.Duration // the pause now in force, 0 if none
	refused   int           // refusals since the last answer
	streak    time.Duration // how long the portal has refused everything
	giveUp    bool          // the streak has lasted the bound: fail the request
	shrunk    bool          // this refusal shrank the window
	pauseSet  bool          // this refusal started or extended the pause
	retryable bool          // retryAfter is short enough to wait for
}

// refused reports an attempt the portal refused (HTTP 429, or 503 with
// Retry-After). retryAfter, when given (hasRetryAfter) and at most
// MaxRetryAfter, pauses every request of the client.
func (sl *slot) refused(retryAfter time.Duration, hasRetryAfter bool) refusal {
	s := sl.s
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.inflight--
	s.refused++
	if s.refusingSince.IsZero() {
		s.refusingSince = now
	}
	r := refusal{retryable: !hasRetryAfter || retryAfter <= MaxRetryAfter}
	s.successes = 0
	// Requests sent before the last decrease saw the old window: their
	// refusals are news of that window, not of the one they caused. A window
	// thought good that is refused is good no more.
	if !sl.sent.Before(s.lastDecrease) {
		if s.window <= s.good {
			s.good = s.window - 1
		}
		if s.window > 1 {
			s.window = max(1, s.window/2)
			r.shrunk = true
		}
		s.probeInterval = s.probeBase
		if hasRetryAfter {
			s.probeInterval = min(maxProbeInterval, max(s.probeBase, probesPerPause*retryAfter))
		}
		s.lastDecrease, s.lastChange, s.peak = now, now, s.inflight
	}
	deadline := s.refusingSince.Add(s.refusalBound)
	if hasRetryAfter && r.retryable && retryAfter > 0 {
		// The pause never outlasts the streak's bound: when it is reached,
		// requests go out, and those refused fail.
		until := now.Add(retryAfter)
		if until.After(deadline) {
			until = deadline
		}
		if until.After(s.pausedUntil) {
			s.pausedUntil = until
			s.releaseGap = min(maxReleaseGap, max(minReleaseGap, retryAfter/10))
			s.rampUntil = until.Add(time.Duration(s.max) * s.releaseGap)
			s.nextRelease = until
			r.pauseSet = true
		}
	}
	if now.Before(s.pausedUntil) {
		r.paused = s.pausedUntil.Sub(now)
	}
	r.window, r.refused = s.window, s.refused
	r.streak = now.Sub(s.refusingSince)
	r.giveUp = !now.Before(deadline)
	s.dispatchLocked(now)
	return r
}

// tokenBucket spaces requests at a steady rate: a bucket of one token,
// refilled every 1/rate seconds, so that no burst exceeds the rate.
type tokenBucket struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time // when the next token is available
}

func newTokenBucket(perSecond float64) *tokenBucket {
	return &tokenBucket{interval: time.Duration(float64(time.Second) / perSecond)}
}

// wait takes a token, waiting for it; a cancelled wait returns ctx's error.
func (b *tokenBucket) wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	at := b.next
	if at.Before(now) {
		at = now
	}
	b.next = at.Add(b.interval)
	b.mu.Unlock()
	return sleep(ctx, at.Sub(now))
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Read groups the requests of one read (one data source read): the
// scheduler serves reads in turn, and counts what each one cost. A Read is
// safe for concurrent use.
type Read struct {
	parent              *Read // the read this one is part of, if any
	mu                  sync.Mutex
	stats               ReadStats
	waiting, rlWaiting  int
	waitFrom, rlWaitFrm time.Time
}

// ReadStats is what one read cost.
type ReadStats struct {
	Requests    int // HTTP requests sent, retries included
	Retries     int // of which retries
	RateLimited int // answers that refused a request (HTTP 429, or 503 with Retry-After)
	// Waited is the time at least one request of the read waited for the
	// scheduler or a retry; RateLimitWait is the part of it spent waiting
	// because of the portal's rate limits (a pause, a retry after a refusal,
	// a window shrunk by refusals).
	Waited, RateLimitWait time.Duration
}

type readKey struct{}

// StartRead marks ctx as one read: requests made with the returned context
// are served in turn with other reads' and counted in the returned Read. A
// read started within another is part of it: its requests queue with the
// outer read's and count in both.
func StartRead(ctx context.Context) (context.Context, *Read) {
	rd := &Read{}
	rd.parent, _ = ctx.Value(readKey{}).(*Read)
	return context.WithValue(ctx, readKey{}, rd), rd
}

// root is the outermost read, the unit of the scheduler's turns.
func (r *Read) root() *Read {
	for r.parent != nil {
		r = r.parent
	}
	return r
}

// readOf returns ctx's read, or a read of its own for a request made outside one.
func readOf(ctx context.Context) *Read {
	if rd, ok := ctx.Value(readKey{}).(*Read); ok {
		return rd
	}
	return &Read{}
}

// Stats returns what the read has cost so far.
func (r *Read) Stats() ReadStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.stats
	now := time.Now()
	if r.waiting > 0 {
		st.Waited += now.Sub(r.waitFrom)
	}
	if r.rlWaiting > 0 {
		st.RateLimitWait += now.Sub(r.rlWaitFrm)
	}
	return st
}

func (r *Read) count(retry, refused bool) {
	for ; r != nil; r = r.parent {
		r.mu.Lock()
		if retry {
			r.stats.Retries++
		}
		if refused {
			r.stats.RateLimited++
		}
		r.mu.Unlock()
	}
}

func (r *Read) sent() {
	for ; r != nil; r = r.parent {
		r.mu.Lock()
		r.stats.Requests++
		r.mu.Unlock()
	}
}

// waitBegin and waitEnd bracket a wait; the read's wait times are the union
// of its requests' waits, not their sum.
func (r *Read) waitBegin(limited bool) {
	if r.parent != nil {
		r.parent.waitBegin(limited)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.waiting == 0 {
		r.waitFrom = now
	}
	r.waiting++
	if limited {
		if r.rlWaiting == 0 {
			r.rlWaitFrm = now
		}
		r.rlWaiting++
	}
}

func (r *Read) waitEnd(limited bool) {
	if r.parent != nil {
		r.parent.waitEnd(limited)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.waiting--
	if r.waiting == 0 {
		r.stats.Waited += now.Sub(r.waitFrom)
	}
	if limited {
		r.rlWaiting--
		if r.rlWaiting == 0 {
			r.stats.RateLimitWait += now.Sub(r.rlWaitFrm)
		}
	}
}
