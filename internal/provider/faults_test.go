package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// faultOn makes the first n requests to an endpoint answer with f.
func faultOn(s *mockportal.Server, e mockportal.Endpoint, n int, f mockportal.Fault) {
	s.SetFault(func(endpoint mockportal.Endpoint, i int, _ *http.Request) *mockportal.Fault {
		if endpoint == e && i <= n {
			return &f
		}
		return nil
	})
}

func TestAccFaults_429BurstSurvived(t *testing.T) {
	s, url := mock(t, mockportal.Generate(2, 3, 120, testNow), mockportal.Options{PageCap: 10})
	faultOn(s, mockportal.EndpointAROs, 4, mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_aros" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_aros.all", tfjsonpath.New("total"), knownvalue.Int64Exact(120)),
		},
		Check: func(*terraformState) error {
			if n := s.Count(mockportal.EndpointAROs); n < 12+4 {
				return fmt.Errorf("%d ARO requests: the 429s were not retried", n)
			}
			return nil
		},
	}))
}

func TestAccFaults_503BurstSurvived(t *testing.T) {
	s, url := fixtureMock(t)
	faultOn(s, mockportal.EndpointOrganizations, 2, mockportal.Fault{Status: http.StatusServiceUnavailable, Body: "maintenance"})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_orgs" "all" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.covalence_orgs.all", tfjsonpath.New("orgs"), knownvalue.ListSizeExact(4)),
		},
	}))
}

func TestAccFaults_errors(t *testing.T) {
	cases := []struct {
		name  string
		fault mockportal.Fault
		want  string
	}{
		{"persistent 500", mockportal.Fault{Status: 500, Body: "database on fire"},
			`(?s)FES Portal server error \(HTTP 500\).*HTTP 500 Internal Server Error on GET.*providers/prov-0001/aros\?limit=500 \(2 attempts\): database on fire`},
		{"garbage body", mockportal.Fault{Body: "<html>not json</html>"},
			`(?s)Undecodable answer.*GET providers/prov-0001/aros.*byte offset 1`},
		{"truncated body", mockportal.Fault{Truncate: true},
			`(?s)Undecodable answer.*truncated`},
		{"lying total", mockportal.Fault{TotalDelta: 1000},
			`(?s)Inconsistent pagination.*total says 1002,\s+page \d+ was empty after 2 AROs`},
		{"403", mockportal.Fault{Status: 403},
			`(?s)The API key lacks access.*providers/prov-0001/aros`},
		{"dropped connection", mockportal.Fault{Drop: true},
			`(?s)Could not reach the FES Portal.*providers/prov-0001/aros.*2 attempts`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, url := fixtureMock(t)
			f := c.fault
			s.SetFault(func(e mockportal.Endpoint, _ int, _ *http.Request) *mockportal.Fault {
				if e == mockportal.EndpointAROs {
					return &f
				}
				return nil
			})
			resource.Test(t, testCase(t, resource.TestStep{
				Config:      providerBlock(url, "max_retries = 1") + `data "covalence_aros" "all" {}`,
				ExpectError: regexpMust(c.want),
			}))
		})
	}
}

// TestAccSecrets_keyAbsentFromLogsAndState reads with TF_LOG=TRACE captured
// and checks the API key appears in no log line and no state value.
func TestAccSecrets_keyAbsentFromLogsAndState(t *testing.T) {
	logDir := os.Getenv("KEEP_LOG_DIR")
	if logDir == "" {
		logDir = t.TempDir()
	}
	logFile := filepath.Join(logDir, "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	s, url := fixtureMock(t)
	// The key comes from the environment: the test harness logs the
	// configuration it writes, so a key in it would be in the log anyway.
	t.Setenv(EnvAPIKey, testAPIKey)
	// An error body that echoes the key must not carry it into diagnostics either.
	s.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		if e == mockportal.EndpointOrganization {
			return &mockportal.Fault{Status: 500, Body: "bad token " + testAPIKey}
		}
		return nil
	})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "covalence" {
  base_url = %q
}
data "covalence_orgs" "all" {}
data "covalence_aros" "all" {
  org = "capsule"
}
`, url),
		Check: func(st *terraformState) error {
			for name, r := range st.RootModule().Resources {
				for k, v := range r.Primary.Attributes {
					if strings.Contains(v, testAPIKey) {
						return fmt.Errorf("API key in state at %s.%s", name, k)
					}
				}
			}
			return nil
		},
	}))
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("reading the TRACE log: %v", err)
	}
	text := string(logs)
	for _, want := range []string{"FES Portal request", "FES Portal response body", "Authorization:***"} {
		if !strings.Contains(text, want) {
			t.Errorf("TRACE log lacks %q (%d bytes captured): logging is not wired", want, len(text))
		}
	}
	if strings.Contains(text, testAPIKey) {
		i := strings.Index(text, testAPIKey)
		t.Errorf("API key found in TRACE log: …%s…", text[max(0, i-200):min(len(text), i+50)])
	}
}

// TestReadBeforeConfigure: a data source read without a configured provider
// gives a diagnostic, not a nil dereference, on both read paths.
func TestReadBeforeConfigure(t *testing.T) {
	ctx := context.Background()
	for _, ds := range []datasource.DataSource{newOrgsDataSource(), newArosDataSource()} {
		var sr datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
		typ := sr.Schema.Type().TerraformType(ctx)
		resp := datasource.ReadResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
		ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}, &resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Summary(), "not configured") {
			t.Errorf("%T: diagnostics %v, want 'Provider not configured'", ds, resp.Diagnostics)
		}
	}
	srv := NewServer("test")()
	_, root := arosSchemaInfo()
	vals := map[string]tftypes.Value{}
	for _, k := range root.Keys() {
		vals[k] = tftypes.NewValue(root.Attr(k).TerraformType(), nil)
	}
	cfg, err := tfprotov6.NewDynamicValue(root.TerraformType(), tftypes.NewValue(root.TerraformType(), vals))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: arosTypeName, Config: &cfg})
	if err != nil || len(resp.Diagnostics) == 0 || !strings.Contains(resp.Diagnostics[0].Summary, "not configured") || resp.State != nil {
		t.Errorf("fast path before configure: err %v, diagnostics %+v", err, resp.Diagnostics)
	}
}

func TestAccFaults_requestTimeout(t *testing.T) {
	s, url := fixtureMock(t)
	faultOn(s, mockportal.EndpointAROs, 1000, mockportal.Fault{Latency: 5 * time.Second})
	// The message names the limit the client enforced (the default is 30s);
	// the client's TestPerRequestTimeout shows, on a fake clock, that the
	// attempts end at that limit.
	resource.Test(t, testCase(t, resource.TestStep{
		Config:      providerBlock(url, "request_timeout = \"300ms\"\nmax_retries = 1") + `data "covalence_aros" "all" {}`,
		ExpectError: regexpMust(`(?s)Could not reach the FES Portal.*providers/prov-0001/aros.*2 attempts.*no answer within\s+the\s+request\s+timeout\s+of\s+300ms`),
	}))
}
