package mockportal

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// faultRecorder records every FaultFunc call ("endpoint#n").
type faultRecorder struct {
	mu    sync.Mutex
	calls []string
}

// on returns a FaultFunc that applies f to requests number ns (all if
// empty) of endpoint ep.
func (fr *faultRecorder) on(ep Endpoint, f *Fault, ns ...int) FaultFunc {
	return func(e Endpoint, n int, r *http.Request) *Fault {
		fr.mu.Lock()
		fr.calls = append(fr.calls, string(e)+"#"+strconv.Itoa(n))
		fr.mu.Unlock()
		if e != ep || (len(ns) > 0 && !slices.Contains(ns, n)) {
			return nil
		}
		return f
	}
}

func TestFaultStatus(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	fr := &faultRecorder{}
	s.SetFault(fr.on(EndpointAROs, &Fault{Status: 503, RetryAfter: "2"}, 1))

	resp, body := get(t, hs.URL, "/providers/p1/aros", testKey)
	if resp.StatusCode != 503 || string(body) != "mock fault" || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("first: %d %q Retry-After %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if p := getPage(t, hs.URL, "p1", nil); p.Total != 4 {
		t.Fatalf("second: total %d", p.Total)
	}
	// Other endpoints are unaffected; unauthenticated requests never reach the FaultFunc.
	if resp, _ := get(t, hs.URL, "/my_providers", testKey); resp.StatusCode != 200 {
		t.Fatalf("my_providers: %d", resp.StatusCode)
	}
	if resp, _ := get(t, hs.URL, "/providers/p1/aros", "bad"); resp.StatusCode != 401 {
		t.Fatalf("bad key: %d", resp.StatusCode)
	}
	if want := []string{"aros#1", "aros#2", "my_providers#1"}; !slices.Equal(fr.calls, want) {
		t.Fatalf("FaultFunc calls %v, want %v", fr.calls, want)
	}

	// Status with a body; a JSON body gets a JSON content type.
	s.SetFault(fr.on(EndpointOrganization, &Fault{Status: 429, Body: `{"detail":"slow down"}`}))
	resp, body = get(t, hs.URL, "/organizations/o1", testKey)
	if resp.StatusCode != 429 || string(body) != `{"detail":"slow down"}` || resp.Header.Get("Retry-After") != "" ||
		resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("429: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	s.SetFault(nil)
	if resp, _ := get(t, hs.URL, "/organizations/o1", testKey); resp.StatusCode != 200 {
		t.Fatalf("after SetFault(nil): %d", resp.StatusCode)
	}
}

func TestFaultBodyAndTruncate(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	_, normal := get(t, hs.URL, "/my_providers/p1/organizations", testKey)

	s.SetFault((&faultRecorder{}).on(EndpointOrganizations, &Fault{Body: `{"items": [garbage`}))
	resp, body := get(t, hs.URL, "/my_providers/p1/organizations", testKey)
	if resp.StatusCode != 200 || string(body) != `{"items": [garbage` {
		t.Fatalf("garbage: %d %q", resp.StatusCode, body)
	}
	// Body without Status only replaces 200 answers.
	resp, body = get(t, hs.URL, "/my_providers/p9/organizations", testKey)
	if resp.StatusCode != 404 || string(body) != `{"detail":"Not found"}` {
		t.Fatalf("404 with Body fault: %d %q", resp.StatusCode, body)
	}

	s.SetFault((&faultRecorder{}).on(EndpointOrganizations, &Fault{Truncate: true}))
	resp, body = get(t, hs.URL, "/my_providers/p1/organizations", testKey)
	if resp.StatusCode != 200 || string(body) != string(normal[:len(normal)/2]) || resp.ContentLength != int64(len(normal)/2) {
		t.Fatalf("truncated: %d %q (len %d)", resp.StatusCode, body, resp.ContentLength)
	}
	if json.Valid(body) {
		t.Fatal("truncated body is valid JSON")
	}
}

func TestFaultDrop(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	s.SetFault((&faultRecorder{}).on(EndpointMyProviders, &Fault{Drop: true}))
	req, _ := http.NewRequest("GET", hs.URL+"/my_providers", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d %q", resp.StatusCode, b)
	}
	if resp, _ := get(t, hs.URL, "/providers", testKey); resp.StatusCode != 200 {
		t.Fatalf("server broken after drop: %d", resp.StatusCode)
	}
}

func TestFaultLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{})
		s.SetFault((&faultRecorder{}).on(EndpointProviders, &Fault{Latency: 150 * time.Millisecond}))
		start := time.Now()
		if rec, _ := serve(t.Context(), s, http.MethodGet, "/providers", testKey); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		if el := time.Since(start); el != 150*time.Millisecond {
			t.Fatalf("answered after %v, want 150ms", el)
		}

		// A cancelled request stops the handler's sleep: the handler
		// returns at the cancel, not an hour later.
		s.SetFault((&faultRecorder{}).on(EndpointProviders, &Fault{Latency: time.Hour}))
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		start = time.Now()
		serve(ctx, s, http.MethodGet, "/providers", testKey)
		if el := time.Since(start); el != 50*time.Millisecond {
			t.Fatalf("the handler returned after %v, want at the cancel (50ms)", el)
		}
	})
}

