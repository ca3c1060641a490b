package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// contractSeverities are the six severities in rising order, as the
// functions' public contract states them (written out here, not taken from
// aroSeverities, so that a change to the provider's list fails these tests).
var contractSeverities = []string{"Informational", "Warning", "Low", "Medium", "High", "Critical"}

// notSeverities are strings that are not one of the six.
var notSeverities = []string{"critical", "HIGH", "Severe", "", " High", "Informational "}

// functionTestCase is a test case for provider functions: Terraform 1.8 or
// later, no provider configuration, no portal.
func functionTestCase(steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: factories,
		Steps:                    steps,
	}
}

// hclList is a list of HCL string literals.
func hclList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func TestAccFunctionSeverityRank(t *testing.T) {
	// Each severity, then each string that is not one: null.
	want := make([]knownvalue.Check, 0, len(contractSeverities)+len(notSeverities))
	for i := range contractSeverities {
		want = append(want, knownvalue.Int64Exact(int64(i)))
	}
	for range notSeverities {
		want = append(want, knownvalue.Null())
	}
	all := append(append([]string{}, contractSeverities...), notSeverities...)
	resource.Test(t, functionTestCase(resource.TestStep{
		Config: `
output "ranks" {
  value = [for s in ` + hclList(all) + ` : provider::covalence::severity_rank(s)]
}
output "one" {
  value = provider::covalence::severity_rank("Critical")
}
output "null_input" {
  value = { rank = provider::covalence::severity_rank(null) }
}
output "sorted" {
  # The use it is for: order AROs by severity.
  value = [for r in sort([for s in ["High", "Informational", "Critical", "Low"] : format("%d:%s", provider::covalence::severity_rank(s), s)]) : split(":", r)[1]]
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("ranks", knownvalue.ListExact(want)),
			statecheck.ExpectKnownOutputValue("one", knownvalue.Int64Exact(5)),
			statecheck.ExpectKnownOutputValue("null_input", knownvalue.ObjectExact(map[string]knownvalue.Check{"rank": knownvalue.Null()})),
			statecheck.ExpectKnownOutputValue("sorted", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("Informational"), knownvalue.StringExact("Low"),
				knownvalue.StringExact("High"), knownvalue.StringExact("Critical"),
			})),
		},
	}))
}

func TestAccFunctionSeverityRank_wrongType(t *testing.T) {
	resource.Test(t, functionTestCase(resource.TestStep{
		Config:      `output "x" { value = provider::covalence::severity_rank(["High"]) }`,
		ExpectError: wrapped(`Invalid value for "severity" parameter`),
	}))
}

// exampleConfig is an example of examples/functions against the mock at url:
// its terraform block (required_providers, which the test's provider
// factories stand in for) replaced by a provider block.
func exampleConfig(t *testing.T, name, url string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "functions", name, "function.tf"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?ms)^terraform \{\n.*?^\}\n`)
	if len(block.FindAllIndex(b, -1)) != 1 {
		t.Fatalf("%s: expected one terraform block", name)
	}
	return providerBlock(url, "") + block.ReplaceAllString(string(b), "")
}

// functionEstate is a generated estate with AROs whose severity is not one
// of the six (null included), and its open AROs in the portal's order.
func functionEstate() (*mockportal.Data, []mockportal.ARO) {
	d := mockportal.Generate(8, 4, 150, testNow)
	for i, sev := range []string{"Urgent", "", "high", "Critical", "Informational"} {
		d.AROs = append(d.AROs, mockportal.ARO{
			ID: fmt.Sprintf("odd-%d", i), CreationTime: testNow.Add(-time.Duration(i) * time.Hour).Format(mockportal.TimeLayout),
			Status: "Open", Resolution: "Unresolved", Type: "Action", Severity: sev, Title: "odd " + sev,
		})
	}
	d.AROs = append(d.AROs, mockportal.ARO{
		ID: "odd-null", CreationTime: testNow.Add(-90 * time.Minute).Format(mockportal.TimeLayout),
		Status: "Open", Resolution: "Unresolved", Type: "Action", Title: "null severity", Null: []string{"severity"},
	})
	var open []mockportal.ARO
	for _, a := range d.AROsOf(d.MyProviders[0].ID) {
		if a.Resolution == "Unresolved" {
			open = append(open, a)
		}
	}
	return d, open
}

// contractRank is the rank of a severity in contractSeverities, or -1.
func contractRank(s string) int { return slices.Index(contractSeverities, s) }

func TestAccFunctionSeverityRank_example(t *testing.T) {
	d, open := functionEstate()
	_, url := mock(t, d, mockportal.Options{PageCap: 40, PageBase: 1})
	var ids []knownvalue.Check
	for r := 6; r >= 0; r-- {
		for _, a := range open {
			rank := contractRank(a.Severity)
			if rank < 0 {
				rank = 6
			}
			if rank == r {
				ids = append(ids, knownvalue.StringExact(a.ID))
			}
		}
	}
	if len(ids) < 20 || len(ids) != len(open) {
		t.Fatalf("estate: %d open AROs, %d expected", len(open), len(ids))
	}
	resource.Test(t, functionTestCase(resource.TestStep{
		Config: exampleConfig(t, "severity_rank", url),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("open_most_severe_first", knownvalue.ListExact(ids)),
			statecheck.ExpectKnownOutputValue("critical_rank", knownvalue.Int64Exact(5)),
		},
	}))
}
