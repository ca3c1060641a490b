package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

var fixtureDetailChecks = map[string]knownvalue.Check{
	"id":                     str(mockportal.FixtureDetailOrgID),
	"name":                   str("Test Organization Name"),
	"email":                  knownvalue.Null(),
	"email_aro_details":      knownvalue.Bool(true),
	"client_id":              str("2022-1234-ABC"),
	"status":                 str("active"),
	"license_type":           str("Covalence Complete"),
	"service_tier":           str("Complete"),
	"is_trial":               knownvalue.Bool(false),
	"default_locale":         str("en-CA"),
	"industry":               str("IT & Telecoms"),
	"created_time":           str("2022-04-14T14:15:53Z"),
	"last_updated_time":      str("2024-10-23T20:41:19Z"),
	"active_response_policy": str("Off"),
	"contacts": knownvalue.ListExact([]knownvalue.Check{
		knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": str("920af4a2-ee1c-49f7-8b71-3d54ea037f06"), "type": str("Administrative"),
			"email": str("test-user-1@fieldeffect.com"), "first_name": str("Test"), "last_name": str("Admin User"), "phone_number": str("+16135551234"),
		}),
		knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": str("72d90d4d-1107-42e6-af00-1c46e0b32d49"), "type": str("Billing"),
			"email": str("test-user-2@fieldeffect.com"), "first_name": str("Test"), "last_name": str("Billing User2"), "phone_number": str("+16135551235"),
		}),
		knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": str("f5f11c48-82d2-4226-912b-0884a1bfc249"), "type": str("Technical - Primary"),
			"email": str("test-user-4@fieldeffect.com"), "first_name": str("Test"), "last_name": str("User4 Technical"), "phone_number": str("+16135551334"),
		}),
	}),
}

func TestAccOrg_byIDAndByName(t *testing.T) {
	_, url := fixtureMock(t)
	var checks []statecheck.StateCheck
	for _, ds := range []string{"data.covalence_org.by_id", "data.covalence_org.by_name"} {
		for attr, c := range fixtureDetailChecks {
			checks = append(checks, statecheck.ExpectKnownValue(ds, tfjsonpath.New(attr), c))
		}
	}
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
data "covalence_org" "by_id" {
  id = %q
}
data "covalence_org" "by_name" {
  name = "test organization NAME"
}
`, mockportal.FixtureDetailOrgID),
		ConfigStateChecks: checks,
	}))
}

// An organization whose detail the portal leaves mostly empty: nulls stay null.
func TestAccOrg_sparseDetail(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_org" "c" { name = "capsule corp" }`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_org.c", tfjsonpath.New("id"), str(mockportal.FixtureCapsuleOrgID)),
			statecheck.ExpectKnownValue("data.covalence_org.c", tfjsonpath.New("email"), str("erwin.smith@foo.bar")),
			statecheck.ExpectKnownValue("data.covalence_org.c", tfjsonpath.New("default_locale"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.covalence_org.c", tfjsonpath.New("active_response_policy"), knownvalue.Null()),
			statecheck.ExpectKnownValue("data.covalence_org.c", tfjsonpath.New("contacts"), knownvalue.Null()),
		},
	}))
}

func TestAccOrg_errors(t *testing.T) {
	_, url := fixtureMock(t)
	steps := []resource.TestStep{
		{Config: `data "covalence_org" "x" { name = "acme inc." }`,
			ExpectError: regexpMust(`(?s)2 organizations are named "acme inc.".*` + mockportal.FixtureAROAcmeOrgID + `, ` + mockportal.FixtureAcmeOrgID)},
		{Config: `data "covalence_org" "x" { name = "Acme" }`, ExpectError: regexpMust(`(?s)Organization not found.*named "Acme"`)},
		{Config: `data "covalence_org" "x" { id = "nope" }`, ExpectError: regexpMust(`(?s)Organization not found.*ID "nope"`)},
		{Config: `data "covalence_org" "x" {}`, ExpectError: regexpMust(`(?s)No attribute specified.*id.*name|(?s)Missing Attribute Configuration`)},
		{Config: `
data "covalence_org" "x" {
  id   = "a"
  name = "b"
}`, ExpectError: regexpMust(`(?s)Invalid Attribute Combination`)},
	}
	for i := range steps {
		steps[i].Config = providerBlock(url, "") + steps[i].Config
	}
	resource.Test(t, testCase(t, steps...))
}

// TestAccOrg_detailOfAnotherOrganization: a detail that is not the
// organization asked for (another one's, or one without an ID) is "not
// found", never put in state, by ID or by name.
func TestAccOrg_detailOfAnotherOrganization(t *testing.T) {
	s, url := fixtureMock(t)
	for _, tc := range []struct{ body, want string }{
		{`{"ID": "` + mockportal.FixtureOtherOrgID + `", "name": "Globex Corporation", "client_id": "2022-9999-GLX"}`,
			`(?s)Organization not found.*organizations/` + mockportal.FixtureDetailOrgID + `.*the\s+ID\s+"` + mockportal.FixtureOtherOrgID + `"`},
		{`{"name": "test organization NAME", "client_id": "2022-1234-ABC"}`, `(?s)Organization not found.*no\s+ID`},
	} {
		faultOn(s, mockportal.EndpointOrganization, 1000, mockportal.Fault{Body: tc.body})
		resource.Test(t, testCase(t,
			resource.TestStep{Config: providerBlock(url, "") + fmt.Sprintf(`data "covalence_org" "x" { id = %q }`, mockportal.FixtureDetailOrgID),
				ExpectError: regexpMust(tc.want)},
			resource.TestStep{Config: providerBlock(url, "") + `data "covalence_org" "x" { name = "test organization name" }`,
				ExpectError: regexpMust(tc.want)},
		))
	}
}
