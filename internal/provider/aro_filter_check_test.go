package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// ---- the diagnostics of every read, as terraform received them ----------------

const unappliedSummary = "The FES Portal did not apply the filter"

// readRecorder keeps the diagnostics of every data source read served by
// the provider of recordingFactories, by data source name.
type readRecorder struct {
	mu    sync.Mutex
	reads map[string][][]*tfprotov6.Diagnostic
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *readRecorder
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.mu.Lock()
		s.rec.reads[req.TypeName] = append(s.rec.reads[req.TypeName], resp.Diagnostics)
		s.rec.mu.Unlock()
	}
	return resp, err
}

func newReadRecorder() *readRecorder {
	return &readRecorder{reads: map[string][][]*tfprotov6.Diagnostic{}}
}

// testCase is testCase with the provider served as main.go does, every
// read's diagnostics kept in r.
func (r *readRecorder) testCase(steps ...resource.TestStep) resource.TestCase {
	f := map[string]func() (tfprotov6.ProviderServer, error){
		"covalence": func() (tfprotov6.ProviderServer, error) { return recordingServer{NewServer("test")(), r}, nil },
	}
	return resource.TestCase{ProtoV6ProviderFactories: f, Steps: steps}
}

// expectWarnings checks that every read of typeName had exactly one
// unapplied-filter warning naming each of params (none when params is nil)
// and saying how many AROs were dropped (when dropped >= 0).
func (r *readRecorder) expectWarnings(typeName string, params []string, dropped int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	reads := r.reads[typeName]
	if len(reads) == 0 {
		return fmt.Errorf("%s was never read", typeName)
	}
	for i, diags := range reads {
		var found []*tfprotov6.Diagnostic
		for _, d := range diags {
			if d.Summary == unappliedSummary {
				found = append(found, d)
			}
		}
		if params == nil {
			if len(found) > 0 {
				return fmt.Errorf("%s read %d: a warning from a portal that applies its filters: %s", typeName, i, found[0].Detail)
			}
			continue
		}
		if len(found) != 1 || found[0].Severity != tfprotov6.DiagnosticSeverityWarning {
			return fmt.Errorf("%s read %d: %d unapplied-filter diagnostics, want one warning: %v", typeName, i, len(found), diags)
		}
		detail := found[0].Detail
		name := "parameter " + params[0]
		if len(params) > 1 {
			name = "parameters " + strings.Join(params, ", ")
		}
		wants := []string{"did not apply the query " + name + ":", "this answer is right", "fetched more than it needed"}
		if dropped >= 0 {
			wants = append(wants, fmt.Sprintf("returned %d AROs", dropped))
		}
		for _, want := range wants {
			if !strings.Contains(detail, want) {
				return fmt.Errorf("%s read %d: the warning lacks %q: %s", typeName, i, want, detail)
			}
		}
	}
	return nil
}

// ---- the cases: one parameter ignored in turn, then all seven -------------------

// filterCase is a filter as configured, as the test applies it to the
// mock's data, and the portal parameters it sends.
type filterCase struct {
	name   string
	config string // inside covalence_aros and covalence_aro_summary
	f      summaryFilter
	id     string // covalence_aros and covalence_aro only
	params []string
}

