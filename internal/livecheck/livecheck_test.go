package livecheck

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

const testKey = "live-secret-key-5f3a9c"

var genNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func estate(aros int) *mockportal.Data { return mockportal.Generate(7, 6, aros, genNow) }

// serve starts the mock portal on 127.0.0.1 and returns its base URL.
func serve(t *testing.T, data *mockportal.Data, opts mockportal.Options) (*mockportal.Server, string) {
	t.Helper()
	opts.APIKey = testKey
	s := mockportal.New(data, opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/v1"
}

// result is a finished check and its written report.
type result struct {
	rep      *Report
	md, json string
}

func runCheck(t *testing.T, data *mockportal.Data, cfg Config) result {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = 1000
	}
	cfg.Backoff = time.Millisecond
	rep, scrub, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mdPath, jsPath, err := rep.Write(dir, scrub)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(mdPath)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(jsPath)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("live-report.json: %v", err)
	}
	if back.Failed != rep.Failed || len(back.Points) != len(rep.Points) {
		t.Fatalf("live-report.json differs from the report: failed %v/%v, %d/%d points", back.Failed, rep.Failed, len(back.Points), len(rep.Points))
	}
	assertNoSecrets(t, data, cfg.APIKey, string(md), string(js))
	return result{rep: rep, md: string(md), json: string(js)}
}

// assertNoSecrets fails if the key or any personal datum of a contact (or
// an organization's email) appears in the texts.
func assertNoSecrets(t *testing.T, data *mockportal.Data, key string, texts ...string) {
	t.Helper()
	secrets := []string{key, testKey}
	for _, o := range data.Orgs {
		if o.Email != nil {
			secrets = append(secrets, *o.Email)
		}
		cs, _ := o.Detail["contacts"].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			for _, k := range []string{"user", "contact_info"} {
				if p, ok := cm[k].(map[string]any); ok {
					for _, f := range []string{"email", "first_name", "last_name", "phone_number"} {
						if s, _ := p[f].(string); len(s) > 3 {
							secrets = append(secrets, s)
						}
					}
				}
			}
		}
	}
	if len(secrets) < 4 {
		t.Fatalf("the estate has too few personal data to test with: %v", secrets)
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the report contains the secret %q", s)
			}
		}
		if emailRE.MatchString(text) {
			t.Errorf("the report contains an email address: %q", emailRE.FindString(text))
		}
	}
}

func (r result) point(t *testing.T, id string) Point {
	t.Helper()
	p := r.rep.Point(id)
	if p == nil {
		t.Fatalf("no point %q in the report", id)
	}
	return *p
}

// expect checks one point's verdict and impact, and that the Markdown has
// its line.
func (r result) expect(t *testing.T, id string, v Verdict, impact Impact, detail string) {
	t.Helper()
	p := r.point(t, id)
	if p.Verdict != v || p.Impact != impact || !strings.Contains(p.Detail, detail) {
		t.Errorf("%s: %s (%s) %q, want %s (%s) containing %q", id, p.Verdict, p.Impact, p.Detail, v, impact, detail)
	}
	line := "| `" + id + "` | " + string(v)
	if !strings.Contains(r.md, line) {
		t.Errorf("live-report.md has no line %q", line)
	}
}

// allHeldBut checks that every point not in except is held.
func (r result) allHeldBut(t *testing.T, except ...string) {
	t.Helper()
	for _, p := range r.rep.Points {
		if !slices.Contains(except, p.ID) && p.Verdict != Held {
			t.Errorf("%s: %s (%s): %s", p.ID, p.Verdict, p.Impact, p.Detail)
		}
	}
}

var probePoints = []string{"my_providers", "providers", "provider_id", "organizations.list", "organizations.detail",
	"aros.page.shape", "aros.page.numbering", "aros.page.cap", "aros.page.follow", "aros.page.total", "aros.page.duplicates",
	"aros.page.size", "aros.order", "aros.filter.organization_id", "aros.filter.status", "aros.filter.resolution",
	"aros.filter.type", "aros.filter.since", "aros.filter.until", "aros.filter.since_until", "aros.filter.id", "aros.by_id",
	"fields", "rate_limits"}

