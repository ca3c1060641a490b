package provider

import (
	"fmt"
	"net/http"
	neturl "net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

// fixtureAROCheck is every attribute of the ARO of aros.json, as it must
// appear in state: the values below, and null for each other attribute of
// aroMapping (alert_key, notes, ...: the fixture has them null or not at all).
var fixtureAROCheck = knownvalue.ObjectExact(nullOtherwise(map[string]knownvalue.Check{
	"id":                str(mockportal.FixtureAROID),
	"count":             knownvalue.Int64Exact(1),
	"creation_time":     str("2021-05-11T12:58:26Z"),
	"details":           knownvalue.StringRegexp(regexpMust(`(?s)^On 01 April 2021 18:18:25 UTC, malware was detected on DESKTOP-FOIJEWEIR .*engage us for further advice\.$`)),
	"details_markdown":  knownvalue.StringRegexp(regexpMust(`file:_C:\\Users\\user\\Downloads\\bad\.exe`)),
	"display_url":       str("https://foo.bar"),
	"last_updated_time": str("2021-05-11T12:58:26Z"),
	"organization": knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": str(mockportal.FixtureAROAcmeOrgID), "email": str("john.smith@foo.bar"), "name": str("Acme Inc."),
	}),
	"references": knownvalue.ListExact([]knownvalue.Check{}),
	"resolution": str("Unresolved"),
	"serial_id":  str("11"),
	"severity":   str("Critical"),
	"status":     str("Open"),
	"steps": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                str("d189bb5b-3612-4b95-9fbf-352a53cc5bfa"),
		"completed":         knownvalue.Bool(false),
		"label":             str("Isolate and ensure that no further threats exist on this system."),
		"last_updated_time": str("2021-05-11T12:58:26Z"),
	})}),
	"title": str("Malware detected"),
	"type":  str("Action"),
}))

// nullOtherwise adds a null check for every attribute of aroMapping that m
// does not check.
func nullOtherwise(m map[string]knownvalue.Check) map[string]knownvalue.Check {
	for name := range aroMapping.attributes() {
		if _, ok := m[name]; !ok {
			m[name] = knownvalue.Null()
		}
	}
	return m
}

func severityCounts(counts map[string]int64) knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for _, s := range aroSeverities {
		m[s] = knownvalue.Int64Exact(counts[s])
	}
	return knownvalue.MapExact(m)
}

func TestAccAros_fixtures(t *testing.T) {
	_, url := fixtureMock(t)
	res := "data.covalence_aros.all"
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_aros" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(res, tfjsonpath.New("total"), knownvalue.Int64Exact(2)),
			// Newest first: the transition answer (2023) before aros.json (2021).
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(1), fixtureAROCheck),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"id":                str(mockportal.FixtureTransitionAROID),
				"analyst_notes":     knownvalue.Null(), // absent from the answer
				"external_bug_id":   knownvalue.Null(),
				"creation_time":     str("2023-08-16T19:48:02Z"),
				"serial_id":         str("15"),
				"display_url":       str("test_url"),
				"details_markdown":  knownvalue.Null(),
				"organization":      knownvalue.ObjectExact(map[string]knownvalue.Check{"id": str("test_ID"), "email": knownvalue.Null(), "name": str("test_org_id")}),
				"steps":             knownvalue.ListSizeExact(1),
				"last_updated_time": str("2023-11-30T19:01:59Z"),
			})),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("severity_counts"), severityCounts(map[string]int64{"Critical": 1, "Low": 1})),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("include_details"), knownvalue.Bool(true)),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("id"), knownvalue.StringRegexp(regexpMust(`^[0-9a-f]{32}$`))),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("limit"), knownvalue.Null()),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("query"), knownvalue.Null()),
		},
	}))
}

