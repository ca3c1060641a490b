package provider

import (
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// providersCheck is covalence_providers.providers as it must be read from
// the mock's GET my_providers, in its order.
func providersCheck(d *mockportal.Data) knownvalue.Check {
	want := []knownvalue.Check{}
	for _, p := range d.MyProviders {
		want = append(want, knownvalue.ObjectExact(map[string]knownvalue.Check{"id": str(p.ID), "name": str(p.Name)}))
	}
	return knownvalue.ListExact(want)
}

// TestAccProviders_order: the key's providers in the portal's order (not
// sorted), whatever provider_id says; a key without providers gives an
// empty list. (Aliases to two portals cannot be tested here: the test
// framework serves every provider configuration from one in-process
// provider server, which keeps the last configuration's client.)
func TestAccProviders_order(t *testing.T) {
	many := mockportal.FixtureData()
	many.MyProviders = []mockportal.Provider{{ID: "prov-z", Name: "Zeta MSSP"}, many.MyProviders[0], {ID: "prov-a", Name: "Alpha MSSP"}}
	many.Providers = append(many.Providers, many.MyProviders[0], many.MyProviders[2])
	s, url := mock(t, many, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, `provider_id = "Test MSSP"`) + `
data "covalence_providers" "mine" {}
output "names" {
  value = [for p in data.covalence_providers.mine.providers : p.name]
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_providers.mine", tfjsonpath.New("providers"), providersCheck(many)),
			statecheck.ExpectKnownValue("data.covalence_providers.mine", tfjsonpath.New("id"), knownvalue.StringRegexp(regexpMust(`^[0-9a-f]{32}$`))),
			statecheck.ExpectKnownOutputValue("names", knownvalue.ListExact([]knownvalue.Check{
				str(many.MyProviders[0].Name), str(many.MyProviders[1].Name), str(many.MyProviders[2].Name)})),
		},
		Check: func(*terraformState) error {
			return expectAtMost(s.Count(mockportal.EndpointOrganizations), 0, "organization list requests")
		},
	}))
	one := mockportal.Generate(51, 2, 0, testNow)
	_, url = mock(t, one, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_providers" "mine" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_providers.mine", tfjsonpath.New("providers"), providersCheck(one)),
		},
	}))
	none := mockportal.FixtureData()
	none.MyProviders = nil
	_, url = mock(t, none, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_providers" "mine" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_providers.mine", tfjsonpath.New("providers"), knownvalue.ListExact([]knownvalue.Check{})),
		},
	}))
}

func TestAccProviders_errors(t *testing.T) {
	for _, tc := range []struct {
		fault mockportal.Fault
		want  string
	}{
		{mockportal.Fault{Status: http.StatusForbidden}, `(?s)The API key lacks access.*my_providers`},
		{mockportal.Fault{Status: http.StatusInternalServerError}, `(?s)listing the API key's providers.*500`},
		{mockportal.Fault{Body: `{"ID": "x"}`}, `(?s)my_providers`},
		{mockportal.Fault{Body: `[{"name": "no id"}]`}, `(?s)provider #1 \("no id"\) has no ID`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			s, url := fixtureMock(t)
			s.SetFault(func(e mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
				if e == mockportal.EndpointMyProviders {
					return &tc.fault
				}
				return nil
			})
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "max_retries = 0") + `data "covalence_providers" "x" {}`,
				ExpectError: regexpMust(tc.want),
			}))
		})
	}
}
