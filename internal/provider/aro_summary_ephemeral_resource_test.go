package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goversion "github.com/hashicorp/go-version"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// ephemeralCase is a test case of the ephemeral resource: the provider and
// the echo provider, which copies an ephemeral result into its own state so
// that a test can read it; skipped below Terraform 1.10 (no ephemeral
// resources). On OpenTofu before 1.12 (openTofuPlansOpen) every step that
// applies (no expected error, no destroy) expects a non-empty plan after it: OpenTofu 1.11
// plans an `open` action for every ephemeral resource on every plan (1.12
// plans none), which terraform-plugin-testing counts as a change, whatever
// the provider does. The steps' other checks run there as everywhere.
func ephemeralCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	t.Helper()
	plansOpen, err := openTofuPlansOpen(t.Context(), os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	if plansOpen {
		for i := range steps {
			if steps[i].ExpectError == nil && !steps[i].Destroy { // a destroyed configuration plans nothing
				steps[i].ExpectNonEmptyPlan = true
			}
		}
	}
	return resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"covalence": factories["covalence"],
			"echo":      echoprovider.NewProviderServer(),
		},
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		Steps:                  steps,
	}
}

// openTofuPlansOpen reports whether cli (TF_ACC_TERRAFORM_PATH) is OpenTofu
// before 1.12. Its version number alone does not tell OpenTofu 1.11 from
// Terraform 1.11; its `version` answer ("OpenTofu v1.11.6") does. Without a
// CLI the tests run terraform, never tofu.
func openTofuPlansOpen(ctx context.Context, cli string) (bool, error) {
	if cli == "" {
		return false, nil
	}
	cmd := exec.CommandContext(ctx, cli, "version")
	// No CLI configuration (a missing file named by it makes tofu print a
	// warning first) and no checkpoint call.
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Errorf("asking %s its version: %w", cli, err)
	}
	rest, ok := strings.CutPrefix(string(out), "OpenTofu v")
	if !ok {
		return false, nil
	}
	v, err := goversion.NewVersion(strings.Fields(rest + " ")[0])
	if err != nil {
		return false, fmt.Errorf("%s says it is %q: %w", cli, strings.TrimSpace(string(out)), err)
	}
	return v.LessThan(goversion.Must(goversion.NewVersion("1.12.0"))), nil
}

// TestOpenTofuPlansOpen: OpenTofu before 1.12 is told apart from Terraform of
// the same version and from OpenTofu 1.12; a CLI that cannot say its version
// fails the case. The CLIs are scripts answering `version` as the real ones do.
func TestOpenTofuPlansOpen(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in CLIs are shell scripts")
	}
	cli := func(answer string) string {
		path := filepath.Join(t.TempDir(), "cli")
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"+answer+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		name, cli    string
		plans, fails bool
	}{
		{name: "OpenTofu 1.11", cli: cli(`printf 'OpenTofu v1.11.6\non linux_amd64\n'`), plans: true},
		{name: "OpenTofu 1.11.0-rc1", cli: cli(`printf 'OpenTofu v1.11.0-rc1\non linux_amd64\n'`), plans: true},
		{name: "OpenTofu 1.12", cli: cli(`printf 'OpenTofu v1.12.0\non linux_amd64\n'`)},
		{name: "Terraform 1.11", cli: cli(`printf 'Terraform v1.11.0\non linux_amd64\n'`)},
		{name: "terraform from PATH"},
		{name: "no answer", cli: cli("exit 3"), fails: true},
		{name: "not a version", cli: cli(`printf 'OpenTofu vnext\n'`), fails: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			plans, err := openTofuPlansOpen(t.Context(), c.cli)
			if plans != c.plans || (err != nil) != c.fails {
				t.Errorf("plans open %v, error %v; want %v, an error: %v", plans, err, c.plans, c.fails)
			}
		})
	}
}

// echoed is the path of a result attribute inside echo.test's data, where
// the echo configuration puts ephemeral.covalence_aro_summary.<key>.
func echoed(key string) func(string) tfjsonpath.Path {
	return func(attr string) tfjsonpath.Path { return tfjsonpath.New("data").AtMapKey(key).AtMapKey(attr) }
}

// echoConfig echoes the ephemeral summaries named keys.
func echoConfig(keys ...string) string {
	var b strings.Builder
	b.WriteString("provider \"echo\" {\n  data = {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "    %s = ephemeral.covalence_aro_summary.%s\n", k, k)
	}
	b.WriteString("  }\n}\nresource \"echo\" \"test\" {}\n")
	return b.String()
}

