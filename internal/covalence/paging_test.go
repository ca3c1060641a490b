package covalence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

var (
	genOnce       sync.Once
	genSmall      *mockportal.Data // 40 AROs
	genLarge      *mockportal.Data // 1001 AROs: 3 pages at cap 500
	genSmallIDs   []string
	genLargeIDs   []string
	genLargeByID  map[string]mockportal.ARO
	genProviderID = mockportal.GeneratedProvider.ID
)

func estates() {
	genOnce.Do(func() {
		genSmall = mockportal.Generate(7, 5, 40, genNow)
		genLarge = mockportal.Generate(11, 12, 1001, genNow)
		genSmallIDs = expectedIDs(genSmall, genProviderID)
		genLargeIDs = expectedIDs(genLarge, genProviderID)
		genLargeByID = map[string]mockportal.ARO{}
		for _, a := range genLarge.AROs {
			genLargeByID[a.ID] = a
		}
	})
}

// sameARO compares a decoded ARO with the mock's.
func sameARO(t *testing.T, got ARO, want mockportal.ARO) {
	t.Helper()
	eq := func(field string, g, w any) {
		t.Helper()
		if fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("ARO %s %s = %v, want %v", want.ID, field, g, w)
		}
	}
	eq("title", deref(got.Title), want.Title)
	eq("creation_time", deref(got.CreationTime), want.CreationTime)
	eq("severity", deref(got.Severity), want.Severity)
	eq("status", deref(got.Status), want.Status)
	eq("serial_id", deref(got.SerialID), want.SerialID)
	eq("details", deref(got.Details), deref(want.Details))
	eq("alert_key", deref(got.AlertKey), deref(want.AlertKey))
	if (got.Count == nil) != (want.Count == nil) || got.Count != nil && int64(*got.Count) != *want.Count {
		t.Errorf("ARO %s count = %v, want %v", want.ID, deref(got.Count), deref(want.Count))
	}
	if (got.References == nil) != (want.References == nil) || len(got.References) != len(want.References) {
		t.Errorf("ARO %s references = %#v, want %#v", want.ID, got.References, want.References)
	}
	if (got.Organization == nil) != (want.Organization == nil) {
		t.Errorf("ARO %s organization nil-ness differs", want.ID)
	}
	if (got.Steps == nil) != (want.Steps == nil) || len(got.Steps) != len(want.Steps) {
		t.Errorf("ARO %s steps = %d (nil %v), want %d (nil %v)", want.ID, len(got.Steps), got.Steps == nil, len(want.Steps), want.Steps == nil)
	}
}

func TestListAROsPageCapsAndBases(t *testing.T) {
	estates()
	for _, pageCap := range []int{1, 7, 100, 500} {
		for _, base := range []int{0, 1} {
			for _, par := range []int{1, 8} {
				name := fmt.Sprintf("cap%d/base%d/parallel%d", pageCap, base, par)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					data, want := genLarge, genLargeIDs
					if pageCap == 1 {
						data, want = genSmall, genSmallIDs
					}
					p, c := setup(t, data, mockportal.Options{PageCap: pageCap, PageBase: base}, func(cfg *Config) { cfg.MaxParallel = par })
					aros, st, err := c.ListAROs(testCtx(t, 30*time.Second), genProviderID, AROQuery{})
					if err != nil {
						t.Fatal(err)
					}
					got := idsOf(aros)
					assertUniqueIDs(t, got)
					assertSameOrder(t, got, want)
					pages := (len(want) + pageCap - 1) / pageCap
					if st.Total != len(want) || st.Pages != pages || st.Requests != pages || st.Stopped {
						t.Errorf("stats %+v, want total %d, %d pages and requests", st, len(want), pages)
					}
					if st.Sequential != (par == 1) {
						t.Errorf("Sequential = %v with MaxParallel %d", st.Sequential, par)
					}
					reqs := p.mock.Requests()
					if len(reqs) != pages {
						t.Fatalf("%d requests, want %d", len(reqs), pages)
					}
					var asked []string
					for _, r := range reqs {
						asked = append(asked, r.Page)
						if r.Query.Get("limit") != "500" {
							t.Errorf("limit = %q", r.Query.Get("limit"))
						}
					}
					if reqs[0].Page != "" {
						t.Errorf("the first request sent page=%s", reqs[0].Page)
					}
					slices.SortFunc(asked, func(a, b string) int {
						x, _ := strconv.Atoi(a)
						y, _ := strconv.Atoi(b)
						return x - y
					})
					for i := 1; i < pages; i++ {
						if asked[i] != strconv.Itoa(base+i) {
							t.Fatalf("pages asked %v, want %d..%d after the first", asked, base+1, base+pages-1)
						}
					}
					if pageCap != 1 {
						for _, a := range aros {
							sameARO(t, a, genLargeByID[a.ID])
						}
					}
				})
			}
		}
	}
}

