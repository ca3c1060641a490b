package mockportal

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var genNow = time.Date(2025, 3, 15, 10, 30, 0, 0, time.UTC)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(42, 10, 500, genNow)
	b := Generate(42, 10, 500, genNow)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different data")
	}
	c := Generate(43, 10, 500, genNow)
	if reflect.DeepEqual(a.AROs, c.AROs) || a.Orgs[0].ID == c.Orgs[0].ID {
		t.Fatal("different seeds gave the same data")
	}
}

func TestGenerateOrganizations(t *testing.T) {
	d := Generate(1, 6, 0, genNow)
	if len(d.Orgs) != 6 || len(d.AROs) != 0 {
		t.Fatalf("%d orgs, %d AROs", len(d.Orgs), len(d.AROs))
	}
	want := []string{"Acme Inc.", "Capsule Corp", "Globex", "Initech", "Umbrella Health", "Wayne Enterprises"}
	for i, o := range d.Orgs {
		if o.Name != want[i] || o.ProviderID != "prov-0001" || o.Detail["client_id"] == nil || o.Extra["client_id"] != o.Detail["client_id"] {
			t.Errorf("org %d: %+v", i, o)
		}
	}
	if !reflect.DeepEqual(d.MyProviders, []Provider{{ID: "prov-0001", Name: "Demo MSSP"}}) || !reflect.DeepEqual(d.Providers, d.MyProviders) {
		t.Errorf("providers %v %v", d.MyProviders, d.Providers)
	}
	d = Generate(1, 20, 0, genNow)
	names := map[string]bool{}
	for _, o := range d.Orgs {
		if names[o.Name] {
			t.Errorf("duplicate name %q", o.Name)
		}
		names[o.Name] = true
	}
	for _, n := range []string{"Acme Inc.", "Acme Logistics", "Stark Industries", "Acme Inc. 2", "Acme Logistics 2", "Globex 3"} {
		if !names[n] {
			t.Errorf("missing org %q in %v", n, names)
		}
	}
	nullEmail := 0
	for _, o := range d.Orgs {
		if o.Email == nil {
			nullEmail++
		}
	}
	if nullEmail == 0 || nullEmail == len(d.Orgs) {
		t.Errorf("%d of %d orgs have a null email", nullEmail, len(d.Orgs))
	}
}

func TestGenerateAROs(t *testing.T) {
	d := Generate(1, 6, 300, genNow)
	if len(d.AROs) != 300 {
		t.Fatalf("%d AROs", len(d.AROs))
	}
	count := func(vals ...string) map[string]int {
		m := map[string]int{}
		for _, v := range vals {
			m[v] = 0
		}
		return m
	}
	sev, st, res, typ := count(Severities...), count(Statuses...), count(Resolutions...), count(Types...)
	orgIDs := map[string]bool{}
	for _, o := range d.Orgs {
		orgIDs[o.ID] = true
	}
	ids := map[string]bool{}
	times := map[string]int{}
	var nilOrg, nilRefs, nilSteps, unicode, extra, nilCount int
	var all strings.Builder
	nils := map[string]int{}
	oldest := genNow.Add(-90 * 24 * time.Hour)
	for _, a := range d.AROs {
		for name, m := range map[string]map[string]int{"severity": sev, "status": st, "resolution": res, "type": typ} {
			v := map[string]string{"severity": a.Severity, "status": a.Status, "resolution": a.Resolution, "type": a.Type}[name]
			if _, ok := m[v]; !ok {
				t.Fatalf("ARO %s: unknown %s %q", a.ID, name, v)
			}
			m[v]++
		}
		if ids[a.ID] || len(a.ID) != 36 {
			t.Fatalf("bad or duplicate ID %q", a.ID)
		}
		ids[a.ID] = true
		ct, err := time.Parse(TimeLayout, a.CreationTime)
		if err != nil || ct.Before(oldest) || !ct.Before(genNow) {
			t.Fatalf("ARO %s: creation_time %q outside the 90 days before now", a.ID, a.CreationTime)
		}
		lu, err := time.Parse(TimeLayout, a.LastUpdatedTime)
		if err != nil || lu.Before(ct) || lu.After(genNow) {
			t.Fatalf("ARO %s: last_updated_time %q (created %q)", a.ID, a.LastUpdatedTime, a.CreationTime)
		}
		times[a.CreationTime]++
		if a.Organization == nil {
			nilOrg++
		} else if !orgIDs[a.Organization.ID] {
			t.Fatalf("ARO %s: unknown org %q", a.ID, a.Organization.ID)
		}
		if a.References == nil {
			nilRefs++
		}
		if a.Steps == nil {
			nilSteps++
		}
		if len(a.Steps) > 4 {
			t.Fatalf("ARO %s: %d steps", a.ID, len(a.Steps))
		}
		if a.Count == nil {
			nilCount++
		}
		if a.Extra != nil {
			extra++
		}
		text := a.Title
		if a.Details != nil {
			text += *a.Details
			if n := len(*a.Details); n < 100 || n > 8000 {
				t.Errorf("ARO %s: details of %d bytes", a.ID, n)
			}
		}
		if !utf8.ValidString(text) {
			t.Fatalf("ARO %s: invalid UTF-8", a.ID)
		}
		if strings.ContainsFunc(text, func(r rune) bool { return r >= utf8.RuneSelf }) {
			unicode++
		}
		all.WriteString(text)
		for name, p := range map[string]*string{
			"alert_key": a.AlertKey, "analyst_notes": a.AnalystNotes, "details": a.Details, "details_markdown": a.DetailsMarkdown,
			"display_url": a.DisplayURL, "external_bug_id": a.ExternalBugID, "notes": a.Notes, "template_id": a.TemplateID, "triage_id": a.TriageID,
		} {
			if p == nil {
				nils[name]++
			}
		}
	}
	for name, m := range map[string]map[string]int{"severity": sev, "status": st, "resolution": res, "type": typ} {
		for v, n := range m {
			if n == 0 {
				t.Errorf("no ARO with %s %q", name, v)
			}
		}
	}
	for _, name := range []string{"alert_key", "analyst_notes", "details", "details_markdown", "display_url", "external_bug_id", "notes", "template_id", "triage_id"} {
		if n := nils[name]; n < 10 || n > 100 {
			t.Errorf("%s: %d nulls of 300, want about 10%%", name, n)
		}
	}
	if !strings.Contains(all.String(), "é") || !strings.Contains(all.String(), "日本") ||
		!strings.ContainsFunc(all.String(), func(r rune) bool { return r >= 0x1F300 }) {
		t.Error("no é, 日本 or emoji in titles and details")
	}
	ties := 0
	for _, n := range times {
		if n > 1 {
			ties++
		}
	}
	for name, n := range map[string]int{"nil organization": nilOrg, "nil references": nilRefs, "nil steps": nilSteps, "nil count": nilCount, "unicode": unicode, "extra fields": extra, "shared creation_time": ties} {
		if n == 0 || n > 150 {
			t.Errorf("%s: %d of 300", name, n)
		}
	}
}

