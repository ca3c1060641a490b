package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

const testAPIKey = "test-key-7f3a9c2e51d84b6a"

// factories serves the provider as main.go does (with the fast path).
var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"covalence": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// frameworkFactories serves the plain framework provider (no fast path), to
// compare both paths through terraform.
var frameworkFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"covalence": providerserver.NewProtocol6WithError(New("test")()),
}

// testNow is the clock of relative times in acceptance tests.
var testNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	nowFunc = func() time.Time { return testNow }
	os.Exit(m.Run())
}

// mock starts a mock portal with the given data and options.
func mock(t *testing.T, data *mockportal.Data, opts mockportal.Options) (*mockportal.Server, string) {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	s := mockportal.New(data, opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/v1"
}

// fixtureMock serves the shared fixtures.
func fixtureMock(t *testing.T) (*mockportal.Server, string) {
	return mock(t, mockportal.FixtureData(), mockportal.Options{})
}

// providerBlock configures the provider for a mock at url; extra goes inside the block.
func providerBlock(url, extra string) string {
	return fmt.Sprintf(`
provider "covalence" {
  api_key  = %q
  base_url = %q
  %s
}
`, testAPIKey, url, extra)
}

func testCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	t.Helper()
	return resource.TestCase{ProtoV6ProviderFactories: factories, Steps: steps}
}

// queriesTo returns the raw query strings the mock received for an endpoint.
func queriesTo(s *mockportal.Server, e mockportal.Endpoint) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Endpoint == e {
			out = append(out, r.Query.Encode())
		}
	}
	return out
}

func TestAccProvider_missingAPIKey(t *testing.T) {
	t.Setenv(EnvAPIKey, "")
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "covalence" {
  base_url = %q
}
data "covalence_orgs" "all" {}
`, url),
		ExpectError: regexp.MustCompile(`(?s)api_key.*` + EnvAPIKey),
	}))
}

func TestAccProvider_envOnly(t *testing.T) {
	_, url := fixtureMock(t)
	t.Setenv(EnvAPIKey, testAPIKey)
	t.Setenv(EnvBaseURL, url+"/")
	t.Setenv(EnvProviderID, "Other MSSP")
	t.Setenv(EnvMaxRetries, "1")
	t.Setenv(EnvRequestTimeout, "5s")
	t.Setenv(EnvMaxParallelRequests, "2")
	resource.Test(t, testCase(t, resource.TestStep{
		Config: `
provider "covalence" {}
data "covalence_orgs" "all" {}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"id":   knownvalue.StringExact(mockportal.FixtureOtherOrgID),
					"name": knownvalue.StringExact("Globex Corporation"),
				}),
			})),
		},
	}))
}

func TestAccProvider_badEnvValues(t *testing.T) {
	_, url := fixtureMock(t)
	for env, attr := range map[string]string{
		EnvMaxRetries:          "max_retries",
		EnvRequestTimeout:      "request_timeout",
		EnvMaxParallelRequests: "max_parallel_requests",
	} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "lots")
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "") + `data "covalence_orgs" "all" {}`,
				ExpectError: regexp.MustCompile(`(?s)(` + env + `.*` + attr + `|` + attr + `.*` + env + `)`),
			}))
		})
	}
}

func TestAccProvider_invalidAttributes(t *testing.T) {
	_, url := fixtureMock(t)
	cases := map[string]string{
		`base_url = "ftp://example.com"`:    `(?s)base_url.*http`,
		`base_url = "services.example.com"`: `(?s)base_url.*http`,
		`request_timeout = "soon"`:          `(?s)request_timeout.*duration`,
		`max_retries = 99`:                  `(?s)max_retries.*between 0 and 20`,
		`max_parallel_requests = 0`:         `(?s)max_parallel_requests.*between 1 and 64`,
		`ca_cert_pem = "not a certificate"`: `(?s)ca_cert_pem.*PEM`,
		`proxy_url = "::not a url"`:         `(?s)proxy.*URL`,
		`provider_id = ""`:                  `(?s)provider_id.*at least 1`,
	}
	for extra, want := range cases {
		t.Run(extra, func(t *testing.T) {
			cfg := fmt.Sprintf(`
provider "covalence" {
  api_key  = %q
  %s
}
data "covalence_orgs" "all" {}
`, testAPIKey, extra)
			if !strings.HasPrefix(extra, "base_url") {
				cfg = providerBlock(url, extra) + `data "covalence_orgs" "all" {}`
			}
			resource.Test(t, testCase(t, resource.TestStep{Config: cfg, ExpectError: regexp.MustCompile(want)}))
		})
	}
}

func TestAccProvider_unknownConfig(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %q
}
provider "covalence" {
  api_key  = terraform_data.key.output
  base_url = %q
}
data "covalence_orgs" "all" {}
`, testAPIKey, url),
		ExpectError: regexp.MustCompile(`(?s)Unknown value for api_key.*` + EnvAPIKey),
	}))
}

func TestAccProvider_wrongKey(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "covalence" {
  api_key  = "wrong-key"
  base_url = %q
}
data "covalence_orgs" "all" {}
`, url),
		ExpectError: regexp.MustCompile(`(?s)The API key was refused.*HTTP 401`),
	}))
}

func TestAccProvider_providerByIDAndUnknown(t *testing.T) {
	_, url := fixtureMock(t)
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: providerBlock(url, `provider_id = "prov-0002"`) + `data "covalence_aros" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("total"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("aros").AtSliceIndex(0).AtMapKey("organization").AtMapKey("id"),
					knownvalue.StringExact(mockportal.FixtureOtherOrgID)),
			},
		},
		resource.TestStep{
			Config:      providerBlock(url, `provider_id = "No Such MSSP"`) + `data "covalence_orgs" "all" {}`,
			ExpectError: regexp.MustCompile(`(?s)No Such MSSP.*Test MSSP`),
		},
	))
}

func TestAccProvider_emptyMyProviders(t *testing.T) {
	d := mockportal.FixtureData()
	d.MyProviders = nil
	_, url := mock(t, d, mockportal.Options{})
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "") + `data "covalence_orgs" "all" {}`,
		ExpectError: regexp.MustCompile(`belongs to no MSSP provider`),
	}))
}

type terraformState = terraform.State

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

func expectAtMost(got, limit int, what string) error {
	if got > limit {
		return fmt.Errorf("%s: got %d, want at most %d", what, got, limit)
	}
	return nil
}

// A key read with file() keeps its line break: trimmed. A key with a space or
// control character inside cannot go in a header: a clear error, not a transport one.
func TestAccProvider_apiKeyWhitespace(t *testing.T) {
	_, url := fixtureMock(t)
	cfg := func(key string) string {
		return fmt.Sprintf("provider \"covalence\" {\n  api_key  = %q\n  base_url = %q\n}\ndata \"covalence_orgs\" \"all\" {}\n", key, url)
	}
	resource.Test(t, testCase(t,
		resource.TestStep{Config: cfg(testAPIKey + "\n"), ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs"), knownvalue.ListSizeExact(4)),
		}},
	))
	resource.Test(t, testCase(t,
		resource.TestStep{Config: cfg("two\nlines"), ExpectError: regexp.MustCompile(`(?s)Invalid API key.*control character`)},
	))
}
