package covalence

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// faultOnce answers the first `times` requests of an endpoint with f.
func faultFirst(ep mockportal.Endpoint, times int, f mockportal.Fault) mockportal.FaultFunc {
	return func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if e == ep && n <= times {
			ff := f
			return &ff
		}
		return nil
	}
}

func always(f mockportal.Fault) mockportal.FaultFunc {
	return func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
		ff := f
		return &ff
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	// The bubble's clock starts on a whole second. An HTTP date has whole
	// seconds, so a date two seconds ahead written half a second into a
	// second is 1.5 s away: the retry waits exactly until the date.
	for _, tc := range []struct {
		offset, want time.Duration
	}{{0, 2 * time.Second}, {500 * time.Millisecond, 1500 * time.Millisecond}} {
		t.Run(tc.offset.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				time.Sleep(tc.offset)
				mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, nil)
				var times []time.Time
				mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
					now := time.Now()
					times = append(times, now)
					if n == 1 {
						return &mockportal.Fault{Status: 429, RetryAfter: now.Add(2 * time.Second).UTC().Format(http.TimeFormat)}
					}
					return nil
				})
				if _, err := c.Providers(t.Context()); err != nil {
					t.Fatal(err)
				}
				if len(times) != 2 {
					t.Fatalf("%d requests, want 2", len(times))
				}
				if gap := times[1].Sub(times[0]); gap != tc.want {
					t.Errorf("retried after %v, want %v", gap, tc.want)
				}
			})
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"0", 0, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"999999999999", 24 * time.Hour, true},
		{"99999999999999999999999", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Wed, 01 Jan 2025 12:00:30 GMT", 30 * time.Second, true},
	} {
		got, ok := ParseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestServerErrorBurstSurvived(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(5) })
		p.mock.SetFault(faultFirst(mockportal.EndpointOrganizations, 4, mockportal.Fault{Status: status}))
		orgs, err := c.Organizations(testCtx(t, 10*time.Second), mockportal.FixtureProviderID)
		if err != nil || len(orgs) != 4 {
			t.Fatalf("HTTP %d burst: %d orgs, %v", status, len(orgs), err)
		}
		if n := p.mock.Count(mockportal.EndpointOrganizations); n != 5 {
			t.Errorf("HTTP %d burst: %d requests, want 5", status, n)
		}
	}
}

