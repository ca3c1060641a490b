package covalence

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// listSummaries reads every summary item of a provider into memory.
func listSummaries(ctx context.Context, c *Client, providerID string, q AROQuery) ([]AROSummaryItem, PageStats, error) {
	var out []AROSummaryItem
	st, err := c.StreamAROSummaries(ctx, providerID, q, func(items []AROSummaryItem) (bool, error) {
		out = append(out, items...)
		return false, nil
	})
	return out, st, err
}

func summaryIDs(items []AROSummaryItem) []string {
	out := make([]string, len(items))
	for i, a := range items {
		out[i] = a.ID
	}
	return out
}

// TestStreamAROSummariesSameAsStreamAROs: the summary stream pages exactly like
// StreamAROs (same requests, order, stats) and decodes the counted fields as
// the mock sent them.
func TestStreamAROSummariesSameAsStreamAROs(t *testing.T) {
	estates()
	for _, pageCap := range []int{7, 100, 500} {
		for _, base := range []int{0, 1} {
			for _, par := range []int{1, 8} {
				t.Run(fmt.Sprintf("cap%d/base%d/parallel%d", pageCap, base, par), func(t *testing.T) {
					t.Parallel()
					p, c := setup(t, genLarge, mockportal.Options{PageCap: pageCap, PageBase: base}, func(cfg *Config) { cfg.MaxParallel = par })
					items, st, err := listSummaries(testCtx(t, 30*time.Second), c, genProviderID, AROQuery{})
					if err != nil {
						t.Fatal(err)
					}
					assertSameOrder(t, summaryIDs(items), genLargeIDs)
					pages := (len(genLargeIDs) + pageCap - 1) / pageCap
					if st.Total != len(genLargeIDs) || st.First != st.Total || st.Distinct != st.Total ||
						st.Pages != pages || st.Requests != pages || st.Sequential != (par == 1) {
						t.Errorf("stats %+v, want total/first/distinct %d, %d pages", st, len(genLargeIDs), pages)
					}
					if n := p.mock.Count(mockportal.EndpointAROs); n != pages {
						t.Errorf("%d requests, want %d", n, pages)
					}
					for _, got := range items {
						want := genLargeByID[got.ID]
						eq := func(field string, g *string, w string) {
							t.Helper()
							if g == nil || *g != w {
								t.Errorf("ARO %s %s = %v, want %q", got.ID, field, deref(g), w)
							}
						}
						eq("severity", got.Severity, want.Severity)
						eq("status", got.Status, want.Status)
						eq("resolution", got.Resolution, want.Resolution)
						eq("type", got.Type, want.Type)
						eq("creation_time", got.CreationTime, want.CreationTime)
						switch {
						case want.Organization == nil && got.Organization != nil:
							t.Errorf("ARO %s organization = %v, want null", got.ID, deref(got.Organization.ID))
						case want.Organization != nil && (got.Organization == nil || got.Organization.ID == nil):
							t.Errorf("ARO %s organization missing", got.ID)
						case want.Organization != nil && *got.Organization.ID != want.Organization.ID:
							t.Errorf("ARO %s organization = %s, want %s", got.ID, *got.Organization.ID, want.Organization.ID)
						}
					}
				})
			}
		}
	}
}

func TestStreamAROSummariesQueryParameters(t *testing.T) {
	estates()
	p, c := setup(t, genSmall, mockportal.Options{}, nil)
	since := genNow.Add(-48*time.Hour + 500*time.Millisecond)
	q := AROQuery{Status: "Open", Resolution: "Unresolved", Type: "Action", OrganizationID: genSmall.Orgs[0].ID, Since: &since}
	if _, _, err := listSummaries(testCtx(t, 10*time.Second), c, genProviderID, q); err != nil {
		t.Fatal(err)
	}
	want := q.Values()
	got := p.mock.Requests()[0].Query
	for k := range want {
		if got.Get(k) != want.Get(k) {
			t.Errorf("%s = %q, want %q", k, got.Get(k), want.Get(k))
		}
	}
}