func TestFaultAROKnobs(t *testing.T) {
	wrong := 42
	for _, tc := range []struct {
		name      string
		fault     *Fault
		wantIDs   []string
		wantTotal int
		wantPage  int
	}{
		{"none", &Fault{}, []string{"a4", "a2", "a3", "a1"}, 4, 1},
		{"lying total", &Fault{TotalDelta: 3}, []string{"a4", "a2", "a3", "a1"}, 7, 1},
		{"lying total down", &Fault{TotalDelta: -2}, []string{"a4", "a2", "a3", "a1"}, 2, 1},
		{"empty items", &Fault{EmptyItems: true}, []string{}, 4, 1},
		{"wrong page", &Fault{WrongPage: &wrong}, []string{"a4", "a2", "a3", "a1"}, 4, 42},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, hs := startServer(t, smallData(), Options{PageBase: 1})
			s.SetFault((&faultRecorder{}).on(EndpointAROs, tc.fault))
			p := getPage(t, hs.URL, "p1", nil)
			if !slices.Equal(p.ids(t), tc.wantIDs) || p.Total != tc.wantTotal || p.Page != tc.wantPage {
				t.Fatalf("ids %v total %d page %d, want %v %d %d", p.ids(t), p.Total, p.Page, tc.wantIDs, tc.wantTotal, tc.wantPage)
			}
			if p.Items == nil {
				t.Fatal("items is null")
			}
		})
	}
}

func TestFaultInsertAROs(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{PageBase: 1})
	newer := []ARO{
		{ID: "n1", CreationTime: "2030-01-01 00:00:00", Organization: &OrgRef{ID: "o1"}},
		{ID: "n2", CreationTime: "2030-01-02 00:00:00"},
		{ID: "n3", CreationTime: "2030-01-02 00:00:00", Organization: &OrgRef{ID: "o3"}}, // p2's
	}
	s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{InsertAROs: newer}, 2))
	p1 := getPage(t, hs.URL, "p1", q("limit", "2"))
	p2 := getPage(t, hs.URL, "p1", q("limit", "2", "page", "2"))
	if !slices.Equal(p1.ids(t), []string{"a4", "a2"}) || p1.Total != 4 {
		t.Fatalf("page 1: %v %d", p1.ids(t), p1.Total)
	}
	// Two new AROs of p1 arrived before page 2 was served: they shift it.
	if !slices.Equal(p2.ids(t), []string{"a4", "a2"}) || p2.Total != 6 {
		t.Fatalf("page 2: %v %d", p2.ids(t), p2.Total)
	}
	// The insertion is permanent.
	if all := getPage(t, hs.URL, "p1", nil); !slices.Equal(all.ids(t), []string{"n2", "n1", "a4", "a2", "a3", "a1"}) {
		t.Fatalf("after: %v", all.ids(t))
	}
	if all := getPage(t, hs.URL, "p2", nil); !slices.Equal(all.ids(t), []string{"n3", "a5"}) {
		t.Fatalf("p2 after: %v", all.ids(t))
	}
}