// TestAccAros_frameworkPathSameState proves the fast path and the plain
// framework path give the same state through terraform.
func TestAccAros_frameworkPathSameState(t *testing.T) {
	d := mockportal.Generate(7, 4, 250, testNow)
	_, url := mock(t, d, mockportal.Options{PageCap: 40})
	cfg := providerBlock(url, "") + `
data "covalence_aros" "all" {
  since = "30 days"
}
data "covalence_aros" "cut" {
  limit           = 17
  include_details = false
}
`
	capture := func(into map[string]map[string]string) resource.TestCheckFunc {
		return func(s *terraformState) error {
			for _, name := range []string{"data.covalence_aros.all", "data.covalence_aros.cut"} {
				r := s.RootModule().Resources[name]
				if r == nil {
					return fmt.Errorf("%s not in state", name)
				}
				into[name] = r.Primary.Attributes
			}
			return nil
		}
	}
	fast, framework := map[string]map[string]string{}, map[string]map[string]string{}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{{Config: cfg, Check: capture(fast)}}})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: frameworkFactories, Steps: []resource.TestStep{{Config: cfg, Check: capture(framework)}}})
	for name, want := range framework {
		got := fast[name]
		if len(want) < 100 {
			t.Fatalf("%s: only %d attributes in the framework state", name, len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s: fast path %q, framework %q", name, k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d attributes on the fast path, %d on the framework path", name, len(got), len(want))
		}
	}
}

func TestAccAros_filtersSentToServer(t *testing.T) {
	s, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
data "covalence_aros" "q" {
  id              = %q
  status          = "Open"
  resolution      = "Unresolved"
  type            = "Action"
  organization_id = %q
  since           = "2021-01-31 14:00:00"
  until           = "2021-06-01T02:00:00+02:00"
}
`, mockportal.FixtureAROID, mockportal.FixtureAROAcmeOrgID),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.q", tfjsonpath.New("aros"), knownvalue.ListExact([]knownvalue.Check{fixtureAROCheck})),
			statecheck.ExpectKnownValue("data.covalence_aros.q", tfjsonpath.New("id"), str(mockportal.FixtureAROID)),
		},
		Check: func(*terraformState) error {
			want := neturl.Values{
				"id": {mockportal.FixtureAROID}, "status": {"Open"}, "resolution": {"Unresolved"}, "type": {"Action"},
				"organization_id": {mockportal.FixtureAROAcmeOrgID}, "since": {"2021-01-31 14:00:00"},
				"until": {"2021-06-01 00:00:00"}, "limit": {"500"},
			}.Encode()
			for _, q := range queriesTo(s, mockportal.EndpointAROs) {
				if q != want {
					return fmt.Errorf("ARO query sent %q, want %q", q, want)
				}
			}
			return nil
		},
	}))
}

func TestAccAros_relativeTimes(t *testing.T) {
	s, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aros" "recent" {
  since = "7 days"
  until = "12 hours"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.recent", tfjsonpath.New("aros"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue("data.covalence_aros.recent", tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue("data.covalence_aros.recent", tfjsonpath.New("severity_counts"), severityCounts(nil)),
		},
		Check: func(*terraformState) error {
			for _, q := range queriesTo(s, mockportal.EndpointAROs) {
				v, _ := neturl.ParseQuery(q)
				if v.Get("since") != "2026-01-08 12:00:00" || v.Get("until") != "2026-01-15 00:00:00" {
					return fmt.Errorf("relative window sent as since=%q until=%q", v.Get("since"), v.Get("until"))
				}
			}
			return nil
		},
	}))
}

func orgTestData() *mockportal.Data {
	d := mockportal.FixtureData()
	d.Orgs = append(d.Orgs,
		mockportal.Organization{ID: "org-acme", Name: "ACME"},
		mockportal.Organization{ID: "org-acme-log", Name: "Acme Logistics"},
	)
	return d
}

func TestAccAros_org(t *testing.T) {
	s, url := mock(t, orgTestData(), mockportal.Options{})
	orgIDSent := func(want string) resource.TestCheckFunc {
		return func(*terraformState) error {
			qs := queriesTo(s, mockportal.EndpointAROs)
			if len(qs) == 0 {
				return fmt.Errorf("no ARO request")
			}
			v, _ := neturl.ParseQuery(qs[len(qs)-1])
			if got := v.Get("organization_id"); got != want {
				return fmt.Errorf("organization_id sent %q, want %q", got, want)
			}
			return nil
		}
	}
	resource.Test(t, testCase(t,
		// An exact, case-insensitive match wins over substring matches.
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "acme" }`, Check: orgIDSent("org-acme")},
		// Otherwise the single substring match.
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "CAPSULE" }`, Check: orgIDSent(mockportal.FixtureCapsuleOrgID)},
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "logistics" }`, Check: orgIDSent("org-acme-log")},
		// Several exact matches: error listing them.
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "acme inc." }`,
			ExpectError: regexpMust(`(?s)Unknown organization.*matches 2 organizations.*` + mockportal.FixtureAROAcmeOrgID + `.*` + mockportal.FixtureAcmeOrgID)},
		// Several substring matches.
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "cme" }`,
			ExpectError: regexpMust(`(?s)"cme" matches 4 organizations`)},
		resource.TestStep{Config: providerBlock(url, "") + `data "covalence_aros" "a" { org = "Initech" }`,
			ExpectError: regexpMust(`(?s)no organization name matches "Initech"`)},
	))
}