// TestStreamAROSummariesTolerance: nulls everywhere but ID, unknown fields,
// and fields a summary does not count are skipped even where ARO decoding
// would refuse them.
func TestStreamAROSummariesTolerance(t *testing.T) {
	body := `{"items":[` +
		`{"ID":"a","severity":null,"status":null,"resolution":null,"type":null,"creation_time":null,"organization":null},` +
		`{"ID":"b","organization":{"ID":null,"name":"x"},"count":1.5,"frameworks":[1,{"x":2}]},` +
		`{"ID":"c","severity":"Severe","status":"Parked","organization":{"ID":"o1"},"creation_time":"2025-01-02 03:04:05"}` +
		`],"total":3,"page":1}`
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(always(mockportal.Fault{Body: body}))
	items, st, err := listSummaries(testCtx(t, 10*time.Second), c, mockportal.FixtureProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || st.Distinct != 3 || st.Total != 3 {
		t.Fatalf("%d items, stats %+v", len(items), st)
	}
	a, b, cc := items[0], items[1], items[2]
	if a.Severity != nil || a.Status != nil || a.Resolution != nil || a.Type != nil || a.CreationTime != nil || a.Organization != nil {
		t.Errorf("nulls not kept as nil: %+v", a)
	}
	if b.Organization == nil || b.Organization.ID != nil || b.Severity != nil {
		t.Errorf("absent fields / null org ID: %+v", b)
	}
	if deref(cc.Severity) != "Severe" || deref(cc.Status) != "Parked" || deref(cc.Organization.ID) != "o1" || deref(cc.CreationTime) != "2025-01-02 03:04:05" {
		t.Errorf("undocumented values not kept as sent: %+v", cc)
	}
	// The same body is refused by the full ARO decoder (count 1.5): proof that
	// the summary stream does not decode what it does not count.
	if _, _, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, AROQuery{}); err == nil {
		t.Error("ListAROs accepted count 1.5: the tolerance test proves nothing")
	}
}

func TestStreamAROSummariesGarbage(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"html", "<html>oops</html>", "byte offset 1"},
		{"items not a list", `{"items":"nope","total":1,"page":0}`, "byte offset"},
		{"severity a number", `{"items":[{"ID":"a","severity":5}],"total":1,"page":0}`, "byte offset"},
		{"organization a string", `{"items":[{"ID":"a","organization":"o1"}],"total":1,"page":0}`, "byte offset"},
		{"no total", `{"items":[{"ID":"a"}],"page":0}`, `no "total"`},
		{"no page", `{"items":[{"ID":"a"}],"total":1}`, `no "page"`},
		{"negative total", `{"items":[{"ID":"a"}],"total":-1,"page":0}`, "negative total"},
		{"no ID", `{"items":[{"ID":"a"},{"severity":"High"}],"total":2,"page":0}`, "has no ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
			p.mock.SetFault(always(mockportal.Fault{Body: tc.body}))
			_, _, err := listSummaries(testCtx(t, 10*time.Second), c, mockportal.FixtureProviderID, AROQuery{})
			if err == nil {
				t.Fatalf("%s accepted", tc.body)
			}
			mustContain(t, err.Error(), "providers/prov-0001/aros", tc.want)
		})
	}
	t.Run("truncated", func(t *testing.T) {
		estates()
		p, c := setup(t, genSmall, mockportal.Options{PageCap: 10}, nil)
		p.mock.SetFault(faultFirst(mockportal.EndpointAROs, 100, mockportal.Fault{Truncate: true}))
		_, _, err := listSummaries(testCtx(t, 10*time.Second), c, genProviderID, AROQuery{})
		_ = asError[*DecodeError](t, err)
		mustContain(t, err.Error(), "truncated")
	})
}

// TestStreamAROSummariesLyingTotals: a total above the AROs served ends in an
// empty page; one below them is caught by the final count check; neither hangs.
func TestStreamAROSummariesLyingTotals(t *testing.T) {
	d := mockportal.Generate(9, 4, 30, genNow)
	for _, tc := range []struct {
		par, delta int
		want       string
	}{
		{1, 5, "total says 35"}, {8, 5, "total says 35"}, {8, 1000, "total says 1030"},
		{1, -5, "28 distinct AROs were received, but the portal's total said 25 at first and 25 at the end"},
		{8, -5, "28 distinct AROs were received, but the portal's total said 25 at first and 25 at the end"},
	} {
		t.Run(fmt.Sprintf("parallel%d/delta%d", tc.par, tc.delta), func(t *testing.T) {
			p, c := setup(t, d, mockportal.Options{PageCap: 7}, func(cfg *Config) { cfg.MaxParallel = tc.par })
			p.mock.SetFault(always(mockportal.Fault{TotalDelta: tc.delta}))
			ctx := testCtx(t, 10*time.Second)
			_, _, err := listSummaries(ctx, c, genProviderID, AROQuery{})
			if ctx.Err() != nil {
				t.Fatalf("the read hung until the guard timeout: %v", err)
			}
			_ = asError[*PagingError](t, err)
			mustContain(t, err.Error(), tc.want)
			if n := p.mock.Count(mockportal.EndpointAROs); n > 40 {
				t.Errorf("%d requests for a 5-page estate", n)
			}
		})
	}
	// A server that repeats an ARO in place of another (within the repeat
	// slack) gives a list StreamAROs accepts, but a count that does not agree
	// with total: the summary refuses it.
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
	_, _, err := listSummaries(testCtx(t, 10*time.Second), c, mockportal.FixtureProviderID, AROQuery{})
	_ = asError[*PagingError](t, err)
	mustContain(t, err.Error(), "3 distinct AROs were received, but the portal's total said 4 at first and 4 at the end")
	// The server repeating whole pages with a huge total ends as for StreamAROs.
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		return &mockportal.Fault{Body: fmt.Sprintf(`{"items":[{"ID":"a"},{"ID":"b"}],"total":1000000,"page":%d}`, page)}
	})
	_, _, err = listSummaries(testCtx(t, 10*time.Second), c, mockportal.FixtureProviderID, AROQuery{})
	mustContain(t, fmt.Sprint(err), "were sent again")
	// An empty page before total, and a wrong page number.
	d50 := mockportal.Generate(8, 4, 50, genNow)
	for _, par := range []int{1, 8} {
		p, c := setup(t, d50, mockportal.Options{PageCap: 10}, func(cfg *Config) { cfg.MaxParallel = par })
		p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
			if n == 3 {
				return &mockportal.Fault{EmptyItems: true}
			}
			return nil
		})
		_, _, err := listSummaries(testCtx(t, 10*time.Second), c, genProviderID, AROQuery{})
		mustContain(t, fmt.Sprint(err), "total says 50", "was empty")
		p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
			if r.URL.Query().Get("page") == "2" {
				return &mockportal.Fault{WrongPage: ptr(9)}
			}
			return nil
		})
		_, _, err = listSummaries(testCtx(t, 10*time.Second), c, genProviderID, AROQuery{})
		mustContain(t, fmt.Sprint(err), "asked for page 2, the answer says page 9")
	}
}

