package mockportal

import (
	"encoding/json"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits is how the mock portal rate-limits; the zero value limits nothing.
//
// Limits are checked when a request arrives, before authentication and before
// the FaultFunc, for every endpoint. A refused request is recorded (Requests,
// Count, the n of later FaultFunc calls) like any other, waits the configured
// Options.Latency like any other, and is answered 429 with
// {"detail":"Request was throttled."}; it does not count as being served.
type Limits struct {
	MaxInFlight int     // > 0: a request that arrives while MaxInFlight requests are being served gets 429
	PerSecond   float64 // > 0: token bucket refilled at PerSecond tokens/s; a request finding no token gets 429
	Burst       int     // bucket size; <= 0 means max(1, ceil(PerSecond))
	RefuseAll   bool    // 429 to every request
	RetryAfter  string  // Retry-After header sent with these 429s; "" sends none
}

// Stats counts what the server saw since it started or since ResetStats.
type Stats struct {
	Requests    int       // requests received (all endpoints)
	Refused     int       // 429s sent because of Limits
	MaxInFlight int       // highest number of requests being served at once
	FirstARO    time.Time // arrival of the first ARO-list request; zero if none
	LastARO     time.Time // end of the answer to the last ARO-list request
	AROServed   int       // ARO-list requests answered 200
}

// limiter holds the Limits, the token bucket, the in-flight count and the
// Stats of a Server.
type limiter struct {
	now func() time.Time // the clock of the bucket and of the ARO times

	mu       sync.Mutex // guards everything below
	limits   Limits
	bucket   *rate.Limiter // nil unless PerSecond > 0
	inFlight int
	stats    Stats
}

func (l *limiter) set(lim Limits) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits = lim
	l.bucket = nil
	if lim.PerSecond > 0 {
		burst := lim.Burst
		if burst <= 0 {
			burst = int(math.Max(1, math.Ceil(lim.PerSecond)))
		}
		l.bucket = rate.NewLimiter(rate.Limit(lim.PerSecond), burst) // full
	}
}

// admit decides a request that has just arrived. It returns ok = false (and
// the Retry-After to send) when the request is refused; otherwise the request
// is being served until done is called.
func (l *limiter) admit(aro bool) (ok bool, retryAfter string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.stats.Requests++
	if aro && l.stats.FirstARO.IsZero() {
		l.stats.FirstARO = now
	}
	lim := &l.limits
	// A request refused for being beyond MaxInFlight takes no token, nor
	// does one the bucket refuses.
	refuse := lim.RefuseAll || (lim.MaxInFlight > 0 && l.inFlight >= lim.MaxInFlight) ||
		(l.bucket != nil && !l.bucket.AllowN(now, 1))
	if refuse {
		l.stats.Refused++
		return false, lim.RetryAfter
	}
	l.inFlight++
	l.stats.MaxInFlight = max(l.stats.MaxInFlight, l.inFlight)
	return true, ""
}

// done ends a request: served tells whether it was admitted (and so counted
// in flight); aroOK whether it was an ARO-list request answered 200.
func (l *limiter) done(served, aro, aroOK bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if served {
		l.inFlight--
	}
	if aro {
		l.stats.LastARO = l.now()
		if aroOK {
			l.stats.AROServed++
		}
	}
}

// SetLimits replaces the server's Limits at run time and fills the token
// bucket. Requests already being served keep counting in flight.
func (s *Server) SetLimits(l Limits) { s.lim.set(l) }

// Stats returns the counters since the server started or since ResetStats.
func (s *Server) Stats() Stats {
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	return s.lim.stats
}

// ResetStats zeroes the Stats; MaxInFlight restarts from the number of
// requests being served now.
func (s *Server) ResetStats() {
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	s.lim.stats = Stats{MaxInFlight: s.lim.inFlight}
}

// StatsTimeLayout is the format of the times in the StatsHandler's JSON:
// RFC 3339 in UTC with nine fractional digits.
const StatsTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// MarshalJSON encodes Stats for the StatsHandler: snake_case keys, times in
// StatsTimeLayout (null when zero), and aro_window_seconds, the time from
// FirstARO to LastARO (0 when either is zero).
func (st Stats) MarshalJSON() ([]byte, error) {
	t := func(v time.Time) *string {
		if v.IsZero() {
			return nil
		}
		s := v.UTC().Format(StatsTimeLayout)
		return &s
	}
	window := 0.0
	if !st.FirstARO.IsZero() && !st.LastARO.IsZero() {
		window = st.LastARO.Sub(st.FirstARO).Seconds()
	}
	return marshalNoEscape(struct {
		Requests    int     `json:"requests"`
		Refused     int     `json:"refused"`
		MaxInFlight int     `json:"max_in_flight"`
		FirstARO    *string `json:"first_aro"`
		LastARO     *string `json:"last_aro"`
		AROServed   int     `json:"aro_served"`
		AROWindow   float64 `json:"aro_window_seconds"`
	}{st.Requests, st.Refused, st.MaxInFlight, t(st.FirstARO), t(st.LastARO), st.AROServed, window})
}

// UnmarshalJSON decodes what MarshalJSON encodes (aro_window_seconds is
// derived and ignored).
func (st *Stats) UnmarshalJSON(b []byte) error {
	var w struct {
		Requests    int     `json:"requests"`
		Refused     int     `json:"refused"`
		MaxInFlight int     `json:"max_in_flight"`
		FirstARO    *string `json:"first_aro"`
		LastARO     *string `json:"last_aro"`
		AROServed   int     `json:"aro_served"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	out := Stats{Requests: w.Requests, Refused: w.Refused, MaxInFlight: w.MaxInFlight, AROServed: w.AROServed}
	for _, p := range []struct {
		src *string
		dst *time.Time
	}{{w.FirstARO, &out.FirstARO}, {w.LastARO, &out.LastARO}} {
		if p.src == nil {
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, *p.src)
		if err != nil {
			return err
		}
		*p.dst = v
	}
	*st = out
	return nil
}

// StatsPath is where StatsHandler serves: GET StatsPath answers the Stats as
// JSON (Stats.MarshalJSON), POST StatsPath+"/reset" resets them (ResetStats)
// and answers 204. It is outside the API's paths.
const StatsPath = "/_mock/stats"

// StatsHandler serves GET StatsPath and POST StatsPath/reset (any other
// request: the http.ServeMux 404 or 405). It does not authenticate, and its
// requests are not counted in the Stats. The standalone server mounts it
// beside the API.
func (s *Server) StatsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+StatsPath, func(w http.ResponseWriter, _ *http.Request) {
		b, err := s.Stats().MarshalJSON()
		if err != nil {
			writeBody(w, http.StatusInternalServerError, jsonType, detail(err.Error()))
			return
		}
		writeBody(w, http.StatusOK, jsonType, b)
	})
	mux.HandleFunc("POST "+StatsPath+"/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// throttled answers a request refused by the Limits.
func throttled(w http.ResponseWriter, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeBody(w, http.StatusTooManyRequests, jsonType, detail("Request was throttled."))
}
