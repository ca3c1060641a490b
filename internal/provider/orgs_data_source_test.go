package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func orgCheck(id, name string, email knownvalue.Check, details bool) knownvalue.Check {
	m := detailNulls()
	m["id"], m["name"], m["email"], m["email_aro_details"] = str(id), str(name), email, knownvalue.Bool(details)
	return knownvalue.ObjectExact(m)
}

func TestAccOrgs_all(t *testing.T) {
	s, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_orgs" "all" {}
data "covalence_orgs" "again" {}
output "ids" {
  value = { for o in data.covalence_orgs.all.orgs : o.id => o.name }
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			// Sorted by name, then ID: the two "Acme Inc." by ID.
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs"), knownvalue.ListExact([]knownvalue.Check{
				orgCheck(mockportal.FixtureAROAcmeOrgID, "Acme Inc.", knownvalue.StringExact("john.smith@foo.bar"), false),
				orgCheck(mockportal.FixtureAcmeOrgID, "Acme Inc.", knownvalue.StringExact("eren.yeager@foo.bar"), false),
				orgCheck(mockportal.FixtureCapsuleOrgID, "Capsule Corp", knownvalue.StringExact("erwin.smith@foo.bar"), false),
				orgCheck(mockportal.FixtureDetailOrgID, "Test Organization Name", knownvalue.Null(), true),
			})),
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("id"), knownvalue.StringRegexp(regexpMust(`^[0-9a-f]{32}$`))),
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("name_contains"), knownvalue.Null()),
			statecheck.ExpectKnownOutputValue("ids", knownvalue.MapSizeExact(4)),
		},
		Check: func(*terraformState) error {
			// Two data sources, many reads: one org-list request per provider configuration.
			return expectAtMost(s.Count(mockportal.EndpointOrganizations), 1, "organization list requests")
		},
	}))
}

func TestAccOrgs_nameContains(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_orgs" "acme" {
  name_contains = "aCmE"
}
data "covalence_orgs" "none" {
  name_contains = "no such org"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.acme", tfjsonpath.New("orgs"), knownvalue.ListSizeExact(2)),
			statecheck.ExpectKnownValue("data.covalence_orgs.acme", tfjsonpath.New("orgs").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("Acme Inc.")),
			statecheck.ExpectKnownValue("data.covalence_orgs.none", tfjsonpath.New("orgs"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownValue("data.covalence_orgs.none", tfjsonpath.New("name_contains"), knownvalue.StringExact("no such org")),
		},
	}))
}

func TestAccOrgs_emptyFilterRejected(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + `data "covalence_orgs" "x" { name_contains = "" }`,
		ExpectError: regexpMust(`(?s)name_contains.*at least 1`),
	}))
}

// detailNulls are the detail attributes of an element of orgs, all null.
func detailNulls() map[string]knownvalue.Check {
	m := map[string]knownvalue.Check{}
	for _, k := range []string{"client_id", "status", "license_type", "service_tier", "is_trial", "default_locale", "industry",
		"created_time", "last_updated_time", "active_response_policy", "contacts"} {
		m[k] = knownvalue.Null()
	}
	return m
}

// generatedOrgCheck is an element of orgs as it must be read from the
// mock's generated organization o, with its detail when details is set.
func generatedOrgCheck(o mockportal.Organization, details bool) knownvalue.Check {
	var email knownvalue.Check = knownvalue.Null()
	if o.Email != nil {
		email = str(*o.Email)
	}
	m := detailNulls()
	m["id"], m["name"], m["email"], m["email_aro_details"] = str(o.ID), str(o.Name), email, knownvalue.Bool(o.EmailARODetails)
	if !details {
		return knownvalue.ObjectExact(m)
	}
	d := genDetailOf(o)
	m["client_id"], m["status"], m["license_type"], m["service_tier"] = str(d.ClientID), str(d.Status), str(d.LicenseType), str(d.ServiceTier)
	m["is_trial"] = knownvalue.Bool(d.IsTrial)
	m["default_locale"], m["industry"] = str(d.Profile.DefaultLocale), str(d.Profile.Industry)
	m["created_time"], m["last_updated_time"] = str(rfc3339(d.CreatedTime)), str(rfc3339(d.LastUpdatedTime))
	m["active_response_policy"] = str(d.ActiveResponseProfile.ResponsePolicy)
	var contacts []knownvalue.Check
	for _, c := range d.Contacts {
		contacts = append(contacts, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": str(c.ID), "type": str(c.Type), "email": str(c.User.Email),
			"first_name": str(c.User.FirstName), "last_name": str(c.User.LastName), "phone_number": str(c.User.PhoneNumber),
		}))
	}
	m["contacts"] = knownvalue.ListExact(contacts)
	return knownvalue.ObjectExact(m)
}

