package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// ---- the expected summary, computed from the mock's data ----------------------

// summaryFilter is a covalence_aro_summary filter as the test applies it to
// the mock's data, independently of the provider.
type summaryFilter struct {
	status, resolution, typ, orgID, minSeverity string
	since, until                                *time.Time
}

// keeps applies the filter to one ARO. An empty value is an ARO without one
// (the mock sends "" or, through nullingMock, null).
func (f summaryFilter) keeps(a mockportal.ARO) bool {
	if f.status != "" && a.Status != f.status || f.resolution != "" && a.Resolution != f.resolution || f.typ != "" && a.Type != f.typ {
		return false
	}
	if f.orgID != "" && (a.Organization == nil || a.Organization.ID != f.orgID) {
		return false
	}
	if f.since != nil || f.until != nil {
		t, err := time.Parse(mockportal.TimeLayout, a.CreationTime)
		if err != nil || f.since != nil && t.Before(*f.since) || f.until != nil && t.After(*f.until) {
			return false
		}
	}
	if f.minSeverity != "" {
		rank := map[string]int{}
		for i, s := range aroSeverities {
			rank[s] = i + 1
		}
		// Fail closed: a missing or undocumented severity is kept.
		if r := rank[a.Severity]; r != 0 && r < rank[f.minSeverity] {
			return false
		}
	}
	return true
}

type orgWant struct {
	name           *string
	total          int64
	severity       map[string]int64
	oldest, newest string            // portal layout; "" when none
	untimed        int64             // AROs without a creation time that parses
	oldestBy       map[string]string // the oldest per documented severity (portal layout)
}

type summaryWant struct {
	all                        orgWant
	status, resolution, typ    map[string]int64
	orgs                       map[string]*orgWant
	unassigned                 orgWant
	matchedIDs                 []string
	unknownSeverity, nullOrgID int // matching AROs with a missing/undocumented severity, without a listed organization
}

func zeros(keys []string) map[string]int64 {
	m := map[string]int64{}
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

func newOrgWant(name *string) *orgWant {
	return &orgWant{name: name, severity: zeros(aroSeverities), oldestBy: map[string]string{}}
}

func (o *orgWant) add(a mockportal.ARO) {
	o.total++
	o.severity[a.Severity]++
	if _, err := time.Parse(mockportal.TimeLayout, a.CreationTime); err != nil {
		o.untimed++
		return
	}
	// The layout sorts as text.
	if o.oldest == "" || a.CreationTime < o.oldest {
		o.oldest = a.CreationTime
	}
	if old, ok := o.oldestBy[a.Severity]; slices.Contains(aroSeverities, a.Severity) && (!ok || a.CreationTime < old) {
		o.oldestBy[a.Severity] = a.CreationTime
	}
	if o.newest == "" || a.CreationTime > o.newest {
		o.newest = a.CreationTime
	}
}

// expectSummary computes what covalence_aro_summary must return for f over
// the mock's data. orgFiltered is the organization org/organization_id
// selects ("" for none).
func expectSummary(d *mockportal.Data, f summaryFilter) summaryWant {
	w := summaryWant{
		all: *newOrgWant(nil), status: zeros(covalence.Statuses), resolution: zeros(covalence.Resolutions), typ: zeros(covalence.Types),
		orgs: map[string]*orgWant{}, unassigned: *newOrgWant(nil),
	}
	pid := d.MyProviders[0].ID
	for _, o := range d.Orgs {
		if (o.ProviderID == "" || o.ProviderID == pid) && (f.orgID == "" || o.ID == f.orgID) {
			w.orgs[o.ID] = newOrgWant(&o.Name)
		}
	}
	if _, ok := w.orgs[f.orgID]; f.orgID != "" && !ok {
		w.orgs[f.orgID] = newOrgWant(nil)
	}
	documented := map[string]bool{}
	for _, s := range aroSeverities {
		documented[s] = true
	}
	for _, a := range d.AROsOf(pid) {
		if !f.keeps(a) {
			continue
		}
		w.matchedIDs = append(w.matchedIDs, a.ID)
		w.all.add(a)
		w.status[a.Status]++
		w.resolution[a.Resolution]++
		w.typ[a.Type]++
		if !documented[a.Severity] {
			w.unknownSeverity++
		}
		org := &w.unassigned
		if a.Organization != nil && w.orgs[a.Organization.ID] != nil {
			org = w.orgs[a.Organization.ID]
		} else {
			w.nullOrgID++
		}
		org.add(a)
	}
	return w
}

func countsCheck(m map[string]int64) knownvalue.Check {
	c := map[string]knownvalue.Check{}
	for k, v := range m {
		c[k] = knownvalue.Int64Exact(v)
	}
	return knownvalue.MapExact(c)
}

func rfc3339Check(portal string) knownvalue.Check {
	if portal == "" {
		return knownvalue.Null()
	}
	t, err := time.Parse(mockportal.TimeLayout, portal)
	if err != nil {
		panic(err)
	}
	return str(t.UTC().Format(time.RFC3339))
}

func (o orgWant) check() knownvalue.Check {
	var name knownvalue.Check = knownvalue.Null()
	if o.name != nil {
		name = str(*o.name)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": name, "total": knownvalue.Int64Exact(o.total),
		"severity_counts": countsCheck(o.severity), "oldest_creation_time": rfc3339Check(o.oldest),
		"oldest_creation_time_by_severity": o.oldestByCheck(),
	})
}

