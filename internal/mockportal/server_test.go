package mockportal

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestAuth(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{APIKey: "right-key", ForbiddenKey: "limited-key"})
	for _, prefix := range []string{"", "/v1"} {
		for _, tc := range []struct {
			name   string
			header string
			want   int
		}{
			{"missing", "", http.StatusUnauthorized},
			{"wrong key", "Bearer wrong-key", http.StatusUnauthorized},
			{"default key is not accepted when another is set", "Bearer " + testKey, http.StatusUnauthorized},
			{"not bearer", "Basic right-key", http.StatusUnauthorized},
			{"bare key", "right-key", http.StatusUnauthorized},
			{"empty bearer", "Bearer ", http.StatusUnauthorized},
			{"forbidden key", "Bearer limited-key", http.StatusForbidden},
			{"right key", "Bearer right-key", http.StatusOK},
			{"scheme is case-insensitive", "bearer right-key", http.StatusOK},
		} {
			t.Run(prefix+"/"+tc.name, func(t *testing.T) {
				for _, path := range []string{"/my_providers", "/providers/p1/aros", "/organizations/o1", "/no/such/path"} {
					req, _ := http.NewRequest(http.MethodGet, hs.URL+prefix+path, nil)
					if tc.header != "" {
						req.Header.Set("Authorization", tc.header)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					var body any
					err = json.NewDecoder(resp.Body).Decode(&body)
					resp.Body.Close()
					want := tc.want
					if want == http.StatusOK && path == "/no/such/path" {
						want = http.StatusNotFound
					}
					if resp.StatusCode != want {
						t.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
					}
					if err != nil {
						t.Errorf("%s: body is not JSON: %v", path, err)
					}
					if want == http.StatusUnauthorized && !reflect.DeepEqual(body, map[string]any{"detail": "Invalid token"}) {
						t.Errorf("%s: body %v", path, body)
					}
					if b, _ := json.Marshal(body); strings.Contains(string(b), "right-key") || strings.Contains(string(b), "wrong-key") {
						t.Errorf("%s: body echoes a key: %s", path, b)
					}
				}
			})
		}
	}
}

func TestDefaultAPIKey(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{})
	if resp, _ := get(t, hs.URL, "/my_providers", testKey); resp.StatusCode != http.StatusOK {
		t.Fatalf("default key: status %d", resp.StatusCode)
	}
	if resp, _ := get(t, hs.URL, "/my_providers", "other"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("other key: status %d", resp.StatusCode)
	}
}

func TestRouting(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	for _, tc := range []struct {
		method, path string
		want         int
		endpoint     Endpoint
	}{
		{"GET", "/my_providers", 200, EndpointMyProviders},
		{"GET", "/v1/my_providers", 200, EndpointMyProviders},
		{"GET", "/providers", 200, EndpointProviders},
		{"GET", "/v1/providers", 200, EndpointProviders},
		{"GET", "/my_providers/p1/organizations", 200, EndpointOrganizations},
		{"GET", "/v1/my_providers/p2/organizations", 200, EndpointOrganizations},
		{"GET", "/organizations/o1", 200, EndpointOrganization},
		{"GET", "/v1/my_organizations/o1", 200, EndpointOrganization},
		{"GET", "/providers/p1/aros", 200, EndpointAROs},
		{"GET", "/v1/providers/p1/aros", 200, EndpointAROs},
		{"GET", "/", 404, EndpointUnknown},
		{"GET", "/v1", 404, EndpointUnknown},
		{"GET", "/v2/my_providers", 404, EndpointUnknown},
		{"GET", "/v1//my_providers", 404, EndpointUnknown},
		{"GET", "/my_providers/", 404, EndpointUnknown},
		{"GET", "/providers/p1/organizations", 404, EndpointUnknown},
		{"GET", "/my_providers/p1/aros/extra", 404, EndpointUnknown},
		{"GET", "/aros", 404, EndpointUnknown},
		{"GET", "/providers//aros", 404, EndpointUnknown},
		{"GET", "/v1/providers/p1/../p1/aros", 404, EndpointUnknown},
		{"GET", "/providers/p1%2Fx/aros", 404, EndpointAROs},
		{"GET", "/organizations/o%31", 200, EndpointOrganization},
		{"GET", "/_mock/stats", 404, EndpointUnknown},
		{"HEAD", "/my_providers", 405, EndpointMyProviders},
		{"POST", "/my_providers", 405, EndpointMyProviders},
		{"DELETE", "/providers/p1/aros", 405, EndpointAROs},
		{"POST", "/v1/aros/a1/transition", 405, EndpointUnknown},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			s.ResetRequests()
			resp, body := do(t, tc.method, hs.URL+tc.path, testKey)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tc.want == 405 && resp.Header.Get("Allow") != "GET" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
			if got := s.Count(tc.endpoint); got != 1 {
				t.Errorf("Count(%q) = %d, want 1", tc.endpoint, got)
			}
		})
	}
}