func TestServerErrorPersistent(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(3) })
	p.mock.SetFault(always(mockportal.Fault{Status: 500, Body: "upstream exploded\n\n   badly"}))
	ctx := testCtx(t, 10*time.Second)
	_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{Status: "Open"})
	ae := asError[*APIError](t, err)
	if ae.StatusCode != 500 || ae.Attempts != 4 || ae.Method != "GET" ||
		ae.Path != "providers/prov-0001/aros?limit=500&status=Open" || ae.Excerpt != "upstream exploded badly" {
		t.Errorf("APIError = %+v", ae)
	}
	mustContain(t, err.Error(), "HTTP 500", "4 attempts", "providers/prov-0001/aros", "upstream exploded badly")
	if n := p.mock.Count(mockportal.EndpointAROs); n != 4 {
		t.Errorf("%d requests, want MaxRetries+1 = 4", n)
	}

	// MaxRetries 0: a single attempt.
	p2, c2 := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(0) })
	p2.mock.SetFault(always(mockportal.Fault{Status: 503}))
	_, err = c2.MyProviders(ctx)
	if ae := asError[*APIError](t, err); ae.Attempts != 1 || p2.mock.Count(mockportal.EndpointMyProviders) != 1 {
		t.Errorf("no-retry client: %+v, %d requests", ae, p2.mock.Count(mockportal.EndpointMyProviders))
	}
	if strings.Contains(err.Error(), "attempt") {
		t.Errorf("a single attempt is announced: %v", err)
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	t.Run("401", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.APIKey = "wrong-key-0001" })
		_, err := c.MyProviders(ctx)
		ae := asError[*APIError](t, err)
		if ae.StatusCode != 401 || ae.Attempts != 1 {
			t.Errorf("%+v", ae)
		}
		mustContain(t, err.Error(), "API key was refused", "HTTP 401", "my_providers")
		if n := p.mock.Count(mockportal.EndpointMyProviders); n != 1 {
			t.Errorf("401 requested %d times, want 1", n)
		}
		if strings.Contains(err.Error(), "wrong-key-0001") {
			t.Errorf("key in error: %v", err)
		}
	})
	t.Run("403", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{ForbiddenKey: "forbidden-key"}, func(cfg *Config) { cfg.APIKey = "forbidden-key" })
		_, err := c.Organizations(ctx, mockportal.FixtureProviderID)
		ae := asError[*APIError](t, err)
		if ae.StatusCode != 403 || ae.Path != "my_providers/prov-0001/organizations" {
			t.Errorf("%+v", ae)
		}
		mustContain(t, err.Error(), "lacks access", "HTTP 403", "my_providers/prov-0001/organizations")
		if n := p.mock.Count(mockportal.EndpointOrganizations); n != 1 {
			t.Errorf("403 requested %d times, want 1", n)
		}
	})
	for _, status := range []int{400, 404, 405, 409, 422, 501} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
			p.mock.SetFault(always(mockportal.Fault{Status: status, Body: `{"detail":"nope"}`}))
			_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
			if !IsStatus(err, status) {
				t.Fatalf("err = %v, want HTTP %d", err, status)
			}
			if n := p.mock.Count(mockportal.EndpointAROs); n != 1 {
				t.Errorf("HTTP %d requested %d times, want 1", status, n)
			}
			mustContain(t, err.Error(), strconv.Itoa(status), `{"detail":"nope"}`)
		})
	}
}

func TestGarbageBody(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	for _, tc := range []struct {
		name, body, want string
		offset           int64
	}{
		{"html", "<html>oops</html>", "my_providers at byte offset 1 of 17", 1},
		{"trailing", `[{"ID":"p","name":"n"}] x`, "byte offset 25", 25},
		{"wrong type", `{"ID":"p"}`, "byte offset", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
			p.mock.SetFault(always(mockportal.Fault{Body: tc.body}))
			_, err := c.MyProviders(ctx)
			de := asError[*DecodeError](t, err)
			if de.Path != "my_providers" || de.Method != "GET" || de.Offset != tc.offset || de.Size != len(tc.body) {
				t.Errorf("DecodeError = %+v", de)
			}
			mustContain(t, err.Error(), "my_providers", tc.want)
			if n := p.mock.Count(mockportal.EndpointMyProviders); n != 1 {
				t.Errorf("a decode error was retried (%d requests)", n)
			}
		})
	}
	t.Run("empty 200", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
		t.Cleanup(srv.Close)
		c := newClient(t, fastConfig(srv.URL+"/v1"))
		_, err := c.MyProviders(ctx)
		de := asError[*DecodeError](t, err)
		if de.Path != "my_providers" || de.Offset != 0 || de.Size != 0 {
			t.Errorf("DecodeError = %+v", de)
		}
		mustContain(t, err.Error(), "my_providers at byte offset 0 of 0")
	})
	t.Run("aros wrong type", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		p.mock.SetFault(always(mockportal.Fault{Body: `{"items":"nope","total":1,"page":0}`}))
		_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
		de := asError[*DecodeError](t, err)
		if de.Offset <= 0 || !strings.HasPrefix(de.Path, "providers/prov-0001/aros?") {
			t.Errorf("DecodeError = %+v", de)
		}
		mustContain(t, err.Error(), "byte offset")
	})
}