// estateExpectation computes, from the mock's own data, what a query for
// unresolved AROs at or above a severity must return.
func estateExpectation(d *mockportal.Data, minSeverity string) (ids []string, counts map[string]int64) {
	rank := map[string]int{}
	for i, s := range aroSeverities {
		rank[s] = i + 1
	}
	counts = map[string]int64{}
	for _, a := range d.AROsOf(d.MyProviders[0].ID) { // the portal's order
		// min_severity fails closed: a missing or undocumented severity (rank 0) is kept.
		if r := rank[a.Severity]; a.Resolution != "Unresolved" || r != 0 && r < rank[minSeverity] {
			continue
		}
		ids = append(ids, a.ID)
		counts[a.Severity]++
	}
	return ids, counts
}

func TestAccAros_complianceGate(t *testing.T) {
	d := mockportal.Generate(3, 5, 400, testNow)
	s, url := mock(t, d, mockportal.Options{PageCap: 7, PageBase: 1})
	ids, counts := estateExpectation(d, "High")
	if len(ids) < 3 {
		t.Fatalf("generated estate has only %d unresolved High+ AROs", len(ids))
	}
	idChecks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		idChecks[i] = str(id)
	}
	res := "data.covalence_aros.gate"
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: providerBlock(url, "") + `
data "covalence_aros" "gate" {
  resolution   = "Unresolved"
  min_severity = "High"
}
output "ids" {
  value = [for a in data.covalence_aros.gate.aros : a.id]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(res, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(ids)))),
				statecheck.ExpectKnownValue(res, tfjsonpath.New("severity_counts"), severityCounts(counts)),
				statecheck.ExpectKnownOutputValue("ids", knownvalue.ListExact(idChecks)),
			},
			Check: func(*terraformState) error {
				for _, q := range queriesTo(s, mockportal.EndpointAROs) {
					v, _ := neturl.ParseQuery(q)
					if v.Get("resolution") != "Unresolved" {
						return fmt.Errorf("resolution not sent to the server: %q", q)
					}
				}
				return nil
			},
		},
		// The compliance gate: a precondition fails the run while AROs exist.
		resource.TestStep{
			Config: providerBlock(url, "") + `