func TestListAROsEmptyAndSingle(t *testing.T) {
	for _, n := range []int{0, 1} {
		d := mockportal.Generate(3, 2, n, genNow)
		p, c := setup(t, d, mockportal.Options{PageCap: 5}, nil)
		aros, st, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(aros) != n || st.Total != n || st.Pages != 1 || p.mock.Count(mockportal.EndpointAROs) != 1 {
			t.Errorf("%d AROs: got %d, stats %+v, %d requests", n, len(aros), st, p.mock.Count(mockportal.EndpointAROs))
		}
	}
}

func TestStreamAROsPageOrderWhenLaterPagesAnswerFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := mockportal.Generate(5, 4, 200, genNow)
		want := expectedIDs(d, genProviderID)
		mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = 8 })
		var mu sync.Mutex
		var finished []int
		mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
			page, err := strconv.Atoi(r.URL.Query().Get("page"))
			if err != nil {
				return nil // the first request
			}
			lat := time.Duration(20-page) * 8 * time.Millisecond
			// Record when the answer will be sent (after the latency).
			go func() {
				time.Sleep(lat)
				mu.Lock()
				finished = append(finished, page)
				mu.Unlock()
			}()
			return &mockportal.Fault{Latency: lat}
		})
		var got []string
		var calls int
		st, err := c.StreamAROs(t.Context(), genProviderID, AROQuery{}, func(items []ARO) (bool, error) {
			calls++
			if len(items) != 10 {
				t.Errorf("page handed over with %d items", len(items))
			}
			got = append(got, idsOf(items)...)
			return false, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		assertUniqueIDs(t, got)
		assertSameOrder(t, got, want)
		if calls != 20 || st.Pages != 20 || st.Sequential {
			t.Errorf("%d calls, stats %+v", calls, st)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if slices.IsSorted(finished) {
			t.Errorf("pages answered in order %v: the test did not make later pages answer first", finished)
		}
	})
}

func TestStreamAROsRunsPagesInParallel(t *testing.T) {
	d := mockportal.Generate(6, 4, 210, genNow) // 21 pages of 10: the first, then 20 in parallel
	for _, par := range []int{1, 4} {
		t.Run(fmt.Sprintf("parallel%d", par), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = par })
				var inflight, peak atomic.Int32
				mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
					if r.URL.Query().Get("page") == "" {
						return nil
					}
					n := inflight.Add(1)
					for {
						old := peak.Load()
						if n <= old || peak.CompareAndSwap(old, n) {
							break
						}
					}
					time.Sleep(50 * time.Millisecond)
					inflight.Add(-1)
					return nil
				})
				start := time.Now()
				aros, st, err := c.ListAROs(t.Context(), genProviderID, AROQuery{})
				if err != nil {
					t.Fatal(err)
				}
				assertSameOrder(t, idsOf(aros), expectedIDs(d, genProviderID))
				if st.Requests != 21 {
					t.Errorf("%d requests, want 21", st.Requests)
				}
				if got := peak.Load(); int(got) != par {
					t.Errorf("peak concurrent page requests = %d, want MaxParallel = %d", got, par)
				}
				// 20 pages of 50 ms, par at a time.
				if el, want := time.Since(start), time.Duration(20/par)*50*time.Millisecond; el != want {
					t.Errorf("the read took %v, want %v", el, want)
				}
			})
		})
	}
}

func TestStreamAROsEmptyPageBeforeTotal(t *testing.T) {
	d := mockportal.Generate(8, 4, 50, genNow)
	for _, tc := range []struct {
		par, at int
	}{{1, 1}, {1, 3}, {8, 3}, {8, 5}} {
		t.Run(fmt.Sprintf("parallel%d/request%d", tc.par, tc.at), func(t *testing.T) {
			p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = tc.par })
			p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
				if n == tc.at {
					return &mockportal.Fault{EmptyItems: true}
				}
				return nil
			})
			_, _, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
			pe := asError[*PagingError](t, err)
			mustContain(t, err.Error(), "total says 50", "was empty")
			if pe.Path != "providers/"+genProviderID+"/aros" {
				t.Errorf("path %q", pe.Path)
			}
		})
	}
}