// genDetail is the detail of a generated organization (its Detail map, read
// back through JSON as the portal serves it).
type genDetail struct {
	ClientID        string `json:"client_id"`
	Status          string `json:"status"`
	LicenseType     string `json:"license_type"`
	ServiceTier     string `json:"service_tier"`
	IsTrial         bool   `json:"is_trial"`
	CreatedTime     string `json:"created_time"`
	LastUpdatedTime string `json:"last_updated_time"`
	Profile         struct {
		DefaultLocale string `json:"default_locale"`
		Industry      string `json:"industry"`
	} `json:"profile"`
	ActiveResponseProfile struct {
		ResponsePolicy string `json:"response_policy"`
	} `json:"active_response_profile"`
	Contacts []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		User struct {
			Email       string `json:"email"`
			FirstName   string `json:"first_name"`
			LastName    string `json:"last_name"`
			PhoneNumber string `json:"phone_number"`
		} `json:"user"`
	} `json:"contacts"`
}

func genDetailOf(o mockportal.Organization) genDetail {
	var d genDetail
	b, err := json.Marshal(o.Detail)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	if err != nil {
		panic(fmt.Sprintf("organization %s: %v", o.ID, err))
	}
	return d
}

// sortedOrgs is d's organizations in the order of covalence_orgs.orgs.
func sortedOrgs(d *mockportal.Data) []mockportal.Organization {
	orgs := slices.Clone(d.Orgs)
	slices.SortFunc(orgs, func(a, b mockportal.Organization) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return orgs
}

// TestAccOrgs_includeDetails: every element carries its organization's
// detail, one detail request per organization; without include_details
// (or with false) the detail attributes are null and none is requested.
func TestAccOrgs_includeDetails(t *testing.T) {
	d := mockportal.Generate(41, 23, 0, testNow)
	orgs := sortedOrgs(d)
	var with, without []knownvalue.Check
	for _, o := range orgs {
		with = append(with, generatedOrgCheck(o, true))
		without = append(without, generatedOrgCheck(o, false))
	}
	s, url := mock(t, d, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "max_parallel_requests = 4") + `
data "covalence_orgs" "details" {
  include_details = true
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.details", tfjsonpath.New("orgs"), knownvalue.ListExact(with)),
			statecheck.ExpectKnownValue("data.covalence_orgs.details", tfjsonpath.New("include_details"), knownvalue.Bool(true)),
		},
		Check: func(*terraformState) error { return oneDetailRequestPerRead(s, orgs) },
	}))
	s.ResetRequests()
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_orgs" "plain" {}
data "covalence_orgs" "off" {
  include_details = false
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.plain", tfjsonpath.New("orgs"), knownvalue.ListExact(without)),
			statecheck.ExpectKnownValue("data.covalence_orgs.off", tfjsonpath.New("orgs"), knownvalue.ListExact(without)),
			statecheck.ExpectKnownValue("data.covalence_orgs.plain", tfjsonpath.New("include_details"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue("data.covalence_orgs.off", tfjsonpath.New("include_details"), knownvalue.Bool(false)),
		},
		Check: func(*terraformState) error {
			if n := s.Count(mockportal.EndpointOrganization); n != 0 {
				return fmt.Errorf("%d organization detail requests without include_details", n)
			}
			return nil
		},
	}))
}

// TestAccOrgs_includeDetailsFixtures: the fixture organizations, one with a
// full detail, others sparse: each element equals covalence_org of the same
// organization (same attributes, same values); a filter reads only the
// matching organizations' detail.
func TestAccOrgs_includeDetailsFixtures(t *testing.T) {
	s, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `
data "covalence_orgs" "all" {
  include_details = true
}
data "covalence_orgs" "capsule" {
  name_contains   = "capsule"
  include_details = true
}
data "covalence_org" "each" {
  count = 4
  id    = data.covalence_orgs.all.orgs[count.index].id
}
output "same_as_covalence_org" {
  value = [for i, o in data.covalence_orgs.all.orgs : o == data.covalence_org.each[i]]
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs").AtSliceIndex(3), knownvalue.ObjectExact(fixtureDetailChecks)),
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs").AtSliceIndex(2).AtMapKey("id"), str(mockportal.FixtureCapsuleOrgID)),
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs").AtSliceIndex(2).AtMapKey("contacts"), knownvalue.Null()),
			statecheck.ExpectKnownOutputValue("same_as_covalence_org", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.Bool(true), knownvalue.Bool(true), knownvalue.Bool(true), knownvalue.Bool(true)})),
			statecheck.ExpectKnownValue("data.covalence_orgs.capsule", tfjsonpath.New("orgs"), knownvalue.ListSizeExact(1)),
			statecheck.CompareValuePairs("data.covalence_orgs.capsule", tfjsonpath.New("orgs").AtSliceIndex(0),
				"data.covalence_orgs.all", tfjsonpath.New("orgs").AtSliceIndex(2), compare.ValuesSame()),
		},
		Check: func(*terraformState) error {
			// Per read, one request per organization of all and one for capsule
			// (covalence_org's own reads add one per organization).
			perPath := detailRequests(s)
			acme, capsule := perPath["/v1/organizations/"+mockportal.FixtureAcmeOrgID], perPath["/v1/organizations/"+mockportal.FixtureCapsuleOrgID]
			if len(perPath) != 4 || acme == 0 || capsule*2 != acme*3 {
				return fmt.Errorf("detail requests: %v", perPath)
			}
			return nil
		},
	}))
}