func TestGenerateSixSeveritiesAnySeed(t *testing.T) {
	for seed := int64(0); seed < 20; seed++ {
		seen := map[string]bool{}
		for _, a := range Generate(seed, 6, 300, genNow).AROs {
			seen[a.Severity] = true
		}
		if len(seen) != 6 {
			t.Errorf("seed %d: severities %v", seed, seen)
		}
	}
}

func TestGenerateNoOrgs(t *testing.T) {
	d := Generate(5, 0, 20, genNow)
	for _, a := range d.AROs {
		if a.Organization != nil {
			t.Fatalf("ARO with an org when there are none: %+v", a.Organization)
		}
	}
	_, hs := startServer(t, d, Options{})
	if p := getPage(t, hs.URL, "prov-0001", nil); p.Total != 20 {
		t.Fatalf("total %d", p.Total)
	}
}

// BenchmarkGenerate50k measures the generator at the size of the largest
// `make bench` estate (a wall-clock check does not belong in the unit tests).
func BenchmarkGenerate50k(b *testing.B) {
	for b.Loop() {
		Generate(1, 8, 50000, genNow)
	}
}

func BenchmarkPage50k(b *testing.B) {
	s := New(Generate(1, 8, 50000, genNow), Options{PageCap: 500})
	for _, query := range []string{"", "&status=Open"} {
		b.Run("filter="+query, func(b *testing.B) { benchPage(b, s, query) })
	}
}

func benchPage(b *testing.B, s *Server, query string) {
	req := httptest.NewRequest("GET", "/v1/providers/prov-0001/aros?limit=500&page=10"+query, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// TestGenerateSetsEveryField: every JSON field of the ARO has a value in
// some generated ARO, so that a field added to ARO without a value in
// generate.go is named, not served as null (or empty) to every test.
func TestGenerateSetsEveryField(t *testing.T) {
	d := Generate(3, 10, 500, genNow)
	for f := range reflect.TypeFor[ARO]().Fields() {
		name := jsonName(f)
		if !f.IsExported() || name == "" {
			continue
		}
		set := false
		for i := range d.AROs {
			if !reflect.ValueOf(d.AROs[i]).FieldByIndex(f.Index).IsZero() {
				set = true
				break
			}
		}
		if !set {
			t.Errorf("no generated ARO has a value for %q: give it one in generate.go", name)
		}
	}
}
