package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// fanOutConfig reads every organization's AROs, one covalence_aros per
// organization, as an MSSP pipeline does. Pipelines use for_each (as
// scripts/bench-fanout.sh does); here count, since terraform-plugin-testing
// cannot read a state with for_each keys.
const fanOutConfig = `
data "covalence_orgs" "all" {}

data "covalence_aros" "org" {
  count           = length(data.covalence_orgs.all.orgs)
  organization_id = data.covalence_orgs.all.orgs[count.index].id
}
`

// fanOutData is an estate of 100 organizations with a few AROs each (one or
// two 10-item pages per organization).
func fanOutData() *mockportal.Data {
	return mockportal.Generate(11, 100, 500, testNow)
}

// stateCheck is a statecheck.StateCheck made of a function (the legacy
// Check functions do not support for_each).
type stateCheck func(*tfjson.State) error

func (f stateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	resp.Error = f(req.State)
}

// checkFanOut checks that every organization's read holds exactly its AROs.
func checkFanOut(d *mockportal.Data) stateCheck {
	want := map[string][]string{}
	for _, o := range d.Orgs {
		want[o.ID] = []string{}
	}
	for _, a := range d.AROs {
		if a.Organization != nil {
			want[a.Organization.ID] = append(want[a.Organization.ID], a.ID)
		}
	}
	return func(s *tfjson.State) error {
		got := map[string][]string{}
		for _, r := range s.Values.RootModule.Resources {
			if r.Mode != tfjson.DataResourceMode || r.Type != "covalence_aros" || r.Name != "org" {
				continue
			}
			org, _ := r.AttributeValues["organization_id"].(string)
			aros, _ := r.AttributeValues["aros"].([]any)
			ids := []string{}
			for _, a := range aros {
				m, _ := a.(map[string]any)
				id, _ := m["id"].(string)
				ids = append(ids, id)
			}
			if total := fmt.Sprint(r.AttributeValues["total"]); total != strconv.Itoa(len(ids)) {
				return fmt.Errorf("%s: total %s, %d AROs", r.Address, total, len(ids))
			}
			got[org] = ids
		}
		if len(got) != len(want) {
			return fmt.Errorf("%d organizations read, want %d", len(got), len(want))
		}
		for org, ids := range want {
			g := slices.Clone(got[org])
			slices.Sort(g)
			slices.Sort(ids)
			if !slices.Equal(g, ids) {
				return fmt.Errorf("organization %s: %d AROs, want its %d", org, len(g), len(ids))
			}
		}
		return nil
	}
}

// TestAccFanOut_inFlightLimit: a portal that answers 429 (Retry-After: 1) to
// any request beyond 4 in flight serves the whole fan-out, every answer
// right, although Terraform reads 10 data sources at once with 8 requests
// each allowed.
func TestAccFanOut_inFlightLimit(t *testing.T) {
	d := fanOutData()
	s, url := mock(t, d, mockportal.Options{PageCap: 10, Latency: 5 * time.Millisecond,
		Limits: mockportal.Limits{MaxInFlight: 4, RetryAfter: "1"}})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fanOutConfig,
		ConfigStateChecks: []statecheck.StateCheck{checkFanOut(d), stateCheck(func(*tfjson.State) error {
			st := s.Stats()
			if st.Refused == 0 {
				return fmt.Errorf("no request was refused: the test did not exercise the limit (%+v)", st)
			}
			if st.MaxInFlight > 4 {
				return fmt.Errorf("%d requests served at once with a limit of 4", st.MaxInFlight)
			}
			return nil
		})},
	}))
}

// TestAccFanOut_tokenBucket: a portal allowing 20 requests per second
// serves the whole fan-out.
func TestAccFanOut_tokenBucket(t *testing.T) {
	d := fanOutData()
	s, url := mock(t, d, mockportal.Options{PageCap: 10,
		Limits: mockportal.Limits{PerSecond: 20, RetryAfter: "1"}})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + fanOutConfig,
		ConfigStateChecks: []statecheck.StateCheck{checkFanOut(d), stateCheck(func(*tfjson.State) error {
			if st := s.Stats(); st.Refused == 0 {
				return fmt.Errorf("no request was refused: the test did not exercise the bucket (%+v)", st)
			}
			return nil
		})},
	}))
}

