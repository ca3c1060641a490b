package covalence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// mockKey is the mock portal's default accepted key.
const mockKey = "test-api-key"

// genNow is the fixed "now" of generated estates.
var genNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// portal is a mock portal behind an httptest server on 127.0.0.1.
type portal struct {
	mock *mockportal.Server
	srv  *httptest.Server

	mu      sync.Mutex
	headers []http.Header // every request's headers, in arrival order
}

func newPortal(t testing.TB, data *mockportal.Data, opts mockportal.Options) *portal {
	t.Helper()
	p := &portal{mock: mockportal.New(data, opts)}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.headers = append(p.headers, r.Header.Clone())
		p.mu.Unlock()
		p.mock.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *portal) Headers() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.headers)
}

// fastConfig is a config with short waits so fault tests stay quick.
func fastConfig(baseURL string) Config {
	return Config{
		BaseURL:        baseURL,
		APIKey:         mockKey,
		MaxRetries:     new(3),
		RetryWaitMin:   time.Millisecond,
		RetryWaitMax:   10 * time.Millisecond,
		RequestTimeout: 5 * time.Second,
		MaxParallel:    4,
	}
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// setup starts a portal and a fast client against it; tweak may adjust the config.
func setup(t testing.TB, data *mockportal.Data, opts mockportal.Options, tweak func(*Config)) (*portal, *Client) {
	t.Helper()
	p := newPortal(t, data, opts)
	cfg := fastConfig(p.srv.URL)
	if opts.APIKey != "" {
		cfg.APIKey = opts.APIKey
	}
	if tweak != nil {
		tweak(&cfg)
	}
	return p, newClient(t, cfg)
}

func testCtx(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// expectedIDs lists the IDs of a provider's AROs as the portal orders them
// (mockportal.Data.AROsOf: newest first, then ID ascending, unparsable times
// last).
func expectedIDs(d *mockportal.Data, providerID string) []string {
	aros := d.AROsOf(providerID)
	out := make([]string, len(aros))
	for i, a := range aros {
		out[i] = a.ID
	}
	return out
}

func idsOf(aros []ARO) []string {
	out := make([]string, len(aros))
	for i, a := range aros {
		out[i] = a.ID
	}
	return out
}

func assertUniqueIDs(t testing.TB, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" {
			t.Fatalf("empty ARO ID in the result")
		}
		if seen[id] {
			t.Fatalf("duplicate ARO ID %s", id)
		}
		seen[id] = true
	}
}

func assertSameOrder(t testing.TB, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d AROs, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ARO #%d is %s, want %s (newest-first order broken)", i, got[i], want[i])
		}
	}
}

func asError[T error](t testing.TB, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}

func mustContain(t testing.TB, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// ListAROs reads every matching ARO into memory (a test helper).
func (c *Client) ListAROs(ctx context.Context, providerID string, q AROQuery) ([]ARO, PageStats, error) {
	var out []ARO
	st, err := c.StreamAROs(ctx, providerID, q, func(items []ARO) (bool, error) {
		out = append(out, items...)
		return false, nil
	})
	return out, st, err
}

// arrivalCase is a set of AROs that arrive while a read pages.
type arrivalCase struct {
	name string
	ins  []mockportal.ARO
}

// forEachArrival runs read once per arrival case (newer, older and both
// kinds of AROs, and a flood of newer ones: more than repeatSlackPages pages,
// so pages of repeats are normal), with 1 and 8 requests in parallel, the
// AROs arriving at the 2nd or the 4th request, against a mock holding d with
// 10-item pages.
func forEachArrival(t *testing.T, d *mockportal.Data, read func(t *testing.T, c *Client, tc arrivalCase)) {
	t.Helper()
	mk := func(prefix string, n int, at time.Time) []mockportal.ARO {
		out := make([]mockportal.ARO, n)
		for i := range out {
			out[i] = mockportal.ARO{
				ID: fmt.Sprintf("%s-%03d", prefix, i), CreationTime: at.Add(time.Duration(i) * time.Second).Format(mockportal.TimeLayout),
				Title: "arrived", Severity: "Critical", Status: "Open", Resolution: "Unresolved", Type: "Action",
			}
		}
		return out
	}
	for _, tc := range []arrivalCase{
		{"newer", mk("new", 15, genNow.Add(time.Hour))},
		{"older", mk("old", 15, genNow.AddDate(-5, 0, 0))},
		{"both", append(mk("new", 8, genNow.Add(time.Hour)), mk("old", 8, genNow.AddDate(-5, 0, 0))...)},
		{"flood", mk("flood", 50, genNow.Add(time.Hour))},
	} {
		for _, par := range []int{1, 8} {
			for _, at := range []int{2, 4} {
				t.Run(fmt.Sprintf("%s/parallel%d/request%d", tc.name, par, at), func(t *testing.T) {
					p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = par })
					p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
						if n == at {
							return &mockportal.Fault{InsertAROs: tc.ins}
						}
						return nil
					})
					read(t, c, tc)
				})
			}
		}
	}
}