data "covalence_aros" "gate" {
  resolution   = "Unresolved"
  min_severity = "High"
}
resource "terraform_data" "gate" {
  lifecycle {
    precondition {
      condition     = data.covalence_aros.gate.total == 0
      error_message = "${data.covalence_aros.gate.total} unresolved High/Critical AROs"
    }
  }
}
`,
			ExpectError: regexpMust(fmt.Sprintf(`%d unresolved High/Critical AROs`, len(ids))),
		},
	))
}

func TestAccAros_limitAndDetails(t *testing.T) {
	d := mockportal.Generate(5, 4, 300, testNow)
	s, url := mock(t, d, mockportal.Options{PageCap: 100})
	all, _ := estateExpectation(d, "")
	res := "data.covalence_aros.newest"
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aros" "newest" {
  resolution      = "Unresolved"
  limit           = 5
  include_details = false
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(res, tfjsonpath.New("total"), knownvalue.Int64Exact(5)),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("limit"), knownvalue.Int64Exact(5)),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("include_details"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(0).AtMapKey("id"), str(all[0])),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(4).AtMapKey("id"), str(all[4])),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(0).AtMapKey("details"), knownvalue.Null()),
			statecheck.ExpectKnownValue(res, tfjsonpath.New("aros").AtSliceIndex(3).AtMapKey("details_markdown"), knownvalue.Null()),
		},
		Check: func(*terraformState) error {
			// A limit without a client-side filter asks for only what it needs.
			for _, q := range queriesTo(s, mockportal.EndpointAROs) {
				v, _ := neturl.ParseQuery(q)
				if v.Get("limit") != "5" {
					return fmt.Errorf("limit=5 should ask for pages of 5, sent %q", q)
				}
			}
			return expectAtMost(len(queriesTo(s, mockportal.EndpointAROs)), 2, "ARO page requests for limit = 5")
		},
	}))
}

func TestAccAros_validation(t *testing.T) {
	_, url := fixtureMock(t)
	cases := map[string]string{
		`status = "Pending"`:                      `(?s)status.*value must be one of`,
		`resolution = "Fixed"`:                    `(?s)resolution.*value must be one of`,
		`type = "Alert"`:                          `(?s)type.*value must be one of`,
		`min_severity = "Severe"`:                 `(?s)min_severity.*value must be one of`,
		`since = "yesterday"`:                     `(?s)since.*"yesterday" is not a time`,
		`until = "2021-13-45"`:                    `(?s)until.*is not a time`,
		"org = \"acme\"\norganization_id = \"x\"": `(?s)cannot be configured together.*org,organization_id`,
		`limit = 0`:                               `(?s)limit.*at least 1`,
		`id = ""`:                                 `(?s)id.*at least 1`,
		`organization_id = ""`:                    `(?s)organization_id.*at least 1`,
		"since = \"2021-02-01 00:00:00\"\nuntil = \"2021-01-01T00:00:00Z\"": `(?s)since is after until`,
		"since = \"1 day\"\nuntil = \"2 days\"":                             `(?s)since is after until`,
		`query = "color=red"`:                                               `(?s)query.*unknown query key "color"`,
		`query = "status"`:                                                  `(?s)query.*"status" is not a key=value pair`,
		`query = "status=Open&&type=Action"`:                                `(?s)query.*empty pair`,
		"query = \"status=Open\"\nstatus = \"Open\"":                        `(?s)query.*"status" is also set as the attribute`,
		`query = "type=Alert"`:                                              `(?s)query.*query key "type".*value must be one of`,
		`query = "since=last tuesday"`:                                      `(?s)query.*query key "since".*is not a time`,
		`query = "status=Open&status=Closed"`:                               `(?s)query.*given twice`,
		`query = "status="`:                                                 `(?s)query.*"status" has an empty value`,
		"query = \"org=acme\"\norganization_id = \"x\"":                     `(?s)query.*conflicts with the attribute organization_id`,
		`query = "since=2021-02-01 00:00:00&until=2021-01-01 00:00:00"`:     `(?s)since is after until`,
	}
	for body, want := range cases {
		t.Run(body, func(t *testing.T) {
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "") + "data \"covalence_aros\" \"x\" {\n" + body + "\n}\n",
				ExpectError: regexpMust(want),
			}))
		})
	}
}

func TestAccAros_query(t *testing.T) {
	s, url := fixtureMock(t)
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: providerBlock(url, "") + `
data "covalence_aros" "q" {
  query = "resolution=Unresolved&type=Action&org=acme inc&since=2021-01-31 14:00:00"
}
`,
			ExpectError: regexpMust(`(?s)Unknown organization.*matches 2 organizations`),
		},
		resource.TestStep{
			Config: providerBlock(url, "") + `
