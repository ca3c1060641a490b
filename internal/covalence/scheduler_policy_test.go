package covalence

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// policyOp is one event a flowPolicy sees.
type policyOp int

const (
	opGrant  policyOp = iota // a request is sent (the policy must allow it)
	opAnswer                 // an answer that is not a refusal
	opRefuse                 // a refusal; ra > 0 with Retry-After
	opHeld                   // no request may go: hold is when to ask again (0: only an answer makes room)
)

// policyEvent is an event at a time since the start of the case, with what
// the policy must say after it. Zero expectations are not checked, except
// for opHeld's hold and a refusal's slowdown when want is set.
type policyEvent struct {
	at     time.Duration
	op     policyOp
	n      int           // opGrant, opAnswer: how many (default 1)
	sent   time.Duration // opRefuse: when the refused request was sent (one in flight sent then)
	ra     time.Duration // opRefuse: its Retry-After; noRA for none
	hold   time.Duration // opHeld
	window int           // the window after the event
	good   int           // growth.good after the event
	want   *slowdown     // opRefuse: the whole decision
}

// noRA marks a refusal without Retry-After.
const noRA = time.Duration(-1)

var policyT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func runPolicy(t *testing.T, p *flowPolicy, events []policyEvent) {
	t.Helper()
	type request struct {
		at time.Duration
		n  uint64
	}
	var inFlight []request // oldest first
	for i, e := range events {
		inflight := len(inFlight)
		now := policyT0.Add(e.at)
		where := fmt.Sprintf("event %d (op %d at %v)", i, e.op, e.at)
		n := max(e.n, 1)
		switch e.op {
		case opGrant:
			for range n {
				if ok, hold := p.mayGrant(now, inflight); !ok {
					t.Fatalf("%s: held (until %v) with %d in flight, window %d", where, hold.Sub(policyT0), inflight, p.window)
				}
				inflight++
				inFlight = append(inFlight, request{e.at, p.granted(now, inflight)})
			}
		case opAnswer:
			for range n {
				inFlight = inFlight[1:]
				p.answered(now, len(inFlight))
			}
		case opRefuse:
			j := slices.IndexFunc(inFlight, func(r request) bool { return r.at == e.sent })
			if j < 0 {
				t.Fatalf("%s: no request sent at %v in flight", where, e.sent)
			}
			r := inFlight[j]
			inFlight = slices.Delete(inFlight, j, j+1)
			d := p.refused(now, r.n, len(inFlight), max(e.ra, 0), e.ra != noRA)
			if e.want != nil && d != *e.want {
				t.Fatalf("%s: slowdown %+v, want %+v", where, d, *e.want)
			}
		case opHeld:
			ok, hold := p.mayGrant(now, inflight)
			var want time.Time
			if e.hold != 0 {
				want = policyT0.Add(e.hold)
			}
			if ok || !hold.Equal(want) {
				t.Fatalf("%s: mayGrant = %v, hold until %v; want held until %v", where, ok, hold.Sub(policyT0), e.hold)
			}
		}
		if e.window != 0 && p.window != e.window {
			t.Fatalf("%s: window %d, want %d", where, p.window, e.window)
		}
		if e.good != 0 && p.grow.good != e.good {
			t.Fatalf("%s: good %d, want %d", where, p.grow.good, e.good)
		}
	}
}

const ms = time.Millisecond