// oldestByCheck is oldest_creation_time_by_severity: the six severities, null where none.
func (o orgWant) oldestByCheck() knownvalue.Check {
	c := map[string]knownvalue.Check{}
	for _, sev := range aroSeverities {
		c[sev] = rfc3339Check(o.oldestBy[sev])
	}
	return knownvalue.MapExact(c)
}

// checks are the state checks of every computed attribute of res but id.
func (w summaryWant) checks(res string) []statecheck.StateCheck {
	return w.checksAt(res, tfjsonpath.New)
}

// checksAt are checks with each attribute at attrPath(name) of res (e.g.
// inside the echo provider's data).
func (w summaryWant) checksAt(res string, attrPath func(string) tfjsonpath.Path) []statecheck.StateCheck {
	orgs := map[string]knownvalue.Check{}
	for id, o := range w.orgs {
		orgs[id] = o.check()
	}
	at := func(attr string, c knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(res, attrPath(attr), c)
	}
	return []statecheck.StateCheck{
		at("total", knownvalue.Int64Exact(w.all.total)),
		at("severity_counts", countsCheck(w.all.severity)),
		at("status_counts", countsCheck(w.status)),
		at("resolution_counts", countsCheck(w.resolution)),
		at("type_counts", countsCheck(w.typ)),
		at("oldest_creation_time", rfc3339Check(w.all.oldest)),
		at("newest_creation_time", rfc3339Check(w.all.newest)),
		at("without_creation_time", knownvalue.Int64Exact(w.all.untimed)),
		at("oldest_creation_time_by_severity", w.all.oldestByCheck()),
		at("organizations", knownvalue.MapExact(orgs)),
		at("unassigned", w.unassigned.check()),
	}
}

// ---- estates -----------------------------------------------------------------

// oddAROs are AROs the generator does not make: null and undocumented
// values, organizations that are null or not in the list. Severity etc. ""
// is sent as null through nullingMock.
func oddAROs(d *mockportal.Data, at time.Time) []mockportal.ARO {
	ts := func(h int) string { return at.Add(-time.Duration(h) * time.Hour).Format(mockportal.TimeLayout) }
	org0 := &mockportal.OrgRef{ID: d.Orgs[0].ID, Name: d.Orgs[0].Name}
	gone := &mockportal.OrgRef{ID: "org-not-in-the-list", Name: "Gone Ltd"}
	return []mockportal.ARO{
		{ID: "odd-null-severity", CreationTime: ts(5), Organization: org0, Severity: "", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "null severity"},
		{ID: "odd-new-severity", CreationTime: ts(30), Organization: org0, Severity: "Severe", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "undocumented severity"},
		{ID: "odd-no-org", CreationTime: ts(50), Severity: "Critical", Status: "Open", Resolution: "Unresolved", Type: "Recommendation", Title: "no organization"},
		{ID: "odd-gone-org", CreationTime: ts(70), Organization: gone, Severity: "Low", Status: "Open", Resolution: "Unresolved", Type: "Observation", Title: "organization not listed"},
		{ID: "odd-enums", CreationTime: ts(90), Organization: org0, Severity: "High", Status: "Parked", Resolution: "Escalated", Type: "Incident", Title: "undocumented status, resolution, type"},
		{ID: "odd-nulls", CreationTime: "", Organization: org0, Severity: "Critical", Status: "", Resolution: "", Type: "", Title: "null status, resolution, type, creation_time"},
	}
}

// oddEstate is a generated estate plus oddAROs.
func oddEstate(seed int64, orgs, aros int) *mockportal.Data {
	d := mockportal.Generate(seed, orgs, aros, testNow)
	d.AROs = append(d.AROs, oddAROs(d, testNow)...)
	return d
}

// nullingMock is mock, with the ARO answers' empty severity, status,
// resolution, type and creation_time sent as JSON null (the mock's ARO has
// no null for them).
func nullingMock(t *testing.T, d *mockportal.Data, opts mockportal.Options) (*mockportal.Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	s := mockportal.New(d, opts)
	var nulls [][2][]byte
	for _, k := range []string{"severity", "status", "resolution", "type", "creation_time"} {
		nulls = append(nulls, [2][]byte{[]byte(`"` + k + `":""`), []byte(`"` + k + `":null`)})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasSuffix(r.URL.Path, "/aros") {
			for _, n := range nulls {
				body = bytes.ReplaceAll(body, n[0], n[1])
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL + "/v1"
}

// wrapped matches text as terraform prints it in a diagnostic: words may be
// wrapped onto the next line, which starts with "│".
func wrapped(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `[\s│]+`))
}

// ---- tests ---------------------------------------------------------------------

// TestAccAroSummary_everyAttribute: every computed attribute on an estate
// with null and undocumented values, null and unlisted organizations, read
// over pages of 7 numbered from 1.
func TestAccAroSummary_everyAttribute(t *testing.T) {
	d := oddEstate(21, 6, 500)
	_, url := nullingMock(t, d, mockportal.Options{PageCap: 7, PageBase: 1})
	w := expectSummary(d, summaryFilter{})
	if w.unknownSeverity < 2 || w.nullOrgID < 2 || w.status["Parked"] != 1 || w.status[""] != 1 || w.typ["Incident"] != 1 {
		t.Fatalf("the estate lacks the odd AROs the test is about: %+v", w)
	}
	for _, o := range w.orgs {
		if o.total == 0 {
			t.Fatalf("every organization should have AROs here")
		}
	}
	res := "data.covalence_aro_summary.all"
	checks := append(w.checks(res),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringRegexp(regexpMust(`^[0-9a-f]{32}$`))),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("status"), knownvalue.Null()),
		statecheck.ExpectKnownValue(res, tfjsonpath.New("query"), knownvalue.Null()),
		// Each count map adds up to total.
		statecheck.ExpectKnownOutputValue("sums", knownvalue.ListExact([]knownvalue.Check{
			knownvalue.Int64Exact(w.all.total), knownvalue.Int64Exact(w.all.total), knownvalue.Int64Exact(w.all.total), knownvalue.Int64Exact(w.all.total),
		})),
	)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aro_summary" "all" {}