data "covalence_aros" "q" {
  query        = "resolution=Unresolved&type=Action&org=capsule&since=2021-01-31 14:00:00&until=2021-02-01%2000:00:00"
  min_severity = "Low"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.covalence_aros.q", tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue("data.covalence_aros.q", tfjsonpath.New("query"),
					str("resolution=Unresolved&type=Action&org=capsule&since=2021-01-31 14:00:00&until=2021-02-01%2000:00:00")),
			},
			Check: func(*terraformState) error {
				qs := queriesTo(s, mockportal.EndpointAROs)
				v, _ := neturl.ParseQuery(qs[len(qs)-1])
				want := map[string]string{"resolution": "Unresolved", "type": "Action", "organization_id": mockportal.FixtureCapsuleOrgID,
					"since": "2021-01-31 14:00:00", "until": "2021-02-01 00:00:00"}
				for k, w := range want {
					if v.Get(k) != w {
						return fmt.Errorf("query key %s sent as %q, want %q (query %q)", k, v.Get(k), w, qs[len(qs)-1])
					}
				}
				return nil
			},
		},
	))
}

func TestAccAros_idIsStableHashOfInputs(t *testing.T) {
	_, url := fixtureMock(t)
	var first, second, other string
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aros" "a" {
  status = "Open"
  since  = "7 days"
}
data "covalence_aros" "b" {
  since  = "7 days"
  status = "Open"
}
data "covalence_aros" "c" {
  status = "Closed"
  since  = "7 days"
}
`,
		Check: func(s *terraformState) error {
			first = s.RootModule().Resources["data.covalence_aros.a"].Primary.Attributes["id"]
			second = s.RootModule().Resources["data.covalence_aros.b"].Primary.Attributes["id"]
			other = s.RootModule().Resources["data.covalence_aros.c"].Primary.Attributes["id"]
			if first == "" || first != second || first == other {
				return fmt.Errorf("ids: a=%q b=%q c=%q; want a == b != c", first, second, other)
			}
			if strings.Contains(first, "2026") {
				return fmt.Errorf("id %q looks like a clock value", first)
			}
			return nil
		},
	}))
}

// TestLimitReached: paging stops early only once no later ARO can enter the
// newest limit.
func TestLimitReached(t *testing.T) {
	at := func(s string) aroRecord {
		if s == "" {
			return aroRecord{id: "null"}
		}
		tm, _ := time.Parse(time.RFC3339, s)
		return aroRecord{created: tm, hasTime: true}
	}
	cases := []struct {
		recs  []string
		limit int64
		want  bool
	}{
		{[]string{"2021-01-03T00:00:00Z"}, 2, false},
		{[]string{"2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z"}, 2, false},                         // the next could tie the 2nd
		{[]string{"2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z", "2021-01-02T00:00:00Z"}, 2, false}, // a tie: read on
		{[]string{"2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z", "2021-01-01T00:00:00Z"}, 2, true},
		{[]string{"2021-01-03T00:00:00Z", "2021-01-02T00:00:00Z", ""}, 2, false}, // no time: read on
		{[]string{"", "", "2021-01-01T00:00:00Z"}, 2, false},                     // too few with a time
	}
	for i, c := range cases {
		var recs []aroRecord
		for _, s := range c.recs {
			recs = append(recs, at(s))
		}
		if got := limitReached(recs, c.limit); got != c.want {
			t.Errorf("case %d: limitReached = %v, want %v", i, got, c.want)
		}
	}
}

// TestAccAros_limitWithTies: AROs that tie on creation_time are ordered by ID
// even when the portal sends them in another order and a limit cuts between them.
func TestAccAros_limitWithTies(t *testing.T) {
	d := mockportal.FixtureData()
	d.AROs = nil
	for _, id := range []string{"c", "a", "b"} {
		d.AROs = append(d.AROs, mockportal.ARO{ID: id, CreationTime: "2024-05-01 10:00:00", Title: id, Severity: "Low"})
	}
	d.AROs = append(d.AROs, mockportal.ARO{ID: "z-old", CreationTime: "2024-04-01 10:00:00", Severity: "Low"})
	s, url := mock(t, d, mockportal.Options{})
	// The portal sends the tied AROs in reverse ID order.
	s.SetFault(func(e mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if e != mockportal.EndpointAROs {
			return nil
		}
		page := r.URL.Query().Get("page")
		items := map[string]string{"": `[{"ID":"c","creation_time":"2024-05-01 10:00:00"}]`, "1": `[{"ID":"b","creation_time":"2024-05-01 10:00:00"}]`,
			"2": `[{"ID":"a","creation_time":"2024-05-01 10:00:00"}]`, "3": `[{"ID":"z-old","creation_time":"2024-04-01 10:00:00"}]`}[page]
		if items == "" {
			items = "[]"
		}
		p := map[string]string{"": "0"}[page]
		if p == "" {
			p = page
		}
		return &mockportal.Fault{Body: fmt.Sprintf(`{"items":%s,"total":4,"page":%s}`, items, p)}
	})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "max_parallel_requests = 1") + `
