package covalence

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func TestNewValidatesConfig(t *testing.T) {
	if _, err := New(Config{BaseURL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "API key") {
		t.Errorf("New without a key: err = %v, want an API key error", err)
	}
	c, err := New(Config{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.base.String(); got != DefaultBaseURL {
		t.Errorf("default base URL = %q, want %q", got, DefaultBaseURL)
	}
	if c.maxParallel != DefaultMaxParallel || c.maxRetries != DefaultMaxRetries ||
		c.retryWaitMin != DefaultRetryWaitMin || c.retryWaitMax != DefaultRetryWaitMax ||
		c.http.Timeout != DefaultRequestTimeout || c.sched.max != DefaultMaxParallel ||
		c.sched.refusalBound != DefaultRateLimitTimeout || c.sched.rate != nil {
		t.Errorf("defaults not applied: parallel %d retries %d wait %v-%v timeout %v", c.maxParallel,
			c.maxRetries, c.retryWaitMin, c.retryWaitMax, c.http.Timeout)
	}
	c, err = New(Config{APIKey: "k", MaxRetries: new(0), RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxRetries != 0 {
		t.Errorf("MaxRetries 0 gave %d retries, want 0", c.maxRetries)
	}
	if c.retryWaitMax != time.Second {
		t.Errorf("RetryWaitMax below RetryWaitMin not raised: %v", c.retryWaitMax)
	}
	for field, bad := range map[string][]Config{
		"CACertPEM": {{APIKey: "k", CACertPEM: "not a pem"}},
		"ProxyURL":  {{APIKey: "k", ProxyURL: "ftp://proxy:21"}, {APIKey: "k", ProxyURL: "://"}},
		"BaseURL":   {{APIKey: "k", BaseURL: "ftp://x"}},
		"APIKey":    {{BaseURL: "http://127.0.0.1:1"}},
	} {
		for _, cfg := range bad {
			_, err := New(cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != field {
				t.Errorf("New(%+v) = %v, want a ConfigError on %s", cfg, err, field)
			}
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	good := map[string]string{
		"https://services.fieldeffect.net/v1":  "https://services.fieldeffect.net/v1",
		"https://services.fieldeffect.net/v1/": "https://services.fieldeffect.net/v1",
		" http://127.0.0.1:8080/ ":             "http://127.0.0.1:8080",
		"http://127.0.0.1:8080":                "http://127.0.0.1:8080",
		"https://example.test/api/v1///":       "https://example.test/api/v1",
	}
	for in, want := range good {
		u, err := ParseBaseURL(in)
		if err != nil {
			t.Errorf("ParseBaseURL(%q): %v", in, err)
			continue
		}
		if u.String() != want {
			t.Errorf("ParseBaseURL(%q) = %q, want %q", in, u.String(), want)
		}
	}
	for _, in := range []string{"", "services.fieldeffect.net/v1", "ftp://host/v1", "http://", "http://u:p@host/v1",
		"http://host/v1?x=1", "http://host/v1#frag", "http://%zz"} {
		if _, err := ParseBaseURL(in); err == nil {
			t.Errorf("ParseBaseURL(%q) accepted it", in)
		}
	}
}

func TestBaseURLForms(t *testing.T) {
	for _, tc := range []struct{ suffix, wantPath string }{
		{"", "/my_providers"},
		{"/", "/my_providers"},
		{"/v1", "/v1/my_providers"},
		{"/v1/", "/v1/my_providers"},
	} {
		t.Run("base"+tc.suffix, func(t *testing.T) {
			p := newPortal(t, mockportal.FixtureData(), mockportal.Options{})
			c := newClient(t, fastConfig(p.srv.URL+tc.suffix))
			got, err := c.MyProviders(testCtx(t, 10*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != mockportal.FixtureProviderID {
				t.Fatalf("MyProviders = %+v", got)
			}
			reqs := p.mock.Requests()
			if len(reqs) != 1 || reqs[0].Path != tc.wantPath {
				t.Fatalf("requests = %+v, want one to %s", reqs, tc.wantPath)
			}
		})
	}
}

func TestHeadersSent(t *testing.T) {
	p := newPortal(t, mockportal.FixtureData(), mockportal.Options{})
	cfg := fastConfig(p.srv.URL)
	cfg.UserAgent = "covalence-test/1.2.3 (unit)"
	c := newClient(t, cfg)
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.MyProviders(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{}); err != nil {
		t.Fatal(err)
	}
	reqs := p.mock.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Authorization != "Bearer "+mockKey {
			t.Errorf("%s: Authorization = %q", r.Path, r.Authorization)
		}
		if r.Method != http.MethodGet {
			t.Errorf("%s: method %s", r.Path, r.Method)
		}
	}
	for _, h := range p.Headers() {
		if got := h.Get("User-Agent"); got != cfg.UserAgent {
			t.Errorf("User-Agent = %q, want %q", got, cfg.UserAgent)
		}
		if got := h.Get("Accept"); got != "application/json" {
			t.Errorf("Accept = %q", got)
		}
	}

	// Default User-Agent.
	p2 := newPortal(t, mockportal.FixtureData(), mockportal.Options{})
	c2 := newClient(t, fastConfig(p2.srv.URL))
	if _, err := c2.Providers(ctx); err != nil {
		t.Fatal(err)
	}
	if h := p2.Headers(); len(h) != 1 || h[0].Get("User-Agent") != "terraform-provider-covalence" {
		t.Errorf("default User-Agent: %v", h)
	}
}

func TestWrapTransportSeesEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) {
		cfg.WrapTransport = func(next http.RoundTripper) http.RoundTripper {
			return rtFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				seen = append(seen, r.URL.Path)
				mu.Unlock()
				return next.RoundTrip(r)
			})
		}
	})
	p.mock.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if n == 1 {
			return &mockportal.Fault{Status: 502}
		}
		return nil
	})
	if _, err := c.Providers(testCtx(t, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []string{"/providers", "/providers"}) {
		t.Errorf("wrapped transport saw %v", seen)
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestProviders(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	ctx := testCtx(t, 10*time.Second)
	mine, err := c.MyProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Provider{{ID: "prov-0001", Name: "Test MSSP"}}; !reflect.DeepEqual(mine, want) {
		t.Errorf("MyProviders = %+v, want %+v", mine, want)
	}
	all, err := c.Providers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Provider{{ID: "prov-0001", Name: "Test MSSP"}, {ID: "prov-0002", Name: "Other MSSP"}}; !reflect.DeepEqual(all, want) {
		t.Errorf("Providers = %+v, want %+v", all, want)
	}
	if p.mock.Count(mockportal.EndpointMyProviders) != 1 || p.mock.Count(mockportal.EndpointProviders) != 1 {
		t.Errorf("counts: my_providers %d providers %d", p.mock.Count(mockportal.EndpointMyProviders), p.mock.Count(mockportal.EndpointProviders))
	}
}

func TestResolveProvider(t *testing.T) {
	ctx := testCtx(t, 20*time.Second)
	t.Run("empty takes the first of my_providers, cached", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		for i := 0; i < 3; i++ {
			got, err := c.ResolveProvider(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if got != (Provider{ID: "prov-0001", Name: "Test MSSP"}) {
				t.Fatalf("ResolveProvider(\"\") = %+v", got)
			}
		}
		if n := p.mock.Count(mockportal.EndpointMyProviders); n != 1 {
			t.Errorf("my_providers requested %d times, want 1 (cached)", n)
		}
		if n := p.mock.Count(mockportal.EndpointProviders); n != 0 {
			t.Errorf("providers requested %d times for an empty name, want 0", n)
		}
	})
	t.Run("by ID", func(t *testing.T) {
		_, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		got, err := c.ResolveProvider(ctx, "prov-0002")
		if err != nil || got != (Provider{ID: "prov-0002", Name: "Other MSSP"}) {
			t.Fatalf("ResolveProvider(prov-0002) = %+v, %v", got, err)
		}
	})
	t.Run("by exact name", func(t *testing.T) {
		_, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		got, err := c.ResolveProvider(ctx, "Other MSSP")
		if err != nil || got.ID != "prov-0002" {
			t.Fatalf("ResolveProvider(Other MSSP) = %+v, %v", got, err)
		}
	})
	t.Run("an ID beats a name", func(t *testing.T) {
		d := &mockportal.Data{
			MyProviders: []mockportal.Provider{{ID: "p1", Name: "p2"}},
			Providers:   []mockportal.Provider{{ID: "p1", Name: "p2"}, {ID: "p2", Name: "Two"}},
		}
		_, c := setup(t, d, mockportal.Options{}, nil)
		got, err := c.ResolveProvider(ctx, "p2")
		if err != nil || got.ID != "p2" {
			t.Fatalf("ResolveProvider(p2) = %+v, %v; want the provider whose ID is p2", got, err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		_, err := c.ResolveProvider(ctx, "No Such MSSP")
		if err == nil {
			t.Fatal("no error for an unknown provider")
		}
		mustContain(t, err.Error(), `"No Such MSSP"`, `"Other MSSP" (prov-0002)`, `"Test MSSP" (prov-0001)`)
		// A failure is not cached.
		_, _ = c.ResolveProvider(ctx, "No Such MSSP")
		if n := p.mock.Count(mockportal.EndpointMyProviders); n != 2 {
			t.Errorf("my_providers requested %d times, want 2 (failures not cached)", n)
		}
	})
	t.Run("ambiguous name", func(t *testing.T) {
		d := &mockportal.Data{
			MyProviders: []mockportal.Provider{{ID: "p-b", Name: "Dup"}},
			Providers:   []mockportal.Provider{{ID: "p-b", Name: "Dup"}, {ID: "p-a", Name: "Dup"}, {ID: "p-c", Name: "Other"}},
		}
		_, c := setup(t, d, mockportal.Options{}, nil)
		_, err := c.ResolveProvider(ctx, "Dup")
		if err == nil {
			t.Fatal("no error for an ambiguous name")
		}
		mustContain(t, err.Error(), `2 providers are named "Dup"`, "p-a, p-b")
	})
	t.Run("empty my_providers", func(t *testing.T) {
		d := &mockportal.Data{Providers: []mockportal.Provider{{ID: "p9", Name: "Nine"}}}
		_, c := setup(t, d, mockportal.Options{}, nil)
		_, err := c.ResolveProvider(ctx, "")
		if err == nil {
			t.Fatal("no error for an empty my_providers")
		}
		mustContain(t, err.Error(), "belongs to no MSSP provider")
		// A name still resolves through GET providers.
		got, err := c.ResolveProvider(ctx, "Nine")
		if err != nil || got.ID != "p9" {
			t.Fatalf("ResolveProvider(Nine) = %+v, %v", got, err)
		}
	})
	t.Run("providers forbidden falls back to my_providers", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
		p.mock.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
			if ep == mockportal.EndpointProviders {
				return &mockportal.Fault{Status: http.StatusForbidden}
			}
			return nil
		})
		got, err := c.ResolveProvider(ctx, "Test MSSP")
		if err != nil || got.ID != "prov-0001" {
			t.Fatalf("ResolveProvider = %+v, %v", got, err)
		}
	})
	t.Run("my_providers failure is an error", func(t *testing.T) {
		p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(0) })
		p.mock.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
			if ep == mockportal.EndpointMyProviders {
				return &mockportal.Fault{Status: http.StatusInternalServerError}
			}
			return nil
		})
		_, err := c.ResolveProvider(ctx, "")
		if !IsStatus(err, 500) {
			t.Fatalf("err = %v, want HTTP 500", err)
		}
	})
}

