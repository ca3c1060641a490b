package covalence

import (
	"context"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// scheduler is the flow control of one Client. Every attempt of every
// request asks it for a slot before it is sent and reports how it went. A
// slot is granted to the waiting request whose read's turn it is
// (fairness), when the flowPolicy lets one more request go (the window, a
// pause, the release after it) and, with a client-side rate, once a token
// of the rate limiter is in hand: a request waiting for its turn, the
// policy or a token is not in flight.
//
// Fairness: requests wait in one queue per read (StartRead), and the queues
// are served in turn, so a read's first request waits behind at most one
// request of each other read, however deep they page.
type scheduler struct {
	mu       sync.Mutex
	policy   flowPolicy
	inflight int
	ring     []*readQueue // reads with waiting requests, in serving order
	queues   map[*Read]*readQueue

	// rate spaces requests at the client-side rate (nil: none). token is a
	// token reserved for the next grant, due at its time; it is handed back
	// when the policy stops that grant.
	rate  *rate.Limiter
	token *rate.Reservation

	timer   *time.Timer // runs dispatchLocked again at timerAt
	timerAt time.Time
}

type readQueue struct {
	read    *Read
	waiters []*waiter
}

type waiter struct {
	ready   chan struct{}
	granted bool
	n       uint64 // the number of its grant (flowPolicy.granted)
}

func newScheduler(maxInFlight int, perSecond float64, streakBound time.Duration) *scheduler {
	s := &scheduler{
		policy: newFlowPolicy(maxInFlight, streakBound),
		queues: map[*Read]*readQueue{},
	}
	if perSecond > 0 {
		// A bucket of one token: requests evenly spaced, no burst.
		s.rate = rate.NewLimiter(rate.Limit(perSecond), 1)
	}
	return s
}

// acquireOptions says what kind of attempt asks for a slot.
type acquireOptions struct {
	// retry: the request was sent before (and refused or failed); it goes
	// to the head of its read's queue.
	retry bool
	// afterRefusal: its last attempt was refused, so the wait counts as one
	// on the portal's rate limits.
	afterRefusal bool
}

// slot is one granted attempt; answered, lost or refused must be called
// exactly once.
type slot struct {
	s *scheduler
	n uint64 // the number of its grant
}

// acquire waits for a slot. It fails only when ctx ends, and then holds no
// slot.
func (s *scheduler) acquire(ctx context.Context, rd *Read, opt acquireOptions) (*slot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &waiter{ready: make(chan struct{})}
	s.mu.Lock()
	now := time.Now()
	limited := opt.afterRefusal || s.policy.limiting(now)
	q := s.queues[rd.root()]
	if q == nil {
		q = &readQueue{read: rd.root()}
		s.queues[q.read] = q
		s.ring = append(s.ring, q)
	}
	if opt.retry {
		q.waiters = slices.Insert(q.waiters, 0, w)
	} else {
		q.waiters = append(q.waiters, w)
	}
	s.dispatchLocked(now)
	s.mu.Unlock()

	defer rd.startWait(limited)()
	select {
	case <-w.ready:
		return &slot{s: s, n: w.n}, nil
	case <-ctx.Done():
		s.mu.Lock()
		if w.granted {
			s.inflight--
		} else {
			s.removeLocked(q, w)
		}
		s.dispatchLocked(time.Now())
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

// removeLocked takes a waiter that gave up out of its queue.
func (s *scheduler) removeLocked(q *readQueue, w *waiter) {
	if i := slices.Index(q.waiters, w); i >= 0 {
		q.waiters = slices.Delete(q.waiters, i, i+1)
	}
	if len(q.waiters) == 0 && s.queues[q.read] == q {
		delete(s.queues, q.read)
		if i := slices.Index(s.ring, q); i >= 0 {
			s.ring = slices.Delete(s.ring, i, i+1)
		}
	}
}

// dispatchLocked grants slots to waiting requests, one read at a time in
// turn, while the policy and the rate let them go.
func (s *scheduler) dispatchLocked(now time.Time) {
	for len(s.ring) > 0 {
		ok, holdUntil := s.policy.mayGrant(now, s.inflight)
		if !ok {
			if !holdUntil.IsZero() {
				s.wakeAt(holdUntil)
			}
			break
		}
		if s.rate != nil {
			if s.token == nil {
				s.token = s.rate.ReserveN(now, 1)
			}
			if d := s.token.DelayFrom(now); d > 0 {
				s.wakeAt(now.Add(d))
				return
			}
			s.token = nil
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
		s.inflight++
		w.n = s.policy.granted(now, s.inflight)
		w.granted = true
		close(w.ready)
	}
	// Nobody may go now: a token reserved for the next grant goes back to
	// the limiter, so that it does not add to the rate later.
	if s.token != nil {
		s.token.CancelAt(now)
		s.token = nil
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
// refusal.
func (sl *slot) answered() {
	s := sl.s
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.inflight--
	s.policy.answered(now, s.inflight)
	s.dispatchLocked(now)
}

// lost reports an attempt that got no answer (connection failure, timeout).
func (sl *slot) lost() {
	s := sl.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight--
	s.dispatchLocked(time.Now())
}

// refused reports an attempt the portal refused (HTTP 429, or 503 with
// Retry-After) and returns what the policy did about it.
func (sl *slot) refused(retryAfter time.Duration, hasRetryAfter bool) slowdown {
	s := sl.s
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.inflight--
	d := s.policy.refused(now, sl.n, s.inflight, retryAfter, hasRetryAfter)
	s.dispatchLocked(now)
	return d
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
