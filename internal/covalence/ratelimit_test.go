package covalence

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// The rate-limit tests run in a synctest bubble: time is fake (the mock's
// latency, its token bucket, Retry-After pauses, backoffs), so their times
// are exact. The client reaches the mock in memory (mockportal's
// Transport): a bubble cannot use real sockets.

// setupInMemory is setup for a bubble: a mock portal and a fast client
// that reaches it in memory.
func setupInMemory(t *testing.T, data *mockportal.Data, opts mockportal.Options, tweak func(*Config)) (*mockportal.Server, *Client) {
	t.Helper()
	mock := mockportal.New(data, opts)
	cfg := fastConfig("http://portal.test")
	cfg.WrapTransport = func(http.RoundTripper) http.RoundTripper { return mock.Transport() }
	if tweak != nil {
		tweak(&cfg)
	}
	return mock, newClient(t, cfg)
}

// fanOut reads every organization's AROs at once, one read per organization
// as the provider's for_each does, and checks every answer against the data.
func fanOut(t *testing.T, c *Client, d *mockportal.Data, ctx context.Context) {
	t.Helper()
	want := map[string][]string{}
	for _, a := range d.AROs {
		if a.Organization != nil {
			want[a.Organization.ID] = append(want[a.Organization.ID], a.ID)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(d.Orgs))
	got := make([][]string, len(d.Orgs))
	for i, o := range d.Orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, _ := StartRead(ctx)
			aros, _, err := c.ListAROs(ctx, genProviderID, AROQuery{OrganizationID: o.ID})
			errs[i], got[i] = err, idsOf(aros)
		}()
	}
	wg.Wait()
	for i, o := range d.Orgs {
		if errs[i] != nil {
			t.Errorf("org %s: %v", o.ID, errs[i])
			continue
		}
		w := slices.Clone(want[o.ID])
		slices.Sort(w)
		g := slices.Clone(got[i])
		slices.Sort(g)
		if !slices.Equal(g, w) {
			t.Errorf("org %s: %d AROs, want %d", o.ID, len(g), len(w))
		}
	}
}

// TestFanOutUnderInFlightLimit: 40 reads at once against a portal that
// refuses (429, Retry-After: 1) beyond 3 requests in flight all complete,
// with MaxRetries 0: refusals slow the client down, they do not fail it.
func TestFanOutUnderInFlightLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(31, 40, 2000, genNow) // about 50 AROs per org: 5 pages of 10
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10, Latency: 5 * time.Millisecond,
			Limits: mockportal.Limits{MaxInFlight: 3, RetryAfter: "1"}}, func(cfg *Config) {
			cfg.MaxParallel = 8
			cfg.MaxRetries = new(0)
		})
		fanOut(t, c, d, t.Context())
		st := mock.Stats()
		if st.Refused == 0 {
			t.Error("no request was refused: the test did not exercise the limit")
		}
		if st.MaxInFlight > 3 {
			t.Errorf("the portal served %d at once with a limit of 3", st.MaxInFlight)
		}
		// The window adapts: far fewer refusals than requests.
		if st.Refused*4 > st.Requests {
			t.Errorf("%d of %d requests refused", st.Refused, st.Requests)
		}
		if w, in := c.sched.state(); w >= 8 || in != 0 {
			t.Errorf("window %d, %d in flight after the run; want the window shrunk below 8 and nothing in flight", w, in)
		}
	})
}

// TestFanOutUnderTokenBucket: a portal allowing 40 requests per second
// (429 without Retry-After beyond it) serves a fan-out in full.
func TestFanOutUnderTokenBucket(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(32, 30, 600, genNow) // about 20 AROs per org: 2 pages of 10
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10,
			Limits: mockportal.Limits{PerSecond: 40, Burst: 5}}, func(cfg *Config) {
			cfg.MaxRetries = new(0)
			cfg.RetryWaitMin = 20 * time.Millisecond
			cfg.RetryWaitMax = 200 * time.Millisecond
		})
		fanOut(t, c, d, t.Context())
		if st := mock.Stats(); st.Refused == 0 {
			t.Error("no request was refused: the test did not exercise the bucket")
		}
	})
}