func TestOrganizations(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	ctx := testCtx(t, 10*time.Second)
	orgs, err := c.Organizations(ctx, mockportal.FixtureProviderID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Name string
		Email    any
		Details  any
	}
	var got []row
	for _, o := range orgs {
		got = append(got, row{o.ID, o.Name, deref(o.Email), deref(o.EmailARODetails)})
	}
	want := []row{
		{mockportal.FixtureAcmeOrgID, "Acme Inc.", "eren.yeager@foo.bar", false},
		{mockportal.FixtureCapsuleOrgID, "Capsule Corp", "erwin.smith@foo.bar", false},
		{mockportal.FixtureAROAcmeOrgID, "Acme Inc.", "john.smith@foo.bar", false},
		{mockportal.FixtureDetailOrgID, "Test Organization Name", nil, true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Organizations =\n%+v\nwant\n%+v", got, want)
	}
	if r := p.mock.Requests(); len(r) != 1 || r[0].Path != "/my_providers/prov-0001/organizations" {
		t.Errorf("requests: %+v", r)
	}

	other, err := c.Organizations(ctx, mockportal.FixtureOtherProviderID)
	if err != nil || len(other) != 1 || other[0].ID != mockportal.FixtureOtherOrgID {
		t.Fatalf("Organizations(prov-0002) = %+v, %v", other, err)
	}
	if n := p.mock.Count(mockportal.EndpointOrganizations); n != 2 {
		t.Errorf("organizations requested %d times, want 2 (one per provider)", n)
	}

	_, err = c.Organizations(ctx, "prov-unknown")
	if !IsStatus(err, http.StatusNotFound) {
		t.Errorf("unknown provider: err = %v, want 404", err)
	}
}

func TestOrganizationsCachedAcrossConcurrentCallers(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
		if ep == mockportal.EndpointOrganizations {
			return &mockportal.Fault{Latency: 100 * time.Millisecond}
		}
		return nil
	})
	ctx := testCtx(t, 10*time.Second)
	const callers = 24
	var wg sync.WaitGroup
	errs := make([]error, callers)
	lens := make([]int, callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			orgs, err := c.Organizations(ctx, mockportal.FixtureProviderID)
			errs[i], lens[i] = err, len(orgs)
		}(i)
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil || lens[i] != 4 {
			t.Fatalf("caller %d: %d orgs, %v", i, lens[i], errs[i])
		}
	}
	if n := p.mock.Count(mockportal.EndpointOrganizations); n != 1 {
		t.Fatalf("%d concurrent callers made %d requests, want 1", callers, n)
	}
	if _, err := c.Organizations(ctx, mockportal.FixtureProviderID); err != nil {
		t.Fatal(err)
	}
	if n := p.mock.Count(mockportal.EndpointOrganizations); n != 1 {
		t.Fatalf("a later caller made another request (%d in all)", n)
	}
}