func TestNormalPortalHoldsEveryPoint(t *testing.T) {
	data := estate(300)
	srv, url := serve(t, data, mockportal.Options{PageBase: 1, PageCap: 1000})
	r := runCheck(t, data, Config{BaseURL: url})
	for _, id := range probePoints {
		r.point(t, id)
	}
	r.allHeldBut(t)
	if r.rep.Failed || len(r.rep.Failures) != 0 {
		t.Errorf("failed: %v", r.rep.Failures)
	}
	if !strings.Contains(r.md, "**PASS") {
		t.Error("live-report.md does not say PASS")
	}
	reqs := srv.Requests()
	if len(reqs) != r.rep.Requests || r.rep.Requests > r.rep.MaxRequests {
		t.Errorf("the portal saw %d requests, the report says %d (at most %d)", len(reqs), r.rep.Requests, r.rep.MaxRequests)
	}
	for _, q := range reqs {
		if q.Method != http.MethodGet || q.Authorization != "Bearer "+testKey {
			t.Errorf("request %s %s with Authorization %q", q.Method, q.Path, q.Authorization)
		}
	}
	// The filter values come from the data: the status probed occurs.
	if p := r.point(t, "aros.filter.status"); !strings.Contains(p.Evidence[0].Request, "status=") {
		t.Errorf("status evidence %+v", p.Evidence)
	}
}

func TestProviderIDByName(t *testing.T) {
	data := estate(40)
	_, url := serve(t, data, mockportal.Options{PageBase: 1})
	r := runCheck(t, data, Config{BaseURL: url, ProviderID: mockportal.GeneratedProvider.Name})
	r.expect(t, "provider_id", Held, "", "resolved to "+mockportal.GeneratedProvider.ID)
	r = runCheck(t, data, Config{BaseURL: url, ProviderID: "no such provider"})
	r.expect(t, "provider_id", Deviated, Breaks, "matches no provider")
	if !r.rep.Failed {
		t.Error("an unknown provider_id passed")
	}
}

func TestIgnoredFilterIsNamed(t *testing.T) {
	for _, param := range mockportal.AROFilterParams {
		t.Run(param, func(t *testing.T) {
			data := estate(300)
			srv, url := serve(t, data, mockportal.Options{PageBase: 1, PageCap: 1000})
			srv.SetFault(func(ep mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
				if ep == mockportal.EndpointAROs {
					return &mockportal.Fault{IgnoreParams: []string{param}}
				}
				return nil
			})
			r := runCheck(t, data, Config{BaseURL: url})
			r.expect(t, "aros.filter."+param, Deviated, Handled, "ignored `"+param+"`")
			if r.rep.Failed {
				t.Errorf("failures %v: the provider drops AROs outside the filter", r.rep.Failures)
			}
			if !strings.Contains(r.md, "aros.filter."+param) || !strings.Contains(r.md, "ignored `"+param+"`") {
				t.Error("live-report.md does not name the ignored parameter")
			}
			var except []string
			switch param {
			case "since", "until":
				except = []string{"aros.filter.since_until"}
			case "id":
				except = []string{"aros.by_id"}
			}
			r.allHeldBut(t, append(except, "aros.filter."+param)...)
		})
	}
}

// TestPageQuirksAreHandled: a portal numbering pages from 0, or capping
// them below what was asked, deviates in one point the provider handles.
func TestPageQuirksAreHandled(t *testing.T) {
	for _, tc := range []struct {
		name, point, detail string
		opts                mockportal.Options
	}{
		{"zero-based pages", "aros.page.numbering", "page 0", mockportal.Options{PageBase: 0, PageCap: 1000}},
		{"page cap", "aros.page.cap", "caps pages at 20 items", mockportal.Options{PageBase: 1, PageCap: 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := estate(300)
			_, url := serve(t, data, tc.opts)
			r := runCheck(t, data, Config{BaseURL: url})
			r.expect(t, tc.point, Deviated, Handled, tc.detail)
			r.allHeldBut(t, tc.point)
			if r.rep.Failed {
				t.Errorf("failed: %v", r.rep.Failures)
			}
		})
	}
}