locals { s = data.covalence_aro_summary.all }
output "sums" {
  value = [for m in [local.s.severity_counts, local.s.status_counts, local.s.resolution_counts, local.s.type_counts] : sum(values(m))]
}
`,
		ConfigStateChecks: checks,
	}))
}

// TestAccAroSummary_filters: each filter alone, and query, against counts
// computed from the mock's data; the server-side ones are sent to the portal.
func TestAccAroSummary_filters(t *testing.T) {
	d := oddEstate(22, 5, 400)
	s, url := nullingMock(t, d, mockportal.Options{PageCap: 50})
	org := d.Orgs[1]
	since := testNow.Add(-7 * 24 * time.Hour)
	until := testNow.Add(-30 * 24 * time.Hour)
	sinceUntil := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, config string
		f            summaryFilter
		sent         string // a query parameter the portal must have received
	}{
		{"status", `status = "Open"`, summaryFilter{status: "Open"}, "status=Open"},
		{"resolution", `resolution = "Help Requested"`, summaryFilter{resolution: "Help Requested"}, "resolution=Help+Requested"},
		{"type", `type = "Recommendation"`, summaryFilter{typ: "Recommendation"}, "type=Recommendation"},
		{"organization_id", fmt.Sprintf("organization_id = %q", org.ID), summaryFilter{orgID: org.ID}, "organization_id=" + org.ID},
		{"org", fmt.Sprintf("org = %q", strings.ToUpper(org.Name)), summaryFilter{orgID: org.ID}, "organization_id=" + org.ID},
		{"unlisted_organization_id", `organization_id = "org-not-in-the-list"`, summaryFilter{orgID: "org-not-in-the-list"}, "organization_id=org-not-in-the-list"},
		{"since", `since = "7 days"`, summaryFilter{since: &since}, "since=" + neturl.QueryEscape(since.Format(covalence.PortalTimeLayout))},
		{"until", `until = "30 days"`, summaryFilter{until: &until}, "until=" + neturl.QueryEscape(until.Format(covalence.PortalTimeLayout))},
		{"min_severity", `min_severity = "High"`, summaryFilter{minSeverity: "High"}, ""},
		{"query", `query = "resolution=Unresolved&type=Action&since=2025-10-01 00:00:00"`,
			summaryFilter{resolution: "Unresolved", typ: "Action", since: &sinceUntil}, "since=2025-10-01+00%3A00%3A00"},
		{"combined", fmt.Sprintf(`org = %q
  resolution = "Unresolved"
  min_severity = "Critical"`, org.Name), summaryFilter{orgID: org.ID, resolution: "Unresolved", minSeverity: "Critical"}, ""},
	}
	config := providerBlock(url, "")
	var checks []statecheck.StateCheck
	for _, tc := range cases {
		config += fmt.Sprintf("data \"covalence_aro_summary\" %q {\n  %s\n}\n", tc.name, tc.config)
		w := expectSummary(d, tc.f)
		if w.all.total == 0 && tc.name != "unlisted_organization_id" {
			t.Fatalf("%s matches no ARO in the estate: the case proves little", tc.name)
		}
		checks = append(checks, w.checks("data.covalence_aro_summary."+tc.name)...)
	}
	resource.Test(t, testCase(t, resource.TestStep{
		Config:            config,
		ConfigStateChecks: checks,
		Check: func(*terraformState) error {
			qs := strings.Join(queriesTo(s, mockportal.EndpointAROs), "\n")
			for _, tc := range cases {
				if tc.sent != "" && !strings.Contains(qs, tc.sent) {
					return fmt.Errorf("%s: no request carried %s:\n%s", tc.name, tc.sent, qs)
				}
			}
			return nil
		},
	}))
}

// TestAccAroSummary_failClosed: min_severity keeps AROs whose severity is
// null or undocumented, here and in covalence_aros; the expectation keeps
// them too.
func TestAccAroSummary_failClosed(t *testing.T) {
	d := oddEstate(23, 4, 200)
	_, url := nullingMock(t, d, mockportal.Options{PageCap: 25})
	w := expectSummary(d, summaryFilter{resolution: "Unresolved", minSeverity: "High"})
	ids, _ := estateExpectation(d, "High")
	for _, id := range []string{"odd-null-severity", "odd-new-severity"} {
		if !contains(w.matchedIDs, id) || !contains(ids, id) {
			t.Fatalf("the expectation drops %s: it would not catch a fail-open provider", id)
		}
	}
	idChecks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		idChecks[i] = str(id)
	}
	checks := append(w.checks("data.covalence_aro_summary.gate"),
		statecheck.ExpectKnownValue("data.covalence_aro_summary.gate", tfjsonpath.New("severity_counts").AtMapKey("Severe"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue("data.covalence_aro_summary.gate", tfjsonpath.New("severity_counts").AtMapKey(""), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue("data.covalence_aros.gate", tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(ids)))),
		statecheck.ExpectKnownValue("data.covalence_aros.gate", tfjsonpath.New("severity_counts").AtMapKey("Severe"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownOutputValue("aro_ids", knownvalue.ListExact(idChecks)),
	)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aro_summary" "gate" {
  resolution   = "Unresolved"
  min_severity = "High"
}
data "covalence_aros" "gate" {
  resolution      = "Unresolved"
  min_severity    = "High"
  include_details = false
}
output "aro_ids" {
  value = [for a in data.covalence_aros.gate.aros : a.id]
}
`,
		ConfigStateChecks: checks,
	}))
}