// TestRequestsPerSecondAvoidsRefusals: with RequestsPerSecond below the
// portal's bucket, nothing is refused, and requests are spaced by exactly
// 1/RequestsPerSecond.
func TestRequestsPerSecondAvoidsRefusals(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(33, 10, 100, genNow)
		var mu sync.Mutex
		var sent []time.Time
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10,
			Limits: mockportal.Limits{PerSecond: 40, Burst: 2, RetryAfter: "1"}}, func(cfg *Config) {
			cfg.RequestsPerSecond = 25
		})
		mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
			mu.Lock()
			sent = append(sent, time.Now())
			mu.Unlock()
			return nil
		})
		fanOut(t, c, d, t.Context())
		st := mock.Stats()
		if st.Refused != 0 || len(sent) != st.Requests {
			t.Errorf("%d of %d requests refused at 25/s against a 40/s bucket", st.Refused, st.Requests)
		}
		slices.SortFunc(sent, time.Time.Compare)
		for i := 1; i < len(sent); i++ {
			if gap := sent[i].Sub(sent[i-1]); gap != 40*time.Millisecond {
				t.Fatalf("requests %d and %d %v apart, want 40ms (25/s)", i, i+1, gap)
			}
		}
	})
}

// TestRefuseAllFailsWithinTheBound: a portal that answers 429 to everything
// fails the reads once RateLimitTimeout has passed without an answer, with
// an error that says how many requests were refused and for how long.
func TestRefuseAllFailsWithinTheBound(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(34, 5, 50, genNow)
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10,
			Limits: mockportal.Limits{RefuseAll: true, RetryAfter: "1"}}, func(cfg *Config) {
			cfg.RateLimitTimeout = 1500 * time.Millisecond
			cfg.MaxRetries = new(5)
		})
		start := time.Now()
		var wg sync.WaitGroup
		errs := make([]error, len(d.Orgs))
		ends := make([]time.Duration, len(d.Orgs))
		for i, o := range d.Orgs {
			wg.Go(func() {
				_, _, errs[i] = c.ListAROs(t.Context(), genProviderID, AROQuery{OrganizationID: o.ID})
				ends[i] = time.Since(start)
			})
		}
		wg.Wait()
		// Refused at 0 and paused 1 s; refused at 1 s and paused to the
		// bound; the request released at 1.5 s is refused and fails, and so
		// does each one after it, at once.
		for i, el := range ends {
			if el != 1500*time.Millisecond {
				t.Errorf("read %d ended after %v, want at the 1.5s bound", i, el)
			}
		}
		for i, err := range errs {
			var rl *RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("org %d: %v, want a RateLimitError", i, err)
			}
			if rl.Refused < 2 || rl.For != 1500*time.Millisecond || rl.Last == nil || rl.Last.StatusCode != 429 {
				t.Errorf("RateLimitError %+v", rl)
			}
			mustContain(t, err.Error(), "refused every request for 2s", "refused with HTTP 429", "HTTP 429 on GET providers/")
			if !IsStatus(err, 429) {
				t.Errorf("IsStatus(429) false for %v", err)
			}
		}
		if st := mock.Stats(); st.Refused != st.Requests || st.Requests > 3*len(d.Orgs) {
			t.Errorf("%d requests, %d refused: the pauses did not hold the client back", st.Requests, st.Refused)
		}
	})
}

// TestZeroRetryAfterBacksOff: "Retry-After: 0" or an HTTP date in the past
// asks for no pause, so a refused request backs off as without the header
// instead of asking again at once (thousands of requests a second).
func TestZeroRetryAfterBacksOff(t *testing.T) {
	t.Parallel()
	for _, ra := range []string{"0", "Fri, 01 Jan 1999 00:00:00 GMT"} { // a bubble's clock starts in 2000
		t.Run(ra, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{
					Limits: mockportal.Limits{RefuseAll: true, RetryAfter: ra}}, func(cfg *Config) {
					cfg.RateLimitTimeout = time.Second
					cfg.RetryWaitMin = 20 * time.Millisecond
					cfg.RetryWaitMax = 100 * time.Millisecond
				})
				start := time.Now()
				_, err := c.MyProviders(t.Context())
				el := time.Since(start)
				var rl *RateLimitError
				if !errors.As(err, &rl) {
					t.Fatalf("MyProviders = %v, want a RateLimitError", err)
				}
				// Backoffs of half to all of 20, 40, 80, then 100 ms: the
				// first refusal at or after the 1 s bound fails, 13 to 23
				// requests in all.
				if n := mock.Stats().Requests; n < 13 || n > 23 || n != rl.Refused {
					t.Errorf("%d requests (%d refused) in the 1 s bound: the refused request did not back off", n, rl.Refused)
				}
				if el < time.Second || el >= 1100*time.Millisecond {
					t.Errorf("failed after %v, want at the first refusal after 1s", el)
				}
			})
		})
	}
}

