package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// contractSeverities are the six severities in rising order, as issue 12
// states them (written out here, not taken from aroSeverities, so that a
// change to the provider's list fails these tests).
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

// wrappedText matches text in a diagnostic that terraform may have wrapped
// over several lines.
func wrappedText(text string) *regexp.Regexp {
	words := strings.Fields(text)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(words, `\s+`))
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
		ExpectError: wrappedText(`Invalid value for "severity" parameter`),
	}))
}