func TestTruncatedBody(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	for _, ep := range []mockportal.Endpoint{mockportal.EndpointAROs, mockportal.EndpointOrganizations, mockportal.EndpointOrganization} {
		t.Run(string(ep), func(t *testing.T) {
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
			p.mock.SetFault(faultFirst(ep, 100, mockportal.Fault{Truncate: true}))
			var err error
			switch ep {
			case mockportal.EndpointAROs:
				_, _, err = c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
			case mockportal.EndpointOrganizations:
				_, err = c.Organizations(ctx, mockportal.FixtureProviderID)
			default:
				_, err = c.Organization(ctx, mockportal.FixtureDetailOrgID)
			}
			de := asError[*DecodeError](t, err)
			if de.Offset != int64(de.Size) || de.Size == 0 {
				t.Errorf("truncated answer: offset %d of %d bytes", de.Offset, de.Size)
			}
			mustContain(t, err.Error(), "byte offset")
		})
	}
}

func TestDroppedConnection(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	t.Run("once", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		p.mock.SetFault(faultFirst(mockportal.EndpointMyProviders, 1, mockportal.Fault{Drop: true}))
		if got, err := c.MyProviders(ctx); err != nil || len(got) != 1 {
			t.Fatalf("MyProviders = %v, %v", got, err)
		}
		if n := p.mock.Count(mockportal.EndpointMyProviders); n < 2 {
			t.Errorf("%d requests: the drop was not retried", n)
		}
	})
	t.Run("always", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(2) })
		p.mock.SetFault(always(mockportal.Fault{Drop: true}))
		_, err := c.MyProviders(ctx)
		te := asError[*TransportError](t, err)
		if te.Attempts != 3 || te.Path != "my_providers" || te.Method != "GET" || te.Err == nil {
			t.Errorf("TransportError = %+v", te)
		}
		mustContain(t, err.Error(), "GET my_providers failed (3 attempts)")
		if n := p.mock.Count(mockportal.EndpointMyProviders); n < 3 {
			t.Errorf("%d requests, want at least 3", n)
		}
	})
	t.Run("refused", func(t *testing.T) {
		p := newPortal(t, nil, mockportal.Options{})
		addr := p.srv.URL
		p.srv.Close()
		c := newClient(t, Config{BaseURL: addr, APIKey: mockKey, MaxRetries: new(1), RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
		_, err := c.Providers(ctx)
		te := asError[*TransportError](t, err)
		if te.Attempts != 2 {
			t.Errorf("TransportError = %+v", te)
		}
	})
}

func TestPerRequestTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) {
			cfg.MaxRetries = new(2)
			cfg.RequestTimeout = 100 * time.Millisecond
		})
		mock.SetFault(always(mockportal.Fault{Latency: 5 * time.Second}))
		start := time.Now()
		_, err := c.MyProviders(t.Context())
		el := time.Since(start)
		te := asError[*TransportError](t, err)
		if te.Attempts != 3 || !isTimeout(err) {
			t.Errorf("TransportError = %+v (timeout %v)", te, isTimeout(err))
		}
		// Three attempts of 100 ms and the two backoffs between them: the
		// first is 0.5-1 ms, the second 1-2 ms (RetryWaitMin 1 ms, jittered).
		if el < 301500*time.Microsecond || el > 303*time.Millisecond {
			t.Errorf("3 attempts of 100 ms took %v", el)
		}
		if n := mock.Count(mockportal.EndpointMyProviders); n != 3 {
			t.Errorf("%d requests, want 3", n)
		}

		// A slow first attempt followed by a quick one succeeds.
		mock.ResetRequests()
		mock.SetFault(faultFirst(mockportal.EndpointProviders, 1, mockportal.Fault{Latency: 5 * time.Second}))
		if got, err := c.Providers(t.Context()); err != nil || len(got) != 2 {
			t.Errorf("Providers after one timeout = %v, %v", got, err)
		}
	})
}