func TestFlowPolicy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		max    int
		bound  time.Duration
		events []policyEvent
	}{{
		name: "a refusal halves the window once per round, never below 1",
		max:  8,
		events: []policyEvent{
			{op: opGrant, n: 8, window: 8},
			{op: opHeld},
			{at: 10 * ms, op: opRefuse, ra: noRA, want: &slowdown{window: 4, refusals: 1, shrunk: true, waitable: true}},
			// Sent before the decrease: no news of the new window.
			{at: 11 * ms, op: opRefuse, ra: noRA, want: &slowdown{window: 4, refusals: 2, streak: ms, waitable: true}},
			{at: 12 * ms, op: opHeld}, // 6 in flight, window 4
			{at: 20 * ms, op: opAnswer, n: 6, window: 4},
			{at: 30 * ms, op: opGrant},
			{at: 31 * ms, op: opRefuse, sent: 30 * ms, ra: noRA, window: 2},
			{at: 40 * ms, op: opGrant},
			{at: 41 * ms, op: opRefuse, sent: 40 * ms, ra: noRA, window: 1},
			{at: 50 * ms, op: opGrant},
			{at: 51 * ms, op: opRefuse, sent: 50 * ms, ra: noRA, want: &slowdown{window: 1, refusals: 3, streak: 20 * ms, waitable: true}},
		},
	}, {
		name: "answers grow the window one step per window of answers, never above max",
		max:  3,
		events: []policyEvent{
			{op: opGrant, n: 3},
			{at: ms, op: opAnswer, n: 3, window: 3, good: 3},
			{at: 2 * ms, op: opGrant, n: 3},
			{at: 3 * ms, op: opRefuse, sent: 2 * ms, ra: noRA, window: 1, good: 2},
			{at: 3 * ms, op: opAnswer, n: 2, window: 2}, // below good: at once
			{at: 4 * ms, op: opGrant, n: 2},
			{at: 5 * ms, op: opAnswer, n: 2, window: 2, good: 2}, // beyond good: a probe waits 2 s
			{at: 2003 * ms, op: opGrant, n: 2},
			{at: 2003 * ms, op: opAnswer, n: 2, window: 3},
			{at: 2004 * ms, op: opGrant, n: 3},
			{at: 9 * time.Second, op: opAnswer, n: 3, window: 3, good: 3},
		},
	}, {
		name: "back at once to the largest window served, then one probe per interval",
		max:  8,
		events: []policyEvent{
			{op: opGrant, n: 8},
			{at: ms, op: opRefuse, ra: noRA, window: 4},
			{at: 2 * ms, op: opAnswer, n: 7, window: 4, good: 4}, // 7 were in flight: 4 is served
			{at: 3 * ms, op: opGrant, n: 4},
			{at: 4 * ms, op: opRefuse, sent: 3 * ms, ra: noRA, window: 2, good: 3}, // 4 refused: good no more
			{at: 5 * ms, op: opAnswer, n: 3, window: 3, good: 3},
			{at: 6 * ms, op: opGrant, n: 3},
			{at: 7 * ms, op: opAnswer, n: 3, window: 3, good: 3},
			{at: 2004 * ms, op: opGrant},
			{at: 2004 * ms, op: opAnswer, window: 3}, // 1999 ms since the window grew
			{at: 2005 * ms, op: opGrant},
			{at: 2005 * ms, op: opAnswer, window: 4},
		},
	}, {
		name: "answers to requests sent one at a time prove a window of 1",
		max:  8,
		events: []policyEvent{
			{op: opGrant}, {op: opAnswer}, {op: opGrant}, {op: opAnswer},
			{op: opGrant}, {op: opAnswer}, {op: opGrant}, {op: opAnswer},
			{op: opGrant}, {op: opAnswer}, {op: opGrant}, {op: opAnswer},
			{op: opGrant}, {op: opAnswer}, {op: opGrant}, {op: opAnswer, good: 1},
			{op: opGrant, n: 3},
			{op: opAnswer, n: 3, good: 3},
			{op: opGrant, n: 5},
			{op: opAnswer, n: 5, good: 5},
		},
	}, {
		name: "the probe interval after a Retry-After is 10 times it, within 2 to 30 s",
		max:  2,
		events: []policyEvent{
			{op: opGrant, n: 2},
			{at: ms, op: opRefuse, ra: time.Second, window: 1},
			{at: 2 * ms, op: opAnswer, window: 1},
			{at: 1001 * ms, op: opGrant},
			{at: 9000 * ms, op: opAnswer, window: 1}, // before 10 s since the decrease
			{at: 9000 * ms, op: opGrant},
			{at: 10001 * ms, op: opAnswer, window: 2},
			{at: 10001 * ms, op: opGrant, n: 2},
			{at: 10002 * ms, op: opRefuse, sent: 10001 * ms, ra: 10 * time.Second, window: 1},
			{at: 10002 * ms, op: opAnswer},
			{at: 25 * time.Second, op: opGrant},
			{at: 40001 * ms, op: opAnswer, window: 1}, // the 30 s cap: not yet
			{at: 40002 * ms, op: opGrant},
			{at: 40002 * ms, op: opAnswer, window: 2},
			{at: 40003 * ms, op: opGrant, n: 2},
			{at: 40004 * ms, op: opRefuse, sent: 40003 * ms, ra: 100 * ms, window: 1},
			{at: 40005 * ms, op: opAnswer},
			{at: 42003 * ms, op: opGrant},
			{at: 42003 * ms, op: opAnswer, window: 1}, // 2 s least: not yet
			{at: 42004 * ms, op: opGrant},
			{at: 42004 * ms, op: opAnswer, window: 2},
		},
	}, {
		name: "a Retry-After pauses every request, then releases them one per gap until the window is full",
		max:  8,
		events: []policyEvent{
			{op: opGrant},
			{at: 10 * ms, op: opRefuse, ra: 300 * ms,
				want: &slowdown{window: 4, paused: 300 * ms, refusals: 1, shrunk: true, pauseSet: true, waitable: true}},
			{at: 10 * ms, op: opHeld, hold: 310 * ms},
			{at: 309 * ms, op: opHeld, hold: 310 * ms},
			{at: 310 * ms, op: opGrant},
			// Gap 30 ms (a tenth of the pause); the test's jitter is none.
			{at: 310 * ms, op: opHeld, hold: 340 * ms},
			{at: 339 * ms, op: opHeld, hold: 340 * ms},
			{at: 340 * ms, op: opGrant},
			{at: 380 * ms, op: opGrant}, // late: the next gap runs from the grant
			{at: 380 * ms, op: opHeld, hold: 410 * ms},
			{at: 410 * ms, op: opGrant}, // the fourth fills the window of 4: the release is over
			{at: 410 * ms, op: opHeld},
			{at: 420 * ms, op: opAnswer, n: 4, window: 4},
			{at: 420 * ms, op: opGrant, n: 4},
		},
	}, {
		name: "a pause is extended only by a later end; the release gap is at most 100 ms",
		max:  4,
		events: []policyEvent{
			{op: opGrant, n: 3},
			{at: ms, op: opRefuse, ra: 10 * time.Second,
				want: &slowdown{window: 2, paused: 10 * time.Second, refusals: 1, shrunk: true, pauseSet: true, waitable: true}},
			{at: time.Second, op: opRefuse, ra: 2 * time.Second,
				want: &slowdown{window: 2, paused: 9001 * ms, refusals: 2, streak: 999 * ms, waitable: true}},
			{at: time.Second, op: opRefuse, ra: 10 * time.Second,
				want: &slowdown{window: 2, paused: 10 * time.Second, refusals: 3, streak: 999 * ms, pauseSet: true, waitable: true}},
			{at: 10999 * ms, op: opHeld, hold: 11 * time.Second},
			{at: 11 * time.Second, op: opGrant},
			{at: 11 * time.Second, op: opHeld, hold: 11100 * ms},
			{at: 11100 * ms, op: opGrant},
			{at: 11100 * ms, op: opHeld},
			{at: 11200 * ms, op: opAnswer},
			{at: 11200 * ms, op: opGrant},
			{at: 11300 * ms, op: opRefuse, sent: 11200 * ms, ra: 10 * ms, window: 1},
			{at: 11305 * ms, op: opAnswer},
			{at: 11305 * ms, op: opHeld, hold: 11310 * ms},
			{at: 11310 * ms, op: opGrant}, // the window of 1 is full at once: the release is over
			{at: 11310 * ms, op: opHeld},
		},
	}, {
		name:  "refusals alone for the bound give up; an answer ends the streak; a pause never outlasts it",
		max:   4,
		bound: 500 * ms,
		events: []policyEvent{
			{op: opGrant, n: 4},
			{at: ms, op: opRefuse, ra: noRA, want: &slowdown{window: 2, refusals: 1, shrunk: true, waitable: true}},
			{at: 51 * ms, op: opRefuse, ra: noRA, want: &slowdown{window: 2, refusals: 2, streak: 50 * ms, waitable: true}},
			{at: 501 * ms, op: opRefuse, ra: noRA, want: &slowdown{window: 2, refusals: 3, streak: 500 * ms, giveUp: true, waitable: true}},
			{at: 600 * ms, op: opAnswer},
			{at: 600 * ms, op: opGrant},
			{at: 700 * ms, op: opRefuse, sent: 600 * ms, ra: 10 * time.Second,
				want: &slowdown{window: 1, paused: 500 * ms, refusals: 1, shrunk: true, pauseSet: true, waitable: true}},
			{at: 700 * ms, op: opHeld, hold: 1200 * ms},
			{at: 1200 * ms, op: opGrant},
			{at: 1200 * ms, op: opRefuse, sent: 1200 * ms, ra: 10 * time.Second,
				want: &slowdown{window: 1, refusals: 2, streak: 500 * ms, giveUp: true, waitable: true}},
			{at: 1200 * ms, op: opGrant},
			{at: 1300 * ms, op: opRefuse, sent: 1200 * ms, ra: time.Hour,
				want: &slowdown{window: 1, refusals: 3, streak: 600 * ms, giveUp: true}},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			bound := tc.bound
			if bound == 0 {
				bound = time.Minute
			}
			p := newFlowPolicy(tc.max, bound)
			p.jitter = func(n int64) int64 { return n / 2 } // every gap exactly the mean
			runPolicy(t, &p, tc.events)
		})
	}
}