// TestAccAroSummaryEphemeral_results: the results are the data source's,
// attribute by attribute, against counts computed from the mock's data (null
// and undocumented values, unlisted organizations, several filters); at the
// limit (max_total = total) it opens silently.
func TestAccAroSummaryEphemeral_results(t *testing.T) {
	d := oddEstate(41, 6, 500)
	_, url := nullingMock(t, d, mockportal.Options{PageCap: 7, PageBase: 1})
	org := d.Orgs[1]
	all := expectSummary(d, summaryFilter{})
	gate := expectSummary(d, summaryFilter{resolution: "Unresolved", minSeverity: "High"})
	client := expectSummary(d, summaryFilter{orgID: org.ID, status: "Open"})
	if all.unknownSeverity < 2 || all.nullOrgID < 2 || gate.all.total == 0 || client.all.total == 0 {
		t.Fatalf("the estate lacks what the test is about: %+v", all)
	}
	config := providerBlock(url, "") + fmt.Sprintf(`
ephemeral "covalence_aro_summary" "all" {}
ephemeral "covalence_aro_summary" "gate" {
  resolution   = "Unresolved"
  min_severity = "High"
  max_total    = %d
}
ephemeral "covalence_aro_summary" "client" {
  query = "org=%s&status=Open"
}
data "covalence_aro_summary" "gate" {
  resolution   = "Unresolved"
  min_severity = "High"
}
`, gate.all.total, org.Name) + echoConfig("all", "gate", "client")
	var checks []statecheck.StateCheck
	checks = append(checks, all.checksAt("echo.test", echoed("all"))...)
	checks = append(checks, gate.checksAt("echo.test", echoed("gate"))...)
	checks = append(checks, client.checksAt("echo.test", echoed("client"))...)
	// The filter comes back as written, and id is the data source's.
	checks = append(checks,
		statecheck.ExpectKnownValue("echo.test", echoed("gate")("max_total"), knownvalue.Int64Exact(gate.all.total)),
		statecheck.ExpectKnownValue("echo.test", echoed("all")("max_total"), knownvalue.Null()),
		statecheck.ExpectKnownValue("echo.test", echoed("gate")("resolution"), str("Unresolved")),
		statecheck.ExpectKnownValue("echo.test", echoed("client")("query"), str("org="+org.Name+"&status=Open")),
		statecheck.ExpectKnownValue("echo.test", echoed("gate")("id"), str(stableID(map[string]string{"resolution": "Unresolved", "min_severity": "High"}))),
		statecheck.ExpectKnownValue("data.covalence_aro_summary.gate", tfjsonpath.New("id"), str(stableID(map[string]string{"resolution": "Unresolved", "min_severity": "High"}))),
	)
	checks = append(checks, gate.checks("data.covalence_aro_summary.gate")...)
	resource.Test(t, ephemeralCase(t, resource.TestStep{Config: config, ConfigStateChecks: checks}))
}

// TestAccAroSummaryEphemeral_severityCase: the ephemeral summary counts an
// ARO of severity "critical" as the data source does, under its own key and
// in no entry of oldest_creation_time_by_severity.
func TestAccAroSummaryEphemeral_severityCase(t *testing.T) {
	d, w := severityCaseEstate(t)
	_, url := mock(t, d, mockportal.Options{})
	checks := append(w.checksAt("echo.test", echoed("all")), w.severityCaseChecks("echo.test", echoed("all"))...)
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config:            providerBlock(url, "") + `ephemeral "covalence_aro_summary" "all" {}` + "\n" + echoConfig("all"),
		ConfigStateChecks: checks,
	}))
}