func TestRetryAfterBeyondMaxGivesUp(t *testing.T) {
	for _, status := range []int{429, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, nil)
				mock.SetFault(faultFirst(mockportal.EndpointMyProviders, 1, mockportal.Fault{Status: status, RetryAfter: "3600"}))
				start := time.Now()
				_, err := c.MyProviders(t.Context())
				if el := time.Since(start); el != 0 {
					t.Errorf("gave up after %v, want at once", el)
				}
				ae := asError[*APIError](t, err)
				if ae.StatusCode != status || ae.Attempts != 1 || ae.RetryAfter != "3600" {
					t.Errorf("APIError = %+v", ae)
				}
				if status == 429 {
					mustContain(t, err.Error(), "rate limited", "Retry-After: 3600")
				}
				// The client as a whole is not paused for an hour either.
				start = time.Now()
				if _, err := c.Providers(t.Context()); err != nil {
					t.Fatal(err)
				}
				if el := time.Since(start); el != 0 {
					t.Errorf("the next request waited %v", el)
				}
			})
		})
	}
	// A date far in the future is refused the same way.
	synctest.Test(t, func(t *testing.T) {
		mock, c := setupInMemory(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		mock.SetFault(always(mockportal.Fault{Status: 429, RetryAfter: time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)}))
		start := time.Now()
		_, err := c.MyProviders(t.Context())
		if !IsStatus(err, 429) || time.Since(start) != 0 {
			t.Errorf("err %v after %v", err, time.Since(start))
		}
	})
}

func TestThrottleIsPoolWide(t *testing.T) {
	// Pages take 300 ms; page 5 is answered 429 (Retry-After: 1) after
	// 100 ms. Pages 6-8, sent beside it, finish 200 ms into the pause and
	// free their slots: without a pool-wide pause, pages 9-11 would reach the
	// portal then.
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(21, 4, 150, genNow) // 15 pages of 10
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = 4 })
		type arrival struct {
			at   time.Time
			page string
		}
		var mu sync.Mutex
		var arrivals []arrival
		var t429 time.Time
		mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
			page := r.URL.Query().Get("page")
			now := time.Now()
			mu.Lock()
			defer mu.Unlock()
			arrivals = append(arrivals, arrival{now, page})
			if page == "5" && t429.IsZero() {
				t429 = now
				return &mockportal.Fault{Status: 429, RetryAfter: "1", Latency: 100 * time.Millisecond}
			}
			if page != "" {
				return &mockportal.Fault{Latency: 300 * time.Millisecond}
			}
			return nil
		})
		aros, _, err := c.ListAROs(t.Context(), genProviderID, AROQuery{})
		if err != nil {
			t.Fatal(err)
		}
		assertSameOrder(t, idsOf(aros), expectedIDs(d, genProviderID))
		if t429.IsZero() {
			t.Fatal("page 5 was never requested")
		}
		// The 429 answers 100 ms in and pauses the pool for 1 s from then.
		pauseEnd := 100*time.Millisecond + time.Second
		retried, beside, held := false, 0, 0
		for _, a := range arrivals {
			off := a.at.Sub(t429)
			switch {
			case off > 0 && off < pauseEnd:
				t.Errorf("page %s reached the portal %v after the 429 was asked for, during the pause (until %v)", a.page, off, pauseEnd)
			case a.page == "5" && off > 0:
				retried = true
				if off != pauseEnd {
					t.Errorf("page 5 retried %v after its 429 was asked for, want %v", off, pauseEnd)
				}
			case a.page != "5" && off == 0:
				beside++ // in flight beside the 429, freeing its slot 300 ms in
			case a.page != "5" && off >= pauseEnd:
				held++
			}
		}
		if !retried {
			t.Error("page 5 was not retried")
		}
		if beside == 0 || held == 0 {
			t.Errorf("%d pages in flight beside the 429, %d held until the pause ended: the test did not exercise the pool-wide pause", beside, held)
		}
	})
}

