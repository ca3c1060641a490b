package mockportal

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The limits' tests run in synctest bubbles: time is fake (latency, the
// token bucket, the Stats' times), so they are exact. Requests are served
// in memory (serve): a bubble cannot use real sockets.

// serve sends one request to h in memory, with the given bearer key ("" sends
// no Authorization), and returns the answer.
func serve(ctx context.Context, h http.Handler, method, path, key string) (*httptest.ResponseRecorder, []byte) {
	req := httptest.NewRequestWithContext(ctx, method, "http://mock.test"+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, rec.Body.Bytes()
}

// statuses issues GET path to s once per want and checks each status in order.
func statuses(t *testing.T, s *Server, path string, want ...int) {
	t.Helper()
	for i, w := range want {
		if rec, body := serve(t.Context(), s, http.MethodGet, path, testKey); rec.Code != w {
			t.Fatalf("request %d to %s: status %d (%s), want %d", i+1, path, rec.Code, body, w)
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

func TestLimitsMaxInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{Limits: Limits{MaxInFlight: 2, RetryAfter: "1"}})
		g := &gate{ep: EndpointAROs, release: make(chan struct{})}
		s.SetFault(g.fault)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Go(func() {
				rec, _ := serve(t.Context(), s, http.MethodGet, "/providers/p1/aros", testKey)
				codes[i] = rec.Code
			})
		}
		synctest.Wait()
		if n := g.held.Load(); n != 2 {
			t.Fatalf("%d requests being served, want 2", n)
		}

		// Two are being served: a third, to any endpoint, is refused at once.
		rec, body := serve(t.Context(), s, http.MethodGet, "/my_providers", testKey)
		if rec.Code != 429 || rec.Header().Get("Retry-After") != "1" || string(body) != `{"detail":"Request was throttled."}` ||
			rec.Header().Get("Content-Type") != jsonType {
			t.Fatalf("third request: %d %q %v", rec.Code, body, rec.Header())
		}
		close(g.release)
		wg.Wait()
		if !slices.Equal(codes, []int{200, 200}) {
			t.Fatalf("held requests answered %v", codes)
		}
		statuses(t, s, "/my_providers", 200, 200)
		st := s.Stats()
		if st.Requests != 5 || st.Refused != 1 || st.MaxInFlight != 2 || st.AROServed != 2 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestLimitsMaxInFlightCountsLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{Latency: time.Second, Limits: Limits{MaxInFlight: 1}})
		start := time.Now()
		first := make(chan time.Duration, 1)
		go func() {
			serve(t.Context(), s, http.MethodGet, "/providers", testKey)
			first <- time.Since(start)
		}()
		synctest.Wait()
		// The first request is in its latency: it is being served. The
		// refused one waits the latency too, then gets 429 without
		// Retry-After.
		rec, _ := serve(t.Context(), s, http.MethodGet, "/providers", testKey)
		if rec.Code != 429 || rec.Header().Get("Retry-After") != "" {
			t.Fatalf("second request: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		if el := time.Since(start); el != time.Second {
			t.Errorf("refused after %v, want the 1s latency", el)
		}
		if el := <-first; el != time.Second {
			t.Errorf("first answered after %v, want the 1s latency", el)
		}
		if st := s.Stats(); st.Refused != 1 || st.MaxInFlight != 1 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestLimitsMaxInFlightParallel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, limit = 12, 3
		s := New(smallData(), Options{Latency: 500 * time.Millisecond, Limits: Limits{MaxInFlight: limit}})
		var wg sync.WaitGroup
		var ok, refused atomic.Int32
		for range n {
			wg.Go(func() {
				rec, _ := serve(t.Context(), s, http.MethodGet, "/providers/p1/aros", testKey)
				switch rec.Code {
				case 200:
					ok.Add(1)
				case 429:
					refused.Add(1)
				default:
					t.Errorf("status %d", rec.Code)
				}
			})
		}
		wg.Wait()
		// All arrive at once: the first three are served, the others refused.
		st := s.Stats()
		if ok.Load() != limit || refused.Load() != n-limit ||
			st != (Stats{Requests: n, Refused: n - limit, MaxInFlight: limit, AROServed: limit, FirstARO: st.FirstARO, LastARO: st.LastARO}) {
			t.Fatalf("stats %+v, %d ok, %d refused", st, ok.Load(), refused.Load())
		}
		if el := st.LastARO.Sub(st.FirstARO); el != 500*time.Millisecond {
			t.Errorf("ARO window %v, want the 500ms latency", el)
		}
	})
}