func filterCases(d *mockportal.Data) []filterCase {
	org := d.Orgs[1]
	since, until := testNow.Add(-30*24*time.Hour), testNow.Add(-20*24*time.Hour)
	rfc := func(t time.Time) string { return t.Format(time.RFC3339) }
	// One ARO of org with every filtered field set, for the id and
	// all-seven cases.
	var one mockportal.ARO
	for _, a := range d.AROs {
		if a.Organization != nil && a.Organization.ID == org.ID && a.Status != "" && a.CreationTime != "" {
			one = a
			break
		}
	}
	created, err := time.Parse(mockportal.TimeLayout, one.CreationTime)
	if err != nil {
		panic(err)
	}
	return []filterCase{
		{"organization_id", fmt.Sprintf("org = %q", org.Name), summaryFilter{orgID: org.ID}, "", []string{"organization_id"}},
		{"status", `status = "Open"`, summaryFilter{status: "Open"}, "", []string{"status"}},
		{"resolution", `resolution = "Unresolved"`, summaryFilter{resolution: "Unresolved"}, "", []string{"resolution"}},
		{"type", `type = "Recommendation"`, summaryFilter{typ: "Recommendation"}, "", []string{"type"}},
		{"since", fmt.Sprintf("since = %q", rfc(since)), summaryFilter{since: &since}, "", []string{"since"}},
		{"until", fmt.Sprintf("until = %q", rfc(until)), summaryFilter{until: &until}, "", []string{"until"}},
		{"id", "", summaryFilter{}, one.ID, []string{"id"}},
		{"all", fmt.Sprintf("organization_id = %q\n  status = %q\n  resolution = %q\n  type = %q\n  since = %q\n  until = %q",
			org.ID, one.Status, one.Resolution, one.Type, rfc(created.Add(-time.Hour)), rfc(created)),
			summaryFilter{orgID: org.ID, status: one.Status, resolution: one.Resolution, typ: one.Type,
				since: new(created.Add(-time.Hour)), until: &created},
			one.ID, mockportal.AROFilterParams},
	}
}

// config is the three data sources of c, named after it.
func (c filterCase) hcl() string {
	var b strings.Builder
	aros := c.config
	if c.id != "" {
		aros += fmt.Sprintf("\n  id = %q", c.id)
	}
	fmt.Fprintf(&b, "data \"covalence_aros\" %q {\n  %s\n}\n", c.name, aros)
	if c.name != "id" { // the summary has no id filter
		fmt.Fprintf(&b, "data \"covalence_aro_summary\" %q {\n  %s\n}\n", c.name, c.config)
	}
	if c.id != "" {
		fmt.Fprintf(&b, "data \"covalence_aro\" %q {\n  id = %q\n}\n", c.name, c.id)
	}
	return b.String()
}

// checks are the right answers of c over the mock's data, whatever the
// portal applies: the AROs and counts a portal applying the filter gives.
func (c filterCase) checks(t *testing.T, d *mockportal.Data) []statecheck.StateCheck {
	t.Helper()
	w := expectSummary(d, c.f)
	var ids []knownvalue.Check
	for _, id := range w.matchedIDs {
		if c.id == "" || id == c.id {
			ids = append(ids, str(id))
		}
	}
	if len(ids) == 0 || len(ids) == len(d.AROsOf(d.MyProviders[0].ID)) {
		t.Fatalf("%s keeps %d AROs: the case proves nothing", c.name, len(ids))
	}
	aros := "data.covalence_aros." + c.name
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(aros, tfjsonpath.New("total"), knownvalue.Int64Exact(int64(len(ids)))),
		statecheck.ExpectKnownValue(aros, tfjsonpath.New("aros"), knownvalue.ListExact(idObjects(ids))),
	}
	if c.name != "id" {
		checks = append(checks, w.checks("data.covalence_aro_summary."+c.name)...)
	}
	if c.id != "" {
		checks = append(checks, statecheck.ExpectKnownValue("data.covalence_aro."+c.name, tfjsonpath.New("id"), str(c.id)))
	}
	return checks
}

func idObjects(ids []knownvalue.Check) []knownvalue.Check {
	out := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		out[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": id})
	}
	return out
}

// dropped is how many AROs a portal ignoring c's parameters sends beyond
// the right answer of covalence_aros (withID) or covalence_aro_summary.
func (c filterCase) dropped(d *mockportal.Data, withID bool) int {
	all := len(d.AROsOf(d.MyProviders[0].ID))
	if withID && c.id != "" {
		return all - 1
	}
	return all - len(expectSummary(d, c.f).matchedIDs)
}