func TestAPIKeyNeverInErrors(t *testing.T) {
	const key = "sk-live-DISTINCTIVE-7f3a9c2e41"
	ctx := testCtx(t, 10*time.Second)
	check := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), key) || strings.Contains(fmt.Sprintf("%+v", err), key) {
			t.Errorf("the API key leaked: %v", err)
		}
	}
	cases := []struct {
		name  string
		fault mockportal.Fault
		want  string
	}{
		{"500 text", mockportal.Fault{Status: 500, Body: "internal error for token " + key + " (Bearer " + key + ")"}, "[REDACTED]"},
		{"401 json", mockportal.Fault{Status: 401, Body: `{"detail":"Invalid token ` + key + `"}`}, "[REDACTED]"},
		{"key at excerpt cut", mockportal.Fault{Status: 400, Body: strings.Repeat("x", maxExcerpt-10) + key}, "[REDACTED]"},
		{"429", mockportal.Fault{Status: 429, RetryAfter: "9999", Body: key}, "[REDACTED]"},
		{"decode serial_id", mockportal.Fault{Body: `{"items":[{"ID":"a","serial_id":{"k":"` + key + `"}}],"total":1,"page":0}`}, "undecodable"},
		{"decode count", mockportal.Fault{Body: `{"items":[{"ID":"a","count":"` + key + `"}],"total":1,"page":0}`}, "undecodable"},
		{"decode garbage", mockportal.Fault{Body: key}, "undecodable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{APIKey: key}, func(cfg *Config) { cfg.MaxRetries = new(1) })
			p.mock.SetFault(always(tc.fault))
			_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
			check(t, err)
			if err != nil {
				mustContain(t, err.Error(), tc.want)
			}
		})
	}
	t.Run("transport", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{APIKey: key}, func(cfg *Config) {
			cfg.MaxRetries = new(1)
			cfg.RequestTimeout = 50 * time.Millisecond
		})
		p.mock.SetFault(always(mockportal.Fault{Latency: time.Second}))
		_, err := c.MyProviders(ctx)
		check(t, err)
		p.mock.SetFault(always(mockportal.Fault{Drop: true}))
		_, err = c.MyProviders(ctx)
		check(t, err)
	})
	t.Run("wrapped transport error", func(t *testing.T) {
		_, c := setup(t, mockportal.FixtureData(), mockportal.Options{APIKey: key}, func(cfg *Config) {
			cfg.MaxRetries = new(0)
			cfg.WrapTransport = func(http.RoundTripper) http.RoundTripper {
				return rtFunc(func(r *http.Request) (*http.Response, error) {
					return nil, errors.New("proxy said: " + r.Header.Get("Authorization"))
				})
			}
		})
		_, err := c.MyProviders(ctx)
		check(t, err)
		mustContain(t, err.Error(), "[REDACTED]")
	})
}

func TestExcerpt(t *testing.T) {
	if got := excerpt([]byte("a\n\tb   c"), ""); got != "a b c" {
		t.Errorf("excerpt = %q", got)
	}
	long := strings.Repeat("é", 400) // 800 bytes
	got := excerpt([]byte(long), "")
	if !strings.HasSuffix(got, "…") || len(got) > maxExcerpt+len("…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("long excerpt: %d bytes %q", len(got), got[:10])
	}
	if got := excerpt([]byte("bad \xff\xfe utf8"), ""); got != "bad ? utf8" && got != "bad ?? utf8" {
		t.Errorf("invalid UTF-8 excerpt = %q", got)
	}
}

func TestBackoff(t *testing.T) {
	// Exponential with jitter: in [d/2, d] where d = min*2^n capped at max.
	minW, maxW := 100*time.Millisecond, time.Second
	for n, d := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		d *= time.Millisecond
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for i := 0; i < 500; i++ {
			w := backoff(minW, maxW, n)
			lo, hi = min(lo, w), max(hi, w)
		}
		if lo < d/2 || hi > d || lo == hi {
			t.Errorf("backoff(n=%d) in [%v, %v], want within [%v, %v] with jitter", n, lo, hi, d/2, d)
		}
	}
	now := time.Now()
	if v, d, ok := classify(429, "7", nil, now); v != refusal || d != 7*time.Second || !ok {
		t.Errorf("429 with Retry-After 7 gave %v %v %v", v, d, ok)
	}
	if v, d, ok := classify(500, "7", nil, now); v != failure || d != 7*time.Second || !ok {
		t.Errorf("500 with Retry-After 7 gave %v %v %v", v, d, ok)
	}
	if v, _, ok := classify(429, "garbage", nil, now); v != refusal || ok {
		t.Errorf("garbage Retry-After gave %v %v", v, ok)
	}
	if w := backoff(time.Nanosecond, time.Nanosecond, 3); w != time.Nanosecond {
		t.Errorf("tiny backoff = %v", w)
	}
}