// detailRequests counts the detail requests per path.
func detailRequests(s *mockportal.Server) map[string]int {
	perPath := map[string]int{}
	for _, r := range s.Requests() {
		if r.Endpoint == mockportal.EndpointOrganization {
			perPath[r.Path]++
		}
	}
	return perPath
}

// oneDetailRequestPerRead: every organization's detail was requested, each
// as often as the others (once per read), and nothing else was.
func oneDetailRequestPerRead(s *mockportal.Server, orgs []mockportal.Organization) error {
	perPath := detailRequests(s)
	reads := perPath["/v1/organizations/"+orgs[0].ID]
	if reads == 0 || len(perPath) != len(orgs) {
		return fmt.Errorf("detail requests for %d paths, want the %d organizations': %v", len(perPath), len(orgs), perPath)
	}
	for _, o := range orgs {
		if n := perPath["/v1/organizations/"+o.ID]; n != reads {
			return fmt.Errorf("organization %s: %d detail requests, others %d", o.ID, n, reads)
		}
	}
	return nil
}

// faultFor answers f to every detail request for organization id.
func faultFor(id string, f mockportal.Fault) mockportal.FaultFunc {
	return func(e mockportal.Endpoint, _ int, r *http.Request) *mockportal.Fault {
		if e == mockportal.EndpointOrganization && strings.HasSuffix(r.URL.Path, "/"+id) {
			return &f
		}
		return nil
	}
}

// readOrgsDirect runs covalence_orgs' Read with include_details = true
// against a mock, outside Terraform, so its diagnostics can be inspected.
func readOrgsDirect(t *testing.T, url string) (orgsModel, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	client, err := covalence.New(covalence.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ds := &orgsDataSource{dataSourceBase{data: &providerData{client: client, log: tflogLogger{secret: testAPIKey}}}}
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ, ok := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", sr.Schema.Type().TerraformType(ctx))
	}
	raw := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":              tftypes.NewValue(tftypes.String, nil),
		"name_contains":   tftypes.NewValue(tftypes.String, nil),
		"include_details": tftypes.NewValue(tftypes.Bool, true),
		"orgs":            tftypes.NewValue(typ.AttributeTypes["orgs"], nil),
	})
	resp := &datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: raw}}, resp)
	var m orgsModel
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Get(ctx, &m)...)
	}
	return m, resp.Diagnostics
}