data "covalence_aros" "one" {
  limit = 1
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.one", tfjsonpath.New("aros"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": str("a")}),
			})),
		},
	}))
}

// projectedJSON is what items holds for an ARO of the full read (its JSON
// state value) projected to names: each attribute as it is, a part of a
// nested object as an object of the parts asked (null when the object is),
// a part of steps as a list of such objects.
func projectedJSON(full map[string]any, names []string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		top, part, nested := strings.Cut(n, ".")
		if !nested {
			out[top] = full[top]
			continue
		}
		switch v := full[top].(type) {
		case nil:
			out[top] = nil
		case map[string]any:
			o, _ := out[top].(map[string]any)
			if o == nil {
				o = map[string]any{}
			}
			o[part] = v[part]
			out[top] = o
		case []any:
			l, _ := out[top].([]any)
			if l == nil {
				l = make([]any, len(v))
				for i := range l {
					l[i] = map[string]any{}
				}
			}
			for i, e := range v {
				dst, _ := l[i].(map[string]any)
				src, _ := e.(map[string]any)
				dst[part] = src[part]
			}
			out[top] = l
		}
	}
	return out
}

// checkProjections: each data source of reads holds in items exactly the
// full read's AROs (data.covalence_aros.full) projected to its fields, in
// the same order, aros is null, and total and severity_counts are the full
// read's.
func checkProjections(reads map[string][]string) stateCheck {
	return func(s *tfjson.State) error {
		byAddr := map[string]map[string]any{}
		for _, r := range s.Values.RootModule.Resources {
			byAddr[r.Address] = r.AttributeValues
		}
		full := byAddr["data.covalence_aros.full"]
		aros, _ := full["aros"].([]any)
		if len(aros) < 20 {
			return fmt.Errorf("the full read has %d AROs", len(aros))
		}
		for addr, names := range reads {
			got := byAddr[addr]
			if got == nil {
				return fmt.Errorf("%s not in state", addr)
			}
			if got["aros"] != nil {
				return fmt.Errorf("%s: aros is not null with fields set", addr)
			}
			for _, k := range []string{"total", "severity_counts"} {
				if !reflect.DeepEqual(got[k], full[k]) {
					return fmt.Errorf("%s: %s %v, the full read's %v", addr, k, got[k], full[k])
				}
			}
			items, ok := got["items"].([]any)
			if !ok || len(items) != len(aros) {
				return fmt.Errorf("%s: items %T of %d, want %d AROs", addr, got["items"], len(items), len(aros))
			}
			for i := range aros {
				full, ok := aros[i].(map[string]any)
				if !ok {
					return fmt.Errorf("the full read's ARO %d is %T", i, aros[i])
				}
				want := projectedJSON(full, names)
				if !reflect.DeepEqual(items[i], want) {
					return fmt.Errorf("%s (fields %q): item %d is\n%#v\nwant\n%#v", addr, names, i, items[i], want)
				}
			}
		}
		return nil
	}
}