func TestProviders(t *testing.T) {
	_, hs := startServer(t, FixtureData(), Options{})
	for path, want := range map[string]string{
		"/my_providers": `[{"ID":"prov-0001","name":"Test MSSP"}]`,
		"/providers":    `[{"ID":"prov-0001","name":"Test MSSP"},{"ID":"prov-0002","name":"Other MSSP"}]`,
	} {
		resp, body := get(t, hs.URL, path, testKey)
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("%s: %d %s, want %s", path, resp.StatusCode, body, want)
		}
	}
	// No provider at all: an empty array, not null.
	_, hs = startServer(t, &Data{}, Options{})
	for _, path := range []string{"/my_providers", "/providers"} {
		if _, body := get(t, hs.URL, path, testKey); string(body) != "[]" {
			t.Errorf("empty %s: %s", path, body)
		}
	}
}

func TestOrganizations(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{})
	for _, tc := range []struct {
		path string
		want int
		body string
	}{
		{"/my_providers/p1/organizations", 200, `[{"ID":"o1","email":"a@acme.example","email_aro_details":false,"name":"Acme Inc."},{"ID":"o2","email":null,"email_aro_details":true,"name":"Acme Logistics","client_id":"C-2"}]`},
		{"/my_providers/p2/organizations", 200, `[{"ID":"o3","email":null,"email_aro_details":false,"name":"Globex"}]`},
		{"/my_providers/p9/organizations", 404, `{"detail":"Not found"}`},
	} {
		resp, body := get(t, hs.URL, tc.path, testKey)
		if resp.StatusCode != tc.want || string(body) != tc.body {
			t.Errorf("%s: %d %s\nwant %d %s", tc.path, resp.StatusCode, body, tc.want, tc.body)
		}
	}
	// A provider with no organizations answers [].
	d := smallData()
	d.Providers = append(d.Providers, Provider{ID: "p3", Name: "Empty"})
	_, hs = startServer(t, d, Options{})
	if _, body := get(t, hs.URL, "/my_providers/p3/organizations", testKey); string(body) != "[]" {
		t.Errorf("empty provider: %s", body)
	}
}

func TestOrganizationDetail(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{})
	for _, prefix := range []string{"/organizations/", "/my_organizations/"} {
		resp, body := get(t, hs.URL, prefix+"o3", testKey)
		want := `{"ID":"o3","email":null,"email_aro_details":false,"id":"o3","name":"Globex","status":"active"}`
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("%so3: %d %s\nwant %s", prefix, resp.StatusCode, body, want)
		}
		resp, body = get(t, hs.URL, prefix+"o1", testKey)
		want = `{"ID":"o1","email":"a@acme.example","email_aro_details":false,"id":"o1","name":"Acme Inc."}`
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("%so1: %d %s\nwant %s", prefix, resp.StatusCode, body, want)
		}
		resp, body = get(t, hs.URL, prefix+"nope", testKey)
		if resp.StatusCode != 404 || string(body) != `{"detail":"Not found"}` {
			t.Errorf("%snope: %d %s", prefix, resp.StatusCode, body)
		}
	}
}