func TestOrganizationsFailureNotCached(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, func(cfg *Config) { cfg.MaxRetries = new(0) })
	p.mock.SetFault(func(ep mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if n == 1 {
			return &mockportal.Fault{Status: http.StatusServiceUnavailable}
		}
		return nil
	})
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.Organizations(ctx, mockportal.FixtureProviderID); !IsStatus(err, 503) {
		t.Fatalf("first call: err = %v, want 503", err)
	}
	orgs, err := c.Organizations(ctx, mockportal.FixtureProviderID)
	if err != nil || len(orgs) != 4 {
		t.Fatalf("second call: %d orgs, %v", len(orgs), err)
	}
	if n := p.mock.Count(mockportal.EndpointOrganizations); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestOrganizationsWithoutID(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
		return &mockportal.Fault{Body: `[{"ID":"a","name":"A"},{"name":"Nameless"}]`}
	})
	_, err := c.Organizations(testCtx(t, 10*time.Second), mockportal.FixtureProviderID)
	if err == nil {
		t.Fatal("an organization without ID was accepted")
	}
	mustContain(t, err.Error(), "#2", `"Nameless"`, "has no ID")
}

func TestOrganizationDetail(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	ctx := testCtx(t, 10*time.Second)
	o, err := c.Organization(ctx, mockportal.FixtureDetailOrgID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("ID", o.ID, mockportal.FixtureDetailOrgID)
	check("name", deref(o.Name), "Test Organization Name")
	check("email", deref(o.Email), nil)
	check("email_aro_details", deref(o.EmailARODetails), true)
	check("client_id", deref(o.ClientID), "2022-1234-ABC")
	check("status", deref(o.Status), "active")
	check("license_type", deref(o.LicenseType), "Covalence Complete")
	check("service_tier", deref(o.ServiceTier), "Complete")
	check("is_trial", deref(o.IsTrial), false)
	check("created_time", deref(o.CreatedTime), "2022-04-14 14:15:53")
	check("last_updated_time", deref(o.LastUpdatedTime), "2024-10-23 20:41:19")
	if o.Profile == nil || o.ActiveResponseProfile == nil {
		t.Fatalf("profile %v active_response_profile %v", o.Profile, o.ActiveResponseProfile)
	}
	check("profile.default_locale", deref(o.Profile.DefaultLocale), "en-CA")
	check("profile.industry", deref(o.Profile.Industry), "IT & Telecoms")
	check("active_response_profile.response_policy", deref(o.ActiveResponseProfile.ResponsePolicy), "Off")
	if len(o.Contacts) != 3 {
		t.Fatalf("%d contacts, want 3", len(o.Contacts))
	}
	wantContacts := []struct{ typ, email, last string }{
		{"Administrative", "test-user-1@fieldeffect.com", "Admin User"},
		{"Billing", "test-user-2@fieldeffect.com", "Billing User2"},
		{"Technical - Primary", "test-user-4@fieldeffect.com", "User4 Technical"},
	}
	for i, w := range wantContacts {
		ct := o.Contacts[i]
		per := ct.Person()
		if per == nil {
			t.Fatalf("contact %d has no person", i)
		}
		check("contact type", deref(ct.Type), w.typ)
		check("contact email", deref(per.Email), w.email)
		check("contact last name", deref(per.LastName), w.last)
	}
	if o.Contacts[0].User == nil || o.Contacts[0].ContactInfo != nil || o.Contacts[1].User != nil {
		t.Errorf("user/contact_info nulls not preserved: %+v", o.Contacts[:2])
	}
	if r := p.mock.Requests(); r[len(r)-1].Path != "/organizations/"+mockportal.FixtureDetailOrgID {
		t.Errorf("path %s", r[len(r)-1].Path)
	}

	// Only a lower-case "id": it fills ID.
	p.mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
		return &mockportal.Fault{Body: `{"id":"lower-only","name":null,"contacts":null,"unknown":{"x":[1,2]}}`}
	})
	o, err = c.Organization(ctx, mockportal.FixtureDetailOrgID)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "lower-only" || o.Name != nil || o.Contacts != nil || o.Profile != nil {
		t.Errorf("sparse detail decoded as %+v", o)
	}
	p.mock.SetFault(nil)

	// 404 on both paths: each tried once, not retried.
	p.mock.ResetRequests()
	_, err = c.Organization(ctx, "00000000-0000-0000-0000-000000000000")
	ae := asError[*APIError](t, err)
	if ae.StatusCode != 404 || ae.Attempts != 1 || ae.Path != "my_organizations/00000000-0000-0000-0000-000000000000" {
		t.Errorf("404: %+v", ae)
	}
	mustContain(t, err.Error(), "HTTP 404")
	var paths []string
	for _, r := range p.mock.Requests() {
		paths = append(paths, r.Path)
	}
	if want := []string{"/organizations/00000000-0000-0000-0000-000000000000", "/my_organizations/00000000-0000-0000-0000-000000000000"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("404 requests %v, want %v", paths, want)
	}
}