// TestAccAros_fields: a read projected to each name fields accepts (taken
// from the mapping, so a new attribute is covered without a change here),
// to every top-level name, and to a few names mixing whole attributes and
// nested parts, equals the full read attribute by attribute.
func TestAccAros_fields(t *testing.T) {
	d := mockportal.Generate(32, 5, 60, testNow)
	d.AROs[0].Organization = nil // a null nested object, projected
	d.AROs[1].Steps = nil
	_, url := mock(t, d, mockportal.Options{PageCap: 25})
	var cfg strings.Builder
	cfg.WriteString(providerBlock(url, "") + "data \"covalence_aros\" \"full\" {}\n")
	reads := map[string][]string{}
	add := func(label string, names ...string) {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		fmt.Fprintf(&cfg, "data \"covalence_aros\" %q {\n  fields = [%s]\n}\n", label, strings.Join(quoted, ", "))
		reads["data.covalence_aros."+label] = names
	}
	var tops []string
	for i, n := range aroMapping.fieldNames() {
		add(fmt.Sprintf("one_%02d", i), n)
		if !strings.Contains(n, ".") {
			tops = append(tops, n)
		}
	}
	add("every_attribute", tops...)
	add("five", "id", "title", "severity", "creation_time", "organization.name")
	add("parts", "steps.label", "steps.completed", "organization.id", "organization.email", "details")
	resource.Test(t, testCase(t, resource.TestStep{
		Config:            cfg.String(),
		ConfigStateChecks: []statecheck.StateCheck{checkProjections(reads)},
	}))
}

// TestAccAros_fieldsEmptyAndDetails: a projected read that matches nothing
// gives an empty items list and counts of zero; include_details = false
// does not drop details that fields names; the read's id follows fields.
func TestAccAros_fieldsEmptyAndDetails(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_aros" "none" {
  fields = ["id", "organization.name"]
  since  = "7 days"
}
data "covalence_aros" "details" {
  fields          = ["details", "id"]
  include_details = false
  min_severity    = "Critical"
}
data "covalence_aros" "other_fields" {
  fields          = ["id", "details"]
  include_details = false
  min_severity    = "Critical"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.none", tfjsonpath.New("items"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue("data.covalence_aros.none", tfjsonpath.New("aros"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.covalence_aros.none", tfjsonpath.New("total"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue("data.covalence_aros.none", tfjsonpath.New("severity_counts"), severityCounts(nil)),
			statecheck.ExpectKnownValue("data.covalence_aros.details", tfjsonpath.New("items"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":      str(mockportal.FixtureAROID),
					"details": knownvalue.StringRegexp(regexpMust(`^On 01 April 2021 18:18:25 UTC, malware was detected`)),
				}),
			})),
			statecheck.ExpectKnownValue("data.covalence_aros.details", tfjsonpath.New("include_details"), knownvalue.Bool(false)),
			// The same fields in another order: the same read, the same id.
			statecheck.CompareValuePairs("data.covalence_aros.details", tfjsonpath.New("id"),
				"data.covalence_aros.other_fields", tfjsonpath.New("id"), compare.ValuesSame()),
		},
	}))
}