// TestAccAroSummaryEphemeral_empty: a filter that matches nothing opens
// (max_total = 0 passes) with total 0, maps of zeros and an entry of zeros
// per organization; so does an MSSP provider without organizations.
func TestAccAroSummaryEphemeral_empty(t *testing.T) {
	d := mockportal.Generate(42, 4, 100, testNow)
	_, url := mock(t, d, mockportal.Options{})
	since := testNow.Add(time.Hour)
	w := expectSummary(d, summaryFilter{since: &since})
	if w.all.total != 0 || len(w.orgs) != 4 {
		t.Fatalf("expectation %+v", w)
	}
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
ephemeral "covalence_aro_summary" "none" {
  since     = %q
  max_total = 0
}
`, since.Format(time.RFC3339)) + echoConfig("none"),
		ConfigStateChecks: w.checksAt("echo.test", echoed("none")),
	}))
	_, url = mock(t, &mockportal.Data{MyProviders: d.MyProviders, Providers: d.Providers}, mockportal.Options{})
	w = expectSummary(&mockportal.Data{MyProviders: d.MyProviders}, summaryFilter{})
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config:            providerBlock(url, "") + "ephemeral \"covalence_aro_summary\" \"none\" {\n  max_total = 0\n}\n" + echoConfig("none"),
		ConfigStateChecks: w.checksAt("echo.test", echoed("none")),
	}))
}

// gateMessage is what a failed gate must say about w, computed from the
// mock's data: the parts in the order they must appear. orgName is the
// organization the filter selects, "" for none.
func gateMessage(w summaryWant, maxTotal int64, filterWords, orgName string) []string {
	in := ""
	if orgName != "" {
		in = " in " + orgName
	}
	parts := []string{
		fmt.Sprintf("Compliance gate failed: %d matching AROs%s, max_total is %d", w.all.total, in, maxTotal),
		fmt.Sprintf("%d AROs match %s; max_total is %d.", w.all.total, filterWords, maxTotal),
		"By severity: " + wantSeverities(w.all.severity) + ".",
	}
	type org struct {
		id string
		o  *orgWant
	}
	var orgs []org
	for id, o := range w.orgs {
		if o.total > 0 {
			orgs = append(orgs, org{id, o})
		}
	}
	slices.SortFunc(orgs, func(a, b org) int {
		return cmp.Or(cmp.Compare(b.o.total, a.o.total), cmp.Compare(*a.o.name, *b.o.name))
	})
	if orgName != "" {
		orgs = nil // named in the filter, not listed
	}
	if len(orgs) > 0 {
		parts = append(parts, "Organizations with matching AROs, most first:")
	}
	for i, o := range orgs {
		if i == 20 {
			var rest int64
			for _, r := range orgs[i:] {
				rest += r.o.total
			}
			parts = append(parts, fmt.Sprintf("and %d more (%d AROs)", len(orgs)-20, rest))
			break
		}
		parts = append(parts, fmt.Sprintf("- %s: %d (%s)", *o.o.name, o.o.total, wantSeverities(o.o.severity)))
	}
	if w.unassigned.total > 0 {
		parts = append(parts, fmt.Sprintf("Without an organization in the list: %d (%s).", w.unassigned.total, wantSeverities(w.unassigned.severity)))
	}
	if w.all.oldest != "" {
		t, _ := time.Parse(mockportal.TimeLayout, w.all.oldest)
		age := testNow.Sub(t)
		days, hours := int(age.Hours())/24, int(age.Hours())%24
		parts = append(parts, fmt.Sprintf("Oldest: created %s, %d day%s %d hour%s ago.", t.UTC().Format(time.RFC3339),
			days, map[bool]string{true: "", false: "s"}[days == 1], hours, map[bool]string{true: "", false: "s"}[hours == 1]))
	}
	if w.all.untimed > 0 {
		parts = append(parts, fmt.Sprintf("Without a creation time (age unknown): %d.", w.all.untimed))
	}
	return parts
}

// wantSeverities lists non-zero counts: the documented severities from
// Critical down, then others by name, then the AROs without one.
func wantSeverities(m map[string]int64) string {
	var out []string
	for _, s := range []string{"Critical", "High", "Medium", "Low", "Warning", "Informational"} {
		if m[s] > 0 {
			out = append(out, fmt.Sprintf("%d %s", m[s], s))
		}
	}
	var other []string
	for k, n := range m {
		if n > 0 && k != "" && !slices.Contains(aroSeverities, k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		out = append(out, fmt.Sprintf("%d %s", m[k], k))
	}
	if m[""] > 0 {
		out = append(out, fmt.Sprintf("%d without a severity", m[""]))
	}
	return strings.Join(out, ", ")
}

// inOrder matches the parts, each as terraform may wrap it, in this order.
func inOrder(parts []string) *regexp.Regexp {
	exprs := make([]string, len(parts))
	for i, p := range parts {
		exprs[i] = wrapped(p).String()
	}
	return regexp.MustCompile(strings.Join(exprs, `[\s\S]*`))
}

// TestAccAroSummaryEphemeral_gateFails: over max_total, plan and apply fail
// with the message of gateMessage (the counts computed from the mock's
// data), also when nothing references the gate; one under the total fails,
// at the total (TestAccAroSummaryEphemeral_results) it passes.
func TestAccAroSummaryEphemeral_gateFails(t *testing.T) {
	d := oddEstate(43, 5, 300)
	_, url := nullingMock(t, d, mockportal.Options{PageCap: 40})
	w := expectSummary(d, summaryFilter{minSeverity: "High"})
	if w.all.total < 2 || w.unassigned.total == 0 || w.all.untimed == 0 || w.all.severity[""] == 0 || w.all.severity["Severe"] == 0 {
		t.Fatalf("the estate lacks what the message is about: %+v", w.all)
	}
	limit := w.all.total - 1
	config := providerBlock(url, "") + fmt.Sprintf(`
ephemeral "covalence_aro_summary" "gate" {
  min_severity = "High"
  max_total    = %d
}
`, limit)
	want := inOrder(gateMessage(w, limit, "the filter severity High or above (or unknown)", ""))
	resource.Test(t, ephemeralCase(t,
		resource.TestStep{Config: config, PlanOnly: true, ExpectError: want},
		resource.TestStep{Config: config, ExpectError: want},
	))
}

// TestAccAroSummaryEphemeral_gateManyOrgs: a failed gate names 20
// organizations, most first, then how many more; a gate on one
// organization, with since, says so in words.
func TestAccAroSummaryEphemeral_gateManyOrgs(t *testing.T) {
	d := mockportal.Generate(44, 26, 1500, testNow)
	_, url := mock(t, d, mockportal.Options{PageCap: 100})
	w := expectSummary(d, summaryFilter{})
	listed := 0
	for _, o := range w.orgs {
		if o.total > 0 {
			listed++
		}
	}
	if listed <= 21 {
		t.Fatalf("only %d organizations have AROs", listed)
	}
	org := d.Orgs[3]
	since := testNow.Add(-30 * 24 * time.Hour)
	one := expectSummary(d, summaryFilter{orgID: org.ID, since: &since, typ: "Action"})
	if one.all.total == 0 {
		t.Fatal("the organization has no Action in 30 days")
	}
	resource.Test(t, ephemeralCase(t,
		resource.TestStep{
			Config:      providerBlock(url, "") + "ephemeral \"covalence_aro_summary\" \"all\" {\n  max_total = 0\n}\n",
			PlanOnly:    true,
			ExpectError: inOrder(gateMessage(w, 0, "(no filter: every ARO)", "")),
		},
		resource.TestStep{
			Config: providerBlock(url, "") + fmt.Sprintf(`
ephemeral "covalence_aro_summary" "one" {
  organization_id = %q
  type            = "Action"
  since           = "30 days"
  max_total       = 0
}
`, org.ID),
			PlanOnly: true,
			ExpectError: inOrder(gateMessage(one, 0, fmt.Sprintf(`the filter type Action, organization %s, created at or after %s (since = "30 days")`,
				org.Name, since.Format(time.RFC3339)), org.Name)),
		},
	))
}

// leakCheck fails when the JSON of v (a saved plan or a state, as `show
// -json` gives them) holds any of the words: what the gate read.
func leakCheck(what string, v any, words []string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, w := range words {
		if strings.Contains(string(b), w) {
			return fmt.Errorf("the %s holds %q, which the gate read:\n%s", what, w, b)
		}
	}
	return nil
}

// readWords are the names, times and result attributes a summary of d
// could put anywhere: none may be in a plan or state of the gate.
func readWords(d *mockportal.Data, w summaryWant) []string {
	words := []string{"severity_counts", "oldest_creation_time", "without_creation_time", "organizations", "unassigned", "status_counts"}
	for _, o := range d.Orgs {
		words = append(words, o.Name, o.ID)
	}
	for _, ts := range []string{w.all.oldest, w.all.newest} {
		if ts != "" {
			words = append(words, ts, rfc3339(ts))
		}
	}
	return words
}

// TestAccAroSummaryEphemeral_nothingPersists: a passing gate is opened in
// plan and apply (the portal is read), and neither the saved plan (plan
// -out, read with show -json) nor the state holds a name, time or result
// attribute of what it read. No echo provider here: it would put the
// result into the state by design.
func TestAccAroSummaryEphemeral_nothingPersists(t *testing.T) {
	d := oddEstate(45, 4, 200)
	s, url := nullingMock(t, d, mockportal.Options{PageCap: 40})
	w := expectSummary(d, summaryFilter{resolution: "Unresolved"})
	if w.all.total == 0 || w.all.oldest == "" {
		t.Fatal("nothing to leak")
	}
	words := readWords(d, w)
	config := providerBlock(url, "") + fmt.Sprintf(`
ephemeral "covalence_aro_summary" "gate" {
  resolution = "Unresolved"
  max_total  = %d
}
resource "terraform_data" "release" {
  input      = "v1.2.3"
  depends_on = [ephemeral.covalence_aro_summary.gate]
}
`, w.all.total)
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planFunc(func(p *tfjson.Plan) error {
			if n := s.Count(mockportal.EndpointAROs); n == 0 {
				return fmt.Errorf("the plan did not read the AROs: the gate was not opened")
			}
			return leakCheck("saved plan", p, words)
		})}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("terraform_data.release", tfjsonpath.New("input"), str("v1.2.3")),
			stateCheck(func(st *tfjson.State) error { return leakCheck("state", st, words) }),
		},
	}))
}