// severityCaseEstate is a generated estate plus one ARO of severity
// "critical" (lower case), older than every ARO of it, in the organization
// with the most Critical AROs, and the expected summary of it. The contract:
// a severity spelled another way is an undocumented one, with its own key,
// and in no entry of oldest_creation_time_by_severity.
func severityCaseEstate(t *testing.T) (*mockportal.Data, summaryWant) {
	t.Helper()
	d := mockportal.Generate(26, 4, 300, testNow)
	pid := d.MyProviders[0].ID
	aros := d.AROsOf(pid)
	critical := map[string]int{}
	for _, a := range aros {
		if a.Severity == "Critical" && a.Organization != nil {
			critical[a.Organization.ID]++
		}
	}
	org := d.Orgs[0]
	for _, o := range d.Orgs {
		if critical[o.ID] > critical[org.ID] {
			org = o
		}
	}
	oldest, err := time.Parse(mockportal.TimeLayout, aros[len(aros)-1].CreationTime)
	if err != nil {
		t.Fatal(err)
	}
	d.AROs = append(d.AROs, mockportal.ARO{ID: "odd-lower-case-critical", CreationTime: oldest.Add(-time.Hour).Format(mockportal.TimeLayout),
		LastUpdatedTime: oldest.Format(mockportal.TimeLayout), Organization: &mockportal.OrgRef{ID: org.ID, Name: org.Name},
		Severity: "critical", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "severity in lower case"})
	w := expectSummary(d, summaryFilter{})
	if w.all.severity["critical"] != 1 || w.all.oldestBy["Critical"] == "" || w.orgs[org.ID].oldestBy["Critical"] == "" {
		t.Fatalf("the estate lacks the AROs the test is about: %+v", w.all)
	}
	return d, w
}

// severityCaseChecks are the checks of severity_counts and
// oldest_creation_time_by_severity that tell "critical" from "Critical",
// for any reader of the summary at res.
func (w summaryWant) severityCaseChecks(res string, attrPath func(string) tfjsonpath.Path) []statecheck.StateCheck {
	at := func(attr, key string, c knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(res, attrPath(attr).AtMapKey(key), c)
	}
	return []statecheck.StateCheck{
		at("severity_counts", "critical", knownvalue.Int64Exact(1)),
		at("severity_counts", "Critical", knownvalue.Int64Exact(w.all.severity["Critical"])),
		at("oldest_creation_time_by_severity", "Critical", rfc3339Check(w.all.oldestBy["Critical"])),
	}
}

// TestAccAroSummary_severityCase: an ARO of severity "critical" counts under
// its own key, in covalence_aro_summary and covalence_aros alike, and does
// not become the oldest Critical ARO, though it is older than all of them.
func TestAccAroSummary_severityCase(t *testing.T) {
	d, w := severityCaseEstate(t)
	_, url := mock(t, d, mockportal.Options{})
	checks := append(w.checks("data.covalence_aro_summary.all"), w.severityCaseChecks("data.covalence_aro_summary.all", tfjsonpath.New)...)
	checks = append(checks,
		statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("severity_counts"), countsCheck(w.all.severity)),
		statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("severity_counts").AtMapKey("critical"), knownvalue.Int64Exact(1)))
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aro_summary" "all" {}
data "covalence_aros" "all" {
  include_details = false
}
`,
		ConfigStateChecks: checks,
	}))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestAccAroSummary_empty: a filter matching nothing gives total 0, complete
// maps of zeros, null times, and an entry of zeros for every organization.
func TestAccAroSummary_empty(t *testing.T) {
	d := mockportal.Generate(24, 4, 100, testNow)
	_, url := mock(t, d, mockportal.Options{})
	f := summaryFilter{since: ptrTime(testNow.Add(time.Hour))}
	w := expectSummary(d, f)
	if w.all.total != 0 || len(w.orgs) != 4 {
		t.Fatalf("expectation %+v", w)
	}
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
data "covalence_aro_summary" "none" {
  since = %q
}
`, testNow.Add(time.Hour).Format(time.RFC3339)),
		ConfigStateChecks: w.checks("data.covalence_aro_summary.none"),
	}))
	// No organizations at all, no AROs.
	_, url = mock(t, &mockportal.Data{MyProviders: d.MyProviders, Providers: d.Providers}, mockportal.Options{})
	w = expectSummary(&mockportal.Data{MyProviders: d.MyProviders}, summaryFilter{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:            providerBlock(url, "") + `data "covalence_aro_summary" "none" {}`,
		ConfigStateChecks: w.checks("data.covalence_aro_summary.none"),
	}))
}

func ptrTime(t time.Time) *time.Time { return &t }