func TestUndocumentedValuesAreListed(t *testing.T) {
	data := estate(60)
	srv, url := serve(t, data, mockportal.Options{PageBase: 1, PageCap: 1000})
	org := data.Orgs[0]
	srv.AddAROs(
		mockportal.ARO{ID: "odd-1", CreationTime: "2026-11-30 10:00:00", LastUpdatedTime: "2026-11-30 10:00:00",
			Severity: "Severe", Status: "Pending", Resolution: "Unresolved", Type: "Action", Title: "odd",
			Organization: &mockportal.OrgRef{ID: org.ID, Name: org.Name, Email: org.Email},
			Extra:        map[string]any{"mystery_field": 42}},
		mockportal.ARO{ID: "odd-2", CreationTime: "yesterday", LastUpdatedTime: "2026-11-30 10:00:00",
			Severity: "High", Status: "Open", Resolution: "Unresolved", Type: "Hint", Title: "odd too"},
	)
	r := runCheck(t, data, Config{BaseURL: url})
	r.expect(t, "fields", Deviated, Handled, "undocumented value")
	want := []Oddity{
		{Object: "ARO", Field: "severity", Kind: "undocumented value", Value: "Severe"},
		{Object: "ARO", Field: "status", Kind: "undocumented value", Value: "Pending"},
		{Object: "ARO", Field: "type", Kind: "undocumented value", Value: "Hint"},
		{Object: "ARO", Field: "mystery_field", Kind: "undocumented field", Value: "integer"},
		{Object: "ARO", Field: "creation_time", Kind: "timestamp not YYYY-MM-DD HH:MM:SS"},
	}
	for _, w := range want {
		found := false
		for _, o := range r.rep.Oddities {
			if o.Object == w.Object && o.Field == w.Field && o.Kind == w.Kind && o.Value == w.Value && o.Count == 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("no oddity %+v in %+v", w, r.rep.Oddities)
		}
		if !strings.Contains(r.md, "| `"+w.Field+"` | "+w.Kind) {
			t.Errorf("live-report.md lists no %s %s", w.Field, w.Kind)
		}
	}
	// The rarest status is the undocumented one: filtered on, it still holds.
	r.expect(t, "aros.filter.status", Held, "", `status="Pending"`)
	r.allHeldBut(t, "fields")
	if r.rep.Failed {
		t.Errorf("failed: %v", r.rep.Failures)
	}
}

func TestAnswersTheProviderCannotRead(t *testing.T) {
	wrongPage := 7
	for _, tc := range []struct {
		name  string
		fault func(n int, r *http.Request) *mockportal.Fault
		point string
		say   string
	}{
		{"a type it cannot decode", func(n int, _ *http.Request) *mockportal.Fault {
			if n == 1 {
				return &mockportal.Fault{Body: `{"items":[{"ID":"a1","count":{"n":1}}],"total":1,"page":1}`}
			}
			return nil
		}, "aros.page.shape", "cannot decode"},
		{"no total", func(n int, _ *http.Request) *mockportal.Fault {
			if n == 1 {
				return &mockportal.Fault{Body: `{"items":[{"ID":"a1"}],"page":1}`}
			}
			return nil
		}, "aros.page.shape", `no "total"`},
		{"a page number not followed", func(n int, _ *http.Request) *mockportal.Fault {
			if n == 2 {
				return &mockportal.Fault{WrongPage: &wrongPage}
			}
			return nil
		}, "aros.page.follow", "the answer says page 7"},
		{"an empty page before total", func(n int, _ *http.Request) *mockportal.Fault {
			if n == 2 {
				return &mockportal.Fault{EmptyItems: true}
			}
			return nil
		}, "aros.page.follow", "empty after"},
		{"a filtered total that lies", func(_ int, r *http.Request) *mockportal.Fault {
			if r.URL.Query().Has("organization_id") {
				return &mockportal.Fault{TotalDelta: 5}
			}
			return nil
		}, "aros.filter.organization_id", "but the unfiltered read says"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := estate(300)
			srv, url := serve(t, data, mockportal.Options{PageBase: 1, PageCap: 100})
			srv.SetFault(func(ep mockportal.Endpoint, n int, r *http.Request) *mockportal.Fault {
				if ep == mockportal.EndpointAROs {
					return tc.fault(n, r)
				}
				return nil
			})
			r := runCheck(t, data, Config{BaseURL: url})
			r.expect(t, tc.point, Deviated, Breaks, tc.say)
			if !r.rep.Failed {
				t.Error("the check passed")
			}
		})
	}
}

