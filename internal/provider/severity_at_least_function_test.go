package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

func TestAccFunctionSeverityAtLeast(t *testing.T) {
	// Every severity against every minimum: true when it is not lower.
	pairs := map[string]knownvalue.Check{}
	for i, s := range contractSeverities {
		for j, m := range contractSeverities {
			pairs[s+">="+m] = knownvalue.Bool(i >= j)
		}
	}
	// Anything that is not one of the six passes every minimum (fail closed).
	failClosed := map[string]knownvalue.Check{}
	for _, s := range notSeverities {
		for _, m := range contractSeverities {
			failClosed[s+">="+m] = knownvalue.Bool(true)
		}
	}
	resource.Test(t, functionTestCase(resource.TestStep{
		Config: fmt.Sprintf(`
locals {
  severities = %s
  others     = %s
}
output "pairs" {
  value = { for p in setproduct(local.severities, local.severities) : "${p[0]}>=${p[1]}" => provider::covalence::severity_at_least(p[0], p[1]) }
}
output "fail_closed" {
  value = { for p in setproduct(local.others, local.severities) : "${p[0]}>=${p[1]}" => provider::covalence::severity_at_least(p[0], p[1]) }
}
output "null_severity" {
  value = [for m in local.severities : provider::covalence::severity_at_least(null, m)]
}
output "filter" {
  # The use it is for: keep the AROs at or above High, and the unrankable ones.
  value = [for a in [
    { id = "a", severity = "Low" }, { id = "b", severity = "High" }, { id = "c", severity = null },
    { id = "d", severity = "Critical" }, { id = "e", severity = "Urgent" }, { id = "f", severity = "Medium" },
  ] : a.id if provider::covalence::severity_at_least(a.severity, "High")]
}
`, hclList(contractSeverities), hclList(notSeverities)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("pairs", knownvalue.MapExact(pairs)),
			statecheck.ExpectKnownOutputValue("fail_closed", knownvalue.MapExact(failClosed)),
			statecheck.ExpectKnownOutputValue("null_severity", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.Bool(true), knownvalue.Bool(true), knownvalue.Bool(true),
				knownvalue.Bool(true), knownvalue.Bool(true), knownvalue.Bool(true),
			})),
			statecheck.ExpectKnownOutputValue("filter", knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("b"), knownvalue.StringExact("c"), knownvalue.StringExact("d"), knownvalue.StringExact("e"),
			})),
		},
	}))
}

func TestAccFunctionSeverityAtLeast_badMinimum(t *testing.T) {
	const list = "Informational, Warning, Low, Medium, High, Critical"
	var steps []resource.TestStep
	for _, tc := range []struct{ minimum, got string }{
		{`"Severe"`, `"Severe"`},
		{`"high"`, `"high"`},
		{`""`, `""`},
		{`null`, `null`},
	} {
		steps = append(steps, resource.TestStep{
			Config: `output "x" { value = provider::covalence::severity_at_least("High", ` + tc.minimum + `) }`,
			ExpectError: wrapped(`Invalid value for "minimum" parameter: minimum must be one of ` + list +
				` (exact, case-sensitive), got ` + tc.got + `.`),
		})
	}
	// The severity may be anything; the minimum is still checked.
	steps = append(steps, resource.TestStep{
		Config:      `output "x" { value = provider::covalence::severity_at_least(null, "Urgent") }`,
		ExpectError: wrapped(`Invalid value for "minimum" parameter: minimum must be one of ` + list),
	})
	resource.Test(t, functionTestCase(steps...))
}

// OpenTofu sends a null argument as an empty value: the server passes it on
// as a null (server.CallFunction), through both functions.
func TestCallFunctionEmptyArgumentIsNull(t *testing.T) {
	srv := NewServer("test")()
	str := func(s string) *tfprotov6.DynamicValue {
		v, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, s))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	for _, tc := range []struct {
		name string
		args []*tfprotov6.DynamicValue
		typ  tftypes.Type
		want tftypes.Value
	}{
		{"severity_rank", []*tfprotov6.DynamicValue{{}}, tftypes.Number, tftypes.NewValue(tftypes.Number, nil)},
		{"severity_rank", []*tfprotov6.DynamicValue{nil}, tftypes.Number, tftypes.NewValue(tftypes.Number, nil)},
		{"severity_at_least", []*tfprotov6.DynamicValue{{}, str("Critical")}, tftypes.Bool, tftypes.NewValue(tftypes.Bool, true)},
	} {
		resp, err := srv.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{Name: tc.name, Arguments: tc.args})
		if err != nil || resp.Error != nil {
			t.Fatalf("%s: %v %v", tc.name, err, resp.Error)
		}
		got, err := resp.Result.Unmarshal(tc.typ)
		if err != nil || !got.Equal(tc.want) {
			t.Fatalf("%s: result %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
	// An empty minimum is a null minimum: the argument error, not a decoding one.
	resp, err := srv.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{
		Name: "severity_at_least", Arguments: []*tfprotov6.DynamicValue{str("High"), {}},
	})
	if err != nil || resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 1 ||
		!strings.Contains(resp.Error.Text, "got null") {
		t.Fatalf("null minimum: %v %+v", err, resp.Error)
	}
}

func TestAccFunctionSeverityAtLeast_example(t *testing.T) {
	d, open := functionEstate()
	_, url := mock(t, d, mockportal.Options{PageCap: 40, PageBase: 1})
	atLeast := func(sev, minimum string) bool {
		r := contractRank(sev)
		return r < 0 || r >= contractRank(minimum)
	}
	var high, mediumActions []knownvalue.Check
	unranked, critical := 0, 0
	for _, a := range open {
		if atLeast(a.Severity, "High") {
			high = append(high, knownvalue.StringExact(a.ID))
		}
		if a.Type == "Action" && atLeast(a.Severity, "Medium") {
			mediumActions = append(mediumActions, knownvalue.StringExact(a.ID))
		}
		if contractRank(a.Severity) < 0 {
			unranked++
		}
		if atLeast(a.Severity, "Critical") {
			critical++
		}
	}
	if unranked != 4 || len(high) <= unranked || len(mediumActions) <= unranked || critical == 0 {
		t.Fatalf("estate: %d unranked, %d high, %d medium actions, %d critical", unranked, len(high), len(mediumActions), critical)
	}
	resource.Test(t, functionTestCase(resource.TestStep{
		Config: exampleConfig(t, "severity_at_least", url),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("open_high_ids", knownvalue.ListExact(high)),
			statecheck.ExpectKnownOutputValue("open_medium_action_ids", knownvalue.ListExact(mediumActions)),
		},
	}))
}