// TestAccAroSummary_invalidInput: the filter's validation and org resolution
// errors are those of covalence_aros, naming the attribute.
func TestAccAroSummary_invalidInput(t *testing.T) {
	_, url := fixtureMock(t)
	for _, tc := range []struct{ config, want string }{
		{`status = "Opened"`, `(?s)Attribute status value must be one of`},
		{`min_severity = "Severe"`, `(?s)min_severity value must be one of`},
		{`since = "yesterday"`, `(?s)Invalid since`},
		{`since = "1 days"
  until = "2 days"`, `(?s)since is after until`},
		{`org = "Acme"
  organization_id = "x"`, `These attributes cannot be configured together: \[org,organization_id\]`},
		{`query = "severity=High"`, `(?s)unknown query key "severity"`},
		// The summary counts; it has no id filter, in query either.
		{`query = "id=5026382f-09de-440c-b97d-784006fcbe1d"`, `(?s)unknown query key "id": the keys are status, resolution, type, org, since,\s+until`},
		{`query = "status=Open"
  status = "Open"`, `(?s)also set as the attribute status`},
		{`org = "Initech"`, `(?s)Unknown organization.*no organization name matches "Initech"`},
		{`org = "cme"`, `(?s)Unknown organization.*"cme" matches 2 organizations`},
		{`limit = 5`, `(?s)An argument named "limit" is not expected here`},
		{`include_details = false`, `(?s)An argument named "include_details" is not expected here`},
		{`id = "x"`, `(?s)(Invalid Configuration for Read-Only Attribute|"id".*cannot be set|Can't configure a value for "id")`},
	} {
		t.Run(strings.Fields(tc.config)[0], func(t *testing.T) {
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "") + "data \"covalence_aro_summary\" \"x\" {\n  " + tc.config + "\n}\n",
				ExpectError: regexpMust(tc.want),
			}))
		})
	}
}

// TestAccAroSummary_stableID: the id depends on the filter only, not on how it
// is written (attribute or query) nor on the AROs.
func TestAccAroSummary_stableID(t *testing.T) {
	_, url := mock(t, mockportal.Generate(25, 3, 60, testNow), mockportal.Options{})
	id := tfjsonpath.New("id")
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aro_summary" "a" {
  status = "Open"
}
data "covalence_aro_summary" "b" {
  query = "status=Open"
}
data "covalence_aro_summary" "c" {
  status = "Closed"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.CompareValuePairs("data.covalence_aro_summary.a", id, "data.covalence_aro_summary.b", id, compare.ValuesSame()),
			statecheck.CompareValuePairs("data.covalence_aro_summary.a", id, "data.covalence_aro_summary.c", id, compare.ValuesDiffer()),
			statecheck.ExpectKnownValue("data.covalence_aro_summary.a", tfjsonpath.New("id"), str(stableID(map[string]string{"status": "Open"}))),
		},
	}))
}

// TestAccAroSummary_arrivals: AROs arriving during the read leave a
// consistent count: older ones (paged after the read began) are counted,
// newer ones (before the pages already read) are not; either way every ARO
// that existed at the start is counted once.
func TestAccAroSummary_arrivals(t *testing.T) {
	for _, par := range []int{1, 8} {
		for _, tc := range []struct {
			name  string
			at    time.Time
			count bool
		}{{"older", testNow.AddDate(-3, 0, 0), true}, {"newer", testNow.Add(time.Hour), false}} {
			t.Run(fmt.Sprintf("%s/parallel%d", tc.name, par), func(t *testing.T) {
				d := mockportal.Generate(26, 4, 300, testNow)
				arrivals := make([]mockportal.ARO, 12)
				for i := range arrivals {
					arrivals[i] = mockportal.ARO{ID: fmt.Sprintf("arrived-%02d", i), CreationTime: tc.at.Add(time.Duration(i) * time.Second).Format(mockportal.TimeLayout),
						Organization: &mockportal.OrgRef{ID: d.Orgs[0].ID, Name: d.Orgs[0].Name},
						Severity:     "Critical", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "arrived"}
				}
				before := expectSummary(d, summaryFilter{})
				after := &mockportal.Data{MyProviders: d.MyProviders, Providers: d.Providers, Orgs: d.Orgs, AROs: append(append([]mockportal.ARO{}, d.AROs...), arrivals...)}
				want := before
				if tc.count {
					want = expectSummary(after, summaryFilter{})
				}
				s, url := mock(t, d, mockportal.Options{PageCap: 20})
				s.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
					if e == mockportal.EndpointAROs && n == 3 {
						return &mockportal.Fault{InsertAROs: arrivals}
					}
					return nil
				})
				resource.Test(t, testCase(t, resource.TestStep{
					Config:            providerBlock(url, fmt.Sprintf("max_parallel_requests = %d", par)) + `data "covalence_aro_summary" "all" {}`,
					ConfigStateChecks: want.checks("data.covalence_aro_summary.all"),
				}))
			})
		}
	}
}

