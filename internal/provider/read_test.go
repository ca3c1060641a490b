package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/covalence-oss/terraform-provider-covalence/internal/covalence"
	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// TestTrackReadWarnsOncePerConfiguration: reads that waited longer than
// rateLimitWarnAfter on rate limits give one warning per provider
// configuration, naming requests_per_second; other reads give none.
func TestTrackReadWarnsOncePerConfiguration(t *testing.T) {
	saved := rateLimitWarnAfter
	rateLimitWarnAfter = 500 * time.Millisecond
	t.Cleanup(func() { rateLimitWarnAfter = saved })

	s := mockportal.New(mockportal.FixtureData(), mockportal.Options{APIKey: testAPIKey})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	client, err := covalence.New(covalence.Config{BaseURL: srv.URL + "/v1", APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	pd := &providerData{client: client, log: tflogLogger{secret: testAPIKey}}
	read := func(refuse bool) diag.Diagnostics {
		s.ResetRequests()
		s.SetFault(func(_ mockportal.Endpoint, n int, _ *http.Request) *mockportal.Fault {
			if refuse && n == 1 {
				return &mockportal.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
			}
			return nil
		})
		ctx, end := pd.trackRead(context.Background(), readDataSource, "covalence_orgs")
		if _, err := client.Providers(ctx); err != nil {
			t.Fatal(err)
		}
		return end()
	}
	if d := read(false); len(d) != 0 {
		t.Errorf("a read without rate limiting: %v", d)
	}
	d := read(true)
	if len(d) != 1 || d[0].Severity() != diag.SeverityWarning {
		t.Fatalf("a read that waited 1s on a rate limit: %v, want one warning", d)
	}
	for _, want := range []string{"covalence_orgs", "waited 1s", "1 of its 2 requests", "requests_per_second", EnvRequestsPerSecond} {
		if !strings.Contains(d[0].Summary()+d[0].Detail(), want) {
			t.Errorf("the warning lacks %q: %s: %s", want, d[0].Summary(), d[0].Detail())
		}
	}
	if d := read(true); len(d) != 0 {
		t.Errorf("a second rate-limited read of the same configuration: %v, want no second warning", d)
	}
}