// TestAccFanOut_refuseAll: a portal that answers 429 to everything fails the
// run once it has refused every request for the rate-limit timeout
// (2 minutes; shortened here), with a diagnostic that says how many were
// refused, for how long, and names the settings to change.
func TestAccFanOut_refuseAll(t *testing.T) {
	const bound = 3 * time.Second
	saved := rateLimitTimeout
	rateLimitTimeout = bound
	t.Cleanup(func() { rateLimitTimeout = saved })
	s, url := mock(t, mockportal.Generate(12, 3, 30, testNow), mockportal.Options{
		Limits: mockportal.Limits{RefuseAll: true, RetryAfter: "1"}})
	start := time.Now()
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_aros" "all" {}`,
		ExpectError: regexp.MustCompile(`(?s)Rate limited by the FES Portal.*refused\s+every\s+request\s+for\s+3s\s+\(\d+\s+refused\s+with\s+HTTP\s+429` +
			`.*max_parallel_requests.*requests_per_second`),
	}))
	if el := time.Since(start); el < bound || el > bound+30*time.Second {
		t.Errorf("the run ended after %v, want soon after the %v bound", el, bound)
	}
	if st := s.Stats(); st.Refused != st.Requests || st.Requests < 2 || st.Requests > 20 {
		t.Errorf("portal stats %+v: want a few refused requests, held back by the pauses", st)
	}
}

// TestAccProvider_requestsPerSecond: requests_per_second spaces requests
// below a portal's bucket, from the attribute or the environment.
func TestAccProvider_requestsPerSecond(t *testing.T) {
	d := mockportal.Generate(13, 4, 120, testNow)
	for name, extra := range map[string]string{"attribute": "requests_per_second = 5", "env": ""} {
		t.Run(name, func(t *testing.T) {
			if extra == "" {
				t.Setenv(EnvRequestsPerSecond, "5")
			}
			// A bucket of two, refilled at 15/s: unspaced pages (8 in flight) would
			// be refused; pages spaced at 5/s leave room for a loaded machine's
			// jitter in when they arrive.
			s, url := mock(t, d, mockportal.Options{PageCap: 10,
				Limits: mockportal.Limits{PerSecond: 15, Burst: 2, RetryAfter: "1"}})
			start := time.Now()
			resource.Test(t, testCase(t, resource.TestStep{
				Config: providerBlock(url, extra) + `data "covalence_aros" "all" {}`,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.covalence_aros.all", "total", "120"),
					func(*terraformState) error {
						if st := s.Stats(); st.Refused != 0 {
							return fmt.Errorf("%d of %d requests refused at 5/s against a 15/s bucket", st.Refused, st.Requests)
						}
						return nil
					}),
			}))
			// 12 pages and the provider lookup, at most 5 a second.
			if el := time.Since(start); el < 2*time.Second {
				t.Errorf("the read took %v, faster than 5 requests per second", el)
			}
		})
	}
}

func TestAccProvider_requestsPerSecondValidation(t *testing.T) {
	_, url := fixtureMock(t)
	for _, bad := range []string{"0", "-1", "100000"} {
		t.Run("attribute="+bad, func(t *testing.T) {
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "requests_per_second = "+bad) + `data "covalence_orgs" "all" {}`,
				ExpectError: regexp.MustCompile(`(?s)requests_per_second\s+value\s+must\s+be\s+between\s+0\.01`),
			}))
		})
	}
	for _, bad := range []string{"fast", "0", "NaN", "1e9"} {
		t.Run("env="+bad, func(t *testing.T) {
			t.Setenv(EnvRequestsPerSecond, bad)
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "") + `data "covalence_orgs" "all" {}`,
				ExpectError: regexp.MustCompile(`(?s)` + EnvRequestsPerSecond + `.*requests_per_second\s+must\s+be\s+a\s+number\s+from\s+0\.01\s+to\s+10000`),
			}))
		})
	}
}