func TestOrganizationDetailFallsBackToMyOrganizations(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if strings.HasPrefix(r.URL.Path, "/organizations/") {
			return &mockportal.Fault{Status: http.StatusNotFound, Body: `{"detail":"Not found"}`}
		}
		return nil
	})
	o, err := c.Organization(testCtx(t, 10*time.Second), mockportal.FixtureDetailOrgID)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != mockportal.FixtureDetailOrgID || deref(o.ClientID) != "2022-1234-ABC" || len(o.Contacts) != 3 {
		t.Errorf("detail through my_organizations: %+v", o)
	}
	// Another error on the first path is not hidden by the fallback.
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if strings.HasPrefix(r.URL.Path, "/organizations/") {
			return &mockportal.Fault{Status: http.StatusForbidden}
		}
		return nil
	})
	p.mock.ResetRequests()
	_, err = c.Organization(testCtx(t, 10*time.Second), mockportal.FixtureDetailOrgID)
	if !IsStatus(err, http.StatusForbidden) || p.mock.Count(mockportal.EndpointOrganization) != 1 {
		t.Errorf("403 on organizations/: err %v, %d requests", err, p.mock.Count(mockportal.EndpointOrganization))
	}
}

func TestPathSegmentsEscaped(t *testing.T) {
	d := mockportal.FixtureData()
	d.Orgs = append(d.Orgs, mockportal.Organization{ID: "odd/id?x=1#y z", Name: "Odd", ProviderID: mockportal.FixtureProviderID})
	p, c := setup(t, d, mockportal.Options{}, nil)
	o, err := c.Organization(testCtx(t, 10*time.Second), "odd/id?x=1#y z")
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "odd/id?x=1#y z" || deref(o.Name) != "Odd" {
		t.Errorf("got %+v", o)
	}
	if r := p.mock.Requests(); len(r[0].Query) != 0 {
		t.Errorf("the ID leaked into the query: %v", r[0].Query)
	}
}