func TestStreamAROsTotalLie(t *testing.T) {
	d := mockportal.Generate(9, 4, 30, genNow)
	for _, tc := range []struct{ par, delta int }{{1, 5}, {8, 5}, {8, 1000}, {1, 100000}} {
		t.Run(fmt.Sprintf("parallel%d/delta%d", tc.par, tc.delta), func(t *testing.T) {
			p, c := setup(t, d, mockportal.Options{PageCap: 7}, func(cfg *Config) { cfg.MaxParallel = tc.par })
			p.mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
				return &mockportal.Fault{TotalDelta: tc.delta}
			})
			ctx := testCtx(t, 10*time.Second)
			_, _, err := c.ListAROs(ctx, genProviderID, AROQuery{})
			if ctx.Err() != nil {
				t.Fatalf("the read hung until the guard timeout: %v", err)
			}
			_ = asError[*PagingError](t, err)
			mustContain(t, err.Error(), fmt.Sprintf("total says %d", 30+tc.delta))
			if n := p.mock.Count(mockportal.EndpointAROs); n > 40 {
				t.Errorf("%d requests for a 5-page estate", n)
			}
		})
	}
}

func TestStreamAROsArrivalsWhilePaging(t *testing.T) {
	d := mockportal.Generate(10, 6, 100, genNow)
	orig := expectedIDs(d, genProviderID)
	forEachArrival(t, d, func(t *testing.T, c *Client, tc arrivalCase) {
		ctx := testCtx(t, 10*time.Second)
		aros, st, err := c.ListAROs(ctx, genProviderID, AROQuery{})
		if err != nil {
			t.Fatalf("%v (stats %+v)", err, st)
		}
		got := idsOf(aros)
		assertHolds(t, got, orig)
		allowed := map[string]bool{}
		for _, id := range orig {
			allowed[id] = true
		}
		for _, a := range tc.ins {
			allowed[a.ID] = true
		}
		for _, id := range got {
			if !allowed[id] {
				t.Fatalf("unknown ARO %s", id)
			}
		}
		if st.Total != 100+len(tc.ins) {
			t.Errorf("final total %d, want %d", st.Total, 100+len(tc.ins))
		}
	})
}

func TestStreamAROsWrongPage(t *testing.T) {
	d := mockportal.Generate(12, 4, 50, genNow)
	for _, par := range []int{1, 8} {
		for _, wrong := range []int{0, 99} {
			t.Run(fmt.Sprintf("parallel%d/page%d", par, wrong), func(t *testing.T) {
				p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = par })
				p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
					if r.URL.Query().Get("page") == "2" {
						return &mockportal.Fault{WrongPage: ptr(wrong)}
					}
					return nil
				})
				_, _, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
				_ = asError[*PagingError](t, err)
				mustContain(t, err.Error(), fmt.Sprintf("asked for page 2, the answer says page %d", wrong))
			})
		}
	}
	// The client follows the page number the server returns, not a counter of its own.
	p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = 1 })
	p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if n == 1 {
			return &mockportal.Fault{WrongPage: ptr(7)}
		}
		return nil
	})
	_, _, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
	if err == nil {
		t.Fatal("no error although page 8 is beyond the data")
	}
	if r := p.mock.Requests(); len(r) != 2 || r[1].Page != "8" {
		t.Errorf("requests %+v, want the second to ask page 8", r)
	}
}