// TestAccAroSummary_faults: a burst of 429s is survived; garbage and lying
// totals end in a clear error, never in a wrong count.
func TestAccAroSummary_faults(t *testing.T) {
	d := mockportal.Generate(27, 3, 150, testNow)
	w := expectSummary(d, summaryFilter{})
	t.Run("429 burst", func(t *testing.T) {
		s, url := mock(t, d, mockportal.Options{PageCap: 10})
		faultOn(s, mockportal.EndpointAROs, 5, mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"})
		resource.Test(t, testCase(t, resource.TestStep{
			Config:            providerBlock(url, "") + `data "covalence_aro_summary" "all" {}`,
			ConfigStateChecks: w.checks("data.covalence_aro_summary.all"),
			Check: func(*terraformState) error {
				if n := s.Count(mockportal.EndpointAROs); n < 15+5 {
					return fmt.Errorf("%d ARO requests: the 429s were not retried", n)
				}
				return nil
			},
		}))
	})
	for _, tc := range []struct {
		name  string
		fault mockportal.Fault
		want  string
	}{
		{"garbage", mockportal.Fault{Body: `{"items": [{"ID": "a", "severity": 3}], "total": 1, "page": 0}`}, `byte offset`},
		{"truncated", mockportal.Fault{Truncate: true}, `truncated answer`},
		{"total above", mockportal.Fault{TotalDelta: 7}, `total says 157`},
		{"total below", mockportal.Fault{TotalDelta: -7}, `150 distinct AROs were received, but the portal's total said 143 at first and 143 at the end`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, url := mock(t, d, mockportal.Options{PageCap: 10})
			f := tc.fault
			s.SetFault(func(e mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
				if e == mockportal.EndpointAROs {
					return &f
				}
				return nil
			})
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "max_retries = 1") + `data "covalence_aro_summary" "all" {}`,
				ExpectError: wrapped(tc.want),
			}))
		})
	}
}

// ---- the compliance-gate examples, applied against the mock ---------------------

// gateExampleConfig is examples/compliance-gate/<name>/main.tf as it is.
// The example's terraform block (required_providers) is in its versions.tf,
// which is not read: the test's provider factories stand in for it. A
// terraform block in main.tf would make terraform require
// covalence-oss/covalence, which the test does not install, and fail on the
// lock file; it fails here instead, saying where the block belongs.
func gateExampleConfig(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/compliance-gate/" + name + "/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	if terraformBlock.Match(b) {
		t.Fatalf("examples/compliance-gate/%s/main.tf has a terraform block: it belongs in the example's versions.tf", name)
	}
	return string(b)
}

var terraformBlock = regexp.MustCompile(`(?m)^terraform\s*\{`)

// resolveAll marks every ARO Resolved unless keep says otherwise.
func resolveAll(d *mockportal.Data, keep func(a mockportal.ARO) bool) {
	for i := range d.AROs {
		if !keep(d.AROs[i]) {
			d.AROs[i].Resolution = "Resolved"
		}
	}
}

func TestAccAroSummary_jobFleetGate(t *testing.T) {
	cfg := gateExampleConfig(t, "fleet-gate")
	dirty := oddEstate(31, 5, 300)
	w := expectSummary(dirty, summaryFilter{resolution: "Unresolved", minSeverity: "High"})
	if w.all.total == 0 {
		t.Fatal("the dirty estate is clean")
	}
	_, url := nullingMock(t, dirty, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf(`Release blocked: %d unresolved High/Critical AROs`, w.all.total)),
	}))
	// Clean: the unresolved AROs left are all below High (and have a known severity).
	clean := mockportal.Generate(31, 5, 300, testNow)
	resolveAll(clean, func(a mockportal.ARO) bool {
		_, ranked := severityRank(a.Severity)
		return ranked && !severityAtLeast(a.Severity, "High")
	})
	if w := expectSummary(clean, summaryFilter{resolution: "Unresolved"}); w.all.total == 0 {
		t.Fatal("the clean estate has no unresolved AROs at all: the gate's filter is not exercised")
	}
	_, url = mock(t, clean, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aro_summary.open", tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue("terraform_data.release", tfjsonpath.New("input"), str("v1.2.3")),
		},
	}))
}

func TestAccAroSummary_jobPerClientGate(t *testing.T) {
	cfg := gateExampleConfig(t, "per-client-gate")
	d := mockportal.Generate(32, 6, 300, testNow)
	bad := d.Orgs[2]
	// Only bad has unresolved Critical AROs.
	resolveAll(d, func(a mockportal.ARO) bool {
		return a.Severity != "Critical" || a.Organization != nil && a.Organization.ID == bad.ID
	})
	w := expectSummary(d, summaryFilter{resolution: "Unresolved"})
	if w.orgs[bad.ID].severity["Critical"] == 0 {
		t.Fatal("the bad organization has no unresolved Critical ARO")
	}
	for id, o := range w.orgs {
		if id != bad.ID && o.severity["Critical"] != 0 {
			t.Fatalf("organization %s also has Critical AROs", id)
		}
	}
	_, url := mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf(`Deployment for %s blocked: %d unresolved Critical AROs`, bad.Name, w.orgs[bad.ID].severity["Critical"])),
	}))
	// Without bad's Criticals every client's deployment is planned; one
	// summary read serves all. Plan only: the test framework cannot read back
	// a state with for_each instances (terraform-plugin-testing's legacy shim).
	resolveAll(d, func(a mockportal.ARO) bool { return a.Severity != "Critical" })
	s, url := mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:             providerBlock(url, "") + cfg,
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{planFunc(func(p *tfjson.Plan) error {
			clients := 0
			for _, rc := range p.ResourceChanges {
				if rc.Type == "terraform_data" && rc.Name == "client" && rc.Change.Actions.Create() {
					clients++
				}
			}
			if clients != len(d.Orgs) {
				return fmt.Errorf("%d client deployments planned, want %d", clients, len(d.Orgs))
			}
			// One summary read per plan, not one per client.
			if n := s.Count(mockportal.EndpointAROs); n > 2*((len(w.matchedIDs)+39)/40+1) {
				return fmt.Errorf("%d ARO requests for %d clients", n, len(d.Orgs))
			}
			return nil
		})}},
	}))
}