func TestAROFilters(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{})
	for _, tc := range []struct {
		name string
		q    []string
		want []string
	}{
		{"none (p1, newest first, tie by ID)", nil, []string{"a4", "a2", "a3", "a1"}},
		{"id", []string{"id", "a3"}, []string{"a3"}},
		{"id of another provider's ARO", []string{"id", "a5"}, []string{}},
		{"id unknown", []string{"id", "zz"}, []string{}},
		{"status Open", []string{"status", "Open"}, []string{"a4", "a1"}},
		{"status In Triage", []string{"status", "In Triage"}, []string{"a3"}},
		{"status is exact (case)", []string{"status", "open"}, []string{}},
		{"resolution", []string{"resolution", "Help Requested"}, []string{"a3"}},
		{"resolution Dismissed", []string{"resolution", "Dismissed"}, []string{"a4"}},
		{"type Action", []string{"type", "Action"}, []string{"a4", "a1"}},
		{"type Recommendation", []string{"type", "Recommendation"}, []string{"a2"}},
		{"organization_id", []string{"organization_id", "o1"}, []string{"a3", "a1"}},
		{"organization_id of p2", []string{"organization_id", "o3"}, []string{}},
		{"combined", []string{"type", "Action", "organization_id", "o1", "status", "Open"}, []string{"a1"}},
		{"since inclusive", []string{"since", "2024-01-02 00:00:00"}, []string{"a4", "a2", "a3"}},
		{"since one second later", []string{"since", "2024-01-02 00:00:01"}, []string{"a4"}},
		{"until inclusive", []string{"until", "2024-01-02 00:00:00"}, []string{"a2", "a3", "a1"}},
		{"until one second earlier", []string{"until", "2024-01-01 23:59:59"}, []string{"a1"}},
		{"since and until equal", []string{"since", "2024-01-02 00:00:00", "until", "2024-01-02 00:00:00"}, []string{"a2", "a3"}},
		{"since after until", []string{"since", "2024-01-03 00:00:00", "until", "2024-01-02 00:00:00"}, []string{}},
		{"empty values are no filter", []string{"status", "", "since", "", "type", ""}, []string{"a4", "a2", "a3", "a1"}},
		{"unknown parameter ignored", []string{"severity", "Critical", "foo", "bar"}, []string{"a4", "a2", "a3", "a1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := getPage(t, hs.URL, "p1", q(tc.q...))
			if got := p.ids(t); !slices.Equal(got, tc.want) {
				t.Errorf("ids %v, want %v", got, tc.want)
			}
			if p.Total != len(tc.want) {
				t.Errorf("total %d, want %d", p.Total, len(tc.want))
			}
		})
	}
	if got := getPage(t, hs.URL, "p2", nil).ids(t); !slices.Equal(got, []string{"a5"}) {
		t.Errorf("p2: %v", got)
	}
	if resp, body := get(t, hs.URL, "/providers/p9/aros", testKey); resp.StatusCode != 404 {
		t.Errorf("unknown provider: %d %s", resp.StatusCode, body)
	}
}

func TestAROBadParams(t *testing.T) {
	_, hs := startServer(t, smallData(), Options{PageBase: 1})
	for _, tc := range []struct{ query, word string }{
		{"since=2024-01-02", "since"},
		{"since=2024-01-02T00:00:00Z", "since"},
		{"until=yesterday", "until"},
		{"until=2024-13-01+00:00:00", "until"},
		{"page=two", "page"},
		{"page=1.5", "page"},
		{"page=0", "page"}, // below the base (1)
		{"page=-3", "page"},
		{"page=", "page"},
		{"limit=ten", "limit"},
		{"limit=", "limit"},
	} {
		resp, body := get(t, hs.URL, "/providers/p1/aros?"+tc.query, testKey)
		if resp.StatusCode != 400 {
			t.Errorf("%s: status %d", tc.query, resp.StatusCode)
			continue
		}
		var e struct{ Detail string }
		if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e.Detail, tc.word) {
			t.Errorf("%s: body %s does not name %q", tc.query, body, tc.word)
		}
	}
}