func TestFaultCountIsPerEndpoint(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	fr := &faultRecorder{}
	s.SetFault(fr.on("", nil))
	get(t, hs.URL, "/my_providers", testKey)
	get(t, hs.URL, "/providers/p1/aros", testKey)
	get(t, hs.URL, "/my_providers", testKey)
	get(t, hs.URL, "/organizations/o1", testKey)
	get(t, hs.URL, "/providers/p1/aros", testKey)
	want := []string{"my_providers#1", "aros#1", "my_providers#2", "organization#1", "aros#2"}
	if !slices.Equal(fr.calls, want) {
		t.Fatalf("calls %v, want %v", fr.calls, want)
	}
}

func TestFaultIgnoreParams(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	q := url.Values{"organization_id": {"o1"}, "type": {"Action"}}
	if p := getPage(t, hs.URL, "p1", q); p.Total != 1 {
		t.Fatalf("normal: total %d, want 1", p.Total)
	}
	// Ignoring one of the two: only the other applies.
	s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{IgnoreParams: []string{"type"}}))
	if p := getPage(t, hs.URL, "p1", q); p.Total != 2 {
		t.Fatalf("type ignored: total %d, want 2 (o1's AROs)", p.Total)
	}
	// Every filter ignored: the whole estate of the provider, paging still applied.
	s.SetFault((&faultRecorder{}).on(EndpointAROs, &Fault{IgnoreParams: AROFilterParams}))
	all := getPage(t, hs.URL, "p1", nil).Total
	q2 := url.Values{"organization_id": {"o1"}, "status": {"Open"}, "resolution": {"Unresolved"}, "type": {"Action"},
		"since": {"2024-01-01 00:00:00"}, "until": {"2024-01-01 00:00:00"}, "id": {"a1"}, "limit": {"1"}}
	p := getPage(t, hs.URL, "p1", q2)
	if p.Total != all || len(p.Items) != 1 {
		t.Fatalf("all ignored: total %d (want %d), %d items (want 1: limit still applies)", p.Total, all, len(p.Items))
	}
}

func TestFaultShiftParams(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	until := url.Values{"until": {"2024-01-02 00:00:00"}}
	since := url.Values{"since": {"2024-01-02 00:00:00"}}
	for _, tc := range []struct {
		name string
		f    *Fault
		q    url.Values
		want []string
	}{
		{"normal", nil, until, []string{"a2", "a3", "a1"}},
		{"until an hour early: the AROs at the bound are lost", &Fault{ShiftParams: map[string]time.Duration{"until": -time.Hour}}, until, []string{"a1"}},
		{"until 36 hours late: a4 is added", &Fault{ShiftParams: map[string]time.Duration{"until": 36 * time.Hour}}, until, []string{"a4", "a2", "a3", "a1"}},
		{"only the parameters named move", &Fault{ShiftParams: map[string]time.Duration{"until": -time.Hour}}, since, []string{"a4", "a2", "a3"}},
		{"since an hour late", &Fault{ShiftParams: map[string]time.Duration{"since": time.Hour}}, since, []string{"a4"}},
		// o1's AROs compared with until 25 hours early, the others 36 hours late: one answer loses a1 and a3 and adds a4.
		{"per organization", &Fault{ShiftParams: map[string]time.Duration{"until": 36 * time.Hour}, ShiftOrgs: map[string]time.Duration{"o1": -25 * time.Hour}},
			until, []string{"a4", "a2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.SetFault((&faultRecorder{}).on(EndpointAROs, tc.f))
			if p := getPage(t, hs.URL, "p1", tc.q); !slices.Equal(p.ids(t), tc.want) || p.Total != len(tc.want) {
				t.Fatalf("%v: %v total %d, want %v", tc.q, p.ids(t), p.Total, tc.want)
			}
		})
	}
}
