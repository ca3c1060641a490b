package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

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

// TestTrackRead_kindInLog: the read bracket's log line says what was read:
// an ephemeral resource's opening as an open, under ephemeral_resource, and
// a data source read as a read, under data_source; neither as the other.
func TestTrackRead_kindInLog(t *testing.T) {
	_, url := mock(t, mockportal.Generate(50, 2, 20, testNow), mockportal.Options{})
	srv := protocolServer(t, url, fastPath)
	sch, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// nullConfig is a configuration of s with every attribute null.
	nullConfig := func(s *tfprotov6.Schema) *tfprotov6.DynamicValue {
		typ, ok := s.ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("the schema is a %T", s.ValueType())
		}
		vals := map[string]tftypes.Value{}
		for k, at := range typ.AttributeTypes {
			vals[k] = tftypes.NewValue(at, nil)
		}
		dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	// readLines are the read bracket's log lines of one call.
	readLines := func(call func(context.Context) []*tfprotov6.Diagnostic) []map[string]any {
		var buf bytes.Buffer
		for _, d := range call(tflogtest.RootLogger(context.Background(), &buf)) {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s", d.Summary, d.Detail)
			}
		}
		entries, err := tflogtest.MultilineJSONDecode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[string]any
		for _, e := range entries {
			if msg, _ := e["@message"].(string); strings.HasSuffix(msg, ": requests") {
				out = append(out, e)
			}
		}
		return out
	}
	open := readLines(func(ctx context.Context) []*tfprotov6.Diagnostic {
		resp, err := srv.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{
			TypeName: "covalence_aro_summary", Config: nullConfig(sch.EphemeralResourceSchemas["covalence_aro_summary"])})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	})
	read := readLines(func(ctx context.Context) []*tfprotov6.Diagnostic {
		resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
			TypeName: "covalence_aro_summary", Config: nullConfig(sch.DataSourceSchemas["covalence_aro_summary"])})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	})
	for _, c := range []struct {
		what         string
		lines        []map[string]any
		message, key string
		otherKey     string
	}{
		{"the open", open, "ephemeral resource open: requests", "ephemeral_resource", "data_source"},
		{"the read", read, "data source read: requests", "data_source", "ephemeral_resource"},
	} {
		if len(c.lines) != 1 {
			t.Errorf("%s logged %d read lines, want 1: %v", c.what, len(c.lines), c.lines)
			continue
		}
		l := c.lines[0]
		if l["@message"] != c.message || l[c.key] != "covalence_aro_summary" || l[c.otherKey] != nil || l["@level"] != "debug" {
			t.Errorf("%s logged %v, want %q with %s = covalence_aro_summary at debug", c.what, l, c.message, c.key)
		}
	}
}