// TestAccAroSummaryEphemeral_invalidInput: the filter is validated as the
// data source's; max_total must not be negative.
func TestAccAroSummaryEphemeral_invalidInput(t *testing.T) {
	_, url := fixtureMock(t)
	for _, tc := range []struct{ config, want string }{
		{`max_total = -1`, `(?s)max_total value must be at least 0`},
		{`status = "Opened"`, `(?s)Attribute status value must be one of`},
		{`since = "1 days"
  until = "2 days"`, `(?s)since is after until`},
		{`org = "Acme"
  organization_id = "x"`, `These attributes cannot be configured together: \[org,organization_id\]`},
		{`query = "id=5026382f-09de-440c-b97d-784006fcbe1d"`, `(?s)unknown query key "id"`},
		{`org = "Initech"`, `(?s)Unknown organization.*no organization name matches "Initech"`},
		{`total = 3`, `(?s)(Invalid Configuration for Read-Only Attribute|"total".*cannot be set|Can't configure a value for "total")`},
	} {
		t.Run(strings.Fields(tc.config)[0], func(t *testing.T) {
			resource.Test(t, ephemeralCase(t, resource.TestStep{
				Config:      providerBlock(url, "") + "ephemeral \"covalence_aro_summary\" \"x\" {\n  " + tc.config + "\n}\n",
				ExpectError: regexpMust(tc.want),
			}))
		})
	}
}