func TestRefusedKey(t *testing.T) {
	data := estate(20)
	_, url := serve(t, data, mockportal.Options{PageBase: 1})
	r := runCheck(t, data, Config{BaseURL: url, APIKey: "wrong-key-0123456"})
	r.expect(t, "my_providers", Deviated, Breaks, "HTTP 401: the API key was refused")
	r.expect(t, "aros.filter.status", NotTestable, "", "no MSSP provider")
	if !r.rep.Failed {
		t.Error("a refused key passed")
	}
}

func TestNoAROsIsNotTestable(t *testing.T) {
	data := estate(0)
	_, url := serve(t, data, mockportal.Options{PageBase: 1})
	r := runCheck(t, data, Config{BaseURL: url})
	r.expect(t, "aros.filter.status", NotTestable, "", "no data")
	r.expect(t, "aros.filter.since", NotTestable, "", "no data")
	r.expect(t, "organizations.detail", Held, "", "1 contact")
	if r.rep.Failed {
		t.Errorf("failed: %v", r.rep.Failures)
	}
}

func TestRequestBudget(t *testing.T) {
	data := estate(300)
	srv, url := serve(t, data, mockportal.Options{PageBase: 1})
	r := runCheck(t, data, Config{BaseURL: url, MaxRequests: 6})
	if got := len(srv.Requests()); got != 6 || r.rep.Requests != 6 || !r.rep.BudgetUsedUp {
		t.Errorf("%d requests sent, %d reported, budget used up %v", got, r.rep.Requests, r.rep.BudgetUsedUp)
	}
	r.expect(t, "aros.filter.id", NotTestable, "", "budget")
	if !strings.Contains(r.md, "used up") {
		t.Error("live-report.md does not say the budget was used up")
	}
	if r.rep.Failed {
		t.Errorf("failed: %v", r.rep.Failures)
	}
}

func TestScrubber(t *testing.T) {
	s := &Scrubber{}
	s.Add("Jane", "Jane Doe", "k3y-abc", "")
	got := s.String("Jane Doe <jane.doe@example.org> +1 613 555 1234, key k3y-abc, Jane")
	if strings.Contains(got, "Jane") || strings.Contains(got, "@") || strings.Contains(got, "555") || strings.Contains(got, "k3y") {
		t.Fatalf("scrubbed: %q", got)
	}
	if got := s.String("ARO 5026382f-09de-440c at 2026-12-01 10:00:00"); got != "ARO 5026382f-09de-440c at 2026-12-01 10:00:00" {
		t.Fatalf("scrubbed an ID or a time: %q", got)
	}
}

func TestWriteDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	rep := &Report{Started: genNow}
	rep.finish()
	md, js, err := rep.Write(dir, &Scrubber{})
	if err != nil || filepath.Base(md) != "live-report.md" || filepath.Base(js) != "live-report.json" || filepath.Dir(md) != dir {
		t.Fatalf("%s %s %v", md, js, err)
	}
}