func TestSortOrderTies(t *testing.T) {
	d := &Data{MyProviders: []Provider{{ID: "p", Name: "P"}}}
	// Inserted in an order that is neither sorted by time nor by ID.
	for _, a := range []struct{ id, ct string }{
		{"c", "2024-05-01 10:00:00"}, {"e", "2024-05-02 10:00:00"}, {"a", "2024-05-01 10:00:00"},
		{"d", "2024-04-30 23:59:59"}, {"b", "2024-05-01 10:00:00"}, {"f", "2024-05-02 10:00:00"},
	} {
		d.AROs = append(d.AROs, ARO{ID: a.id, CreationTime: a.ct})
	}
	_, hs := startServer(t, d, Options{PageBase: 1})
	want := []string{"e", "f", "a", "b", "c", "d"}
	if got := getPage(t, hs.URL, "p", nil).ids(t); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	// The same order holds across pages of 2.
	var got []string
	for page := 1; page <= 3; page++ {
		got = append(got, getPage(t, hs.URL, "p", q("limit", "2", "page", strconv.Itoa(page))).ids(t)...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged order %v, want %v", got, want)
	}
}

func TestPagination(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	d := Generate(3, 6, 250, now)
	for _, base := range []int{0, 1} {
		t.Run("base"+strconv.Itoa(base), func(t *testing.T) {
			s, hs := startServer(t, d, Options{PageCap: 40, PageBase: base})
			for _, tc := range []struct {
				name      string
				q         []string
				wantLen   int
				wantPage  int
				wantFirst int // index into the full order of the first item
			}{
				{"no page, no limit: first page, cap 40", nil, 40, base, 0},
				{"limit above cap", []string{"limit", "500"}, 40, base, 0},
				{"limit below cap", []string{"limit", "7"}, 7, base, 0},
				{"limit 0 means default (capped)", []string{"limit", "0"}, 40, base, 0},
				{"negative limit means default (capped)", []string{"limit", "-5"}, 40, base, 0},
				{"explicit first page", []string{"page", strconv.Itoa(base)}, 40, base, 0},
				{"second page", []string{"page", strconv.Itoa(base + 1)}, 40, base + 1, 40},
				{"second page of 7", []string{"page", strconv.Itoa(base + 1), "limit", "7"}, 7, base + 1, 7},
				{"last partial page", []string{"page", strconv.Itoa(base + 6)}, 10, base + 6, 240},
				{"page past the end", []string{"page", strconv.Itoa(base + 7)}, 0, base + 7, -1},
				{"page far past the end", []string{"page", "9223372036854775807"}, 0, 9223372036854775807, -1},
			} {
				t.Run(tc.name, func(t *testing.T) {
					all := New(d, Options{PageCap: 1000}).sortedIDs("prov-0001")
					p := getPage(t, hs.URL, "prov-0001", q(tc.q...))
					if len(p.Items) != tc.wantLen || p.Page != tc.wantPage || p.Total != 250 {
						t.Fatalf("len %d page %d total %d, want %d %d 250", len(p.Items), p.Page, p.Total, tc.wantLen, tc.wantPage)
					}
					if p.Items == nil {
						t.Fatalf("items is null, want []")
					}
					if tc.wantFirst >= 0 {
						if got, want := p.ids(t), all[tc.wantFirst:tc.wantFirst+tc.wantLen]; !slices.Equal(got, want) {
							t.Fatalf("ids %v, want %v", got, want)
						}
					}
				})
			}
			// Walk every page the way a client does; expect each ARO exactly once, in order.
			s.ResetRequests()
			var got []string
			p := getPage(t, hs.URL, "prov-0001", q("limit", "500"))
			for {
				got = append(got, p.ids(t)...)
				if len(got) >= p.Total {
					break
				}
				p = getPage(t, hs.URL, "prov-0001", q("limit", "500", "page", strconv.Itoa(p.Page+1)))
			}
			if want := New(d, Options{}).sortedIDs("prov-0001"); !slices.Equal(got, want) {
				t.Fatalf("walked %d ids, want %d (in order)", len(got), len(want))
			}
			reqs := s.Requests()
			if len(reqs) != 7 || reqs[0].Page != "" || reqs[1].Page != strconv.Itoa(base+1) || reqs[6].Page != strconv.Itoa(base+6) {
				t.Fatalf("requests: %+v", reqs)
			}
			// The same walk with a filter (the scanning path).
			var open []string
			for _, e := range New(d, Options{}).aros {
				if e.aro.Status == "Open" {
					open = append(open, e.aro.ID)
				}
			}
			var gotOpen []string
			for page := base; ; page++ {
				p := getPage(t, hs.URL, "prov-0001", q("status", "Open", "limit", "9", "page", strconv.Itoa(page)))
				if p.Total != len(open) || len(p.Items) > 9 {
					t.Fatalf("filtered page %d: total %d, %d items", page, p.Total, len(p.Items))
				}
				if len(p.Items) == 0 {
					break
				}
				gotOpen = append(gotOpen, p.ids(t)...)
			}
			if len(open) < 50 || !slices.Equal(gotOpen, open) {
				t.Fatalf("filtered walk: %d ids, want %d in order", len(gotOpen), len(open))
			}
		})
	}
}

// sortedIDs is the server's full order of a provider's AROs.
func (s *Server) sortedIDs(provider string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, e := range s.aros {
		if e.provider == provider {
			out = append(out, e.aro.ID)
		}
	}
	return out
}

func TestRequestsRecording(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	get(t, hs.URL, "/v1/providers/p1/aros?page=2&limit=1&status=Open", testKey)
	get(t, hs.URL, "/providers/p1/aros", "bad")
	get(t, hs.URL, "/my_providers", testKey)
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Endpoint != EndpointAROs || r.Method != "GET" || r.Path != "/v1/providers/p1/aros" || r.Page != "2" ||
		r.Query.Get("limit") != "1" || r.Query.Get("status") != "Open" || r.Authorization != "Bearer "+testKey {
		t.Errorf("request 0: %+v", r)
	}
	if reqs[1].Page != "" || reqs[1].Authorization != "Bearer bad" || reqs[2].Endpoint != EndpointMyProviders {
		t.Errorf("requests 1, 2: %+v %+v", reqs[1], reqs[2])
	}
	if s.Count(EndpointAROs) != 2 || s.Count(EndpointMyProviders) != 1 || s.Count(EndpointProviders) != 0 {
		t.Errorf("counts %d %d %d", s.Count(EndpointAROs), s.Count(EndpointMyProviders), s.Count(EndpointProviders))
	}
	reqs[0].Query.Set("limit", "mutated")
	if s.Requests()[0].Query.Get("limit") != "1" {
		t.Error("Requests() shares its Query maps with the server")
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 || s.Count(EndpointAROs) != 0 {
		t.Error("ResetRequests did not reset")
	}
}

func TestAddAROs(t *testing.T) {
	s, hs := startServer(t, smallData(), Options{})
	s.AddAROs(
		ARO{ID: "new", CreationTime: "2030-01-01 00:00:00", Title: "newest"},
		ARO{ID: "a1", CreationTime: "2024-01-01 00:00:00", Organization: &OrgRef{ID: "o1"}, Title: "replaced"},
	)
	p := getPage(t, hs.URL, "p1", nil)
	if want := []string{"new", "a4", "a2", "a3", "a1"}; !slices.Equal(p.ids(t), want) || p.Total != 5 {
		t.Fatalf("ids %v total %d, want %v", p.ids(t), p.Total, want)
	}
	var last struct{ Title string }
	if err := json.Unmarshal(p.Items[4], &last); err != nil || last.Title != "replaced" {
		t.Fatalf("replaced ARO: %s", p.Items[4])
	}
}

func TestNewCopiesData(t *testing.T) {
	d := smallData()
	_, hs := startServer(t, d, Options{})
	d.AROs[0].ID = "changed"
	d.AROs = append(d.AROs, ARO{ID: "late", CreationTime: "2030-01-01 00:00:00"})
	d.MyProviders[0].Name = "changed"
	if got := getPage(t, hs.URL, "p1", nil).ids(t); !slices.Equal(got, []string{"a4", "a2", "a3", "a1"}) {
		t.Errorf("ids %v", got)
	}
	if _, body := get(t, hs.URL, "/my_providers", testKey); !strings.Contains(string(body), `"Mine"`) {
		t.Errorf("my_providers %s", body)
	}
}

func TestLatencyHonoursCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{Latency: 10 * time.Second})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		serve(ctx, s, http.MethodGet, "/my_providers", testKey)
		if el := time.Since(start); el != 50*time.Millisecond {
			t.Fatalf("ServeHTTP returned after %v, want at the cancel (50ms)", el)
		}

		s = New(smallData(), Options{Latency: 150 * time.Millisecond})
		start = time.Now()
		rec, _ := serve(t.Context(), s, http.MethodGet, "/my_providers", testKey)
		if el := time.Since(start); el != 150*time.Millisecond || rec.Code != 200 {
			t.Fatalf("latency %v, code %d", el, rec.Code)
		}
	})
}