// An organization deleted between the list and its detail (404 on both
// detail paths) is kept with null detail, and one warning names it.
func TestOrgsIncludeDetailsGoneOrgWarns(t *testing.T) {
	d := mockportal.Generate(42, 9, 0, testNow)
	orgs := sortedOrgs(d)
	gone := orgs[4]
	s, url := mock(t, d, mockportal.Options{})
	s.SetFault(faultFor(gone.ID, mockportal.Fault{Status: http.StatusNotFound, Body: `{"message":"not found"}`}))
	m, diags := readOrgsDirect(t, url)
	if diags.HasError() || len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	for _, want := range []string{gone.ID, gone.Name, "404"} {
		if !strings.Contains(diags[0].Detail(), want) {
			t.Errorf("the warning lacks %q: %s", want, diags[0].Detail())
		}
	}
	if len(m.Orgs) != len(orgs) {
		t.Fatalf("%d organizations, want %d", len(m.Orgs), len(orgs))
	}
	for i, o := range m.Orgs {
		if o.ID.ValueString() != orgs[i].ID {
			t.Fatalf("orgs[%d] is %s, want %s", i, o.ID, orgs[i].ID)
		}
		wantNull := orgs[i].ID == gone.ID
		if o.ClientID.IsNull() != wantNull || o.Status.IsNull() != wantNull || (o.Contacts == nil) != wantNull {
			t.Errorf("orgs[%d] (%s): client_id %s, status %s, contacts %v; detail null should be %v", i, o.Name, o.ClientID, o.Status, o.Contacts, wantNull)
		}
		if o.Name.ValueString() != orgs[i].Name {
			t.Errorf("orgs[%d]: name %s, want %q", i, o.Name, orgs[i].Name)
		}
	}
}

// Any other failure of one detail fails the read, naming the organization.
func TestAccOrgs_includeDetailsErrorNamesOrg(t *testing.T) {
	d := mockportal.Generate(43, 9, 0, testNow)
	bad := sortedOrgs(d)[6]
	for _, status := range []int{http.StatusInternalServerError, http.StatusForbidden} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			s, url := mock(t, d, mockportal.Options{})
			s.SetFault(faultFor(bad.ID, mockportal.Fault{Status: status}))
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "max_retries = 1") + `data "covalence_orgs" "x" { include_details = true }`,
				ExpectError: regexpMust(`(?i)` + wrapped(fmt.Sprintf(`reading the detail of organization %q (%s)`, bad.Name, bad.ID)).String()),
			}))
		})
	}
}

// Rate limited detail requests (a portal serving 2 at a time, and a burst
// of 429s with Retry-After) slow the read down; it completes with every detail.
func TestAccOrgs_includeDetailsRateLimited(t *testing.T) {
	d := mockportal.Generate(44, 30, 0, testNow)
	orgs := sortedOrgs(d)
	var want []knownvalue.Check
	for _, o := range orgs {
		want = append(want, generatedOrgCheck(o, true))
	}
	s, url := mock(t, d, mockportal.Options{Latency: 20 * time.Millisecond})
	s.SetLimits(mockportal.Limits{MaxInFlight: 2})
	s.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if e == mockportal.EndpointOrganization && n%10 == 3 {
			return &mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"}
		}
		return nil
	})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "max_parallel_requests = 8\n  max_retries = 0") + `data "covalence_orgs" "x" { include_details = true }`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.x", tfjsonpath.New("orgs"), knownvalue.ListExact(want)),
		},
		Check: func(*terraformState) error {
			if st := s.Stats(); st.Refused == 0 {
				return fmt.Errorf("the portal refused nothing: the limit was not exercised (%+v)", st)
			}
			return nil
		},
	}))
}