// TestAccAros_fieldsValidation: a bad fields fails the plan with a message
// naming the attribute, before any ARO is requested.
func TestAccAros_fieldsValidation(t *testing.T) {
	s, url := fixtureMock(t)
	cases := map[string]string{
		`fields = ["title", "severty"]`:                `(?s)fields.*"severty" is not a field of an ARO; the valid names are.*alert_key,.*organization.name,.*steps.label,.*type`,
		`fields = ["organization.nmae"]`:               `(?s)fields.*"organization.nmae" is not a field of an ARO`,
		`fields = ["title", "title"]`:                  `(?s)fields.*the field "title" is named twice`,
		`fields = [""]`:                                `(?s)fields.*a field name is empty`,
		`fields = []`:                                  `(?s)fields.*no field is named; the valid names are`,
		`fields = ["organization", "organization.id"]`: `(?s)fields.*"organization" and "organization.id" are both named`,
		`fields = [null]`:                              `(?s)Invalid fields.*fields = \[null\].*A field name is null`,
		// The read waits for apply; the plan fails all the same.
		"fields = [\"nope\"]\nsince = terraform_data.window.output": `(?s)fields.*"nope" is not a field of an ARO`,
		// A typo beside a name known only at apply.
		"fields = [\"titel\", terraform_data.window.output]": `(?s)fields.*"titel" is not a field of an ARO`,
	}
	for body, want := range cases {
		t.Run(body, func(t *testing.T) {
			resource.Test(t, testCase(t, resource.TestStep{
				Config: providerBlock(url, "") + "resource \"terraform_data\" \"window\" {\n  input = \"7 days\"\n}\n" +
					"data \"covalence_aros\" \"x\" {\n" + body + "\n}\n",
				PlanOnly:    true,
				ExpectError: regexpMust(want),
			}))
		})
	}
	if q := queriesTo(s, mockportal.EndpointAROs); len(q) > 0 {
		t.Fatalf("the portal was asked for AROs %d times", len(q))
	}
}

// TestAccAros_pageExample applies the data source page's example of fields
// against the fixture portal: its blocks that name "critical" or "ticket"
// (the fixture portal has two organizations called Acme, which the
// example's org = "Acme" would refuse), with the ticket resource's
// for_each and input turned into an output of the same map, since
// terraform-plugin-testing cannot read a state with for_each keys.
func TestAccAros_pageExample(t *testing.T) {
	_, url := fixtureMock(t)
	example, err := os.ReadFile("../../examples/data-sources/covalence_aros/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	forEach := regexpMust(`(?s)resource "terraform_data" "ticket" \{\s*for_each = (.*?)\n\s*input\s*= (.*?)\n\}`)
	for _, b := range strings.Split(string(example), "\n\n") {
		switch {
		case strings.Contains(b, `data "covalence_aros" "critical"`):
			blocks = append(blocks, b)
		case strings.Contains(b, `resource "terraform_data" "ticket"`):
			m := forEach.FindStringSubmatch(b)
			if m == nil {
				t.Fatalf("the ticket block is not for_each and input:\n%s", b)
			}
			blocks = append(blocks, fmt.Sprintf("output \"tickets\" {\n  value = { for k, v in %s : k => %s }\n}",
				m[1], strings.ReplaceAll(m[2], "each.value", "v")))
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("found %d of the example's 2 blocks", len(blocks))
	}
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + strings.Join(blocks, "\n\n"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("tickets", knownvalue.MapExact(map[string]knownvalue.Check{
				mockportal.FixtureAROID: str("[Critical] Acme Inc.: Malware detected (2021-05-11T12:58:26Z)"),
			})),
			statecheck.ExpectKnownValue("data.covalence_aros.critical", tfjsonpath.New("total"), knownvalue.Int64Exact(1)),
		},
	}))
}