func TestConcurrentRequests(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	d := Generate(11, 6, 2000, now)
	s, hs := startServer(t, d, Options{PageCap: 100, PageBase: 1})
	want := s.sortedIDs("prov-0001")
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for page := 1 + w%3; page <= 20; page += 3 {
				resp, err := http.Get(hs.URL + "/providers/prov-0001/aros?page=" + strconv.Itoa(page))
				if err != nil {
					errs <- err.Error()
					return
				}
				resp.Body.Close() // unauthenticated: 401, but exercises the recorder
				req, _ := http.NewRequest("GET", hs.URL+"/v1/providers/prov-0001/aros?page="+strconv.Itoa(page), nil)
				req.Header.Set("Authorization", "Bearer "+testKey)
				resp, err = http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				var p pageAnswer
				err = json.NewDecoder(resp.Body).Decode(&p)
				resp.Body.Close()
				if err != nil {
					errs <- err.Error()
					return
				}
				for i, raw := range p.Items {
					var h aroHead
					_ = json.Unmarshal(raw, &h)
					if h.ID != want[(page-1)*100+i] {
						errs <- "page " + strconv.Itoa(page) + ": wrong item " + strconv.Itoa(i)
						return
					}
				}
			}
		}(w)
	}
	// Mutations (older than everything, so the pages above do not move) race with the readers.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			s.AddAROs(ARO{ID: "old-" + strconv.Itoa(i), CreationTime: "2000-01-01 00:00:00"})
			s.SetFault(nil)
			_ = s.Requests()
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Workers 0..7 fetch 7, 7, 6, 7, 7, 6, 7, 7 pages, twice each (401 + 200).
	if got := s.Count(EndpointAROs); got != 2*54 {
		t.Errorf("count %d, want 108", got)
	}
	if got := getPage(t, hs.URL, "prov-0001", nil).Total; got != 2050 {
		t.Errorf("total after AddAROs %d, want 2050", got)
	}
}