func TestLimitsTokenBucket(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{})

		// Burst <= 0: ceil(PerSecond) tokens.
		s.SetLimits(Limits{PerSecond: 2, RetryAfter: "2"})
		statuses(t, s, "/providers", 200, 200, 429)
		time.Sleep(250 * time.Millisecond) // half a token
		statuses(t, s, "/providers", 429)
		time.Sleep(250 * time.Millisecond) // one token (the refused request took none)
		statuses(t, s, "/my_providers", 200, 429)
		time.Sleep(time.Hour) // the bucket holds at most Burst
		statuses(t, s, "/providers/p1/aros", 200, 200, 429)
		rec, _ := serve(t.Context(), s, http.MethodGet, "/providers", testKey)
		if rec.Code != 429 || rec.Header().Get("Retry-After") != "2" {
			t.Fatalf("bucket empty: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}

		// An explicit Burst; SetLimits refills the bucket.
		s.SetLimits(Limits{PerSecond: 1, Burst: 4})
		statuses(t, s, "/providers", 200, 200, 200, 200, 429)
		s.SetLimits(Limits{PerSecond: 1, Burst: 4})
		statuses(t, s, "/providers", 200)

		// Less than one token per second: a bucket of one.
		s.SetLimits(Limits{PerSecond: 0.5})
		statuses(t, s, "/providers", 200, 429)
		time.Sleep(1900 * time.Millisecond)
		statuses(t, s, "/providers", 429)
		time.Sleep(100 * time.Millisecond)
		statuses(t, s, "/providers", 200, 429)

		// A clock that goes back adds no tokens.
		s.lim.mu.Lock()
		s.lim.now = func() time.Time { return time.Now().Add(-time.Hour) }
		s.lim.mu.Unlock()
		statuses(t, s, "/providers", 429)

		// Zero Limits: nothing refused.
		s.SetLimits(Limits{})
		statuses(t, s, "/providers", 200, 200, 200, 200, 200)
	})
}

func TestLimitsTokenBucketWithMaxInFlight(t *testing.T) {
	// A request refused for being beyond MaxInFlight takes no token.
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{Limits: Limits{PerSecond: 1, Burst: 2, MaxInFlight: 1}})
		g := &gate{ep: EndpointProviders, release: make(chan struct{})}
		s.SetFault(g.fault)
		done := make(chan int)
		go func() {
			rec, _ := serve(t.Context(), s, http.MethodGet, "/providers", testKey)
			done <- rec.Code
		}()
		synctest.Wait()
		if g.held.Load() != 1 {
			t.Fatal("the first request is not being served")
		}
		statuses(t, s, "/my_providers", 429, 429, 429)
		close(g.release)
		if code := <-done; code != 200 {
			t.Fatalf("held request: %d", code)
		}
		statuses(t, s, "/my_providers", 200, 429)
	})
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
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(6 * time.Nanosecond) // the bubble's clock starts on a whole second: show the nanoseconds
		s := New(smallData(), Options{PageBase: 1})
		if st := s.Stats(); st != (Stats{}) {
			t.Fatalf("fresh stats %+v", st)
		}
		statuses(t, s, "/my_providers", 200) // not an ARO list: no ARO times
		if st := s.Stats(); !st.FirstARO.IsZero() || !st.LastARO.IsZero() || st.Requests != 1 {
			t.Fatalf("stats %+v", st)
		}
		t0 := time.Now()
		statuses(t, s, "/providers/p1/aros", 200)
		time.Sleep(time.Second)
		statuses(t, s, "/providers/nope/aros", 404)                          // answered, not 200
		statuses(t, s, "/providers/p1/aros?page=x", 400)                     // answered, not 200
		s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{Status: 503})) // answered, not 200
		statuses(t, s, "/providers/p1/aros", 503)
		s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{Truncate: true})) // a 200, though garbage
		time.Sleep(time.Second)
		statuses(t, s, "/providers/p1/aros", 200)
		s.SetFault(nil)
		s.SetLimits(Limits{RefuseAll: true})
		time.Sleep(time.Second)
		statuses(t, s, "/providers/p1/aros", 429) // refused: ends the window, not served
		t1 := time.Now()
		time.Sleep(time.Second)
		statuses(t, s, "/providers", 429)
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
		wantJSON := `{"requests":8,"refused":2,"max_in_flight":1,"first_aro":"2000-01-01T00:00:00.000000006Z",` +
			`"last_aro":"2000-01-01T00:00:03.000000006Z","aro_served":2,"aro_window_seconds":3}`
		if string(b) != wantJSON {
			t.Fatalf("JSON\n %s\nwant\n %s", b, wantJSON)
		}
		var back Stats
		if err := json.Unmarshal(b, &back); err != nil || !back.FirstARO.Equal(st.FirstARO) || !back.LastARO.Equal(st.LastARO) ||
			back.Requests != st.Requests || back.Refused != st.Refused || back.MaxInFlight != st.MaxInFlight || back.AROServed != st.AROServed {
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
	})
}

func TestStatsHandler(t *testing.T) {
	s := New(smallData(), Options{Limits: Limits{RefuseAll: true}})
	sh := httptest.NewServer(s.StatsHandler())
	t.Cleanup(sh.Close)
	statuses(t, s, "/providers/p1/aros", 429, 429)

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
