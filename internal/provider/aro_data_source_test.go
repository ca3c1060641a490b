package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func TestAccAro_everyAttribute(t *testing.T) {
	s, url := fixtureMock(t)
	checks := []statecheck.StateCheck{}
	// Every attribute equals the element of covalence_aros, count renamed.
	for name := range aroMapping.attributes() {
		single := name
		if name == "count" {
			single = "alert_count"
		}
		checks = append(checks, statecheck.CompareValuePairs(
			"data.covalence_aro.one", tfjsonpath.New(single),
			"data.covalence_aros.all", tfjsonpath.New("aros").AtSliceIndex(1).AtMapKey(name),
			compare.ValuesSame()))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.covalence_aro.one", tfjsonpath.New("alert_count"), knownvalue.Int64Exact(1)),
		statecheck.ExpectKnownValue("data.covalence_aro.one", tfjsonpath.New("title"), str("Malware detected")),
		statecheck.ExpectKnownValue("data.covalence_aro.one", tfjsonpath.New("creation_time"), str("2021-05-11T12:58:26Z")),
		statecheck.ExpectKnownValue("data.covalence_aro.one", tfjsonpath.New("organization").AtMapKey("name"), str("Acme Inc.")),
		statecheck.ExpectKnownValue("data.covalence_aro.one", tfjsonpath.New("steps"), knownvalue.ListSizeExact(1)),
	)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
data "covalence_aros" "all" {}
data "covalence_aro" "one" {
  id = %q
}
`, mockportal.FixtureAROID),
		ConfigStateChecks: checks,
		Check: func(*terraformState) error {
			for _, q := range queriesTo(s, mockportal.EndpointAROs) {
				if q == "id="+mockportal.FixtureAROID+"&limit=500" {
					return nil
				}
			}
			return fmt.Errorf("the ID was not sent to the portal: %v", queriesTo(s, mockportal.EndpointAROs))
		},
	}))
}

func TestAccAro_notFound(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config:      providerBlock(url, "") + `data "covalence_aro" "x" { id = "00000000-0000-0000-0000-000000000000" }`,
			ExpectError: regexpMust(`(?s)ARO not found.*"00000000-0000-0000-0000-000000000000"`),
		},
		resource.TestStep{
			Config:      providerBlock(url, "") + `data "covalence_aro" "x" { id = "" }`,
			ExpectError: regexpMust(`(?s)id.*at least 1`),
		},
		resource.TestStep{
			Config:      providerBlock(url, "") + `data "covalence_aro" "x" {}`,
			ExpectError: regexpMust(`(?s)"id" is required`),
		},
	))
}