func TestAROJSONRoundTrip(t *testing.T) {
	for _, name := range []string{FixtureAROTransition} {
		var a ARO
		if err := json.Unmarshal(FixtureBytes(name), &a); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var b2 ARO
		if err := json.Unmarshal(b, &b2); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b2) {
			t.Errorf("round trip differs:\n%+v\n%+v", a, b2)
		}
	}
	// References: nil -> null, empty -> [], and back.
	for _, tc := range []struct {
		refs []string
		want string
	}{{nil, `"references":null`}, {[]string{}, `"references":[]`}, {[]string{"x"}, `"references":["x"]`}} {
		b, _ := json.Marshal(ARO{ID: "x", References: tc.refs})
		if !strings.Contains(string(b), tc.want) {
			t.Errorf("%v: %s", tc.refs, b)
		}
		var back ARO
		if err := json.Unmarshal(b, &back); err != nil || (back.References == nil) != (tc.refs == nil) {
			t.Errorf("%v: decoded %#v (%v)", tc.refs, back.References, err)
		}
	}
	// Extra never overrides a known field; HTML is not escaped.
	b, _ := ARO{ID: "x", Title: "<b>&</b>", Extra: map[string]any{"title": "bad", "ID": "bad", "new": 1}}.MarshalJSON()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["title"] != "<b>&</b>" || m["ID"] != "x" || m["new"] != 1.0 {
		t.Errorf("extra merge: %s", b)
	}
	if !strings.Contains(string(b), "<b>&</b>") {
		t.Errorf("HTML escaped: %s", b)
	}
}

func TestPageBaseZeroValue(t *testing.T) {
	// Options.PageBase is taken literally: the zero value numbers pages from 0.
	_, hs := startServer(t, smallData(), Options{PageCap: 3})
	p := getPage(t, hs.URL, "p1", nil)
	if p.Page != 0 || len(p.Items) != 3 {
		t.Fatalf("first page %d with %d items", p.Page, len(p.Items))
	}
	if p = getPage(t, hs.URL, "p1", q("page", "1")); p.Page != 1 || !slices.Equal(p.ids(t), []string{"a1"}) {
		t.Fatalf("page 1: %d %v", p.Page, p.ids(t))
	}
	if p = getPage(t, hs.URL, "p1", q("page", "0")); !slices.Equal(p.ids(t), []string{"a4", "a2", "a3"}) {
		t.Fatalf("page 0: %v", p.ids(t))
	}
	if resp, _ := get(t, hs.URL, "/providers/p1/aros?page=-1", testKey); resp.StatusCode != 400 {
		t.Fatalf("page -1: %d", resp.StatusCode)
	}
}

// TestTransport: the in-memory transport serves like the network does, and a
// request whose context ends while it is served fails with that error.
func TestTransport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(smallData(), Options{Latency: time.Second})
		c := &http.Client{Transport: s.Transport()}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://mock.test/v1/my_providers", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"Mine"`) || time.Since(start) != time.Second {
			t.Fatalf("%d %s after %v", resp.StatusCode, body, time.Since(start))
		}

		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "http://mock.test/v1/my_providers", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the context's deadline", err)
		}

		// A dropped connection is an error, not a panic.
		s.SetFault(func(Endpoint, int, *http.Request) *Fault { return &Fault{Drop: true} })
		req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, "http://mock.test/v1/my_providers", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		if _, err := c.Do(req); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("dropped connection: err = %v, want io.ErrUnexpectedEOF", err)
		}
	})
}