// TestAccOrgs_jobClientPolicy applies examples/compliance-gate/client-policy
// against the mock: it fails naming exactly the clients that break the
// policy (computed here from the mock's data), passes once they comply, and
// fails closed on a client whose detail is gone.
func TestAccOrgs_jobClientPolicy(t *testing.T) {
	cfg := gateExampleConfig(t, "client-policy")
	now := time.Now().UTC()
	d := mockportal.Generate(45, 10, 0, testNow)
	// Every client compliant: active response on, a technical contact, no trial.
	for i := range d.Orgs {
		det := d.Orgs[i].Detail
		det["active_response_profile"] = map[string]any{"options": nil, "response_policy": "Notify"}
		det["is_trial"] = false
		det["contacts"] = []any{adminContact(d.Orgs[i].ID), map[string]any{
			"contact_info": nil, "id": "tech-" + d.Orgs[i].ID, "type": "Technical - Primary",
			"user": map[string]any{"ID": "u-" + d.Orgs[i].ID, "email": "soc@example.com", "first_name": "Sam", "last_name": "Tech", "phone_number": nil},
		}}
	}
	// A young trial (5 days old by the real clock) complies too.
	young := d.Orgs[7].Detail
	young["is_trial"], young["created_time"] = true, now.Add(-5*24*time.Hour).Format(mockportal.TimeLayout)
	_, url := mock(t, d, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("terraform_data.onboarding", tfjsonpath.New("input"), knownvalue.Int64Exact(int64(len(d.Orgs)))),
		},
	}))

	// Three clients break it, one rule each.
	d.Orgs[1].Detail["active_response_profile"] = map[string]any{"options": nil, "response_policy": "Off"}
	d.Orgs[3].Detail["contacts"] = []any{adminContact(d.Orgs[3].ID)} // the administrative contact only
	d.Orgs[5].Detail["is_trial"] = true                              // created 200 days or more before testNow
	var failing []string
	for _, o := range d.Orgs {
		det := genDetailOf(o)
		var problems []string
		if det.ActiveResponseProfile.ResponsePolicy == "Off" {
			problems = append(problems, "active response Off")
		}
		tech := false
		for _, c := range det.Contacts {
			tech = tech || c.Type == "Technical - Primary"
		}
		if !tech {
			problems = append(problems, "no Technical - Primary contact")
		}
		created, err := time.Parse(mockportal.TimeLayout, det.CreatedTime)
		if err != nil {
			t.Fatal(err)
		}
		if det.IsTrial && now.Sub(created) > 30*24*time.Hour {
			problems = append(problems, "trial older than 30 days")
		}
		if len(problems) > 0 {
			failing = append(failing, fmt.Sprintf("%s [%s]: %s", o.Name, o.ID, strings.Join(problems, ", ")))
		}
	}
	if len(failing) != 3 {
		t.Fatalf("%d failing clients, want the 3 made to fail: %v", len(failing), failing)
	}
	slices.Sort(failing) // the example lists them in orgs' order: by name (the generated names are unique)
	_, url = mock(t, d, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf("Client policy not met by 3 clients: %s.", strings.Join(failing, "; "))),
	}))

	// A client deleted between the list and its detail fails closed.
	gone := sortedOrgs(d)[0]
	s, url := mock(t, d, mockportal.Options{})
	s.SetFault(faultFor(gone.ID, mockportal.Fault{Status: http.StatusNotFound}))
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ExpectError: wrapped(fmt.Sprintf("%s [%s]: active response policy unknown, no Technical - Primary contact, trial status unknown",
			gone.Name, gone.ID)),
	}))
}

// adminContact is an administrative contact of organization id.
func adminContact(id string) map[string]any {
	return map[string]any{
		"contact_info": nil, "id": "admin-" + id, "type": "Administrative",
		"user": map[string]any{"ID": "ua-" + id, "email": "it@example.com", "first_name": "Ida", "last_name": "Admin", "phone_number": "+16135550000"},
	}
}