// TestAccAroSummaryEphemeral_jobStateFree applies
// examples/compliance-gate/state-free: a dirty estate fails the fleet gate
// and names the client that fails the per-client gate; a clean one passes
// both and leaves no ARO data in the state.
func TestAccAroSummaryEphemeral_jobStateFree(t *testing.T) {
	cfg := gateExampleConfig(t, "state-free")
	d := mockportal.Generate(46, 5, 300, testNow)
	bad := d.Orgs[2]
	// Only bad has unresolved High or Critical AROs.
	resolveAll(d, func(a mockportal.ARO) bool {
		return !severityAtLeast(a.Severity, "High") || a.Organization != nil && a.Organization.ID == bad.ID
	})
	w := expectSummary(d, summaryFilter{resolution: "Unresolved", minSeverity: "High"})
	if w.all.total == 0 || w.orgs[bad.ID].total != w.all.total || w.orgs[bad.ID].severity["Critical"] == 0 {
		t.Fatalf("the estate is not what the test is about: %+v", w.all)
	}
	_, url := mock(t, d, mockportal.Options{PageCap: 40})
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config:   providerBlock(url, "") + cfg,
		PlanOnly: true,
		ExpectError: inOrder([]string{
			fmt.Sprintf("Compliance gate failed: %d matching AROs, max_total is 0", w.all.total),
			fmt.Sprintf("%d AROs match the filter resolution Unresolved, severity High or above (or unknown); max_total is 0.", w.all.total),
			fmt.Sprintf("- %s: %d", bad.Name, w.all.total),
		}),
	}))
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config:   providerBlock(url, "") + cfg,
		PlanOnly: true,
		ExpectError: inOrder([]string{
			fmt.Sprintf("Compliance gate failed: %d matching AROs in %s, max_total is 0", w.orgs[bad.ID].severity["Critical"], bad.Name),
			fmt.Sprintf("the filter resolution Unresolved, severity Critical or above (or unknown), organization %s; max_total is 0.", bad.Name),
		}),
	}))

	resolveAll(d, func(a mockportal.ARO) bool { return !severityAtLeast(a.Severity, "High") })
	if w := expectSummary(d, summaryFilter{resolution: "Unresolved"}); w.all.total == 0 {
		t.Fatal("the clean estate has no unresolved AROs: the gates' filters are not exercised")
	}
	s, url := mock(t, d, mockportal.Options{PageCap: 40})
	w = expectSummary(d, summaryFilter{resolution: "Unresolved"})
	resource.Test(t, ephemeralCase(t, resource.TestStep{
		Config: providerBlock(url, "") + cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			stateCheck(func(st *tfjson.State) error {
				if s.Count(mockportal.EndpointAROs) == 0 {
					return fmt.Errorf("no ARO was read: the gates were not opened")
				}
				// covalence_orgs (the for_each) is in the state by design;
				// nothing of the summaries is.
				return leakCheck("state", st, readWords(&mockportal.Data{}, w))
			}),
		},
	}))
}

// TestAroSummaryEphemeral_schemaIsTheDataSources: the ephemeral resource has
// every attribute of the data source, the same in kind, type, description
// and validators, and max_total besides.
func TestAroSummaryEphemeral_schemaIsTheDataSources(t *testing.T) {
	ctx := context.Background()
	var ds datasource.SchemaResponse
	newAroSummaryDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	var es ephemeral.SchemaResponse
	newAroSummaryEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &es)
	if es.Diagnostics.HasError() || ds.Diagnostics.HasError() {
		t.Fatal(es.Diagnostics, ds.Diagnostics)
	}
	if err := es.Schema.ValidateImplementation(ctx); err.HasError() {
		t.Fatal(err)
	}
	for name, a := range ds.Schema.Attributes {
		e, ok := es.Schema.Attributes[name]
		if !ok {
			t.Errorf("%s: missing", name)
			continue
		}
		if !a.GetType().Equal(e.GetType()) || a.IsOptional() != e.IsOptional() || a.IsComputed() != e.IsComputed() ||
			a.GetMarkdownDescription() != e.GetMarkdownDescription() {
			t.Errorf("%s differs: %#v and %#v", name, a, e)
		}
	}
	if len(es.Schema.Attributes) != len(ds.Schema.Attributes)+1 || es.Schema.Attributes["max_total"] == nil {
		t.Errorf("the ephemeral resource has %d attributes, want the data source's %d and max_total", len(es.Schema.Attributes), len(ds.Schema.Attributes))
	}
	if _, err := ephemeralAttributes(map[string]dsschema.Attribute{"x": dsschema.ListAttribute{Computed: true, ElementType: types.StringType}}); err == nil || !strings.Contains(err.Error(), "attribute x") {
		t.Errorf("an attribute kind without a conversion: %v, want an error naming it", err)
	}
}

