package covalence

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// throttle is a pause shared by every request of a client: when the portal
// answers 429 or 503 with Retry-After, no request of the pool goes out before
// that moment, not only the one that was told.
type throttle struct {
	mu    sync.Mutex
	until time.Time
}

func (t *throttle) pauseUntil(at time.Time) {
	t.mu.Lock()
	if at.After(t.until) {
		t.until = at
	}
	t.mu.Unlock()
}

func (t *throttle) wait(ctx context.Context) error {
	t.mu.Lock()
	d := time.Until(t.until)
	t.mu.Unlock()
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// throttledTransport starts a client-wide pause when an answer carries
// Retry-After. Attempts wait for it before they start (in the client's
// request hook), outside the per-request timeout.
type throttledTransport struct {
	next     http.RoundTripper
	throttle *throttle
}

func (t *throttledTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		now := time.Now()
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok && d <= MaxRetryAfter {
			t.throttle.pauseUntil(now.Add(d))
		}
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func jitter(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return rand.Int64N(n) //nolint:gosec // jitter, not security
}
