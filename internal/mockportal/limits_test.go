package mockportal

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC).UnixNano())
	return c
}

func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// withClock makes s use c and refills the bucket at c's time.
func withClock(s *Server, c *fakeClock, l Limits) {
	s.lim.mu.Lock()
	s.lim.now = c.now
	s.lim.mu.Unlock()
	s.SetLimits(l)
}

// statuses issues GET path once per want and checks each status in order.
func statuses(t *testing.T, base, path string, want ...int) {
	t.Helper()
	for i, w := range want {
		if resp, body := get(t, base, path, testKey); resp.StatusCode != w {
			t.Fatalf("request %d to %s: status %d (%s), want %d", i+1, path, resp.StatusCode, body, w)
		}
	}
}

// gate is a FaultFunc that holds every request to ep until release is
// closed, and counts the requests it holds.
type gate struct {
	ep      Endpoint
	release chan struct{}
	held    atomic.Int32
}

func (g *gate) fault(e Endpoint, _ int, _ *http.Request) *Fault {
	if e == g.ep {
		g.held.Add(1)
		<-g.release
	}
	return nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLimitsMaxInFlight(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{Limits: Limits{MaxInFlight: 2, RetryAfter: "1"}})
	g := &gate{ep: EndpointAROs, release: make(chan struct{})}
	s.SetFault(g.fault)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Go(func() {
			resp, _ := get(t, hs.URL, "/providers/p1/aros", testKey)
			codes[i] = resp.StatusCode
		})
	}
	waitFor(t, "two requests being served", func() bool { return g.held.Load() == 2 })

	// Two are being served: a third, to any endpoint, is refused at once.
	resp, body := get(t, hs.URL, "/my_providers", testKey)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || string(body) != `{"detail":"Request was throttled."}` ||
		resp.Header.Get("Content-Type") != jsonType {
		t.Fatalf("third request: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	close(g.release)
	wg.Wait()
	if !slices.Equal(codes, []int{200, 200}) {
		t.Fatalf("held requests answered %v", codes)
	}
	statuses(t, hs.URL, "/my_providers", 200, 200)
	st := s.Stats()
	if st.Requests != 5 || st.Refused != 1 || st.MaxInFlight != 2 || st.AROServed != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLimitsMaxInFlightCountsLatency(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{Latency: time.Second, Limits: Limits{MaxInFlight: 1}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/providers", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		first <- err
	}()
	waitFor(t, "the first request to arrive", func() bool { return s.Stats().Requests == 1 })
	// The first request is still in its latency: it is being served. The
	// refused one waits the latency too, then gets 429 without Retry-After.
	resp, _ := get(t, hs.URL, "/providers", testKey)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "" {
		t.Fatalf("second request: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	cancel() // the first may have ended already: both are fine
	if err := <-first; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("first request: %v", err)
	}
	waitFor(t, "the first request to end", func() bool {
		s.lim.mu.Lock()
		defer s.lim.mu.Unlock()
		return s.lim.inFlight == 0
	})
	if st := s.Stats(); st.Refused != 1 || st.MaxInFlight != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLimitsMaxInFlightParallel(t *testing.T) {
	const n, limit = 12, 3
	s, hs := startServer(t, smallData(), Options{Latency: 500 * time.Millisecond, Limits: Limits{MaxInFlight: limit}})
	var wg sync.WaitGroup
	start := make(chan struct{})
	var ok, refused atomic.Int32
	for range n {
		wg.Go(func() {
			<-start
			resp, _ := get(t, hs.URL, "/providers/p1/aros", testKey)
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 429:
				refused.Add(1)
			default:
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	close(start)
	wg.Wait()
	st := s.Stats()
	if st.MaxInFlight > limit || st.MaxInFlight < 1 || refused.Load() == 0 || int(ok.Load()+refused.Load()) != n ||
		st.Refused != int(refused.Load()) || st.AROServed != int(ok.Load()) || st.Requests != n {
		t.Fatalf("stats %+v, %d ok, %d refused", st, ok.Load(), refused.Load())
	}
}

func TestLimitsTokenBucket(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	c := newFakeClock()

	// Burst <= 0: ceil(PerSecond) tokens.
	withClock(s, c, Limits{PerSecond: 2, RetryAfter: "2"})
	statuses(t, hs.URL, "/providers", 200, 200, 429)
	c.advance(250 * time.Millisecond) // half a token
	statuses(t, hs.URL, "/providers", 429)
	c.advance(250 * time.Millisecond) // one token (the refused request took none)
	statuses(t, hs.URL, "/my_providers", 200, 429)
	c.advance(time.Hour) // the bucket holds at most Burst
	statuses(t, hs.URL, "/providers/p1/aros", 200, 200, 429)
	resp, _ := get(t, hs.URL, "/providers", testKey)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("bucket empty: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	// An explicit Burst; SetLimits refills the bucket.
	withClock(s, c, Limits{PerSecond: 1, Burst: 4})
	statuses(t, hs.URL, "/providers", 200, 200, 200, 200, 429)
	s.SetLimits(Limits{PerSecond: 1, Burst: 4})
	statuses(t, hs.URL, "/providers", 200)

	// Less than one token per second: a bucket of one.
	withClock(s, c, Limits{PerSecond: 0.5})
	statuses(t, hs.URL, "/providers", 200, 429)
	c.advance(1900 * time.Millisecond)
	statuses(t, hs.URL, "/providers", 429)
	c.advance(100 * time.Millisecond)
	statuses(t, hs.URL, "/providers", 200, 429)

	// A clock that goes back adds no tokens.
	c.advance(-time.Hour)
	statuses(t, hs.URL, "/providers", 429)

	// Zero Limits: nothing refused.
	s.SetLimits(Limits{})
	statuses(t, hs.URL, "/providers", 200, 200, 200, 200, 200)
}

func TestLimitsTokenBucketWithMaxInFlight(t *testing.T) {
	// A request refused for being beyond MaxInFlight takes no token.
	s, hs := startServer(t, smallData(), Options{})
	c := newFakeClock()
	withClock(s, c, Limits{PerSecond: 1, Burst: 2, MaxInFlight: 1})
	g := &gate{ep: EndpointProviders, release: make(chan struct{})}
	s.SetFault(g.fault)
	done := make(chan int)
	go func() {
		resp, _ := get(t, hs.URL, "/providers", testKey)
		done <- resp.StatusCode
	}()
	waitFor(t, "a request being served", func() bool { return g.held.Load() == 1 })
	statuses(t, hs.URL, "/my_providers", 429, 429, 429)
	close(g.release)
	if code := <-done; code != 200 {
		t.Fatalf("held request: %d", code)
	}
	statuses(t, hs.URL, "/my_providers", 200, 429)
}

func TestLimitsRefuseAll(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{PageBase: 1, Limits: Limits{RefuseAll: true, RetryAfter: "7"}})
	fr := &faultRecorder{}
	s.SetFault(fr.on("", nil))
	for _, p := range []struct{ path, key string }{
		{"/providers/p1/aros", testKey}, {"/my_providers", testKey}, {"/organizations/o1", testKey},
		{"/no/such/path", testKey}, {"/providers/p1/aros?page=2", "wrong-key"}, {"/providers/p1/aros", ""},
	} {
		resp, body := get(t, hs.URL, p.path, p.key)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || string(body) != `{"detail":"Request was throttled."}` {
			t.Fatalf("%s: %d %q Retry-After %q", p.path, resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
	}
	// Refused requests are recorded and counted like others; the FaultFunc
	// never saw them, and its n counts them.
	reqs := s.Requests()
	if len(reqs) != 6 || reqs[0].Endpoint != EndpointAROs || reqs[4].Page != "2" || reqs[4].Authorization != "Bearer wrong-key" {
		t.Fatalf("requests %+v", reqs)
	}
	if s.Count(EndpointAROs) != 3 || s.Count(EndpointUnknown) != 1 {
		t.Fatalf("counts: aros %d unknown %d", s.Count(EndpointAROs), s.Count(EndpointUnknown))
	}
	if len(fr.calls) != 0 {
		t.Fatalf("FaultFunc called for refused requests: %v", fr.calls)
	}
	s.SetLimits(Limits{})
	if p := getPage(t, hs.URL, "p1", nil); p.Total != 4 {
		t.Fatalf("after lifting: total %d", p.Total)
	}
	if want := []string{"aros#4"}; !slices.Equal(fr.calls, want) {
		t.Fatalf("FaultFunc calls %v, want %v", fr.calls, want)
	}
	if st := s.Stats(); st.Requests != 7 || st.Refused != 6 || st.AROServed != 1 || st.MaxInFlight != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestStats(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{PageBase: 1})
	c := newFakeClock()
	withClock(s, c, Limits{})
	if st := s.Stats(); st != (Stats{}) {
		t.Fatalf("fresh stats %+v", st)
	}
	statuses(t, hs.URL, "/my_providers", 200) // not an ARO list: no ARO times
	if st := s.Stats(); !st.FirstARO.IsZero() || !st.LastARO.IsZero() || st.Requests != 1 {
		t.Fatalf("stats %+v", st)
	}
	t0 := c.now()
	statuses(t, hs.URL, "/providers/p1/aros", 200)
	c.advance(time.Second)
	statuses(t, hs.URL, "/providers/nope/aros", 404)                     // answered, not 200
	statuses(t, hs.URL, "/providers/p1/aros?page=x", 400)                // answered, not 200
	s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{Status: 503})) // answered, not 200
	statuses(t, hs.URL, "/providers/p1/aros", 503)
	s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{Truncate: true})) // a 200, though garbage
	c.advance(time.Second)
	statuses(t, hs.URL, "/providers/p1/aros", 200)
	s.SetFault(nil)
	s.SetLimits(Limits{RefuseAll: true})
	c.advance(time.Second)
	statuses(t, hs.URL, "/providers/p1/aros", 429) // refused: ends the window, not served
	t1 := c.now()
	c.advance(time.Second)
	statuses(t, hs.URL, "/providers", 429)
	st := s.Stats()
	want := Stats{Requests: 8, Refused: 2, MaxInFlight: 1, FirstARO: t0, LastARO: t1, AROServed: 2}
	if st != want {
		t.Fatalf("stats\n %+v\nwant\n %+v", st, want)
	}

	// JSON: snake_case, fixed nanoseconds, null times when zero; round trip.
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"requests":8,"refused":2,"max_in_flight":1,"first_aro":"2030-01-02T03:04:05.000000006Z",` +
		`"last_aro":"2030-01-02T03:04:08.000000006Z","aro_served":2,"aro_window_seconds":3}`
	if string(b) != wantJSON {
		t.Fatalf("JSON\n %s\nwant\n %s", b, wantJSON)
	}
	var back Stats
	if err := json.Unmarshal(b, &back); err != nil || back != st {
		t.Fatalf("round trip: %+v, %v", back, err)
	}

	s.ResetStats()
	if st := s.Stats(); st != (Stats{}) {
		t.Fatalf("after reset %+v", st)
	}
	if b, _ := json.Marshal(Stats{}); string(b) != `{"requests":0,"refused":0,"max_in_flight":0,"first_aro":null,"last_aro":null,"aro_served":0,"aro_window_seconds":0}` {
		t.Fatalf("zero JSON %s", b)
	}
	// Recording is separate from the stats.
	if len(s.Requests()) != 8 {
		t.Fatalf("%d requests recorded", len(s.Requests()))
	}
}

func TestStatsHandler(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{Limits: Limits{RefuseAll: true}})
	sh := httptest.NewServer(s.StatsHandler())
	t.Cleanup(sh.Close)
	statuses(t, hs.URL, "/providers/p1/aros", 429, 429)

	resp, body := get(t, sh.URL, StatsPath, "")
	var st Stats
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != jsonType || json.Unmarshal(body, &st) != nil ||
		st.Requests != 2 || st.Refused != 2 || st.FirstARO.IsZero() || st.LastARO.Before(st.FirstARO) {
		t.Fatalf("GET stats: %d %s", resp.StatusCode, body)
	}
	if resp, _ := do(t, http.MethodPost, sh.URL+StatsPath+"/reset", ""); resp.StatusCode != 204 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if st := s.Stats(); st != (Stats{}) {
		t.Fatalf("after reset %+v", st)
	}
	if resp, _ := do(t, http.MethodGet, sh.URL+StatsPath+"/reset", ""); resp.StatusCode != 405 {
		t.Fatalf("GET reset: %d", resp.StatusCode)
	}
	if resp, _ := do(t, http.MethodPost, sh.URL+StatsPath, ""); resp.StatusCode != 405 {
		t.Fatalf("POST stats: %d", resp.StatusCode)
	}
	// The stats handler's own requests are not counted.
	if st := s.Stats(); st.Requests != 0 {
		t.Fatalf("stats requests counted: %+v", st)
	}
}