// TestGateFailure_message: the parts of the message the acceptance tests
// cannot reach with the mock: an organization not in the list, unknown
// severities only, times without a parsable value, an age under a day.
func TestGateFailure_message(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	m := aroSummaryModel{
		Total: 3, SeverityCounts: map[string]int64{"Critical": 0, "": 3},
		OldestCreationTime: types.StringValue(now.Add(-90 * time.Minute).Format(time.RFC3339)),
		WithoutCreation:    0,
		Organizations: map[string]orgSummaryModel{
			"org-gone": {Name: types.StringNull(), Total: 3, SeverityCounts: map[string]int64{"": 3}},
		},
	}
	q := aroQuery{AROQuery: covalence.AROQuery{OrganizationID: "org-gone"}, configured: map[string]string{"organization_id": "org-gone"}}
	d := gateFailure(q, m, 2, now)
	for _, want := range []string{
		"3 AROs match the filter organization org-gone; max_total is 2.",
		"By severity: 3 without a severity.",
		"1 hour 30 minutes ago.",
	} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("the message lacks %q:\n%s", want, d.Detail())
		}
	}
	if want := "Compliance gate failed: 3 matching AROs in org-gone, max_total is 2"; d.Summary() != want {
		t.Errorf("summary %q, want %q", d.Summary(), want)
	}
	// Without the filter, the organization is listed, by its ID.
	d = gateFailure(aroQuery{}, m, 2, now)
	if want := "  - org-gone (not in the organization list): 3 (3 without a severity)"; !strings.Contains(d.Detail(), want) {
		t.Errorf("the message lacks %q:\n%s", want, d.Detail())
	}
	if strings.Contains(d.Detail(), "Without a creation time") {
		t.Errorf("without_creation_time 0 is mentioned:\n%s", d.Detail())
	}
	for d, want := range map[time.Duration]string{
		-time.Minute:                "in the future by this machine's clock",
		59 * time.Second:            "0 minutes ago",
		time.Minute:                 "1 minute ago",
		25*time.Hour + time.Minute:  "1 day 1 hour ago",
		50*24*time.Hour + time.Hour: "50 days 1 hour ago",
	} {
		if got := ageInWords(d); got != want {
			t.Errorf("ageInWords(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestOpenEphemeral_trackedAsARead: opening goes through the request
// scheduler's read bracket, so a long wait on rate limits gives the
// configuration's one warning, as a data source read does.
func TestOpenEphemeral_trackedAsARead(t *testing.T) {
	saved := rateLimitWarnAfter
	rateLimitWarnAfter = 500 * time.Millisecond
	t.Cleanup(func() { rateLimitWarnAfter = saved })
	s, url := mock(t, mockportal.Generate(47, 2, 30, testNow), mockportal.Options{})
	faultOn(s, mockportal.EndpointAROs, 1, mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"})
	srv := protocolServer(t, url, fastPath)
	ctx := context.Background()
	var es ephemeral.SchemaResponse
	newAroSummaryEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &es)
	typ := es.Schema.Type().TerraformType(ctx)
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("the schema is a %T", typ)
	}
	vals := map[string]tftypes.Value{} // every attribute null, as terraform sends an empty block
	for k, at := range obj.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "covalence_aro_summary", Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("open: %s: %s", d.Summary, d.Detail)
		}
		warned = warned || strings.Contains(d.Summary, "rate limits") && strings.Contains(d.Detail, "covalence_aro_summary")
	}
	if !warned || resp.Result == nil {
		t.Errorf("diagnostics %+v, result %v: want the rate-limit warning and a result", resp.Diagnostics, resp.Result)
	}
}

// ephemeralConfig is a configuration of the ephemeral covalence_aro_summary
// with the values given (tftypes.UnknownValue for unknown) and every other
// attribute null.
func ephemeralConfig(t *testing.T, set map[string]any) tfsdk.Config {
	t.Helper()
	ctx := context.Background()
	var es ephemeral.SchemaResponse
	newAroSummaryEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &es)
	obj, ok := es.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for k, at := range obj.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	for k, v := range set {
		at, ok := obj.AttributeTypes[k]
		if !ok {
			t.Fatalf("no attribute %s", k)
		}
		if n, isInt := v.(int); isInt {
			v = big.NewFloat(float64(n))
		}
		vals[k] = tftypes.NewValue(at, v)
	}
	return tfsdk.Config{Schema: es.Schema, Raw: tftypes.NewValue(obj, vals)}
}