// TestStreamAROSummariesArrivals: AROs arriving mid-read (newer, older, both,
// more than the repeat slack) keep the read consistent: every original ARO
// once, and the distinct count between the first and the last total.
func TestStreamAROSummariesArrivals(t *testing.T) {
	d := mockportal.Generate(10, 6, 100, genNow)
	orig := expectedIDs(d, genProviderID)
	forEachArrival(t, d, func(t *testing.T, c *Client, tc arrivalCase) {
		items, st, err := listSummaries(testCtx(t, 10*time.Second), c, genProviderID, AROQuery{})
		if err != nil {
			t.Fatalf("%v (stats %+v)", err, st)
		}
		assertHolds(t, summaryIDs(items), orig)
		if st.First != 100 || st.Total != 100+len(tc.ins) || st.Distinct != len(items) || st.Distinct < st.First || st.Distinct > st.Total {
			t.Errorf("stats %+v with %d items", st, len(items))
		}
	})
}

// TestStreamAROSummaries429Burst: a burst of 429s on pages in flight is
// survived; every ARO is counted once.
func TestStreamAROSummaries429Burst(t *testing.T) {
	estates()
	p, c := setup(t, genLarge, mockportal.Options{PageCap: 50}, func(cfg *Config) { cfg.MaxParallel = 8; cfg.MaxRetries = new(5) })
	var n429 atomic.Int32
	p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if n >= 3 && n < 12 {
			n429.Add(1)
			return &mockportal.Fault{Status: 429}
		}
		return nil
	})
	items, st, err := listSummaries(testCtx(t, 30*time.Second), c, genProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	assertSameOrder(t, summaryIDs(items), genLargeIDs)
	if n429.Load() == 0 || st.Distinct != len(genLargeIDs) {
		t.Errorf("%d 429s sent, stats %+v", n429.Load(), st)
	}
}

func TestStreamAROSummariesStop(t *testing.T) {
	d := mockportal.Generate(13, 4, 100, genNow)
	_, c := setup(t, d, mockportal.Options{PageCap: 5}, func(cfg *Config) { cfg.MaxParallel = 1 })
	calls := 0
	st, err := c.StreamAROSummaries(testCtx(t, 10*time.Second), genProviderID, AROQuery{}, func([]AROSummaryItem) (bool, error) {
		calls++
		return calls == 2, nil
	})
	// A stopped read is not a full count: no count check, no error.
	if err != nil || !st.Stopped || calls != 2 || st.Requests != 2 {
		t.Errorf("err %v, %d calls, stats %+v", err, calls, st)
	}
}

// BenchmarkStreamAROSummaries is BenchmarkStreamAROs at the default
// parallelism through the summary stream (fewer fields decoded).
func BenchmarkStreamAROSummaries(b *testing.B) {
	base := benchServer(b)
	c, err := New(Config{BaseURL: base, APIKey: "k", MaxParallel: DefaultMaxParallel})
	if err != nil {
		b.Fatal(err)
	}
	benchReads(b, func() (int, error) {
		n := 0
		_, err := c.StreamAROSummaries(context.Background(), "prov-0001", AROQuery{}, func(items []AROSummaryItem) (bool, error) {
			n += len(items)
			return false, nil
		})
		return n, err
	})
}