func TestAROQueryParameters(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	ctx := testCtx(t, 10*time.Second)
	east := time.FixedZone("UTC+2", 2*3600)
	since := time.Date(2021, 5, 11, 14, 58, 26, 0, east) // 12:58:26 UTC
	until := time.Date(2021, 5, 11, 13, 0, 0, 0, time.UTC)
	q := AROQuery{
		ID: mockportal.FixtureAROID, Status: "Open", Resolution: "Unresolved", Type: "Action",
		OrganizationID: mockportal.FixtureAROAcmeOrgID, Since: &since, Until: &until,
	}
	aros, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(aros) != 1 || aros[0].ID != mockportal.FixtureAROID {
		t.Fatalf("filtered read = %v", idsOf(aros))
	}
	reqs := p.mock.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := url.Values{
		"id": {mockportal.FixtureAROID}, "status": {"Open"}, "resolution": {"Unresolved"}, "type": {"Action"},
		"organization_id": {mockportal.FixtureAROAcmeOrgID}, "since": {"2021-05-11 12:58:26"},
		"until": {"2021-05-11 13:00:00"}, "limit": {"500"},
	}
	if !reflect.DeepEqual(reqs[0].Query, want) {
		t.Errorf("query = %v\nwant    %v", reqs[0].Query, want)
	}
	if reqs[0].Path != "/providers/prov-0001/aros" || reqs[0].Page != "" {
		t.Errorf("path %s page %q", reqs[0].Path, reqs[0].Page)
	}

	// A filter that matches nothing: one request, no AROs, no error.
	_, _, err = c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{Type: "Recommendation"})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		size int
		want string
	}{{0, "500"}, {25, "25"}, {1, "1"}, {499, "499"}, {500, "500"}, {1000, "500"}, {-3, "500"}} {
		v := AROQuery{PageSize: tc.size}.Values()
		if v.Get("limit") != tc.want || len(v) != 1 {
			t.Errorf("PageSize %d: values %v, want only limit=%s", tc.size, v, tc.want)
		}
	}
	p.mock.ResetRequests()
	if _, _, err := c.ListAROs(ctx, mockportal.FixtureProviderID, AROQuery{PageSize: 7}); err != nil {
		t.Fatal(err)
	}
	if r := p.mock.Requests(); len(r) != 1 || r[0].Query.Get("limit") != "7" {
		t.Errorf("PageSize 7 sent %+v", r)
	}
}

