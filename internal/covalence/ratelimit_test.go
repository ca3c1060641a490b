package covalence

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

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
	d := mockportal.Generate(31, 40, 2000, genNow) // about 50 AROs per org: 5 pages of 10
	p, c := setup(t, d, mockportal.Options{PageCap: 10, Latency: 5 * time.Millisecond,
		Limits: mockportal.Limits{MaxInFlight: 3, RetryAfter: "1"}}, func(cfg *Config) {
		cfg.MaxParallel = 8
		cfg.MaxRetries = new(0)
	})
	fanOut(t, c, d, testCtx(t, 60*time.Second))
	st := p.mock.Stats()
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
}

// TestFanOutUnderTokenBucket: a portal allowing 40 requests per second
// (429 without Retry-After beyond it) serves a fan-out in full.
func TestFanOutUnderTokenBucket(t *testing.T) {
	t.Parallel()
	d := mockportal.Generate(32, 30, 600, genNow) // about 20 AROs per org: 2 pages of 10
	p, c := setup(t, d, mockportal.Options{PageCap: 10,
		Limits: mockportal.Limits{PerSecond: 40, Burst: 5}}, func(cfg *Config) {
		cfg.MaxRetries = new(0)
		cfg.RetryWaitMin = 20 * time.Millisecond
		cfg.RetryWaitMax = 200 * time.Millisecond
	})
	fanOut(t, c, d, testCtx(t, 60*time.Second))
	if st := p.mock.Stats(); st.Refused == 0 {
		t.Error("no request was refused: the test did not exercise the bucket")
	}
}

// TestRequestsPerSecondAvoidsRefusals: with RequestsPerSecond below the
// portal's bucket, nothing is refused, and requests are spaced.
func TestRequestsPerSecondAvoidsRefusals(t *testing.T) {
	t.Parallel()
	d := mockportal.Generate(33, 10, 100, genNow)
	p, c := setup(t, d, mockportal.Options{PageCap: 10,
		Limits: mockportal.Limits{PerSecond: 40, Burst: 2, RetryAfter: "1"}}, func(cfg *Config) {
		cfg.RequestsPerSecond = 25
	})
	start := time.Now()
	fanOut(t, c, d, testCtx(t, 60*time.Second))
	el := time.Since(start)
	st := p.mock.Stats()
	if st.Refused != 0 {
		t.Errorf("%d of %d requests refused at 25/s against a 40/s bucket", st.Refused, st.Requests)
	}
	if floor := time.Duration(st.Requests-1) * time.Second / 25; el < floor {
		t.Errorf("%d requests in %v, faster than 25/s (%v)", st.Requests, el, floor)
	}
}

// TestRefuseAllFailsWithinTheBound: a portal that answers 429 to everything
// fails the reads once RateLimitTimeout has passed without an answer, with
// an error that says how many requests were refused and for how long.
func TestRefuseAllFailsWithinTheBound(t *testing.T) {
	t.Parallel()
	d := mockportal.Generate(34, 5, 50, genNow)
	p, c := setup(t, d, mockportal.Options{PageCap: 10,
		Limits: mockportal.Limits{RefuseAll: true, RetryAfter: "1"}}, func(cfg *Config) {
		cfg.RateLimitTimeout = 1500 * time.Millisecond
		cfg.MaxRetries = new(5)
	})
	ctx := testCtx(t, 30*time.Second)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(d.Orgs))
	for i, o := range d.Orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = c.ListAROs(ctx, genProviderID, AROQuery{OrganizationID: o.ID})
		}()
	}
	wg.Wait()
	el := time.Since(start)
	if el < 1500*time.Millisecond || el > 4*time.Second {
		t.Errorf("the reads ended after %v, want soon after the 1.5s bound", el)
	}
	for i, err := range errs {
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("org %d: %v, want a RateLimitError", i, err)
		}
		if rl.Refused < 2 || rl.For < 1500*time.Millisecond || rl.Last == nil || rl.Last.StatusCode != 429 {
			t.Errorf("RateLimitError %+v", rl)
		}
		mustContain(t, err.Error(), "refused every request for", "refused with HTTP 429", "HTTP 429 on GET providers/")
		if !IsStatus(err, 429) {
			t.Errorf("IsStatus(429) false for %v", err)
		}
	}
	if st := p.mock.Stats(); st.Refused != st.Requests || st.Requests > 40 {
		t.Errorf("%d requests, %d refused: the pauses did not hold the client back", st.Requests, st.Refused)
	}
}

