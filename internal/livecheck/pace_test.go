package livecheck

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func TestPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := mockportal.New(estate(300), mockportal.Options{APIKey: testKey, PageBase: 1, PageCap: 1000})
		start := time.Now()
		rep, _, err := Run(context.Background(), Config{BaseURL: "http://portal.test/v1", APIKey: testKey,
			HTTPClient: &http.Client{Transport: srv.Transport()}})
		if err != nil {
			t.Fatal(err)
		}
		elapsed := time.Since(start)
		// One request immediately, then one every 200 ms (the default 5 per second).
		want := time.Duration(rep.Requests-1) * time.Second / DefaultRequestsPerSecond
		if rep.Requests < 10 || elapsed < want-time.Millisecond || elapsed > want+time.Millisecond {
			t.Fatalf("%d requests in %v, want %v", rep.Requests, elapsed, want)
		}
		if rep.Failed {
			t.Fatalf("failed: %v", rep.Failures)
		}
	})
}

func TestRateLimitedPortal(t *testing.T) {
	for _, tc := range []struct {
		name, retryAfter string
	}{{"429 with Retry-After", "1"}, {"429 without Retry-After", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				data := estate(300)
				srv := mockportal.New(data, mockportal.Options{APIKey: testKey, PageBase: 1, PageCap: 1000,
					Limits: mockportal.Limits{PerSecond: 2, Burst: 2, RetryAfter: tc.retryAfter}})
				// And one 503 without Retry-After.
				srv.SetFault(func(ep mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
					if ep == mockportal.EndpointAROs && n == 3 {
						return &mockportal.Fault{Status: http.StatusServiceUnavailable}
					}
					return nil
				})
				rep, scrub, err := Run(context.Background(), Config{BaseURL: "http://portal.test/v1", APIKey: testKey,
					MaxRequests: 300, HTTPClient: &http.Client{Transport: srv.Transport()}})
				if err != nil {
					t.Fatal(err)
				}
				rl := rep.RateLimits
				refused := srv.Stats().Refused
				if tc.retryAfter != "" && (rl.TooMany != refused || rl.TooManyBare != 0 || rl.RetryAfterValues[0] != `"1"`) ||
					tc.retryAfter == "" && (rl.TooManyBare != refused || rl.TooMany != 0) || refused == 0 || rl.UnavailableBare != 1 {
					t.Fatalf("rate limits %+v, the portal refused %d", rl, refused)
				}
				dir := t.TempDir()
				if _, _, err := rep.Write(dir, scrub); err != nil {
					t.Fatal(err)
				}
				r := result{rep: rep, md: rep.Markdown()}
				r.expect(t, "rate_limits", Held, "", "refusals")
				r.allHeldBut(t)
				if rep.Failed || rep.BudgetUsedUp {
					t.Fatalf("failed %v, budget used up %v", rep.Failures, rep.BudgetUsedUp)
				}
			})
		})
	}
}

func TestPortalRefusingEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		data := estate(30)
		srv := mockportal.New(data, mockportal.Options{APIKey: testKey, PageBase: 1,
			Limits: mockportal.Limits{RefuseAll: true, RetryAfter: "2"}})
		start := time.Now()
		rep, _, err := Run(context.Background(), Config{BaseURL: "http://portal.test/v1", APIKey: testKey,
			HTTPClient: &http.Client{Transport: srv.Transport()}})
		if err != nil {
			t.Fatal(err)
		}
		r := result{rep: rep, md: rep.Markdown()}
		r.expect(t, "my_providers", NotTestable, "", "429 5 times in a row")
		r.expect(t, "aros.filter.id", NotTestable, "", "no MSSP provider")
		// Five attempts, 2 s apart (the Retry-After), then it stops.
		if rep.Requests != 5 || rep.RateLimits.TooMany != 4 || time.Since(start) != 8*time.Second {
			t.Fatalf("%d requests, rate limits %+v, %v", rep.Requests, rep.RateLimits, time.Since(start))
		}
		if !strings.Contains(r.md, "points not testable") {
			t.Error("the report does not say points were not tested")
		}
	})
}

func TestRetryAfterBeyondWhatTheProviderWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := mockportal.New(estate(30), mockportal.Options{APIKey: testKey, PageBase: 1,
			Limits: mockportal.Limits{RefuseAll: true, RetryAfter: "120"}})
		rep, _, err := Run(context.Background(), Config{BaseURL: "http://portal.test/v1", APIKey: testKey,
			HTTPClient: &http.Client{Transport: srv.Transport()}})
		if err != nil {
			t.Fatal(err)
		}
		r := result{rep: rep, md: rep.Markdown()}
		r.expect(t, "my_providers", Deviated, Breaks, "beyond the 1m0s the provider waits")
		if !rep.Failed {
			t.Fatal("passed")
		}
	})
}