func TestDefaultsGiveUpWithinAMinute(t *testing.T) {
	// The worst case of DefaultMaxRetries waits with the default wait bounds,
	// against a server answering 500 at once, must stay under 60 s.
	var worst time.Duration
	for n := 0; n < DefaultMaxRetries; n++ {
		bound := DefaultRetryWaitMin << n
		if bound > DefaultRetryWaitMax {
			bound = DefaultRetryWaitMax
		}
		var seen time.Duration
		for i := 0; i < 2000; i++ {
			seen = max(seen, backoff(DefaultRetryWaitMin, DefaultRetryWaitMax, n))
		}
		if seen > bound {
			t.Fatalf("backoff(n=%d) reached %v, above its bound %v", n, seen, bound)
		}
		worst += bound
	}
	if worst >= 60*time.Second {
		t.Errorf("worst-case waits for %d retries sum to %v, want < 60s", DefaultMaxRetries, worst)
	}
	if worst != 15500*time.Millisecond {
		t.Errorf("worst-case sum = %v; update this test if the defaults changed on purpose", worst)
	}
	// A Retry-After above MaxRetryAfter is not waited for at all.
	if v, _, _ := classify(500, strconv.Itoa(int(MaxRetryAfter/time.Second)+1), nil, time.Now()); v != final {
		t.Error("a Retry-After above MaxRetryAfter is retried")
	}
	if v, _, _ := classify(500, strconv.Itoa(int(MaxRetryAfter/time.Second)), nil, time.Now()); v != failure {
		t.Error("a Retry-After of exactly MaxRetryAfter is not retried")
	}
}

// TestRetryBudget: a Retry-After on a 5xx answer that would push a
// request's waiting past RetryBudget ends the retries rather than hang.
// (Refusals, HTTP 429, are bounded by the rate-limit timeout instead.)
func TestRetryBudget(t *testing.T) {
	for _, c := range []struct {
		spent time.Duration // the first attempt was sent that long ago
		ra    string
		want  int // attempts
	}{
		{0, "1", 2},
		{50 * time.Second, "5", 2},
		{50 * time.Second, "20", 1},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", c.ra)
			w.WriteHeader(http.StatusBadGateway)
		}))
		cl := newClient(t, Config{BaseURL: srv.URL, APIKey: "k", MaxRetries: new(1), RetryWaitMin: time.Millisecond})
		// Shift the request's clock: run it with a start time in the past.
		budgetClock = func() time.Time { return time.Now().Add(-c.spent) }
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := cl.Providers(ctx)
		cancel()
		budgetClock = time.Now
		srv.Close()
		if ae := asError[*APIError](t, err); ae.Attempts != c.want {
			t.Errorf("spent %v, Retry-After %s: %d attempts, want %d", c.spent, c.ra, ae.Attempts, c.want)
		}
	}
}

// TestCertificateErrorsNotRetried: a certificate that does not verify (wrong
// host, unknown authority) will not verify on a retry either.
func TestCertificateErrorsNotRetried(t *testing.T) {
	now := time.Now()
	for name, err := range map[string]error{
		"hostname":     &url.Error{Op: "Get", URL: "https://x", Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}},
		"verification": &url.Error{Op: "Get", URL: "https://x", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}},
	} {
		if v, _, _ := classify(0, "", err, now); v != final {
			t.Errorf("%s error retried", name)
		}
	}
	if v, _, _ := classify(0, "", &url.Error{Op: "Get", URL: "https://x", Err: io.ErrUnexpectedEOF}, now); v != failure {
		t.Error("a dropped connection was not retried")
	}
}