func TestFixtureAROsDecoded(t *testing.T) {
	_, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	aros, st, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(aros); !reflect.DeepEqual(got, []string{mockportal.FixtureTransitionAROID, mockportal.FixtureAROID}) {
		t.Fatalf("IDs = %v", got)
	}
	if st.Total != 2 || st.Pages != 1 || st.Requests != 1 {
		t.Errorf("stats %+v", st)
	}
	a := aros[1] // aros.json
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("alert_key", deref(a.AlertKey), nil)
	check("analyst_notes", deref(a.AnalystNotes), nil)
	check("external_bug_id", deref(a.ExternalBugID), nil)
	check("notes", deref(a.Notes), nil)
	check("template_id", deref(a.TemplateID), nil)
	check("triage_id", deref(a.TriageID), nil)
	check("count", deref(a.Count), Count(1))
	check("creation_time", deref(a.CreationTime), "2021-05-11 12:58:26")
	check("creation_time RFC3339", deref(RFC3339(a.CreationTime)), "2021-05-11T12:58:26Z")
	check("last_updated_time", deref(a.LastUpdatedTime), "2021-05-11 12:58:26")
	check("display_url", deref(a.DisplayURL), "https://foo.bar")
	check("references", a.References, References{})
	if a.References == nil {
		t.Error("empty references decoded as nil")
	}
	check("resolution", deref(a.Resolution), "Unresolved")
	check("serial_id", deref(a.SerialID), FlexString("11"))
	check("severity", deref(a.Severity), "Critical")
	check("status", deref(a.Status), "Open")
	check("title", deref(a.Title), "Malware detected")
	check("type", deref(a.Type), "Action")
	if a.Details == nil || !strings.HasPrefix(*a.Details, "On 01 April 2021 18:18:25 UTC, malware") ||
		!strings.Contains(*a.Details, `file:C:\Users\JohnQ\Downloads\bad.exe`) {
		t.Errorf("details = %v", deref(a.Details))
	}
	if a.DetailsMarkdown == nil || !strings.Contains(*a.DetailsMarkdown, `file:_C:\Users\user`) {
		t.Errorf("details_markdown = %v", deref(a.DetailsMarkdown))
	}
	if a.Organization == nil {
		t.Fatal("organization is nil")
	}
	check("organization", [3]any{deref(a.Organization.ID), deref(a.Organization.Name), deref(a.Organization.Email)},
		[3]any{mockportal.FixtureAROAcmeOrgID, "Acme Inc.", "john.smith@foo.bar"})
	if len(a.Steps) != 1 {
		t.Fatalf("steps %+v", a.Steps)
	}
	s := a.Steps[0]
	check("step", [4]any{deref(s.ID), deref(s.Completed), deref(s.Label), deref(s.LastUpdatedTime)},
		[4]any{"d189bb5b-3612-4b95-9fbf-352a53cc5bfa", false, "Isolate and ensure that no further threats exist on this system.", "2021-05-11 12:58:26"})

	// aro_transition.json: extra fields ignored, null email in the organization.
	b := aros[0]
	check("transition alert_key", deref(b.AlertKey), "test_alert_key")
	check("transition details_markdown", deref(b.DetailsMarkdown), nil)
	check("transition resolution", deref(b.Resolution), "Resolved")
	check("transition serial_id", deref(b.SerialID), FlexString("15"))
	check("transition type", deref(b.Type), "Observation")
	check("transition org email", deref(b.Organization.Email), nil)
	check("transition step completed", deref(b.Steps[0].Completed), true)
}