func TestStreamAROsStop(t *testing.T) {
	d := mockportal.Generate(13, 4, 100, genNow) // 20 pages of 5
	for _, tc := range []struct {
		par, stopAt, maxReqs int
	}{
		{1, 1, 1}, {1, 2, 2}, {1, 5, 5},
		{4, 1, 1},
		{4, 2, 1 + 1 + 2*4 + 1}, // at most the held-ahead window beyond the consumer
	} {
		t.Run(fmt.Sprintf("parallel%d/stop%d", tc.par, tc.stopAt), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var sent atomic.Int32 // attempts the client started
				mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 5}, func(cfg *Config) {
					cfg.MaxParallel = tc.par
					inner := cfg.WrapTransport
					cfg.WrapTransport = func(next http.RoundTripper) http.RoundTripper {
						rt := inner(next)
						return rtFunc(func(r *http.Request) (*http.Response, error) {
							sent.Add(1)
							return rt.RoundTrip(r)
						})
					}
				})
				mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
					if r.URL.Query().Get("page") != "" {
						return &mockportal.Fault{Latency: 10 * time.Millisecond}
					}
					return nil
				})
				calls := 0
				st, err := c.StreamAROs(t.Context(), genProviderID, AROQuery{}, func([]ARO) (bool, error) {
					calls++
					return calls == tc.stopAt, nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if calls != tc.stopAt || !st.Stopped {
					t.Errorf("%d calls, Stopped %v", calls, st.Stopped)
				}
				n := int(sent.Load())
				if n < tc.stopAt || n > tc.maxReqs || st.Requests != n {
					t.Errorf("%d page requests sent (stats %d), want %d..%d (20 pages exist)", n, st.Requests, tc.stopAt, tc.maxReqs)
				}
				// Every goroutine of the read has finished or is blocked
				// for good: nothing more is sent.
				time.Sleep(time.Second)
				synctest.Wait()
				if m := int(sent.Load()); m != n {
					t.Errorf("requests went on after the read returned: %d -> %d", n, m)
				}
				if m := mock.Count(mockportal.EndpointAROs); m > n {
					t.Errorf("the portal saw %d requests, the client sent %d", m, n)
				}
			})
		})
	}
	// A PageFunc error ends the read with that error.
	_, c := setup(t, d, mockportal.Options{PageCap: 5}, nil)
	boom := errors.New("consumer failed")
	_, err := c.StreamAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{}, func([]ARO) (bool, error) { return false, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the PageFunc's error", err)
	}
}

func TestStreamAROsContextCancel(t *testing.T) {
	d := mockportal.Generate(14, 4, 100, genNow)
	for _, tc := range []struct {
		name  string
		par   int
		first bool // make the first request slow
	}{{"first", 4, true}, {"sequential", 1, false}, {"parallel", 4, false}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) {
					cfg.MaxParallel = tc.par
					cfg.RequestTimeout = time.Minute
				})
				mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
					if tc.first || r.URL.Query().Get("page") != "" {
						return &mockportal.Fault{Latency: 20 * time.Second}
					}
					return nil
				})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				time.AfterFunc(150*time.Millisecond, cancel)
				start := time.Now()
				_, _, err := c.ListAROs(ctx, genProviderID, AROQuery{})
				if el := time.Since(start); el != 150*time.Millisecond {
					t.Errorf("the read returned %v in, want at the cancel (150 ms)", el)
				}
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
			})
		})
	}
	t.Run("deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			mock, c := setupInMemory(t, d, mockportal.Options{PageCap: 10}, nil)
			mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
				return &mockportal.Fault{Latency: 20 * time.Second}
			})
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, _, err := c.ListAROs(ctx, genProviderID, AROQuery{})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
			if el := time.Since(start); el != 100*time.Millisecond {
				t.Errorf("the read returned %v in, want at the deadline (100 ms)", el)
			}
		})
	})
}

func TestStreamAROsMissingTotalOrPage(t *testing.T) {
	for body, want := range map[string]string{
		`{"items":[{"ID":"a"}],"page":0}`:                     `no "total"`,
		`{"items":[{"ID":"a"}],"total":1}`:                    `no "page"`,
		`{"items":[{"ID":"a"}],"total":-1,"page":0}`:          "negative total",
		`{"items":[{"ID":"a"},{"ID":""}],"total":2,"page":0}`: "has no ID",
	} {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		p.mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
			return &mockportal.Fault{Body: body}
		})
		_, _, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, AROQuery{})
		if err == nil {
			t.Errorf("%s: accepted", body)
			continue
		}
		mustContain(t, err.Error(), want)
	}
}

func TestStreamAROsDuplicatesAcrossPagesDropped(t *testing.T) {
	// A server that repeats one ARO on the next page: it is handed over once.
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxParallel = 1 })
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		switch r.URL.Query().Get("page") {
		case "":
			return &mockportal.Fault{Body: `{"items":[{"ID":"a"},{"ID":"b"}],"total":4,"page":0}`}
		case "1":
			return &mockportal.Fault{Body: `{"items":[{"ID":"b"},{"ID":"c"}],"total":4,"page":1}`}
		}
		return &mockportal.Fault{Status: 500}
	})
	aros, st, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(aros); !slices.Equal(got, []string{"a", "b", "c"}) || st.Pages != 2 {
		t.Errorf("got %v, stats %+v", got, st)
	}
}