// planFunc is a plan check written as a function.
type planFunc func(*tfjson.Plan) error

func (f planFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}

func TestAccAroSummary_jobSLAGate(t *testing.T) {
	cfg := gateExampleConfig(t, "sla-gate")
	d := mockportal.Generate(33, 4, 200, testNow)
	// The example compares with plantimestamp(), the real clock: the estate's
	// AROs (around testNow) are all older than 72 hours today.
	now := time.Now().UTC()
	if now.Sub(testNow) < 72*time.Hour {
		t.Skip("the estate's times are not old enough for this test on this clock")
	}
	w := expectSummary(d, summaryFilter{resolution: "Unresolved", minSeverity: "Critical"})
	if w.all.total == 0 {
		t.Fatal("no unresolved Critical ARO in the estate")
	}
	_, url := mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf("(oldest since %s; 0 of unknown age)", rfc3339(w.all.oldest))),
	}))
	// None at all: oldest_creation_time is null and the gate passes.
	resolveAll(d, func(a mockportal.ARO) bool { return a.Severity != "Critical" })
	_, url = mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aro_summary.critical", tfjsonpath.New("oldest_creation_time"), knownvalue.Null()),
		},
	}))
	// A young one (an hour old by the real clock) passes too.
	d.AROs = append(d.AROs, mockportal.ARO{ID: "young-critical", CreationTime: now.Add(-time.Hour).Format(mockportal.TimeLayout),
		Severity: "Critical", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "young"})
	_, url = mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aro_summary.critical", tfjsonpath.New("total"), knownvalue.Int64Exact(1)),
		},
	}))
	// Beside the young one, one of unknown age (creation_time null) fails it:
	// its age could be anything (fail closed).
	d.AROs = append(d.AROs, mockportal.ARO{ID: "undated-critical", CreationTime: "",
		Severity: "Critical", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "undated"})
	_, url = nullingMock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf("(oldest since %s; 1 of unknown age)",
			now.Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339))),
	}))
}

func rfc3339(portal string) string {
	t, err := time.Parse(mockportal.TimeLayout, portal)
	if err != nil {
		panic(err)
	}
	return t.Format(time.RFC3339)
}

func TestAccAroSummary_jobWeeklyReport(t *testing.T) {
	cfg := gateExampleConfig(t, "weekly-report")
	d := oddEstate(34, 5, 400)
	since := testNow.Add(-7 * 24 * time.Hour)
	w := expectSummary(d, summaryFilter{since: &since})
	byClient := map[string]knownvalue.Check{}
	for _, o := range w.orgs {
		if o.total > 0 {
			byClient[*o.name] = knownvalue.Int64Exact(o.total)
		}
	}
	if w.all.total == 0 || len(byClient) < 2 {
		t.Fatalf("the week is too quiet to test: %+v", w)
	}
	_, url := nullingMock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("weekly_report", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"total":       knownvalue.Int64Exact(w.all.total),
				"by_type":     countsCheck(w.typ),
				"by_severity": countsCheck(w.all.severity),
				"by_client":   knownvalue.ObjectExact(byClient),
				"unassigned":  knownvalue.Int64Exact(w.unassigned.total),
				"newest":      rfc3339Check(w.all.newest),
			})),
		},
	}))
}

// TestSummaryCounterInvariants: on random items (nulls, undocumented values,
// unparsable times, unlisted organizations) every count map adds up to
// total, the organizations and unassigned partition total, every documented
// key is present, and oldest <= newest.
func TestSummaryCounterInvariants(t *testing.T) {
	orgs := []covalence.Organization{{ID: "o1", Name: "One"}, {ID: "o2", Name: "Two"}}
	pick := func(i int, vals ...string) *string {
		v := vals[i%len(vals)]
		if v == "<null>" {
			return nil
		}
		return &v
	}
	for _, filtered := range []string{"", "o2", "o-unlisted"} {
		c := newSummaryCounter(orgs, filtered)
		for i := 0; i < 500; i++ {
			a := covalence.AROSummaryItem{
				ID:           fmt.Sprint(i),
				Severity:     pick(i*7, append(append([]string{}, aroSeverities...), "<null>", "Severe", "")...),
				Status:       pick(i*3, "Open", "Closed", "In Triage", "Parked", "<null>"),
				Resolution:   pick(i*5, "Unresolved", "Dismissed", "Escalated", "<null>"),
				Type:         pick(i*11, "Action", "Observation", "Incident", "<null>"),
				CreationTime: pick(i, "2025-01-0"+fmt.Sprint(1+i%9)+" 10:00:00", "not a time", "<null>", "2024-12-31T23:59:59Z"),
			}
			if id := pick(i*13, "o1", "o2", "o-unlisted", "<null>"); id != nil || i%2 == 0 {
				a.Organization = &covalence.AROSummaryOrganization{ID: id}
			}
			c.add(&a)
		}
		m := c.model()
		sum := func(name string, counts map[string]int64, documented []string) {
			var n int64
			for _, v := range counts {
				n += v
			}
			if n != m.Total {
				t.Errorf("filtered %q: %s adds up to %d, total %d", filtered, name, n, m.Total)
			}
			for _, k := range documented {
				if _, ok := counts[k]; !ok {
					t.Errorf("filtered %q: %s has no key %q", filtered, name, k)
				}
			}
		}
		sum("severity_counts", m.SeverityCounts, aroSeverities)
		sum("status_counts", m.StatusCounts, covalence.Statuses)
		sum("resolution_counts", m.ResolutionCounts, covalence.Resolutions)
		sum("type_counts", m.TypeCounts, covalence.Types)
		part := m.Unassigned.Total
		for _, o := range m.Organizations {
			part += o.Total
		}
		if m.Total != 500 || part != m.Total {
			t.Errorf("filtered %q: total %d, organizations + unassigned %d", filtered, m.Total, part)
		}
		if filtered != "" && (len(m.Organizations) != 1 || m.Organizations[filtered].Total == 0) {
			t.Errorf("filtered %q: organizations %v", filtered, m.Organizations)
		}
		if filtered == "o-unlisted" && !m.Organizations[filtered].Name.IsNull() {
			t.Errorf("an unlisted organization has a name")
		}
		if m.OldestCreationTime.ValueString() != "2024-12-31T23:59:59Z" || m.NewestCreationTime.ValueString() != "2025-01-09T10:00:00Z" {
			t.Errorf("oldest %s, newest %s", m.OldestCreationTime, m.NewestCreationTime)
		}
	}
}