func TestAROWireVariants(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	p.mock.SetFault(func(mockportal.Endpoint, int, *http.Request) *mockportal.Fault {
		return &mockportal.Fault{Body: `{"items":[
			{"ID":"a","references":null,"serial_id":11,"count":1.0,"organization":null,"steps":null,
			 "attachments":[{"x":1}],"insights":{},"resolution_duration_seconds":9155637,"title":null},
			{"ID":"b","references":[],"serial_id":"7","count":"3","creation_time":"2021-01-31T14:00:00+02:00"},
			{"ID":"c","references":["https://x.example",5,{"k":true}],"count":2e0,"serial_id":1.5e1},
			{"ID":"d"}
		],"total":4,"page":1,"next":"ignored"}`}
	})
	aros, _, err := c.ListAROs(testCtx(t, 10*time.Second), mockportal.FixtureProviderID, AROQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(aros) != 4 {
		t.Fatalf("%d AROs", len(aros))
	}
	a, b, cc, d := aros[0], aros[1], aros[2], aros[3]
	if a.References != nil || b.References == nil || len(b.References) != 0 {
		t.Errorf("references null vs empty: a=%#v b=%#v", a.References, b.References)
	}
	if !reflect.DeepEqual(cc.References, References{"https://x.example", "5", `{"k":true}`}) {
		t.Errorf("mixed references = %#v", cc.References)
	}
	if deref(a.SerialID) != FlexString("11") || deref(b.SerialID) != FlexString("7") || deref(cc.SerialID) != FlexString("1.5e1") {
		t.Errorf("serial_id: %v %v %v", deref(a.SerialID), deref(b.SerialID), deref(cc.SerialID))
	}
	if deref(a.Count) != Count(1) || deref(b.Count) != Count(3) || deref(cc.Count) != Count(2) {
		t.Errorf("count: %v %v %v", deref(a.Count), deref(b.Count), deref(cc.Count))
	}
	if a.Organization != nil || a.Steps != nil || a.Title != nil {
		t.Errorf("nulls not kept: %+v", a)
	}
	if d.Count != nil || d.SerialID != nil || d.References != nil || d.CreationTime != nil || d.Steps != nil {
		t.Errorf("absent fields not nil: %+v", d)
	}
	if got := deref(RFC3339(b.CreationTime)); got != "2021-01-31T12:00:00Z" {
		t.Errorf("RFC3339 of an offset time = %v", got)
	}
}

func TestCountAndFlexString(t *testing.T) {
	for in, want := range map[string]Count{`1`: 1, `1.0`: 1, `"3"`: 3, `0`: 0, `-2`: -2, `1e3`: 1000, `"4.0"`: 4, `9007199254740992`: 1 << 53} {
		var c Count
		if err := c.UnmarshalJSON([]byte(in)); err != nil || c != want {
			t.Errorf("Count(%s) = %d, %v; want %d", in, c, err, want)
		}
	}
	for _, in := range []string{`1.5`, `"x"`, `true`, `1e300`, `{}`, `""`} {
		var c Count
		if err := c.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("Count(%s) accepted as %d", in, c)
		}
	}
	for in, want := range map[string]FlexString{`"11"`: "11", `11`: "11", `"a\"b"`: `a"b`, `-3.5`: "-3.5"} {
		var f FlexString
		if err := f.UnmarshalJSON([]byte(in)); err != nil || f != want {
			t.Errorf("FlexString(%s) = %q, %v; want %q", in, f, err, want)
		}
	}
	for _, in := range []string{`true`, `{}`, `[1]`, `"unterminated`} {
		var f FlexString
		if err := f.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("FlexString(%s) accepted as %q", in, f)
		}
	}
}