// TestGateArgumentsKnown: with max_total set (or unknown) and an argument
// unknown, validation warns, on the first unknown argument, naming each;
// without max_total, or with every argument known, it says nothing.
func TestGateArgumentsKnown(t *testing.T) {
	u := tftypes.UnknownValue
	for _, tc := range []struct {
		name string
		set  map[string]any
		path string
		want string // the start of the warning's detail; "" for no warning
	}{
		{"organization_id unknown", map[string]any{"organization_id": u, "max_total": 0, "status": "Open"}, "organization_id",
			"max_total is set, and organization_id is not known yet. Terraform opens covalence_aro_summary during the plan only when all its arguments are known: " +
				"if organization_id is still unknown at plan (from a resource created or changed in the same run), the plan passes without the gate, and the gate runs only at apply"},
		{"two unknown", map[string]any{"since": u, "org": u, "max_total": 3}, "org",
			"max_total is set, and org and since are not known yet."},
		{"max_total unknown too", map[string]any{"query": u, "max_total": u}, "query",
			"max_total may be set, and query is not known yet."},
		{"only max_total unknown", map[string]any{"status": "Open", "max_total": u}, "", ""},
		{"no gate", map[string]any{"organization_id": u}, "", ""},
		{"all known", map[string]any{"organization_id": "x", "max_total": 0}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp ephemeral.ValidateConfigResponse
			gateArgumentsKnown{}.ValidateEphemeralResource(context.Background(), ephemeral.ValidateConfigRequest{Config: ephemeralConfig(t, tc.set)}, &resp)
			if tc.want == "" {
				if len(resp.Diagnostics) > 0 {
					t.Fatalf("diagnostics %v, want none", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity() != diag.SeverityWarning {
				t.Fatalf("diagnostics %v, want one warning", resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok || !wp.Path().Equal(path.Root(tc.path)) {
				t.Errorf("the warning is not on %s: %#v", tc.path, d)
			}
			if d.Summary() != "The compliance gate may run only at apply" || !strings.HasPrefix(d.Detail(), tc.want) {
				t.Errorf("warning %q: %q, want the detail to start %q", d.Summary(), d.Detail(), tc.want)
			}
		})
	}
}

// validateRecorder keeps the diagnostics of every validation of an
// ephemeral resource's configuration, as terraform received them.
type validateRecorder struct {
	tfprotov6.ProviderServer
	mu    *sync.Mutex
	diags *[]*tfprotov6.Diagnostic
}

func (s validateRecorder) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateEphemeralResourceConfig(ctx, req)
	if resp != nil {
		s.mu.Lock()
		*s.diags = append(*s.diags, resp.Diagnostics...)
		s.mu.Unlock()
	}
	return resp, err
}

// TestAccAroSummaryEphemeral_unknownArgument: a gate whose organization_id
// comes from a resource of the same run is not opened by the plan (no ARO
// is read), which passes with the warning naming organization_id; apply
// then fails on the gate.
func TestAccAroSummaryEphemeral_unknownArgument(t *testing.T) {
	d := mockportal.Generate(48, 3, 100, testNow)
	s, url := mock(t, d, mockportal.Options{})
	org := d.Orgs[1]
	w := expectSummary(d, summaryFilter{orgID: org.ID})
	if w.all.total == 0 {
		t.Fatal("the organization has no AROs: the gate cannot fail")
	}
	var mu sync.Mutex
	var diags []*tfprotov6.Diagnostic
	c := ephemeralCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fmt.Sprintf(`
resource "terraform_data" "client" {
  input = %q
}
ephemeral "covalence_aro_summary" "gate" {
  organization_id = terraform_data.client.output
  max_total       = 0
}
resource "terraform_data" "release" {
  input      = "v1.2.3"
  depends_on = [ephemeral.covalence_aro_summary.gate]
}
`, org.ID),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("terraform_data.release", plancheck.ResourceActionCreate),
			planFunc(func(*tfjson.Plan) error {
				if n := s.Count(mockportal.EndpointAROs); n != 0 {
					return fmt.Errorf("the plan read the AROs %d times: the gate was opened with an unknown organization_id", n)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, d := range diags {
					if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == "The compliance gate may run only at apply" &&
						d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("organization_id")) &&
						strings.Contains(d.Detail, "organization_id is not known yet") {
						return nil
					}
				}
				return fmt.Errorf("the plan's validation gave no warning on organization_id: %v", diags)
			}),
		}},
		ExpectError: inOrder([]string{fmt.Sprintf("Compliance gate failed: %d matching AROs in %s, max_total is 0", w.all.total, org.Name)}),
	})
	c.ProtoV6ProviderFactories["covalence"] = func() (tfprotov6.ProviderServer, error) {
		return validateRecorder{NewServer("test")(), &mu, &diags}, nil
	}
	resource.Test(t, c)
}

// TestAccAroSummaryEphemeral_destroy: destroy refreshes, which opens the
// gate, so a failing gate fails `destroy`; the page's two ways past it
// work: max_total = var.enforce ? 0 : null destroyed with enforce = false
// (the gate is opened, and passes), and -refresh=false (it is not opened).
func TestAccAroSummaryEphemeral_destroy(t *testing.T) {
	d := mockportal.Generate(49, 3, 100, testNow)
	s, url := mock(t, d, mockportal.Options{})
	w := expectSummary(d, summaryFilter{resolution: "Unresolved"})
	if w.all.total == 0 {
		t.Fatal("nothing unresolved: the gate cannot fail")
	}
	cfg := providerBlock(url, "") + `
variable "enforce" {
  type    = bool
  default = true
}
ephemeral "covalence_aro_summary" "gate" {
  resolution = "Unresolved"
  max_total  = var.enforce ? 0 : null
}
resource "terraform_data" "release" {
  input      = "v1.2.3"
  depends_on = [ephemeral.covalence_aro_summary.gate]
}
`
	enforce := func(on bool) config.Variables { return config.Variables{"enforce": config.BoolVariable(on)} }
	var reads int
	count := func() { reads = s.Count(mockportal.EndpointAROs) }
	// destroyed checks that the state is empty and whether the destroy
	// read the AROs (opened the gate).
	destroyed := func(opened bool) statecheck.StateCheck {
		return anyStateCheck(func(st *tfjson.State) error {
			if st != nil && st.Values != nil && st.Values.RootModule != nil && len(st.Values.RootModule.Resources) > 0 {
				return fmt.Errorf("the destroy left %d resources", len(st.Values.RootModule.Resources))
			}
			if got := s.Count(mockportal.EndpointAROs) > reads; got != opened {
				return fmt.Errorf("the destroy opened the gate: %v, want %v", got, opened)
			}
			return nil
		})
	}
	gateFailed := inOrder([]string{fmt.Sprintf("Compliance gate failed: %d matching AROs, max_total is 0", w.all.total)})
	created := resource.TestStep{Config: cfg, ConfigVariables: enforce(false),
		ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("terraform_data.release", tfjsonpath.New("input"), str("v1.2.3"))}}
	resource.Test(t, ephemeralCase(t,
		created,
		resource.TestStep{Config: cfg, ConfigVariables: enforce(true), Destroy: true, ExpectError: gateFailed},
		resource.TestStep{Config: cfg, ConfigVariables: enforce(false), Destroy: true, PreConfig: count,
			ConfigStateChecks: []statecheck.StateCheck{destroyed(true)}},
	))
	c := ephemeralCase(t,
		created,
		resource.TestStep{Config: cfg, ConfigVariables: enforce(true), Destroy: true, PreConfig: count,
			ConfigStateChecks: []statecheck.StateCheck{destroyed(false)}},
	)
	c.AdditionalCLIOptions = &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}}
	resource.Test(t, c)
}

