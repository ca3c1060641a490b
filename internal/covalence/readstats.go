package covalence

import (
	"context"
	"sync"
	"time"
)

// Read groups the requests of one read (one data source read): the
// scheduler serves reads in turn, and counts what each one cost. A Read is
// safe for concurrent use.
type Read struct {
	parent *Read // the read this one is part of, if any

	mu    sync.Mutex
	stats ReadStats
	// The read's wait times are the union of its requests' waits, not their
	// sum: waiting counts the requests waiting now, since when.
	waiting, limited         int
	waitingSince, limitSince time.Time
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
		st.Waited += now.Sub(r.waitingSince)
	}
	if r.limited > 0 {
		st.RateLimitWait += now.Sub(r.limitSince)
	}
	return st
}

// add adds the counts of d (its waits are ignored) to the read and to every
// read it is part of.
func (r *Read) add(d ReadStats) {
	for ; r != nil; r = r.parent {
		r.mu.Lock()
		r.stats.Requests += d.Requests
		r.stats.Retries += d.Retries
		r.stats.RateLimited += d.RateLimited
		r.mu.Unlock()
	}
}

// startWait counts a request of the read as waiting, on the portal's rate
// limits when rateLimited, until the returned function is called.
func (r *Read) startWait(rateLimited bool) (end func()) {
	for x := r; x != nil; x = x.parent {
		x.beginWait(rateLimited)
	}
	return func() {
		for x := r; x != nil; x = x.parent {
			x.endWait(rateLimited)
		}
	}
}

func (r *Read) beginWait(rateLimited bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.waiting == 0 {
		r.waitingSince = now
	}
	r.waiting++
	if rateLimited {
		if r.limited == 0 {
			r.limitSince = now
		}
		r.limited++
	}
}

func (r *Read) endWait(rateLimited bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.waiting--
	if r.waiting == 0 {
		r.stats.Waited += now.Sub(r.waitingSince)
	}
	if rateLimited {
		r.limited--
		if r.limited == 0 {
			r.stats.RateLimitWait += now.Sub(r.limitSince)
		}
	}
}