// filterEstate is a generated estate with null and undocumented values
// (oddAROs), served with nulls as JSON null.
func filterEstate(t *testing.T) (*mockportal.Data, *mockportal.Server, string) {
	d := oddEstate(31, 5, 300)
	s, url := nullingMock(t, d, mockportal.Options{PageCap: 40})
	return d, s, url
}

func ignoring(s *mockportal.Server, params []string, totalDelta int) {
	s.SetFault(func(e mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
		if e == mockportal.EndpointAROs {
			return &mockportal.Fault{IgnoreParams: params, TotalDelta: totalDelta}
		}
		return nil
	})
}

// TestAccFilterChecks_portalIgnoresParameters: against a portal that
// ignores one filter parameter (each in turn, then all seven), the three
// ARO data sources give the answers a portal applying it gives, computed
// from the mock's data, with one warning per read naming the parameter and
// the number of AROs dropped. Nulls are under every filter: the estate has
// AROs whose status, resolution, type, creation_time and organization are null.
func TestAccFilterChecks_portalIgnoresParameters(t *testing.T) {
	for _, fast := range []bool{true, false} {
		for _, c := range filterCases(oddEstate(31, 5, 300)) {
			if !fast && c.name != "all" && c.name != "organization_id" {
				continue // the framework path: two cases suffice, the check is shared
			}
			t.Run(fmt.Sprintf("%s/fast=%v", c.name, fast), func(t *testing.T) {
				if !fast {
					t.Setenv(EnvDisableFastPath, "1")
				}
				d, s, url := filterEstate(t)
				ignoring(s, c.params, 0)
				rec := newReadRecorder()
				resource.Test(t, rec.testCase(resource.TestStep{
					Config:            providerBlock(url, "") + c.hcl(),
					ConfigStateChecks: c.checks(t, d),
					Check: func(*terraformState) error {
						if err := rec.expectWarnings("covalence_aros", c.params, c.dropped(d, true)); err != nil {
							return err
						}
						if c.name != "id" {
							// The summary has no id: the all-seven case sends six.
							params := c.params
							if c.name == "all" {
								params = params[:len(params)-1]
							}
							if err := rec.expectWarnings("covalence_aro_summary", params, c.dropped(d, false)); err != nil {
								return err
							}
						}
						if c.id != "" {
							// covalence_aro stops at the page with its ARO: no count.
							return rec.expectWarnings("covalence_aro", []string{"id"}, -1)
						}
						return nil
					},
				}))
			})
		}
	}
}

// TestAccFilterChecks_normalPortal: the same configurations against a
// portal that applies its filters give the same answers and no warning.
func TestAccFilterChecks_normalPortal(t *testing.T) {
	d, _, url := filterEstate(t)
	config := providerBlock(url, "")
	var checks []statecheck.StateCheck
	for _, c := range filterCases(d) {
		config += c.hcl()
		checks = append(checks, c.checks(t, d)...)
	}
	rec := newReadRecorder()
	resource.Test(t, rec.testCase(resource.TestStep{
		Config:            config,
		ConfigStateChecks: checks,
		Check: func(*terraformState) error {
			for _, ds := range []string{"covalence_aros", "covalence_aro_summary", "covalence_aro"} {
				if err := rec.expectWarnings(ds, nil, 0); err != nil {
					return err
				}
			}
			return nil
		},
	}))
}

// TestAccFilterChecks_lyingTotalWhileIgnoring: the portal's total counts
// what it sends; a total that lies is an error while filters are ignored too.
func TestAccFilterChecks_lyingTotalWhileIgnoring(t *testing.T) {
	for _, tc := range []struct {
		ds    string
		delta int
		want  string
	}{
		{"covalence_aros", 500, `Inconsistent pagination.*total says \d+,\s+page \d+ was empty`},
		{"covalence_aro_summary", 500, `Inconsistent pagination.*total says \d+,\s+page \d+ was empty`},
		{"covalence_aro_summary", -25, `Inconsistent pagination.*distinct AROs\s+were\s+received,\s+but\s+the\s+portal's\s+total\s+said`},
	} {
		t.Run(fmt.Sprintf("%s/%+d", tc.ds, tc.delta), func(t *testing.T) {
			_, s, url := filterEstate(t)
			ignoring(s, []string{"status"}, tc.delta)
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "max_retries = 1") + fmt.Sprintf("data %q \"x\" {\n  status = \"Open\"\n}\n", tc.ds),
				ExpectError: regexpMust(`(?s)` + tc.want),
			}))
		})
	}
}