// TestAccAroSummary_jobTieredSLA applies examples/compliance-gate/tiered-sla
// against the mock with its default tiers (Critical 24 h, High 72 h, Medium
// 720 h): it names the breached tiers and organizations computed here from
// the mock's data, passes when only untiered or young AROs are open, and
// fails closed on an ARO of unknown age or of an undocumented severity.
func TestAccAroSummary_jobTieredSLA(t *testing.T) {
	cfg := gateExampleConfig(t, "tiered-sla")
	now := time.Now().UTC()
	if now.Sub(testNow) < 721*time.Hour {
		t.Skip("the estate's times are not old enough for this test on this clock")
	}
	tiers := []string{"Critical", "High", "Medium"} // the example's default, in key order
	d := mockportal.Generate(34, 4, 200, testNow)
	w := expectSummary(d, summaryFilter{resolution: "Unresolved"})
	breached := func(o orgWant) []string {
		var out []string
		for _, sev := range tiers {
			if o.oldestBy[sev] != "" { // every ARO of the estate is older than every tier
				out = append(out, sev)
			}
		}
		return out
	}
	var orgs []string
	for _, id := range slices.Sorted(maps.Keys(w.orgs)) {
		for _, sev := range breached(*w.orgs[id]) {
			orgs = append(orgs, fmt.Sprintf("%s (%s)", *w.orgs[id].name, sev))
		}
	}
	if len(breached(w.all)) != 3 || len(orgs) == 0 || len(breached(w.unassigned)) == 0 {
		t.Fatalf("the estate should breach every tier, in organizations and unassigned: %v %v %v", breached(w.all), orgs, breached(w.unassigned))
	}
	_, url := mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf("SLA breached: tiers [%s]; organizations [%s]; unassigned [%s]; 0 unresolved AROs of unknown age; severities outside the six: [].",
			strings.Join(breached(w.all), ", "), strings.Join(orgs, ", "), strings.Join(breached(w.unassigned), ", "))),
	}))

	// Only AROs without a tier (Low and below) left open: it passes.
	resolveAll(d, func(a mockportal.ARO) bool { return !slices.Contains(tiers, a.Severity) })
	if w := expectSummary(d, summaryFilter{resolution: "Unresolved"}); w.all.total == 0 {
		t.Fatal("nothing left unresolved: the untiered severities are not exercised")
	}
	pass := []statecheck.StateCheck{statecheck.ExpectKnownValue("terraform_data.release", tfjsonpath.New("input"), str("v1.2.3"))}
	_, url = mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{Config: providerBlock(url, "") + cfg, ConfigStateChecks: pass}))

	// A Critical an hour old (by the real clock) is within its 24 hours.
	d.AROs = append(d.AROs, mockportal.ARO{ID: "young-critical", CreationTime: now.Add(-time.Hour).Format(mockportal.TimeLayout),
		Organization: &mockportal.OrgRef{ID: d.Orgs[0].ID, Name: d.Orgs[0].Name},
		Severity:     "Critical", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "young"})
	_, url = mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{Config: providerBlock(url, "") + cfg, ConfigStateChecks: pass}))

	// Fail closed: an ARO of unknown age, then one of an undocumented severity.
	undated := append(slices.Clone(d.AROs), mockportal.ARO{ID: "undated", CreationTime: "",
		Severity: "Low", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "undated"})
	_, url = nullingMock(t, &mockportal.Data{MyProviders: d.MyProviders, Providers: d.Providers, Orgs: d.Orgs, AROs: undated}, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped("SLA breached: tiers []; organizations []; unassigned []; 1 unresolved AROs of unknown age; severities outside the six: []."),
	}))
	d.AROs = append(d.AROs, mockportal.ARO{ID: "severe", CreationTime: now.Add(-time.Hour).Format(mockportal.TimeLayout),
		Severity: "Severe", Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "undocumented severity"})
	_, url = mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped("SLA breached: tiers []; organizations []; unassigned []; 0 unresolved AROs of unknown age; severities outside the six: [Severe]."),
	}))
}