// TestRetry429: a refused request is sent again after the Retry-After
// pause, or after its own backoff (half to all of RetryWaitMin, 1 ms) when
// none is asked for.
func TestRetry429(t *testing.T) {
	for _, tc := range []struct {
		retryAfter  string
		least, most time.Duration // most is exclusive, unless equal to least
	}{
		{"0", 500 * time.Microsecond, time.Millisecond},
		{"1", time.Second, time.Second},
		{"", 500 * time.Microsecond, time.Millisecond},
	} {
		t.Run("Retry-After="+tc.retryAfter, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, nil)
				mock.SetFault(faultFirst(mockportal.EndpointMyProviders, 1, mockportal.Fault{Status: 429, RetryAfter: tc.retryAfter}))
				start := time.Now()
				got, err := c.MyProviders(t.Context())
				el := time.Since(start)
				if err != nil || len(got) != 1 {
					t.Fatalf("MyProviders = %v, %v", got, err)
				}
				if n := mock.Count(mockportal.EndpointMyProviders); n != 2 {
					t.Errorf("%d requests, want 2 (one retry)", n)
				}
				if el < tc.least || el > tc.most || (el == tc.most && tc.most != tc.least) {
					t.Errorf("took %v, want [%v, %v) (Retry-After honoured)", el, tc.least, tc.most)
				}
			})
		})
	}
}

// TestRefusalsDoNotUseRetries: a request refused more times than
// MaxRetries still completes while the portal answers others.
func TestRefusalsDoNotUseRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(1) })
		mock.SetFault(faultFirst(mockportal.EndpointMyProviders, 4, mockportal.Fault{Status: 429}))
		if got, err := c.MyProviders(t.Context()); err != nil || len(got) != 1 {
			t.Fatalf("MyProviders after 4 refusals with MaxRetries 1 = %v, %v", got, err)
		}
		if n := mock.Count(mockportal.EndpointMyProviders); n != 5 {
			t.Errorf("%d requests, want 5", n)
		}
		// A 503 with Retry-After is a refusal too; without it, a server error.
		mock.SetFault(faultFirst(mockportal.EndpointProviders, 3, mockportal.Fault{Status: 503, RetryAfter: "0"}))
		if _, err := c.Providers(t.Context()); err != nil {
			t.Fatalf("Providers after 3 refusals (503 with Retry-After): %v", err)
		}
		mock.SetFault(always(mockportal.Fault{Status: 503}))
		_, err := c.Organizations(t.Context(), mockportal.FixtureProviderID)
		if ae := asError[*APIError](t, err); ae.Attempts != 2 {
			t.Errorf("503 without Retry-After: %+v, want 2 attempts (MaxRetries 1)", ae)
		}
	})
}

// TestReadStats: a read counts its requests, retries, refusals and waits.
func TestReadStats(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		c.sched.policy.jitter = func(n int64) int64 { return n / 2 } // release gaps of exactly 100 ms
		mock.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
			switch {
			case e == mockportal.EndpointMyProviders && n == 1:
				return &mockportal.Fault{Status: 429, RetryAfter: "1"}
			case e == mockportal.EndpointProviders && n == 1:
				return &mockportal.Fault{Status: 500}
			}
			return nil
		})
		ctx, rd := StartRead(t.Context())
		if _, err := c.MyProviders(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Providers(ctx); err != nil {
			t.Fatal(err)
		}
		st := rd.Stats()
		if st.Requests != 4 || st.Retries != 2 || st.RateLimited != 1 {
			t.Errorf("stats %+v, want 4 requests, 2 retries, 1 refused", st)
		}
		// my_providers is refused at 0 and paused 1 s; after the pause the
		// window is 2 of 4 and requests are released one per 100 ms: the
		// first providers request goes at 1.1 s, its retry at 1.2 s. Waits
		// while the window is shrunk count as rate-limited; the backoff
		// after the 500 (half to all of RetryWaitMin, 1 ms) does not.
		if backoff := st.Waited - st.RateLimitWait; st.Waited != 1200*time.Millisecond || backoff < 500*time.Microsecond || backoff >= time.Millisecond {
			t.Errorf("stats %+v, want 1.2s waited, all but a 0.5-1ms backoff on the rate limit", st)
		}
		if !strings.Contains((&RateLimitError{Last: &APIError{StatusCode: 429, Method: "GET", Path: "x"}, Refused: 7, For: 2 * time.Minute}).Error(),
			"refused every request for 2m0s (7 refused") {
			t.Error("RateLimitError text")
		}
	})
}
