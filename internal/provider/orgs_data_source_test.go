package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func orgCheck(id, name string, email knownvalue.Check, details bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.StringExact(id), "name": knownvalue.StringExact(name),
		"email": email, "email_aro_details": knownvalue.Bool(details),
	})
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
