package covalence

import "time"

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
	// After a pause, requests are released one by one with gaps of
	// Retry-After/10, bounded by these, jittered by half either way.
	minReleaseGap = 5 * time.Millisecond
	maxReleaseGap = 100 * time.Millisecond
)

// flowPolicy decides when the requests of one Client may be sent: how many
// may be in flight (the window), whether a Retry-After pause holds them, and
// how they are released after it. It is plain data: every method takes the
// current time and the number of requests in flight, and returns a
// decision; it has no lock, timer or goroutine (the scheduler holds it under
// its lock and sets the timers).
//
//   - the window: at most window requests are in flight, 1 <= window <= max
//     (max_parallel_requests). A refusal halves it once per round of
//     requests; each run of window answers grows it back by one: at once up
//     to the largest window known to be served (growth.good), beyond that
//     one step per probe interval.
//   - the pause: a refusal with Retry-After holds every request until then;
//     after it, requests are released one by one with jittered gaps until
//     the window is full.
//   - the streak: refusals since the last answer. Once it has lasted
//     streak.bound, refused requests give up; a pause never outlasts it.
type flowPolicy struct {
	max    int
	window int
	grow   growth
	pause  pause
	streak streak
	grants uint64 // requests granted so far: the number of the last one
	// jitter returns a value in [0, n); tests make it fixed.
	jitter func(n int64) int64
}

// growth is the state of the window's growth.
type growth struct {
	good       int           // the most requests in flight that the portal served through a round of answers
	peak       int           // the most requests in flight since the window last changed
	answers    int           // answers since the window last changed
	probeBase  time.Duration // least probe interval
	probeEvery time.Duration // least time between steps beyond good
	changed    time.Time     // the window last grew or shrank
	shrunkAt   uint64        // the last grant before the window last shrank: refusals of requests up to it are old news
}

// pause is a Retry-After pause and the gradual release after it.
type pause struct {
	until        time.Time     // nothing is sent before this
	releaseUntil time.Time     // until then (or until the window is full), one request per gap
	gap          time.Duration // the mean gap between released requests
	next         time.Time     // the next released request goes no earlier than this
}

// streak is the run of refusals since the portal last answered.
type streak struct {
	bound    time.Duration // how long it may last before refused requests give up
	since    time.Time     // its first refusal; zero while answers come
	refusals int
}

func newFlowPolicy(maxInFlight int, streakBound time.Duration) flowPolicy {
	return flowPolicy{
		max:    maxInFlight,
		window: maxInFlight,
		grow:   growth{probeBase: minProbeInterval, probeEvery: minProbeInterval},
		streak: streak{bound: streakBound},
		jitter: jitter,
	}
}

// mayGrant decides whether one more request may be sent at now with
// inflight requests in flight. When it may not, holdUntil is when to ask
// again, or zero when only an answer can make room (the window is full).
func (p *flowPolicy) mayGrant(now time.Time, inflight int) (ok bool, holdUntil time.Time) {
	switch {
	case inflight >= p.window:
		return false, time.Time{}
	case now.Before(p.pause.until):
		return false, p.pause.until
	case now.Before(p.pause.releaseUntil) && now.Before(p.pause.next):
		return false, p.pause.next
	}
	return true, time.Time{}
}

// granted records a request sent at now; inflight counts it. It returns
// the request's number, for refused.
func (p *flowPolicy) granted(now time.Time, inflight int) (n uint64) {
	p.grants++
	p.grow.peak = max(p.grow.peak, inflight)
	if !now.Before(p.pause.releaseUntil) {
		return p.grants
	}
	if inflight >= p.window {
		p.pause.releaseUntil = time.Time{} // the window is full: the release is over
		return p.grants
	}
	p.pause.next = now.Add(p.pause.gap/2 + time.Duration(p.jitter(int64(p.pause.gap))))
	return p.grants
}

// limiting reports whether the portal's rate limits hold requests back at
// now: a pause, or a window shrunk below max.
func (p *flowPolicy) limiting(now time.Time) bool {
	return now.Before(p.pause.until) || p.window < p.max
}

// answered records an answer that is not a refusal, at now; inflight no
// longer counts its request. The streak ends, and a run of answers grows
// the window.
func (p *flowPolicy) answered(now time.Time, inflight int) {
	p.streak.since, p.streak.refusals = time.Time{}, 0
	g := &p.grow
	g.answers++
	if g.answers < p.window {
		return
	}
	// Only requests that were in flight together prove a window good.
	g.good = max(g.good, min(p.window, g.peak))
	if p.window < p.max && (p.window < g.good || now.Sub(g.changed) >= g.probeEvery) {
		p.window++
		g.answers, g.changed, g.peak = 0, now, inflight
	}
}

// slowdown is what the policy did about one refusal.
type slowdown struct {
	window   int           // the window after it
	paused   time.Duration // what remains of the pause in force, 0 if none
	refusals int           // refusals since the last answer, this one included
	streak   time.Duration // how long the portal has refused everything
	giveUp   bool          // the streak has lasted its bound: the request fails
	shrunk   bool          // this refusal shrank the window
	pauseSet bool          // this refusal started or extended the pause
	waitable bool          // its Retry-After, if any, is short enough to wait for
}

// refused records a refusal at now of request number n (granted's);
// inflight no longer counts it. retryAfter, when given (hasRetryAfter) and at most
// MaxRetryAfter, pauses every request.
func (p *flowPolicy) refused(now time.Time, n uint64, inflight int, retryAfter time.Duration, hasRetryAfter bool) slowdown {
	st := &p.streak
	st.refusals++
	if st.since.IsZero() {
		st.since = now
	}
	d := slowdown{waitable: !hasRetryAfter || retryAfter <= MaxRetryAfter}
	g := &p.grow
	g.answers = 0
	// Requests sent before the last decrease saw the old window: their
	// refusals are news of that window, not of the one they caused. A window
	// thought good that is refused is good no more.
	if n > g.shrunkAt {
		if p.window <= g.good {
			g.good = p.window - 1
		}
		if p.window > 1 {
			p.window = max(1, p.window/2)
			d.shrunk = true
		}
		g.probeEvery = g.probeBase
		if hasRetryAfter {
			g.probeEvery = min(maxProbeInterval, max(g.probeBase, probesPerPause*retryAfter))
		}
		g.shrunkAt, g.changed, g.peak = p.grants, now, inflight
	}
	deadline := st.since.Add(st.bound)
	if hasRetryAfter && d.waitable && retryAfter > 0 {
		// The pause never outlasts the streak's bound: when it is reached,
		// requests go out, and those refused give up.
		until := now.Add(retryAfter)
		if until.After(deadline) {
			until = deadline
		}
		if until.After(p.pause.until) {
			gap := min(maxReleaseGap, max(minReleaseGap, retryAfter/10))
			p.pause = pause{until: until, releaseUntil: until.Add(time.Duration(p.max) * gap), gap: gap, next: until}
			d.pauseSet = true
		}
	}
	if now.Before(p.pause.until) {
		d.paused = p.pause.until.Sub(now)
	}
	d.window, d.refusals = p.window, st.refusals
	d.streak = now.Sub(st.since)
	d.giveUp = !now.Before(deadline)
	return d
}