func TestStreamAROsServerRepeatingItself(t *testing.T) {
	// Every page after the first repeats the first page's AROs, with a total that
	// keeps the read going: the read must end with an error, not loop.
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxParallel = 1 })
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		return &mockportal.Fault{Body: fmt.Sprintf(`{"items":[{"ID":"a"},{"ID":"b"}],"total":1000000,"page":%d}`, page)}
	})
	ctx := testCtx(t, 10*time.Second)
	_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
	_ = asError[*PagingError](t, err)
	mustContain(t, err.Error(), "were sent again")
	// Pages of repeats are tolerated up to repeatSlackPages pages' worth.
	if n := p.mock.Count(mockportal.EndpointAROs); n != 2+repeatSlackPages {
		t.Errorf("%d requests, want %d", n, 2+repeatSlackPages)
	}
}

func TestStreamAROsHugeTotal(t *testing.T) {
	// A first page claiming an enormous total must not make the client plan
	// (or allocate for) billions of pages.
	for _, par := range []int{1, 8} {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxParallel = par })
		p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
			return &mockportal.Fault{Body: `{"items":[{"ID":"a"}],"total":9000000000000000000,"page":0}`}
		})
		ctx := testCtx(t, 10*time.Second)
		_, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{})
		_ = asError[*PagingError](t, err)
		if ctx.Err() != nil {
			t.Fatalf("parallel %d: hung: %v", par, err)
		}
	}
}

// TestStreamAROsLongArrivalBurst: more AROs arrive mid-read than the repeat
// slack alone allows; the growth of total explains the repeats, so the read
// completes with every ARO once.
func TestStreamAROsLongArrivalBurst(t *testing.T) {
	d := mockportal.Generate(12, 6, 100, genNow)
	orig := expectedIDs(d, genProviderID)
	burst := make([]mockportal.ARO, 60)
	for i := range burst {
		burst[i] = mockportal.ARO{ID: fmt.Sprintf("burst-%03d", i), CreationTime: genNow.Add(time.Hour + time.Duration(i)*time.Second).Format(mockportal.TimeLayout),
			Title: "arrived", Severity: "Low", Status: "Open", Resolution: "Unresolved", Type: "Action"}
	}
	for _, par := range []int{1, 8} {
		t.Run(fmt.Sprintf("parallel%d", par), func(t *testing.T) {
			p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = par })
			p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
				if n == 7 {
					return &mockportal.Fault{InsertAROs: burst}
				}
				return nil
			})
			aros, st, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
			if err != nil {
				t.Fatalf("%v (stats %+v)", err, st)
			}
			assertHolds(t, idsOf(aros), orig)
		})
	}
}

// TestStreamAROsFallsBackToSequential: when a parallel answer contradicts the
// plan (here total moves because AROs arrive), paging goes on sequentially
// from that page and still returns every ARO once.
func TestStreamAROsFallsBackToSequential(t *testing.T) {
	d := mockportal.Generate(13, 6, 100, genNow)
	orig := expectedIDs(d, genProviderID)
	arrivals := []mockportal.ARO{{ID: "late-1", CreationTime: genNow.Add(time.Hour).Format(mockportal.TimeLayout),
		Title: "arrived", Severity: "High", Status: "Open", Resolution: "Unresolved", Type: "Action"}}
	p, c := setup(t, d, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = 4 })
	p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if n == 3 {
			return &mockportal.Fault{InsertAROs: arrivals}
		}
		return nil
	})
	aros, st, err := c.ListAROs(testCtx(t, 10*time.Second), genProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Sequential {
		t.Errorf("a moved total did not switch to sequential paging: %+v", st)
	}
	assertHolds(t, idsOf(aros), orig)
}

// assertHolds checks that got has no duplicate and holds every ID of want.
func assertHolds(t *testing.T, got, want []string) {
	t.Helper()
	assertUniqueIDs(t, got)
	have := map[string]bool{}
	for _, id := range got {
		have[id] = true
	}
	for _, id := range want {
		if !have[id] {
			t.Fatalf("ARO %s missing", id)
		}
	}
}