// anyStateCheck is stateCheck for a state that may be empty (nil values).
type anyStateCheck func(*tfjson.State) error

func (f anyStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

// TestGateFailure_golden: whole messages, written out: one ARO ("1 ARO
// matches"), an RFC 3339 since said once and an until in another offset
// said with what was written; a gate on one organization names it in the
// filter and lists no organization; a relative since with what was written.
func TestGateFailure_golden(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	acme := func(total int64, sev map[string]int64) orgSummaryModel {
		return orgSummaryModel{Name: types.StringValue("Acme"), Total: total, SeverityCounts: sev}
	}
	for _, tc := range []struct {
		name           string
		filter         aroFilterModel
		m              aroSummaryModel
		maxTotal       int64
		summary, whole string
	}{
		{
			name: "one ARO, fleet",
			filter: aroFilterModel{Resolution: types.StringValue("Unresolved"), MinSeverity: types.StringValue("High"),
				Since: types.StringValue("2026-01-01T00:00:00Z"), Until: types.StringValue("2026-01-15T13:00:00+01:00")},
			m: aroSummaryModel{Total: 1, SeverityCounts: map[string]int64{"Critical": 0, "High": 1},
				OldestCreationTime: types.StringValue("2026-01-10T12:00:00Z"),
				Organizations: map[string]orgSummaryModel{
					"o1": acme(1, map[string]int64{"High": 1}),
					"o2": {Name: types.StringValue("Globex"), SeverityCounts: map[string]int64{"High": 0}},
				}},
			summary: "Compliance gate failed: 1 matching ARO, max_total is 0",
			whole: `1 ARO matches the filter resolution Unresolved, severity High or above (or unknown), created at or after 2026-01-01T00:00:00Z, created at or before 2026-01-15T12:00:00Z (until = "2026-01-15T13:00:00+01:00"); max_total is 0.

By severity: 1 High.

Organizations with matching AROs, most first:
  - Acme: 1 (1 High)

Oldest: created 2026-01-10T12:00:00Z, 5 days 0 hours ago.`,
		},
		{
			name:   "one organization",
			filter: aroFilterModel{OrganizationID: types.StringValue("o1"), Type: types.StringValue("Action"), Since: types.StringValue("30 days")},
			m: aroSummaryModel{Total: 2, SeverityCounts: map[string]int64{"Critical": 1, "Low": 1}, WithoutCreation: 1,
				OldestCreationTime: types.StringValue("2026-01-14T10:30:00Z"),
				Organizations:      map[string]orgSummaryModel{"o1": acme(2, map[string]int64{"Critical": 1, "Low": 1})}},
			maxTotal: 1,
			summary:  "Compliance gate failed: 2 matching AROs in Acme, max_total is 1",
			whole: `2 AROs match the filter type Action, organization Acme, created at or after 2025-12-16T12:00:00Z (since = "30 days"); max_total is 1.

By severity: 1 Critical, 1 Low.

Oldest: created 2026-01-14T10:30:00Z, 1 day 1 hour ago.

Without a creation time (age unknown): 1.`,
		},
		{
			name:   "one organization by name, one ARO",
			filter: aroFilterModel{Org: types.StringValue("acm")},
			m: aroSummaryModel{Total: 1, SeverityCounts: map[string]int64{"": 1}, WithoutCreation: 1,
				Organizations: map[string]orgSummaryModel{"o1": acme(1, map[string]int64{"": 1})}},
			summary: "Compliance gate failed: 1 matching ARO in Acme, max_total is 0",
			whole: `1 ARO matches the filter organization Acme; max_total is 0.

By severity: 1 without a severity.

Without a creation time (age unknown): 1.`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, diags := tc.filter.typedQuery(summaryFilterScope, types.StringNull(), now)
			if diags.HasError() {
				t.Fatal(diags)
			}
			d := gateFailure(q, tc.m, tc.maxTotal, now)
			if d.Summary() != tc.summary {
				t.Errorf("summary\n%s\nwant\n%s", d.Summary(), tc.summary)
			}
			if d.Detail() != tc.whole {
				t.Errorf("message\n%s\nwant\n%s", d.Detail(), tc.whole)
			}
		})
	}
}