// TestAccFilterChecks_severityCountsAgree: on an estate with null and
// undocumented severities, covalence_aros and covalence_aro_summary give the
// same severity_counts, which add up to total (null under "").
func TestAccFilterChecks_severityCountsAgree(t *testing.T) {
	d, _, url := filterEstate(t)
	w := expectSummary(d, summaryFilter{})
	if w.all.severity[""] == 0 || w.unknownSeverity < 2 {
		t.Fatalf("the estate lacks null and undocumented severities: %v", w.all.severity)
	}
	for _, fast := range []bool{true, false} {
		t.Run(fmt.Sprintf("fast=%v", fast), func(t *testing.T) {
			if !fast {
				t.Setenv(EnvDisableFastPath, "1")
			}
			resource.Test(t, testCase(t, resource.TestStep{
				Config: providerBlock(url, "") + `
data "covalence_aros" "all" {
  include_details = false
}
data "covalence_aro_summary" "all" {}
output "sums" {
  value = [sum(values(data.covalence_aros.all.severity_counts)), sum(values(data.covalence_aro_summary.all.severity_counts))]
}
output "same" {
  value = data.covalence_aros.all.severity_counts == data.covalence_aro_summary.all.severity_counts
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("severity_counts"), countsCheck(w.all.severity)),
					statecheck.ExpectKnownValue("data.covalence_aro_summary.all", tfjsonpath.New("severity_counts"), countsCheck(w.all.severity)),
					statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("total"), knownvalue.Int64Exact(w.all.total)),
					statecheck.ExpectKnownOutputValue("sums", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.Int64Exact(w.all.total), knownvalue.Int64Exact(w.all.total),
					})),
					statecheck.ExpectKnownOutputValue("same", knownvalue.Bool(true)),
				},
			}))
		})
	}
}

// TestFilterChecksPathsAgree: through the protocol, against a portal that
// ignores every filter, the fast path and the framework path of
// covalence_aros return equal states and the same warning.
func TestFilterChecksPathsAgree(t *testing.T) {
	d, s, url := filterEstate(t)
	ignoring(s, mockportal.AROFilterParams, 0)
	_, root := arosSchemaInfo()
	for _, c := range filterCases(d) {
		set := map[string]tftypes.Value{}
		for _, line := range strings.Split(c.config, "\n") {
			if k, v, ok := strings.Cut(line, " = "); ok {
				set[strings.TrimSpace(k)] = tftypes.NewValue(tftypes.String, strings.Trim(v, `"`))
			}
		}
		if c.id != "" {
			set["id"] = tftypes.NewValue(tftypes.String, c.id)
		}
		fast := readArosProtocol(t, protocolServer(t, url, serverOptions{fastPath: true}), set)
		framework := readArosProtocol(t, protocolServer(t, url, serverOptions{fastPath: false}), set)
		fv, err1 := fast.State.Unmarshal(root.TerraformType())
		wv, err2 := framework.State.Unmarshal(root.TerraformType())
		if err1 != nil || err2 != nil || !fv.Equal(wv) {
			t.Fatalf("%s: states differ (%v, %v)", c.name, err1, err2)
		}
		if len(fast.Diagnostics) != 1 || len(framework.Diagnostics) != 1 || fast.Diagnostics[0].Detail != framework.Diagnostics[0].Detail ||
			fast.Diagnostics[0].Summary != unappliedSummary {
			t.Fatalf("%s: diagnostics %v and %v, want the same one warning", c.name, fast.Diagnostics, framework.Diagnostics)
		}
	}
}