// TestZeroRetryAfterBacksOff: "Retry-After: 0" or an HTTP date in the past
// asks for no pause, so a refused request backs off as without the header
// instead of asking again at once (thousands of requests a second).
func TestZeroRetryAfterBacksOff(t *testing.T) {
	t.Parallel()
	for _, ra := range []string{"0", "Thu, 01 Jan 2015 00:00:00 GMT"} {
		t.Run(ra, func(t *testing.T) {
			t.Parallel()
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{
				Limits: mockportal.Limits{RefuseAll: true, RetryAfter: ra}}, func(cfg *Config) {
				cfg.RateLimitTimeout = time.Second
				cfg.RetryWaitMin = 20 * time.Millisecond
				cfg.RetryWaitMax = 100 * time.Millisecond
			})
			_, err := c.MyProviders(testCtx(t, 20*time.Second))
			var rl *RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("MyProviders = %v, want a RateLimitError", err)
			}
			// Backing off 20 ms doubling to 100 ms for 1 s is about 15 requests.
			if n := p.mock.Stats().Requests; n > 40 {
				t.Errorf("%d requests in the 1 s bound: the refused request did not back off", n)
			}
		})
	}
}

// TestRefusalsDoNotUseRetries: a request refused more times than
// MaxRetries still completes while the portal answers others.
func TestRefusalsDoNotUseRetries(t *testing.T) {
	t.Parallel()
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(1) })
	p.mock.SetFault(faultFirst(mockportal.EndpointMyProviders, 4, mockportal.Fault{Status: 429}))
	if got, err := c.MyProviders(testCtx(t, 20*time.Second)); err != nil || len(got) != 1 {
		t.Fatalf("MyProviders after 4 refusals with MaxRetries 1 = %v, %v", got, err)
	}
	if n := p.mock.Count(mockportal.EndpointMyProviders); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
	// A 503 with Retry-After is a refusal too; without it, a server error.
	p.mock.SetFault(faultFirst(mockportal.EndpointProviders, 3, mockportal.Fault{Status: 503, RetryAfter: "0"}))
	if _, err := c.Providers(testCtx(t, 20*time.Second)); err != nil {
		t.Fatalf("Providers after 3 refusals (503 with Retry-After): %v", err)
	}
	p.mock.SetFault(always(mockportal.Fault{Status: 503}))
	_, err := c.Organizations(testCtx(t, 20*time.Second), mockportal.FixtureProviderID)
	if ae := asError[*APIError](t, err); ae.Attempts != 2 {
		t.Errorf("503 without Retry-After: %+v, want 2 attempts (MaxRetries 1)", ae)
	}
}

// TestReadStats: a read counts its requests, retries, refusals and waits.
func TestReadStats(t *testing.T) {
	t.Parallel()
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		switch {
		case e == mockportal.EndpointMyProviders && n == 1:
			return &mockportal.Fault{Status: 429, RetryAfter: "1"}
		case e == mockportal.EndpointProviders && n == 1:
			return &mockportal.Fault{Status: 500}
		}
		return nil
	})
	ctx, rd := StartRead(testCtx(t, 10*time.Second))
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
	if st.RateLimitWait < 900*time.Millisecond || st.Waited < st.RateLimitWait || st.Waited > 3*time.Second {
		t.Errorf("stats %+v, want about 1s waited on the rate limit", st)
	}
	if !strings.Contains((&RateLimitError{Last: &APIError{StatusCode: 429, Method: "GET", Path: "x"}, Refused: 7, For: 2 * time.Minute}).Error(),
		"refused every request for 2m0s (7 refused") {
		t.Error("RateLimitError text")
	}
}
