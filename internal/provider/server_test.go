package provider

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/covalence-oss/terraform-provider-covalence/internal/mockportal"
)

// protocolServer is the provider served as main.go serves it, configured
// for url through the protocol, as terraform would.
func protocolServer(tb testing.TB, url string) tfprotov6.ProviderServer {
	tb.Helper()
	ctx := context.Background()
	s := NewServer("test")()
	sch, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(sch.Diagnostics) > 0 {
		tb.Fatalf("schema: %v %v", err, sch.Diagnostics)
	}
	typ := sch.Provider.ValueType()
	vals := map[string]tftypes.Value{}
	obj, ok := typ.(tftypes.Object)
	if !ok {
		tb.Fatalf("the provider schema is a %T", typ)
	}
	for k, t := range obj.AttributeTypes {
		vals[k] = tftypes.NewValue(t, nil)
	}
	vals["api_key"] = tftypes.NewValue(tftypes.String, testAPIKey)
	vals["base_url"] = tftypes.NewValue(tftypes.String, url)
	cfg, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg, TerraformVersion: "1.11.0"})
	if err != nil || len(resp.Diagnostics) > 0 {
		tb.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	return s
}

// readArosProtocol reads covalence_aros with the given configuration values.
func readArosProtocol(tb testing.TB, s tfprotov6.ProviderServer, set map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	tb.Helper()
	_, root := arosSchemaInfo()
	vals := map[string]tftypes.Value{}
	for _, k := range root.Keys() {
		vals[k] = tftypes.NewValue(root.Attr(k).TerraformType(), nil)
	}
	for k, v := range set {
		vals[k] = v
	}
	cfg, err := tfprotov6.NewDynamicValue(root.TerraformType(), tftypes.NewValue(root.TerraformType(), vals))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: arosTypeName, Config: &cfg})
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("read: %s: %s", d.Summary, d.Detail)
		}
	}
	return resp
}

// TestProtocolPathsAgree: through the protocol, the fast path and the
// framework path return equal states and the same diagnostics.
func TestProtocolPathsAgree(t *testing.T) {
	d := mockportal.Generate(9, 6, 700, testNow)
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: testAPIKey, PageCap: 60, PageBase: 1}))
	defer srv.Close()
	_, root := arosSchemaInfo()
	configs := []map[string]tftypes.Value{
		{},
		{"limit": tftypes.NewValue(tftypes.Number, 25), "include_details": tftypes.NewValue(tftypes.Bool, false)},
		{"min_severity": tftypes.NewValue(tftypes.String, "High"), "org": tftypes.NewValue(tftypes.String, "globex")},
		{"query": tftypes.NewValue(tftypes.String, "status=Closed&since=60 days")},
		{"id": tftypes.NewValue(tftypes.String, d.AROs[3].ID)},
	}
	for i, set := range configs {
		fast := readArosProtocol(t, protocolServer(t, srv.URL), set)
		t.Setenv(EnvDisableFastPath, "1")
		framework := readArosProtocol(t, protocolServer(t, srv.URL), set)
		t.Setenv(EnvDisableFastPath, "")
		fv, err := fast.State.Unmarshal(root.TerraformType())
		if err != nil {
			t.Fatalf("config %d: fast state: %v", i, err)
		}
		wv, err := framework.State.Unmarshal(root.TerraformType())
		if err != nil {
			t.Fatalf("config %d: framework state: %v", i, err)
		}
		if !fv.Equal(wv) {
			diffs, _ := fv.Diff(wv)
			t.Fatalf("config %d: states differ in %d places, first %v", i, len(diffs), diffs[0])
		}
		var attrs map[string]tftypes.Value
		_ = fv.As(&attrs)
		var items []tftypes.Value
		_ = attrs["aros"].As(&items)
		if i == 0 && len(items) < 500 {
			t.Fatalf("config %d: only %d AROs read", i, len(items))
		}
		if len(fast.Diagnostics) != len(framework.Diagnostics) {
			t.Fatalf("config %d: diagnostics differ: %v vs %v", i, fast.Diagnostics, framework.Diagnostics)
		}
	}
}

// BenchmarkReadAROs reads 20,000 AROs through the protocol from a mock with
// no latency: the plugin-side cost of each read path.
func BenchmarkReadAROs(b *testing.B) {
	d := mockportal.Generate(1, 20, 20000, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(mockportal.New(d, mockportal.Options{APIKey: testAPIKey, PageCap: 100, PageBase: 1}))
	defer srv.Close()
	for _, path := range []string{"fast", "framework"} {
		b.Run(path, func(b *testing.B) {
			if path == "framework" {
				b.Setenv(EnvDisableFastPath, "1")
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s := protocolServer(b, srv.URL)
				resp := readArosProtocol(b, s, nil)
				b.ReportMetric(float64(len(resp.State.MsgPack))/1e6, "MB-state")
			}
		})
	}
}