func TestRFC3339(t *testing.T) {
	if RFC3339(nil) != nil {
		t.Error("RFC3339(nil) is not nil")
	}
	for in, want := range map[string]string{
		"2021-05-11 12:58:26":          "2021-05-11T12:58:26Z",
		"2021-05-11 12:58:26.5":        "2021-05-11T12:58:26.5Z",
		"2021-05-11T12:58:26Z":         "2021-05-11T12:58:26Z",
		"2021-05-11T12:58:26-04:00":    "2021-05-11T16:58:26Z",
		"2021-05-11T12:58:26":          "2021-05-11T12:58:26Z",
		"2021-05-11 12:58:26+01:00":    "2021-05-11T11:58:26Z",
		"2021-05-11 12:58:26.25-01:30": "2021-05-11T14:28:26.25Z",
		"not a time":                   "not a time",
		"":                             "",
		"2021-13-01 00:00:00":          "2021-13-01 00:00:00",
	} {
		if got := *RFC3339(&in); got != want {
			t.Errorf("RFC3339(%q) = %q, want %q", in, got, want)
		}
	}
	ts, ok := ParsePortalTime("2021-01-31 14:00:00")
	if !ok || !ts.Equal(time.Date(2021, 1, 31, 14, 0, 0, 0, time.UTC)) || ts.Location() != time.UTC {
		t.Errorf("ParsePortalTime = %v, %v", ts, ok)
	}
}

func TestContextCancelledBeforeRequest(t *testing.T) {
	p, c := setup(t, mockportal.FixtureData(), mockportal.Options{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.MyProviders(ctx)
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("err = %v, want context canceled", err)
	}
	if n := p.mock.Count(mockportal.EndpointMyProviders); n > 1 {
		t.Errorf("%d requests after cancellation", n)
	}
}

// TestSinceRoundsUp: the portal has whole seconds; a since with a fraction is
// rounded up (an ARO of 12:58:26 is before 12:58:26.5), until is truncated.
func TestSinceRoundsUp(t *testing.T) {
	since := time.Date(2021, 5, 11, 12, 58, 26, 500_000_000, time.UTC)
	until := time.Date(2021, 5, 11, 13, 0, 0, 900_000_000, time.UTC)
	whole := time.Date(2021, 5, 11, 12, 0, 0, 0, time.UTC)
	v := AROQuery{Since: &since, Until: &until}.Values()
	if v.Get("since") != "2021-05-11 12:58:27" || v.Get("until") != "2021-05-11 13:00:00" {
		t.Errorf("since=%q until=%q", v.Get("since"), v.Get("until"))
	}
	if got := (AROQuery{Since: &whole}).Values().Get("since"); got != "2021-05-11 12:00:00" {
		t.Errorf("a whole-second since became %q", got)
	}
}

// OrganizationDetails: one request per organization, at most MaxParallel in
// flight, details in the order of the IDs; 404 leaves a nil detail; another
// failure is an *OrgDetailError naming the organization.
func TestOrganizationDetails(t *testing.T) {
	d := mockportal.Generate(7, 40, 0, genNow)
	p, c := setup(t, d, mockportal.Options{Latency: 5 * time.Millisecond}, nil)
	ids := make([]string, len(d.Orgs))
	for i, o := range d.Orgs {
		ids[i] = o.ID
	}
	got, err := c.OrganizationDetails(testCtx(t, 10*time.Second), ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, det := range got {
		if det == nil || det.ID != ids[i] || deref(det.ClientID) != d.Orgs[i].Detail["client_id"] {
			t.Fatalf("details[%d] = %+v, want organization %s", i, det, ids[i])
		}
	}
	if n := p.mock.Count(mockportal.EndpointOrganization); n != len(ids) {
		t.Errorf("%d detail requests for %d organizations", n, len(ids))
	}
	if st := p.mock.Stats(); st.MaxInFlight > 4 || st.MaxInFlight < 2 {
		t.Errorf("%d requests in flight at most, want 2 to MaxParallel (4)", st.MaxInFlight)
	}

	gone, bad := ids[3], ids[11]
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if strings.HasSuffix(r.URL.Path, "/"+gone) {
			return &mockportal.Fault{Status: http.StatusNotFound}
		}
		return nil
	})
	got, err = c.OrganizationDetails(testCtx(t, 10*time.Second), ids)
	if err != nil || got[3] != nil || got[4] == nil {
		t.Fatalf("one organization gone: err %v, details[3] %+v", err, got[3])
	}
	p.mock.SetFault(func(_ mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if strings.HasSuffix(r.URL.Path, "/"+bad) {
			return &mockportal.Fault{Status: http.StatusInternalServerError}
		}
		return nil
	})
	_, err = c.OrganizationDetails(testCtx(t, 10*time.Second), ids)
	oe, ok := errors.AsType[*OrgDetailError](err)
	if !ok || oe.OrgID != bad || !IsStatus(err, http.StatusInternalServerError) || !strings.Contains(err.Error(), bad) {
		t.Fatalf("a 500 for one organization: %v, want an OrgDetailError naming %s", err, bad)
	}
}
