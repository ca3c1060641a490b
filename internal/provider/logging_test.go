package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestAccLogging_clientEventsInSubsystem: the client's own events (a retry,
// a rate-limit slow-down, the read's cost) go to the covalence_http
// subsystem, masked like the HTTP lines, never to a subsystem that was not
// created (tflog marks those lines with new_logger_warning).
func TestAccLogging_clientEventsInSubsystem(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	s, url := mock(t, mockportal.Generate(5, 2, 30, testNow), mockportal.Options{PageCap: 10})
	s.SetFault(func(e mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
		switch {
		case e == mockportal.EndpointAROs && n == 1:
			return &mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"}
		case e == mockportal.EndpointAROs && n == 2:
			return &mockportal.Fault{Status: http.StatusBadGateway}
		}
		return nil
	})
	resource.Test(t, testCase(t, resource.TestStep{
		Config: providerBlock(url, "") + `data "covalence_aros" "all" {}`,
		Check: func(*terraformState) error {
			if n := s.Count(mockportal.EndpointAROs); n < 5 {
				return fmt.Errorf("%d ARO requests: the faults were not retried", n)
			}
			return nil
		},
	}))
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{"retrying request", "rate limited by the portal: slowing down", "data source read: requests"} {
		if lineWith(log, want) == "" {
			t.Errorf("no %q line in the provider log", want)
		} else if lineWith(log, "covalence.covalence_http: "+want) == "" {
			t.Errorf("%q is not in the covalence_http subsystem: %s", want, lineWith(log, want))
		}
	}
	if line := lineWith(log, "new_logger_warning"); line != "" {
		t.Errorf("a log line went to a subsystem that was never created: %s", line)
	}
	for line := range strings.SplitSeq(log, "\n") {
		if strings.Contains(line, "covalence.covalence_http") && strings.Contains(line, testAPIKey) {
			t.Errorf("the API key is in the provider's log: %s", line)
		}
	}
	read := lineWith(log, "data source read: requests")
	for _, field := range []string{"data_source=covalence_aros", "rate_limited=1", "retries=2", "requests=", "wait_ms=", "rate_limit_wait_ms="} {
		if !strings.Contains(read, field) {
			t.Errorf("the read's log line lacks %s: %s", field, read)
		}
	}
}

func lineWith(log, s string) string {
	for line := range strings.SplitSeq(log, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}
